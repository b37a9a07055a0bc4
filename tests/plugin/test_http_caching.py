"""HTTP caching headers: what a browser and a CDN may keep, on every public surface, and
for how long (never past the next expiry of a live review)."""

import datetime
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from review_pages import http_caching, shown
from review_pages.cache import middleware, store
from review_pages.models import PreviewGrant, ReviewPage
from tests.support.factories import complete_body, publish
from tests.support.images import make_poster

CDN = {"default": {"BACKEND": "tests.plugin.test_frontend_cache.RecordingBackend"}}
WITH_CDN_PURGE = {"WAGTAILFRONTENDCACHE": CDN, "REVIEW_PAGES": {"CDN_PURGE": True}}
DEFAULT = "public, max-age=60, s-maxage=60, stale-while-revalidate=30"

#: Every public surface of the test project: the plugin's pages and routes, the sitemap (a
#: host route wrapped with `cache_headers`), both APIs (the plugin's endpoints and Wagtail's
#: own routers through the include), the images API.
SURFACES = [
    "/",
    "{review_url}",
    "/people/{person_slug}/",
    "/studios/{studio_slug}/",
    "/feed/",
    "/search/?q=Gannet",
    "/sitemap.xml",
    "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
    "/api/v2/pages/{review_id}/",
    "/api/v2/people/",
    "/api/v2/people/{person_id}/",
    "/api/v2/studios/{studio_id}/",
    "/api/v2/images/",
    "/api/v2/images/{poster_id}/",
    "/api/v3/reviews/",
    "/api/v3/reviews/{review_id}/",
    "/api/v3/reviews/by-slug/{review_slug}/",
    "/api/v3/people/{person_id}/",
    "/api/v3/studios/",
    "/api/v3/pages/",
    "/api/v3/pages/{review_id}/",
    "/api/v3/images/",
    "/api/v3/images/{poster_id}/",
    "/api/v3/documents/",
    "/api/v3/openapi.json",
]
#: Those the tagged response cache keeps (the others record nothing: images, Wagtail's own
#: routers, the OpenAPI document).
STORED = {surface for surface in SURFACES if "images" not in surface} - {
    "/api/v3/pages/",
    "/api/v3/pages/{review_id}/",
    "/api/v3/documents/",
    "/api/v3/openapi.json",
}


@pytest.fixture
def catalogue(make_review, person_factory, studio_factory):
    director, studio = person_factory(name="Dana Director"), studio_factory(name="Sunrise")
    review = make_review(
        film_title="Gannet",
        directors=[director],
        companies=[studio],
        poster=make_poster("Gannet"),
        body=complete_body([director.pk]),
    )
    return {
        "review_url": review.url,
        "review_id": review.pk,
        "review_slug": review.slug,
        "person_slug": director.slug,
        "person_id": director.pk,
        "studio_slug": studio.slug,
        "studio_id": studio.pk,
        "poster_id": review.poster_id,
    }


def directives(response) -> dict[str, str | bool]:
    found: dict[str, str | bool] = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value or True
    return found


