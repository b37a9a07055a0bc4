"""HEAD answers like GET, without a body, on every route of both APIs, whether or not the
response cache holds the answer. The routes are read from the include's URL patterns, so a
route added later is covered as it is added."""

import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver
from wagtail.documents import get_document_model
from wagtail.models import Site

from review_pages.api import urls as api_urls
from tests.support.factories import complete_body
from tests.support.images import make_poster

#: What HEAD must answer as GET does (Content-Length: the GET body's, though none is sent).
COMPARED = (
    "ETag",
    "Cache-Control",
    "Content-Type",
    "Content-Length",
    "Vary",
    "Allow",
    "X-Cache",
)
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _routes(patterns, prefix: str = "/api/"):
    for item in patterns:
        text = str(item.pattern).lstrip("^").rstrip("$")
        if isinstance(item, URLResolver):
            yield from _routes(item.url_patterns, prefix + text)
        elif isinstance(item, URLPattern):
            yield prefix + text


API_ROUTES = sorted(set(_routes(api_urls.urlpatterns)))


@pytest.fixture
def values(make_review, person_factory, studio_factory):
    director, studio = person_factory(), studio_factory()
    review = make_review(
        directors=[director],
        companies=[studio],
        poster=make_poster("Head"),
        body=complete_body([director.pk]),
    )
    document = get_document_model().objects.create(title="Press kit", file="press-kit.txt")
    return {
        "review": review,
        "person": director,
        "studio": studio,
        "poster": review.poster,
        "document": document,
        "site": Site.objects.get(is_default_site=True),
    }


def _value(route: str, name: str, values) -> str:
    """A real value for a route's parameter (a new parameter name fails here, by name)."""
    by_name = {
        "review_id": values["review"].pk,
        "page_id": values["review"].pk,
        "person_id": values["person"].pk,
        "studio_id": values["studio"].pk,
        "image_id": values["poster"].pk,
        "document_id": values["document"].pk,
        "site_id": values["site"].pk,
        "revision_id": values["review"].latest_revision_id,
        "redirect_id": 1,
        "type": "people.person",
        "type_name": "review_pages.ReviewPage",
    }
    if name in by_name:
        return str(by_name[name])
    if name in ("pk", "slug"):
        for collection, kind in (
            ("/pages/", "review"),
            ("/reviews/", "review"),
            ("/people/", "person"),
            ("/studios/", "studio"),
            ("/images/", "poster"),
            ("/snippets/", "person"),
        ):
            if collection in route:
                return str(getattr(values[kind], name))
    pytest.fail(f"test_head_requests: no value for <{name}> of the new route {route}")


def _url(route: str, values) -> str:
    return PARAMETER.sub(lambda match: _value(route, match[1] or match[2], values), route)


def _same_answer(head, get, url: str) -> None:
    assert head.status_code == get.status_code, url
    for header in COMPARED:
        assert head.get(header) == get.get(header), (url, header)
    assert head.content == b"", url


def test_every_route_of_both_apis_is_listed():
    assert "/api/v2/pages/<int:pk>/" in API_ROUTES
    assert "/api/v3/reviews/by-slug/<slug>/" in API_ROUTES
    assert "/api/v3/pages/<page_id>/" in API_ROUTES
    assert len(API_ROUTES) > 40


@pytest.mark.parametrize("route", API_ROUTES)
def test_head_answers_as_get_on_a_cold_and_a_warm_cache(client, values, route):
    url = _url(route, values)

    cache.clear()
    cold_head = client.head(url)
    cache.clear()
    cold_get = client.get(url)
    _same_answer(cold_head, cold_get, url)
    assert cold_head.status_code != 405 or "GET" not in cold_get.get("Allow", "GET"), url

    warm_get = client.get(url)  # stored by the GET above, if it may be
    warm_head = client.head(url)
    _same_answer(warm_head, warm_get, url)


@pytest.mark.parametrize(
    "url",
    ["/api/v3/reviews/", "/api/v3/people/", "/api/v2/pages/", "/api/v3/pages/", "/api/v3/images/"],
)
def test_head_on_a_cold_cache_answers_200_with_the_etag_of_the_get(client, values, url):
    head = client.head(url)
    cache.clear()
    get = client.get(url)

    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head["Cache-Control"].startswith("public, ")


def test_head_of_a_compressed_answer_names_its_encoding_on_a_cold_cache(client, values):
    """A client accepting gzip gets the same headers from HEAD as from GET, stored or not."""
    url = "/api/v3/reviews/?limit=20"
    head = client.head(url, HTTP_ACCEPT_ENCODING="gzip")
    cache.clear()
    get = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert get["Content-Encoding"] == head["Content-Encoding"] == "gzip"
    _same_answer(head, get, url)
