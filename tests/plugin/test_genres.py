"""Genres: a snippet library, several per review; each genre's page on the review index
(`genres/<slug>/`), the front page's genre filter, both APIs, JSON-LD, the sitemap, the
importer, the editor and the response cache."""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own sitemap
from html import escape as html_escape

import pytest
from django.test import override_settings
from wagtail.admin.menu import admin_menu
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from review_pages.importing.writer import ReviewImporter
from review_pages.models import Genre, ReviewGenre, ReviewPage, load_credits
from tests.support.admin_forms import COMPLETE_SECTIONS, add_url, review_form_data
from tests.support.api_support import count_queries
from tests.support.factories import GenreFactory, add_genres, publish
from tests.support.importing import review_text

METADATA = (
    "MPA Rating: PG (mild peril.)\n\nRuntime: 98 minutes\n\n"
    "Production Company: Gearwheel Films\n\nDistributor: Tock Pictures\n\n"
    "Director: Hal Benn\n\nWriter: Hal Benn\n\nCast: Mirela Stone, Oskar Lute\n\n"
    "Release Date: June 6, 2025"
)


def text_with(*lines: str, **kwargs) -> str:
    """A plain-text review whose metadata ends with these lines."""
    return review_text(metadata="\n".join([METADATA, *lines]), **kwargs)


pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)
V2 = "/api/v2/pages/?type=review_pages.ReviewPage&fields=genres,title"


@pytest.fixture
def genres(db):
    return {
        "thriller": GenreFactory(name="Thriller"),
        "drama": GenreFactory(name="Drama"),
        "comedy": GenreFactory(name="Comedy"),
    }


@pytest.fixture
def make_genre_review(make_review):
    def make(genres, *, live=True, **fields):
        review = make_review(live=False, **fields)
        add_genres(review, genres)
        if live:
            publish(review)
        return review

    return make


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="review-card__title"><a href="[^"]*">([^<]*)</a>', html)


# The snippet


def test_a_genre_slug_is_made_from_its_name_unicode_kept_and_unique(db):
    first = Genre.objects.create(name="Ciencia  ficción")
    second = Genre.objects.create(name="Ciencia ficción")
    assert (first.name, first.slug) == ("Ciencia ficción", "ciencia-ficción")
    assert second.slug == "ciencia-ficción-2"
    assert first.match_name == second.match_name == "ciencia ficción"


def test_genres_are_in_the_credits_menu_beside_people_and_studios(admin_client, rf):
    request = rf.get("/admin/")
    request.user = admin_client.get("/admin/").wsgi_request.user
    credits = next(
        item for item in admin_menu.menu_items_for_request(request) if item.name == "credits"
    )
    labels = [item.label for item in credits.menu.menu_items_for_request(request)]
    assert labels == ["People", "Studios", "Genres"]
    response = admin_client.get("/admin/snippets/review_pages/genre/")
    assert response.status_code == 200


def test_an_editor_adds_a_genre_from_the_chooser_but_not_one_already_there(admin_client, genres):
    url = "/admin/snippets/choose/review_pages/genre/create/"
    made = admin_client.post(url, {"name": "Neo-noir"})
    assert made.status_code == 200
    assert Genre.objects.filter(name="Neo-noir", slug="neo-noir").exists()
    again = admin_client.post(url, {"name": "  THRILLER "})
    assert again.json()["step"] == "reshow_creation_form"
    assert "“Thriller” is already in the library" in again.json()["htmlFragment"]
    assert Genre.objects.filter(match_name="thriller").count() == 1


def test_deleting_a_genre_a_review_has_is_refused_with_the_review_named(
    admin_client, make_genre_review, genres
):
    make_genre_review([genres["thriller"]], film_title="Night Run")
    thriller = genres["thriller"]
    url = f"/admin/snippets/review_pages/genre/delete/{thriller.pk}/"
    response = admin_client.post(url, follow=True)
    assert Genre.objects.filter(pk=thriller.pk).exists()
    assert "Night Run" in response.content.decode()


# The review page and its JSON-LD


