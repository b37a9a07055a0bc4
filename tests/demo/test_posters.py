"""Posters: drawn with Pillow for demo content, rendered as responsive <picture>s."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from review_pages.models import ReviewPage
from reviewsite.posters import make_poster_image

pytestmark = pytest.mark.django_db


def test_make_poster_image_saves_a_wagtail_image_of_the_film():
    image = make_poster_image("The Lantern Keeper", tagline="A slow burn")
    assert image.pk is not None
    assert image.title == "Poster for The Lantern Keeper"
    assert (image.width, image.height) == (600, 900)
    assert image.file_size > 1000 and len(image.file_hash) == 40
    with image.open_file() as handle:
        drawn = PILImage.open(io.BytesIO(handle.read()))
        assert drawn.format == "PNG"
        assert drawn.size == (600, 900)
        # Not a blank card: the title is drawn in a second colour.
        assert len(drawn.getcolors(maxcolors=100_000)) > 2


def test_posters_of_different_films_differ_and_long_titles_fit():
    first = make_poster_image("A")
    second = make_poster_image("A Very Long Film Title That Goes On " * 5)
    assert first.file.name != second.file.name
    assert second.width == 600


def test_review_page_renders_the_poster_as_a_responsive_picture(client, make_review):
    review = make_review(film_title="Tidewater", poster=make_poster_image("Tidewater"))
    html = client.get(review.url).content.decode()
    picture = html[html.index("<picture") : html.index("</picture>")]
    assert 'type="image/webp"' in picture
    assert "srcset=" in picture and " 480w" in picture
    assert 'alt="Poster for Tidewater"' in picture
    assert 'width="240"' in picture and 'height="360"' in picture
    assert ".jpg" in picture  # the fallback <img> is a JPEG
    # Social cards carry the poster too.
    assert '<meta property="og:image" content="http://localhost/' in html  # the Site record
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_review_without_poster_has_no_picture_and_a_summary_card(client, make_review):
    html = client.get(make_review(film_title="Posterless").url).content.decode()
    assert "<picture" not in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_front_page_cards_show_posters_with_constant_queries(client, make_review):
    def queries():
        client.get("/")  # the first visit makes the renditions
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/").content.decode()
        return len(captured), html

    make_review(film_title="Card One", poster=make_poster_image("Card One"))
    few, html = queries()
    assert 'alt="Poster for Card One"' in html and 'type="image/webp"' in html
    for number in range(2, 6):
        make_review(film_title=f"Card {number}", poster=make_poster_image(f"Card {number}"))
    many, html = queries()
    assert html.count("<picture") == 5
    assert many == few


def test_make_demo_posters_fills_in_missing_posters_only(make_review):
    own = make_poster_image("Kept")
    kept = make_review(film_title="Kept", poster=own)
    bare = make_review(film_title="Bare")
    draft = make_review(film_title="Draft Only", live=False)
    draft.save_revision()
    out = io.StringIO()
    call_command("make_demo_posters", stdout=out)
    assert "Made 2 posters." in out.getvalue()
    assert ReviewPage.objects.get(pk=kept.pk).poster_id == own.pk
    assert ReviewPage.objects.get(pk=bare.pk).poster.title == "Poster for Bare"
    draft = ReviewPage.objects.get(pk=draft.pk)
    assert draft.poster is not None
    # The latest revision has it too, so publishing the draft keeps the poster.
    assert draft.latest_revision.as_object().poster_id == draft.poster_id
    out = io.StringIO()
    call_command("make_demo_posters", stdout=out)
    assert "Made 0 posters." in out.getvalue()
