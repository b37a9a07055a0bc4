"""One public base per answer (the Site record, or REVIEW_PAGES["PUBLIC_BASE_URL"]), listing
links (`next`/`previous`) and v2's `last_published_at`."""

import json
import re
from urllib.parse import quote

import pytest
from django.test import override_settings
from wagtail.models import Site

from tests.support import api_support

full_review = api_support.full_review  # the fixture, shared

URL = re.compile(r"https?://[^\s\"'<>]+")


def absolute_urls(text: str) -> set[str]:
    """Every absolute URL in an answer's text, but the vocabularies JSON-LD and RSS name,
    the film identities a review links to (IMDb, TMDB, Wikidata: `sameAs`) and the services
    its share links open."""
    ignored = ("schema.org", "www.sitemaps.org", "www.w3.org", "purl.org", "backend.userland")
    ignored += ("search.yahoo.com/mrss",)  # Media RSS's namespace (the feeds' posters)
    ignored += ("www.imdb.com", "www.themoviedb.org", "www.wikidata.org")
    ignored += ("bsky.app", "mastodonshare.com")  # share links (the page's URL inside, encoded)
    return {url for url in URL.findall(text) if not any(name in url for name in ignored)}


def answers(client, review) -> dict[str, str]:
    """Every kind of answer that carries absolute URLs, by name."""
    person = review.people["Ana de Armas"]
    texts = {
        "v2 detail": f"/api/v2/pages/{review.pk}/",
        "v2 listing": "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=1",
        "v2 person": f"/api/v2/people/{person.pk}/",
        "v2 people": "/api/v2/people/?limit=2",
        "v3 detail": f"/api/v3/reviews/{review.pk}/",
        "v3 listing": "/api/v3/reviews/?limit=1",
        "v3 person": f"/api/v3/people/{person.pk}/",
        "v3 studios": "/api/v3/studios/?limit=1",
        "wagtail v3 page": f"/api/v3/pages/{review.pk}/",
        "review page": review.url,
        "filmography": f"/people/{person.slug}/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
    }
    result = {}
    for name, url in texts.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.content[:300])
        result[name] = response.content.decode()
    return result


@pytest.fixture
def poster_review(full_review):
    from wagtail_factories import ImageFactory

    full_review.poster = ImageFactory(title="Poster", file__width=900, file__height=1350)
    full_review.save_revision().publish()
    return full_review


def test_by_default_every_url_of_every_answer_is_on_the_site_record(client, poster_review):
    site = Site.objects.get(is_default_site=True)
    site.port = 8000
    site.save()

    for name, text in answers(client, poster_review).items():
        urls = absolute_urls(text)
        assert urls, name
        assert {url for url in urls if not url.startswith("http://localhost:8000/")} == set(), name


def test_a_front_end_base_is_the_base_of_every_url(client, poster_review):
    with override_settings(REVIEW_PAGES={"PUBLIC_BASE_URL": "https://app.example.com/"}):
        texts = answers(client, poster_review)
        detail = client.get(f"/api/v3/reviews/{poster_review.pk}/").json()

    for name, text in texts.items():
        if name == "wagtail v3 page":
            continue  # Wagtail's own detail_url follows WAGTAILAPI_BASE_URL (docs/settings.md)
        urls = absolute_urls(text)
        assert urls, name
        stray = {url for url in urls if not url.startswith("https://app.example.com/")}
        assert stray == set(), name
    assert detail["meta"]["html_url"] == f"https://app.example.com/{poster_review.slug}/"
    assert detail["poster"]["url"].startswith("https://app.example.com/media/images/")
    critic = poster_review.people["Chloé Critic"]
    assert detail["author"]["url"] == f"https://app.example.com/people/{quote(critic.slug)}/"


def test_find_redirects_to_the_public_base_with_the_sites_port(client, full_review):
    site = Site.objects.get(is_default_site=True)
    site.port = 8000
    site.save()
    person = full_review.people["Ana de Armas"]

    response = client.get(f"/api/v2/people/find/?slug={person.slug}")

    assert response.status_code == 302
    assert response["Location"] == f"http://localhost:8000/api/v2/people/{person.pk}/"
    missing = client.get("/api/v2/people/find/?slug=nobody-at-all")
    assert missing.status_code == 404


def test_v2_listings_link_to_their_next_and_previous_pages(client, make_review):
    for number in range(5):
        make_review(film_title=f"Film {number}")
    base = "/api/v2/pages/?type=review_pages.ReviewPage"

    first = client.get(f"{base}&limit=2").json()["meta"]
    middle = client.get(f"{base}&limit=2&offset=2").json()["meta"]
    last = client.get(f"{base}&limit=2&offset=4").json()["meta"]

    assert first["total_count"] == 5
    assert first["previous"] is None
    assert first["next"] == (
        "http://localhost/api/v2/pages/?type=review_pages.ReviewPage&limit=2&offset=2"
    )
    assert middle["previous"].endswith("&limit=2&offset=0")
    assert middle["next"].endswith("&limit=2&offset=4")
    assert last["next"] is None
    following = client.get(first["next"].removeprefix("http://localhost")).json()
    assert [item["id"] for item in following["items"]] == [
        item["id"] for item in client.get(f"{base}&limit=2&offset=2").json()["items"]
    ]


def test_v3_listings_carry_next_and_previous_beside_count(client, make_review):
    for number in range(3):
        make_review(film_title=f"Film {number}")

    first = client.get("/api/v3/reviews/?limit=2").json()
    second = client.get("/api/v3/reviews/?limit=2&offset=2").json()
    people = client.get("/api/v3/people/").json()

    assert list(first)[:3] == ["count", "next", "previous"]
    assert first["next"] == "http://localhost/api/v3/reviews/?limit=2&offset=2"
    assert first["previous"] is None
    assert second["next"] is None
    assert second["previous"] == "http://localhost/api/v3/reviews/?limit=2&offset=0"
    assert people["next"] is None and people["previous"] is None


def test_v2_pages_expose_last_published_at(client, full_review):
    detail = client.get(f"/api/v2/pages/{full_review.pk}/").json()
    listing = client.get("/api/v2/pages/?type=review_pages.ReviewPage").json()
    chosen = client.get(
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=_,last_published_at"
    ).json()

    stamp = full_review.last_published_at.isoformat().replace("+00:00", "Z")
    assert json.dumps(detail["meta"]["last_published_at"]).strip('"')[:19] == stamp[:19]
    assert listing["items"][0]["meta"]["last_published_at"] == detail["meta"]["last_published_at"]
    assert chosen["items"][0]["meta"]["last_published_at"] == detail["meta"]["last_published_at"]


def test_checks_name_a_base_or_preview_template_that_is_no_address():
    from review_pages.checks import check_public_urls

    def ids(**review_pages):
        with override_settings(REVIEW_PAGES=review_pages):
            return [message.id for message in check_public_urls()]

    assert ids() == []
    assert ids(PUBLIC_BASE_URL="app.example.com") == ["review_pages.E006"]
    assert ids(PUBLIC_BASE_URL="https://app.example.com") == ["review_pages.W005"]
    with override_settings(WAGTAILAPI_BASE_URL="https://app.example.com"):
        assert ids(PUBLIC_BASE_URL="https://app.example.com") == []
    assert ids(FRONTEND_PREVIEW_URL="https://app.example.com/preview") == ["review_pages.E006"]
    assert ids(FRONTEND_PREVIEW_URL={"default": "https://app.example.com/p?token={token}"}) == []