def test_a_review_shows_its_genres_in_order_linking_to_their_pages(
    client, make_genre_review, genres
):
    review = make_genre_review([genres["thriller"], genres["drama"]], film_title="Night Run")
    html = client.get(review.url).content.decode()
    assert (
        '<dt>Genres</dt><dd><a href="/genres/thriller/">Thriller</a>, '
        '<a href="/genres/drama/">Drama</a>' in html
    )
    movie = json.loads(JSON_LD.findall(html)[0])["itemReviewed"]
    assert movie["genre"] == ["Thriller", "Drama"]


def test_a_review_without_genres_has_no_genre_line_nor_json_ld_genre(client, make_review):
    html = client.get(make_review(film_title="Plain").url).content.decode()
    assert "<dt>Genre" not in html
    assert "genre" not in json.loads(JSON_LD.findall(html)[0])["itemReviewed"]


def test_a_reviews_genres_come_in_the_credits_one_query(
    client, make_genre_review, genres, django_assert_num_queries
):
    one = make_genre_review([genres["drama"]], film_title="One genre")
    three = make_genre_review(list(genres.values()), film_title="Three genres")
    pages = list(ReviewPage.objects.filter(pk__in=[one.pk, three.pk]).order_by("pk"))
    with django_assert_num_queries(1):
        load_credits(pages)
        assert [[row.genre.name for row in page.genres.all()] for page in pages] == [
            ["Drama"],
            ["Thriller", "Drama", "Comedy"],
        ]
    one_count, _ = count_queries(client, one.url)
    three_count, response = count_queries(client, three.url)
    assert "Comedy" in response.content.decode()
    assert one_count == three_count


# A genre's page


