"""Security headers on every public answer: CSP with a per-request nonce, nosniff,
referrer policy and frame protection. The admin is outside the CSP but keeps the rest."""

import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.factories import StudioFactory

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    # Exactly the trailers' privacy-enhanced players (inserted when a reader presses play).
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
NONCE_ATTR = re.compile(r'\bnonce="([^"]+)"')


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_common_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


@pytest.fixture
def public_urls(make_review, person_factory, studio_factory):
    director = person_factory(name="Ines Calder")
    studio = studio_factory(name="Harbour Light")
    review = make_review(film_title="Tidewater", directors=[director], companies=[studio])
    return [
        "/",
        review.url,
        "/people/ines-calder/",
        "/studios/harbour-light/",
        "/search/?q=tidewater",
        "/feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_public_answers_carry_the_policy_and_headers(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_common_headers(response)
        directives = policy(response)
        for name, sources in EXPECTED_DIRECTIVES.items():
            assert directives.get(name) == sources, (url, name, directives.get(name))
        # A nonce appears where the page used one (the review's JSON-LD), never more.
        script_src = directives["script-src"]
        assert script_src[0] == "'self'" and len(script_src) <= 2, script_src
        for source in script_src[1:]:
            assert re.fullmatch(r"'nonce-[A-Za-z0-9+/=]{16,}'", source), script_src
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_not_found_pages_carry_the_policy_too(client, index_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_common_headers(response)
    assert policy(response)["default-src"] == ["'self'"]


@pytest.mark.parametrize("accept_encoding", [None, "gzip, deflate, br"])
def test_every_inline_script_has_the_request_nonce(client, public_urls, accept_encoding):
    """The JSON-LD element carries the nonce of its own response, fresh per request,
    also when the second answer comes from the shared response cache, compressed: the
    nonce is spliced into the stored gzip bytes."""
    review_url = public_urls[1]
    headers = {"HTTP_ACCEPT_ENCODING": accept_encoding} if accept_encoding else {}
    nonces = []
    for expected_cache in ("miss", "hit"):
        response = client.get(review_url, **headers)
        assert response["X-Cache"] == expected_cache
        if accept_encoding:
            assert response["Content-Encoding"] == "gzip"  # brotli cannot be spliced
            html = gzip.decompress(response.content).decode()
        else:
            assert not response.has_header("Content-Encoding")
            html = response.content.decode()
        header_nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        tags = SCRIPT_TAG.findall(html)
        assert any("application/ld+json" in attrs for attrs in tags)
        for attrs in tags:
            if "src=" in attrs:
                continue
            found = NONCE_ATTR.search(attrs)
            assert found and found.group(1) == header_nonce.group(1), attrs
        nonces.append(header_nonce.group(1))
    assert nonces[0] != nonces[1]


def test_public_pages_need_no_inline_style_or_outside_resources(client, public_urls):
    """style-src 'self' blocks inline styles, and nothing may come from another host."""
    for url in public_urls[:5]:
        html = client.get(url).content.decode()
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        outside = re.search(r'<(script|img|source)\b[^>]*(src|srcset)="(https?:)?//', html)
        assert not outside, (url, outside)
        for attrs in re.findall(r"<link\b([^>]*)>", html):
            if 'rel="canonical"' in attrs or 'rel="alternate"' in attrs:
                continue  # addresses of this page, not resources the browser loads
            assert not re.search(r'href="(https?:)?//', attrs), (url, attrs)


def test_admin_is_outside_the_policy_but_keeps_frame_protection(admin_client):
    anonymous = Client().get("/admin/login/")
    assert anonymous.status_code == 200
    assert "Content-Security-Policy" not in anonymous.headers
    assert_common_headers(anonymous)
    dashboard = admin_client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Content-Security-Policy" not in dashboard.headers
    assert_common_headers(dashboard)
    assert "Content-Security-Policy" not in Client().get("/django-admin/login/").headers


def test_wagtail_preview_may_be_framed_by_the_admin(admin_client, index_page, person_factory):
    """The preview renders the page for its public address, but inside the admin's panel."""
    from tests.support.admin_forms import CRITIQUE, FINAL, SYNOPSIS, review_form_data

    people = [person_factory() for _ in range(4)]
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("review_pages", "reviewpage", index_page.pk)
    )
    data = review_form_data(people, StudioFactory(), sections=[SYNOPSIS, CRITIQUE, FINAL])
    assert admin_client.post(url, data).json()["is_valid"]
    response = admin_client.get(url + "?in_preview_panel=true&mode=")
    assert response.status_code == 200
    assert "Nell Brannock" in response.content.decode()  # the real page template
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Content-Security-Policy" not in response.headers
