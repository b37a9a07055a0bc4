"""Trailers and stills: a trailer address is checked and reduced to a video id; the page
shows a click-to-play facade that loads nothing from the video host; stills with alt text
and captions; both APIs; the importer's `Trailer:` line."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from review_pages.importing.parser import ReviewFormatError, parse_review
from review_pages.importing.writer import ReviewImporter
from review_pages.models import ReviewPage
from review_pages.trailers import PLAYER_ORIGINS, TrailerURLError, parse_trailer_url
from tests.support.admin_forms import COMPLETE_SECTIONS, add_url, review_form_data
from tests.support.api_support import count_queries
from tests.support.factories import add_stills, publish
from tests.support.images import make_image, make_poster
from tests.support.importing import review_text

YOUTUBE_ID = "dQw4w9WgXcQ"
STATIC = Path(__file__).resolve().parents[2] / "review_pages" / "static" / "review_pages"
METADATA = (
    "MPA Rating: PG (mild peril.)\n\nRuntime: 98 minutes\n\n"
    "Production Company: Gearwheel Films\n\nDistributor: Tock Pictures\n\n"
    "Director: Hal Benn\n\nWriter: Hal Benn\n\nCast: Mirela Stone, Oskar Lute\n\n"
    "Release Date: June 6, 2025"
)


# Addresses


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://youtube.com/watch?feature=share&v={YOUTUBE_ID}&t=10s",
        f"http://m.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://youtu.be/{YOUTUBE_ID}?si=abc",
        f"youtu.be/{YOUTUBE_ID}",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?rel=0",
        f"https://www.youtube.com/shorts/{YOUTUBE_ID}",
        f"  https://www.youtube.com/live/{YOUTUBE_ID}  ",
    ],
)
def test_the_usual_youtube_addresses_name_the_same_video(url):
    trailer = parse_trailer_url(url)
    assert (trailer.provider, trailer.video_id) == ("youtube", YOUTUBE_ID)
    assert trailer.url == f"https://www.youtube.com/watch?v={YOUTUBE_ID}"
    assert trailer.embed_url == f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"


@pytest.mark.parametrize(
    ("url", "video_id", "unlisted"),
    [
        ("https://vimeo.com/76979871", "76979871", ""),
        ("https://www.vimeo.com/76979871?share=copy", "76979871", ""),
        ("https://player.vimeo.com/video/76979871?h=8272103f6e", "76979871", "8272103f6e"),
        ("https://vimeo.com/76979871/8272103f6e", "76979871", "8272103f6e"),
        ("https://vimeo.com/channels/staffpicks/76979871", "76979871", ""),
    ],
)
def test_the_usual_vimeo_addresses_name_the_video(url, video_id, unlisted):
    trailer = parse_trailer_url(url)
    assert (trailer.provider, trailer.video_id, trailer.unlisted_hash) == (
        "vimeo",
        video_id,
        unlisted,
    )
    assert trailer.embed_url.startswith(f"https://player.vimeo.com/video/{video_id}?")
    assert "dnt=1" in trailer.embed_url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://www.dailymotion.com/video/x8abc", "only come from YouTube or Vimeo"),
        ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "only come from YouTube"),
        ("https://www.youtube.com/watch?v=short", "does not name a YouTube video"),
        ("https://www.youtube.com/channel/UC123", "does not name a YouTube video"),
        ("https://vimeo.com/about", "does not name a Vimeo video"),
        ("javascript:alert(1)", "not a web address"),
        ("", "no trailer address"),
    ],
)
def test_other_addresses_are_refused_with_a_clear_message(url, says):
    with pytest.raises(TrailerURLError, match=says):
        parse_trailer_url(url)


# The model and the editor


def test_a_saved_trailer_is_kept_in_its_canonical_form(make_review):
    review = make_review(trailer_url=f"youtu.be/{YOUTUBE_ID}")
    review.full_clean()
    assert review.trailer_url == f"https://www.youtube.com/watch?v={YOUTUBE_ID}"


def test_a_trailer_from_another_host_is_an_error_on_its_field(make_review):
    review = make_review(live=False)
    review.trailer_url = "https://example.com/trailer.mp4"
    with pytest.raises(ValidationError) as refused:
        review.full_clean()
    assert "only come from YouTube or Vimeo" in refused.value.message_dict["trailer_url"][0]


def test_the_editor_saves_a_trailer_and_stills_and_refuses_a_still_without_alt_text(
    admin_client, index_page, person_factory, studio_factory
):
    image = make_image("Frame", size=(1280, 720), name="frame.png")
    people = [person_factory() for _ in range(4)]
    data = review_form_data(people, studio_factory(), sections=COMPLETE_SECTIONS)
    data["trailer_url"] = "https://vimeo.com/76979871"
    no_alt = inline_formset([{"image": image.pk, "alt_text": "", "caption": "A frame"}])
    refused = admin_client.post(
        add_url(index_page), {**data, **nested_form_data({"stills": no_alt})}
    )
    assert refused.status_code == 200
    assert not ReviewPage.objects.exists()
    assert "This field is required" in refused.content.decode()

    still = inline_formset([{"image": image.pk, "alt_text": "A lighthouse", "caption": "Dusk"}])
    admin_client.post(add_url(index_page), {**data, **nested_form_data({"stills": still})})
    page = ReviewPage.objects.get()
    assert page.trailer_url == "https://vimeo.com/76979871"
    assert [(s.alt_text, s.caption) for s in page.stills.all()] == [("A lighthouse", "Dusk")]

    data["trailer_url"] = "https://example.com/trailer"
    other = admin_client.post(
        f"/admin/pages/{page.pk}/edit/", {**data, **nested_form_data({"stills": still})}
    )
    assert "Trailers can only come from YouTube or Vimeo" in other.content.decode()


# The page: a facade until played


@pytest.fixture
def review_with_both(make_review):
    poster = make_poster("Night Run")
    review = make_review(
        film_title="Night Run",
        poster=poster,
        score="4.5",
        trailer_url=f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        live=False,
    )
    add_stills(
        review,
        [
            (make_image("Still 1", (1280, 720), name="s1.png"), "Eve in the snow", "The duel"),
            (make_image("Still 2", (1280, 720), name="s2.png"), "A burning chapel", ""),
        ],
    )
    return publish(review)


def test_the_trailer_is_a_facade_that_loads_nothing_from_the_video_host(client, review_with_both):
    html = client.get(review_with_both.url).content.decode()
    facade = html.split('<figure class="trailer"', 1)[1].split("</figure>", 1)[0]

    assert "<iframe" not in html
    assert not re.search(r"""\bsrc(set)?=["'][^"']*(youtube|youtu\.be|vimeo)""", html)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all('src="/static/' in tag or "application/ld+json" in tag for tag in scripts), scripts
    assert '<script src="/static/review_pages/trailer.js" defer></script>' in html
    # The player it will load, the play button with its name, a plain link to watch there.
    assert (
        f'data-embed-url="https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"' in html
    )
    assert '<button type="button" class="trailer__play" hidden>' in facade
    assert '<span class="visually-hidden">Play the trailer for Night Run</span>' in facade
    assert (
        f'<a href="https://www.youtube.com/watch?v={YOUTUBE_ID}" rel="external noopener">'
        "Watch the trailer on YouTube</a>" in facade
    )
    # The first still stands behind the button, sized, with an empty alt (the button names it).
    facade_image = re.search(r"<img [^>]*>", facade).group(0)
    assert 'alt=""' in facade_image and 'width="' in facade_image and 'height="' in facade_image


def test_the_facade_script_inserts_only_the_privacy_enhanced_players():
    script = (STATIC / "trailer.js").read_text()
    assert '"https://www.youtube-nocookie.com/embed/"' in script
    assert '"https://player.vimeo.com/video/"' in script
    assert 'addEventListener("click"' in script
    assert "document.cookie" not in script and "www.youtube.com" not in script
    assert PLAYER_ORIGINS == ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def test_without_stills_the_poster_stands_behind_the_play_button(client, make_review):
    review = make_review(
        film_title="Posterised", poster=make_poster("Posterised"), trailer_url="https://vimeo.com/1"
    )
    facade = client.get(review.url).content.decode().split('<figure class="trailer"', 1)[1]
    assert "trailer__image--poster" in facade.split("</figure>")[0]
    assert "Watch the trailer on Vimeo" in facade


def test_the_stills_show_with_their_alt_text_and_captions(client, review_with_both):
    html = client.get(review_with_both.url).content.decode()
    gallery = html.split('<ul class="stills"', 1)[1].split("</ul>", 1)[0]
    images = re.findall(r"<img [^>]*>", gallery)
    assert [re.search(r'alt="([^"]*)"', tag).group(1) for tag in images] == [
        "Eve in the snow",
        "A burning chapel",
    ]
    assert all('width="' in tag and 'height="' in tag and 'loading="lazy"' in tag for tag in images)
    assert "<figcaption>The duel</figcaption>" in gallery
    assert '<h2 id="stills-heading"' in html


def test_a_review_without_trailer_or_stills_shows_neither(client, make_review):
    html = client.get(make_review(film_title="Bare").url).content.decode()
    assert "review__media" not in html and "trailer.js" not in html


def test_the_review_page_costs_the_same_for_two_stills_and_six(client, make_review):
    def with_stills(number):
        review = make_review(film_title=f"Stills {number}", live=False)
        add_stills(
            review,
            [
                (make_image(f"S{n}", (640, 360), name=f"s{number}-{n}.png"), f"Still {n}", "")
                for n in range(number)
            ],
        )
        return publish(review)

    two, _ = count_queries(client, with_stills(2).url)
    six, response = count_queries(client, with_stills(6).url)
    assert response.content.decode().count('class="still"') == 6
    assert two == six


# Both APIs


def test_both_apis_give_the_trailer_and_the_stills_with_renditions(client, review_with_both):
    trailer = {
        "provider": "youtube",
        "url": f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        "embed_url": f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1",
    }
    for url in (
        f"/api/v3/reviews/{review_with_both.pk}/",
        f"/api/v2/pages/{review_with_both.pk}/",
    ):
        data = client.get(url).json()
        assert data["trailer"] == trailer, url
        stills = data["stills"]
        assert [(s["alt"], s["caption"]) for s in stills] == [
            ("Eve in the snow", "The duel"),
            ("A burning chapel", ""),
        ]
        first = stills[0]
        assert first["url"].startswith("http://localhost/") and first["url"].endswith(".webp")
        assert (first["width"], first["height"]) == (1200, 675)
        assert {r["format"] for r in first["renditions"]} >= {"webp", "jpeg"}
        assert all(r["width"] <= 1280 for r in first["renditions"])


def test_a_review_without_them_has_no_trailer_and_no_stills(client, make_review):
    data = client.get(f"/api/v3/reviews/{make_review().pk}/").json()
    assert data["trailer"] is None and data["stills"] == []


def test_the_api_listing_costs_the_same_with_stills_on_every_review(client, make_review):
    def review_with_stills(number):
        review = make_review(film_title=f"Listed {number}", live=False)
        add_stills(
            review,
            [
                (make_image(f"L{number}-{n}", (640, 360), name=f"l{number}-{n}.png"), "Alt", "")
                for n in range(2)
            ],
        )
        return publish(review)

    review_with_stills(0)
    one, _ = count_queries(client, "/api/v3/reviews/?limit=1")
    for number in range(1, 4):
        review_with_stills(number)
    four, response = count_queries(client, "/api/v3/reviews/?limit=4")
    assert [len(item["stills"]) for item in response.json()["items"]] == [2, 2, 2, 2]
    assert one == four
    v2_one, _ = count_queries(
        client, "/api/v2/pages/?type=review_pages.ReviewPage&fields=stills&limit=1"
    )
    v2_four, _ = count_queries(
        client, "/api/v2/pages/?type=review_pages.ReviewPage&fields=stills&limit=4"
    )
    assert v2_one == v2_four


# The importer


def test_the_importer_reads_a_trailer_line(index_page):
    text = review_text(metadata=f"{METADATA}\nTrailer: youtu.be/{YOUTUBE_ID}")
    assert parse_review(text).trailer_url == f"https://www.youtube.com/watch?v={YOUTUBE_ID}"
    outcome = ReviewImporter(index_page, publish=True).import_text(text, source="t.txt")
    assert outcome.status == "imported", outcome.message
    assert ReviewPage.objects.get(pk=outcome.page_id).trailer.video_id == YOUTUBE_ID


def test_a_trailer_line_from_another_host_refuses_the_file_and_says_why(index_page):
    text = review_text(metadata=f"{METADATA}\nTrailer: https://example.com/t.mp4")
    with pytest.raises(ReviewFormatError, match="unreadable trailer: trailers can only come"):
        parse_review(text)
    outcome = ReviewImporter(index_page, publish=True).import_text(text, source="t.txt")
    assert outcome.status == "refused"
    assert "only come from YouTube or Vimeo" in outcome.message
    assert not ReviewPage.objects.exists()