def test_a_genre_page_lists_its_public_reviews_newest_first(client, make_genre_review, genres):
    make_genre_review([genres["thriller"]], film_title="Older Thrill", title="Older Thrill")
    make_genre_review([genres["drama"]], film_title="Only Drama", title="Only Drama")
    make_genre_review(
        [genres["drama"], genres["thriller"]], film_title="Newer Thrill", title="Newer Thrill"
    )
    make_genre_review([genres["thriller"]], film_title="Draft", title="Draft Thrill", live=False)

    response = client.get("/genres/thriller/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Thriller</h1>" in html
    assert card_titles(html) == ["Newer Thrill", "Older Thrill"]
    assert "Only Drama" not in html and "Draft Thrill" not in html
    assert "Thriller reviews" in html


@override_settings(REVIEW_PAGES={"PER_PAGE": 2})
def test_a_genre_page_is_paginated_and_filtered_like_the_front_page(
    client, make_genre_review, genres
):
    for number in range(3):
        make_genre_review([genres["thriller"]], film_title=f"T{number}", title=f"T{number}")
    make_genre_review([genres["thriller"]], film_title="Rated R", title="Rated R", mpa_rating="R")

    first = client.get("/genres/thriller/").content.decode()
    assert card_titles(first) == ["Rated R", "T2"]
    assert "Page 1 of 2" in first
    second = client.get("/genres/thriller/?page=2").content.decode()
    assert card_titles(second) == ["T1", "T0"]
    rated = client.get("/genres/thriller/?rating=R").content.decode()
    assert card_titles(rated) == ["Rated R"]
    assert 'action="/genres/thriller/"' in rated
    bad = client.get("/genres/thriller/?rating=XYZ")
    assert bad.status_code == 200
    assert "Unknown rating" in bad.content.decode()


def test_a_genre_no_public_review_has_is_not_found(client, make_genre_review, genres):
    make_genre_review([genres["comedy"]], film_title="Draft Laughs", live=False)
    assert client.get("/genres/comedy/").status_code == 404
    assert client.get("/genres/no-such-genre/").status_code == 404
    assert client.get("/genres/comedy/feed/").status_code == 404


def test_a_renamed_genre_slug_keeps_its_old_address_out(client, make_genre_review, genres):
    make_genre_review([genres["thriller"]], film_title="Night Run")
    genres["thriller"].slug = "thrillers"
    genres["thriller"].save()
    assert client.get("/genres/thriller/").status_code == 404
    assert client.get("/genres/thrillers/").status_code == 200


# The front page's genre filter


def test_the_front_page_filters_by_genre(client, make_genre_review, genres):
    make_genre_review([genres["thriller"]], film_title="Thrill", title="Thrill")
    make_genre_review([genres["drama"]], film_title="Weep", title="Weep")
    make_genre_review([genres["comedy"]], film_title="Laughs", title="Laughs", live=False)

    front = client.get("/").content.decode()
    genre_select = front.split('<select id="filter-genre"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', genre_select)
    # Only the genres of public reviews are offered, by name.
    assert options == [("", "Any genre"), ("drama", "Drama"), ("thriller", "Thriller")]
    filtered = client.get("/?genre=thriller").content.decode()
    assert card_titles(filtered) == ["Thrill"]
    assert '<option value="thriller" selected>Thriller</option>' in filtered
    refused = client.get("/?genre=not%20a%20slug")
    assert refused.status_code == 200
    assert "genre must be a slug such as &#x27;thriller&#x27;." in refused.content.decode()


# Both APIs


def test_both_apis_give_a_review_its_genres_and_filter_by_genre(client, make_genre_review, genres):
    thrill = make_genre_review(
        [genres["thriller"], genres["drama"]], film_title="Thrill", title="Thrill"
    )
    make_genre_review([genres["drama"]], film_title="Weep", title="Weep")
    expected = [
        {"id": genres["thriller"].pk, "name": "Thriller", "slug": "thriller",
         "url": "http://localhost/genres/thriller/"},
        {"id": genres["drama"].pk, "name": "Drama", "slug": "drama",
         "url": "http://localhost/genres/drama/"},
    ]  # fmt: skip

    v2 = client.get(f"{V2}&genre=thriller").json()
    assert [item["title"] for item in v2["items"]] == ["Thrill"]
    assert v2["items"][0]["genres"] == expected
    v3 = client.get("/api/v3/reviews/?genre=drama").json()
    assert [item["title"] for item in v3["items"]] == ["Weep", "Thrill"]
    assert v3["items"][1]["genres"] == expected
    assert client.get(f"/api/v3/reviews/{thrill.pk}/").json()["genres"] == expected
    assert client.get(f"/api/v2/pages/{thrill.pk}/").json()["genres"] == expected
    assert client.get("/api/v3/reviews/?genre=comedy").json()["count"] == 0


def test_a_bad_genre_filter_is_a_400_with_a_message(client, make_review):
    make_review()
    for url in (f"{V2}&genre=no%20slug", "/api/v3/reviews/?genre=no%20slug"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "genre must be a slug such as 'thriller'" in response.content.decode()


def test_the_api_listing_costs_the_same_however_many_genres(client, make_genre_review, genres):
    make_genre_review([genres["thriller"]], film_title="One")
    one, _ = count_queries(client, "/api/v3/reviews/?limit=20")
    for number in range(5):
        make_genre_review(list(genres.values()), film_title=f"Many {number}")
    many, response = count_queries(client, "/api/v3/reviews/?limit=20")
    assert [len(item["genres"]) for item in response.json()["items"]] == [3] * 5 + [1]
    assert one == many
    v2_one, _ = count_queries(client, f"{V2}&limit=1")
    v2_many, _ = count_queries(client, f"{V2}&limit=6")
    assert v2_one == v2_many


# The sitemap


def test_the_sitemap_lists_the_genres_public_reviews_have(client, make_genre_review, genres):
    make_genre_review([genres["thriller"]], film_title="Thrill")
    make_genre_review([genres["comedy"]], film_title="Draft", live=False)
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert "http://localhost/genres/thriller/" in locations
    assert not any("/genres/comedy/" in loc for loc in locations)


# The editor


def test_the_editor_saves_genres_in_order_and_refuses_the_same_one_twice(
    admin_client, index_page, person_factory, studio_factory, genres
):
    people = [person_factory() for _ in range(4)]
    data = review_form_data(people, studio_factory(), sections=COMPLETE_SECTIONS)
    twice = inline_formset([{"genre": genres["drama"].pk}, {"genre": genres["drama"].pk}])
    refused = admin_client.post(
        add_url(index_page), {**data, **nested_form_data({"genres": twice})}
    )
    assert refused.status_code == 200
    assert "Drama is already in this list; give each genre once." in refused.content.decode()
    assert not ReviewGenre.objects.exists()

    two = inline_formset([{"genre": genres["drama"].pk}, {"genre": genres["thriller"].pk}])
    admin_client.post(add_url(index_page), {**data, **nested_form_data({"genres": two})})
    page = ReviewPage.objects.get(slug="saltwater-hymn")
    assert page.live
    assert [row.genre.name for row in page.genres.all()] == ["Drama", "Thriller"]


# The importer, and the issue's check


def test_an_imported_genres_line_makes_and_matches_genres(index_page, genres):
    importer = ReviewImporter(index_page, publish=True)
    outcome = importer.import_text(
        text_with("Genres: thriller, Neo-Noir, Thriller"), source="a.txt"
    )
    assert outcome.status == "imported", outcome.message
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert [row.genre.name for row in page.genres.order_by("sort_order")] == [
        "Thriller",
        "Neo-Noir",
    ]
    assert page.genres.first().genre == genres["thriller"]  # matched, not made again
    assert Genre.objects.filter(match_name="neo-noir").count() == 1


def test_a_reimport_without_a_genres_line_keeps_the_editors_genres(index_page, genres):
    importer = ReviewImporter(index_page, publish=True)
    first = importer.import_text(review_text(), source="a.txt")
    page = ReviewPage.objects.get(pk=first.page_id)
    add_genres(page, [genres["comedy"]])
    publish(page)
    again = importer.import_text(review_text(), source="a.txt")
    assert again.status == "unchanged"
    changed = importer.import_text(review_text(intro="A new standfirst."), source="a.txt")
    assert changed.status == "updated"
    assert [row.genre.name for row in ReviewPage.objects.get(pk=page.pk).genres.all()] == ["Comedy"]


def test_the_issue_check_an_imported_thriller_with_a_youtube_trailer(client, index_page):
    text = text_with(
        "Genres: Thriller, Drama",
        "Trailer: https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "Critic: Cora Critic",
    )
    outcome = ReviewImporter(index_page, publish=True).import_text(text, source="check.txt")
    assert outcome.status == "imported", outcome.message
    review = ReviewPage.objects.get(pk=outcome.page_id)

    genre_page = client.get("/genres/thriller/").content.decode()
    assert html_escape(review.title) in genre_page
    api = client.get("/api/v2/pages/?type=review_pages.ReviewPage&genre=thriller").json()
    assert [item["id"] for item in api["items"]] == [review.pk]

    html = client.get(review.url).content.decode()
    assert "<iframe" not in html
    assert not re.search(r'src="[^"]*(youtube|vimeo)', html)
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    assert scripts and all(src.startswith("/static/") for src in scripts), scripts
    movie = json.loads(JSON_LD.findall(html)[0])["itemReviewed"]
    assert movie["genre"] == ["Thriller", "Drama"]

    import feedparser

    feed = client.get("/feed/")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert b"<dc:creator>Cora Critic</dc:creator>" in feed.content
    assert parsed.entries[0]["tags"][0]["term"] == "Thriller"


# The response cache


def test_renaming_a_genre_refreshes_the_review_and_genre_pages_it_shows_on(
    client, make_genre_review, genres
):
    review = make_genre_review([genres["thriller"]], film_title="Night Run")
    other = make_genre_review([genres["drama"]], film_title="Day Walk")
    urls = [review.url, "/genres/thriller/", "/", "/genres/thriller/feed/", other.url]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url
    genres["thriller"].name = "Suspense"
    genres["thriller"].save()
    assert "Suspense" in client.get(review.url).content.decode()
    assert "<h1>Suspense</h1>" in client.get("/genres/thriller/").content.decode()
    assert 'value="thriller">Suspense<' in client.get("/").content.decode()
    assert b"Suspense" in client.get("/genres/thriller/feed/").content
    assert client.get(other.url)["X-Cache"] == "hit"  # shows no thriller: kept


def test_publishing_a_review_in_a_genre_refreshes_the_genre_page(client, make_genre_review, genres):
    make_genre_review([genres["thriller"]], film_title="First Thrill", title="First Thrill")
    client.get("/genres/thriller/")
    assert client.get("/genres/thriller/")["X-Cache"] == "hit"
    make_genre_review([genres["thriller"]], film_title="Second Thrill", title="Second Thrill")
    assert card_titles(client.get("/genres/thriller/").content.decode())[0] == "Second Thrill"
