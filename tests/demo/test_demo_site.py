"""The demo site's own pages and settings around the plugin: robots.txt, its header and 404
page, CORS for the API."""

import pytest
from django.test import override_settings

from tests.support import api_support
from tests.support.factories import complete_body

full_review = api_support.full_review  # the fixture, shared

pytestmark = pytest.mark.django_db

REVIEWS = "/api/v2/pages/?type=review_pages.ReviewPage&fields=*"


@pytest.fixture
def catalogue(make_review, person_factory):
    return make_review(film_title="Gannet", body=complete_body())


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.post("/robots.txt").status_code == 405


def test_site_header_has_a_labelled_search_form(client, catalogue):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">' in html
    assert 'id="site-search-q"' in html


def test_site_header_links_the_critics(client, make_review, person_factory):
    make_review(film_title="Gannet", author=person_factory(name="Imre Critic"))
    html = client.get("/").content.decode()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/critics/">Critics</a>' in nav
    assert "Imre Critic" in client.get("/critics/").content.decode()


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example"])
def test_cors_allows_configured_origins_on_the_api_only(client, full_review):
    allowed = client.get(REVIEWS, HTTP_ORIGIN="https://app.example")
    other = client.get(REVIEWS, HTTP_ORIGIN="https://evil.example")
    html = client.get("/", HTTP_ORIGIN="https://app.example")
    preflight = client.options(
        "/api/v3/reviews/",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    assert not other.has_header("Access-Control-Allow-Origin")
    assert not html.has_header("Access-Control-Allow-Origin")
    assert preflight["Access-Control-Allow-Origin"] == "https://app.example"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_cors_allows_no_origin_by_default(client, full_review):
    response = client.get(REVIEWS, HTTP_ORIGIN="https://app.example")

    assert not response.has_header("Access-Control-Allow-Origin")


def test_the_404_page_is_the_sites_own(client, index_page):
    response = client.get("/no-such-review/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
