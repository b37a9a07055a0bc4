"""Browser apps on another origin revalidate the API: the demo's CORS lets them send
`If-None-Match` and read `ETag`; its robots.txt and sitemap carry the caching headers."""

import pytest
from django.test import override_settings

from tests.support.factories import complete_body

pytestmark = pytest.mark.django_db

APP = "https://app.example"
ALLOWED = override_settings(CORS_ALLOWED_ORIGINS=[APP])


@pytest.fixture
def review(make_review):
    return make_review(film_title="Gannet", body=complete_body())


def _listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


@ALLOWED
@pytest.mark.parametrize("header", ["if-none-match", "if-modified-since"])
def test_a_preflight_for_a_conditional_get_is_allowed(client, review, header):
    preflight = client.options(
        "/api/v3/reviews/",
        HTTP_ORIGIN=APP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=header,
    )

    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == APP
    assert header in _listed(preflight["Access-Control-Allow-Headers"])
    assert "get" in _listed(preflight["Access-Control-Allow-Methods"])


@ALLOWED
@pytest.mark.parametrize(
    "url", ["/api/v3/reviews/", "/api/v2/pages/?type=review_pages.ReviewPage&fields=*"]
)
def test_an_app_on_an_allowed_origin_reads_the_etag_and_revalidates(client, review, url):
    first = client.get(url, HTTP_ORIGIN=APP)
    stored = client.get(url, HTTP_ORIGIN=APP)  # served by the response cache
    again = client.get(url, HTTP_ORIGIN=APP, HTTP_IF_NONE_MATCH=first["ETag"])

    for response in (first, stored):
        assert response["Access-Control-Allow-Origin"] == APP
        assert "etag" in _listed(response["Access-Control-Expose-Headers"])
        assert "origin" in _listed(response["Vary"])
        assert response["Cache-Control"].startswith("public, ")
    assert stored["X-Cache"] == "hit"
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == APP
    assert again["ETag"] == first["ETag"]


def test_another_origin_gets_no_cors_headers(client, review):
    with ALLOWED:
        response = client.get("/api/v3/reviews/", HTTP_ORIGIN="https://evil.example")

    assert not response.has_header("Access-Control-Allow-Origin")
    assert not response.has_header("Access-Control-Expose-Headers")


@pytest.mark.parametrize("url", ["/robots.txt", "/sitemap.xml"])
def test_robots_and_the_sitemap_carry_the_caching_headers_get_and_head(client, review, url):
    got, head = client.get(url), client.head(url)

    assert got.status_code == head.status_code == 200
    assert got["Cache-Control"] == head["Cache-Control"]
    assert got["Cache-Control"] == "public, max-age=60, s-maxage=60, stale-while-revalidate=30"
    assert head.content == b""