def ages_of(response) -> tuple[int, int, int]:
    found = directives(response)
    return (
        int(found["max-age"]),
        int(found["s-maxage"]),
        int(found.get("stale-while-revalidate", 0)),
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_an_anonymous_reader_gets_public_answers_with_both_ages(client, catalogue, surface):
    url = surface.format(**catalogue)
    response = client.get(url)
    head = client.head(url)

    assert response.status_code == 200, url
    assert response["Cache-Control"] == DEFAULT
    assert head["Cache-Control"] == DEFAULT


@pytest.mark.parametrize("surface", SURFACES)
def test_a_stored_answer_is_served_with_the_headers_of_the_first(client, catalogue, surface):
    url = surface.format(**catalogue)
    first, second = client.get(url), client.get(url)

    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == ("hit" if surface in STORED else "miss")
    for header in ("Cache-Control", "Vary", "ETag", "Content-Type"):
        assert second.get(header) == first.get(header), header


@pytest.mark.parametrize("surface", SURFACES)
def test_a_signed_in_editor_is_never_sent_a_public_answer(admin_client, catalogue, surface):
    response = admin_client.get(surface.format(**catalogue))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(
    "url", ["/api/v3/reviews/", "/api/v2/pages/", "/api/v3/pages/", "/api/v3/images/"]
)
def test_an_api_request_with_credentials_is_never_sent_a_public_answer(client, catalogue, url):
    response = client.get(url, HTTP_AUTHORIZATION="Bearer not-a-real-token")

    assert "public" not in directives(response)
    assert "private" in directives(response) or "no-store" in directives(response)


def test_api_answers_say_they_vary_with_credentials(client, catalogue):
    for url in ("/api/v3/reviews/", "/api/v2/pages/", "/api/v3/pages/"):
        vary = {name.strip().lower() for name in client.get(url)["Vary"].split(",")}
        assert "authorization" in vary, url


def test_previews_are_private_and_never_stored(client, make_review):
    draft = make_review(film_title="Unreleased Cut", live=False)
    token = PreviewGrant.share(ReviewPage.objects.get(pk=draft.pk), seconds=3600).token

    for url in ("/api/v2/page_preview/", "/api/v3/reviews/preview/", "/preview/"):
        response = client.get(url, {"token": token})
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
        assert client.get(url, {"token": "tampered"})["Cache-Control"] == "private, no-store"


def test_an_address_holding_a_token_is_private(client, catalogue):
    response = client.get("/search/", {"q": "Gannet", "token": "a-share-link-token"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/people/nobody-at-all/",
        "/api/v2/pages/999999/",
        "/api/v3/reviews/999999/",
        "/api/v3/reviews/?nonsense=1",
        "/api/v3/no-such-router/",
    ],
)
def test_error_answers_are_never_public(client, catalogue, url):
    response = client.get(url)

    assert response.status_code >= 400
    assert "public" not in directives(response)
    assert "s-maxage" not in directives(response)


def test_the_ages_never_reach_past_the_next_expiry(client, make_review, monkeypatch):
    expires = timezone.now() + datetime.timedelta(seconds=90)
    make_review(film_title="Leaving Soon", expire_at=expires)
    deadline = expires.timestamp()

    with override_settings(**WITH_CDN_PURGE):
        now = time.time()
        for url in ("/", "/feed/", "/api/v3/reviews/", "/api/v2/pages/"):
            response = client.get(url)
            max_age, s_maxage, stale = ages_of(response)
            assert response["X-Cache"] == "miss"
            assert 0 < max_age <= 90 and 0 < s_maxage <= 90, (url, response["Cache-Control"])
            assert now + max(max_age, s_maxage) + stale <= deadline + 1, url

        # A minute later the stored answers are sent with what is left, not what was.
        monkeypatch.setattr(time, "time", lambda: now + 60)
        for url in ("/", "/api/v3/reviews/"):
            response = client.get(url)
            assert response["X-Cache"] == "hit"
            max_age, s_maxage, stale = ages_of(response)
            assert max(max_age, s_maxage) + stale <= 31, (url, response["Cache-Control"])


def test_without_an_expiry_the_purged_addresses_keep_the_long_shared_age(client, catalogue):
    with override_settings(**WITH_CDN_PURGE):
        purged = [
            client.get(url.format(**catalogue))
            for url in ("/", "{review_url}", "/people/{person_slug}/", "/feed/", "/sitemap.xml")
        ]
        short = [
            client.get(url)
            for url in ("/?page=1", "/search/?q=Gannet", "/api/v3/reviews/", "/api/v2/pages/")
        ]

    assert {response["Cache-Control"] for response in purged} == {
        "public, max-age=60, s-maxage=21600, stale-while-revalidate=30"
    }
    assert {response["Cache-Control"] for response in short} == {DEFAULT}


def test_every_address_the_purge_names_is_kept_long_by_the_cdn(
    client, make_review, person_factory, studio_factory, django_capture_on_commit_callbacks
):
    """The long shared age is only for what a change purges: each address the purge of a
    publication names answers with it."""
    from tests.plugin import test_frontend_cache

    director, studio = person_factory(), studio_factory()
    review = make_review(directors=[director], companies=[studio])
    test_frontend_cache.PURGED.clear()
    with override_settings(**WITH_CDN_PURGE):
        with django_capture_on_commit_callbacks(execute=True):
            publish(ReviewPage.objects.get(pk=review.pk))
        purged_paths = {
            "/" + url.split("://", 1)[1].split("/", 1)[1] for url in test_frontend_cache.PURGED
        }
        assert len(purged_paths) >= 6
        for path in purged_paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert directives(response)["s-maxage"] == "21600", path


def test_without_the_tagged_cache_the_next_expiry_is_read_from_the_database(make_review):
    expires = timezone.now() + datetime.timedelta(hours=2)
    make_review(expire_at=expires)
    make_review(expire_at=expires + datetime.timedelta(hours=1))
    make_review()

    assert http_caching._next_expiry_from_database() == pytest.approx(expires.timestamp())
    assert store.next_expiry() == pytest.approx(expires.timestamp())
    http_caching.install_expiry_source(None)
    try:
        assert http_caching.next_expiry() == pytest.approx(expires.timestamp())
    finally:
        http_caching.install_expiry_source(store.next_expiry)


@pytest.mark.parametrize(
    "left, expected",
    [
        (None, "public, max-age=60, s-maxage=60, stale-while-revalidate=30"),
        (75, "public, max-age=60, s-maxage=60, stale-while-revalidate=15"),
        (45, "public, max-age=45, s-maxage=45"),
        (0.5, "public, max-age=0, s-maxage=0"),
        (-10, "public, max-age=0, s-maxage=0"),
    ],
)
def test_the_stale_period_is_cut_first_then_the_ages(left, expected):
    now = 1_000_000.0
    expires_at = None if left is None else now + left

    assert http_caching.ages(expires_at=expires_at, now=now).header() == expected


def test_a_stale_answer_is_sent_with_no_age_left(db):
    """While one request renders a changed address, the others get the previous answer
    (`X-Cache: stale`): nobody may keep it without asking again."""
    factory = RequestFactory()

    @http_caching.cache_headers
    def view(request):
        shown.record(reviews=[1])
        return HttpResponse("<p>a page</p>", content_type="text/html")

    handler = middleware.TaggedResponseCacheMiddleware(view)
    assert handler(factory.get("/a/"))["Cache-Control"] == DEFAULT
    store.bump("review:1")
    lock = middleware.LOCK_PREFIX + middleware.response_key(factory.get("/a/"))
    store.get_cache().add(lock, "the request rendering the fresh one", timeout=60)

    stale = handler(factory.get("/a/"))

    assert stale["X-Cache"] == "stale"
    assert stale["Cache-Control"] == "public, max-age=0, s-maxage=0"


def test_a_304_carries_the_caching_headers_of_the_answer(client, catalogue):
    first = client.get("/api/v3/reviews/")
    for _ in range(2):  # the miss that stored it, then a hit
        again = client.get("/api/v3/reviews/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["Cache-Control"] == first["Cache-Control"] == DEFAULT


def test_a_host_page_is_left_to_the_host(client, index_page):
    from wagtail.models import Page

    page = index_page.add_child(instance=Page(title="About us", slug="about"))
    response = client.get(page.url)

    assert response.status_code == 200
    assert not response.has_header("Cache-Control")
