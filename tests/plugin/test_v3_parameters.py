"""v3: the plugin's operations refuse a query parameter they do not declare (400, a problem
body naming it), as v2 does, and keep every documented one working. Each plugin operation of
the OpenAPI document is tried, so one added later is covered."""

import pytest
from django.test import Client

from review_pages.api.openapi import PLUGIN_TAGS
from review_pages.models import PreviewGrant, ReviewPage
from tests.support.factories import complete_body

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def credits(make_review, person_factory, studio_factory):
    director, studio = person_factory(name="Ana Director"), studio_factory(name="North Studio")
    review = make_review(
        film_title="Gannet",
        directors=[director],
        companies=[studio],
        body=complete_body([director.pk]),
    )
    return {"review": review, "person": director, "studio": studio}


def _plugin_get_operations() -> list[tuple[str, dict]]:
    document = Client().get("/api/v3/openapi.json").json()
    return [
        (path, item["get"])
        for path, item in document["paths"].items()
        if "get" in item and PLUGIN_TAGS & set(item["get"].get("tags", []))
    ]


def _fill(path: str, credits) -> str:
    """`path` with real values for its parameters (a new parameter fails here, by name)."""
    for kind, collection in (
        ("review", "/reviews/"),
        ("person", "/people/"),
        ("studio", "/studios/"),
    ):
        if collection in path:
            entity = credits[kind]
            path = path.replace("{slug}", entity.slug).replace(f"{{{kind}_id}}", str(entity.pk))
    assert "{" not in path, f"test_v3_parameters: no value for a parameter of {path}"
    return path


def _assert_refused(response, *names):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["status"] == 400
    for name in names:
        assert name in body["detail"]
    assert [error["loc"] for error in body["errors"]] == [["query", name] for name in sorted(names)]


def test_the_plugin_operations_are_found(db):
    paths = {path for path, _ in _plugin_get_operations()}
    assert {
        "/api/v3/reviews/",
        "/api/v3/people/{person_id}/",
        "/api/v3/studios/by-slug/{slug}/",
    } <= paths


def test_every_plugin_operation_refuses_an_unknown_parameter(client, credits):
    operations = _plugin_get_operations()
    for path, operation in operations:
        url = _fill(path, credits)
        response = client.get(url, {"nonsense": "1"})
        _assert_refused(response, "nonsense")
        declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in declared:  # what the document declares is what the answer says it takes
            assert name in response.json()["detail"], (url, name)


@pytest.mark.parametrize(
    "query, names",
    [
        ({"nonsense": "1"}, ["nonsense"]),
        ({"page": "2"}, ["page"]),
        ({"updated_since": "2025-01-01T00:00:00Z"}, ["updated_since"]),
        ({"page": "2", "fields": "*", "limit": "5"}, ["fields", "page"]),
    ],
)
def test_a_review_listing_names_what_it_does_not_take(client, credits, query, names):
    response = client.get("/api/v3/reviews/", query)

    _assert_refused(response, *names)
    detail = response.json()["detail"]
    assert "It takes: genre, imdb, limit, mpa_rating, offset, order, person" in detail


def test_a_detail_takes_no_query_parameter(client, credits):
    response = client.get(f"/api/v3/reviews/{credits['review'].pk}/", {"fields": "title"})

    _assert_refused(response, "fields")
    assert "It takes no query parameter." in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "5", "offset": "0"},
        {"search": "Gannet"},
        {"search": ""},
        {"person": "ana-director", "studio": "north-studio"},
        {"mpa_rating": "PG-13", "release_year": "2025", "order": "title"},
        {"imdb": "tt0111161"},
    ],
)
def test_documented_review_parameters_still_work(client, credits, query):
    response = client.get("/api/v3/reviews/", query)

    assert response.status_code == 200, response.content
    assert "items" in response.json()


@pytest.mark.parametrize("listing", ["/api/v3/people/", "/api/v3/studios/"])
def test_documented_people_and_studio_parameters_still_work(client, credits, listing):
    response = client.get(
        listing, {"limit": "5", "offset": "0", "search": "North Ana", "order": "-name"}
    )

    assert response.status_code == 200, response.content
    _assert_refused(client.get(listing, {"page": "2"}), "page")


def test_the_preview_takes_its_token_and_nothing_else(client, make_review):
    draft = make_review(film_title="Unreleased Cut", live=False)
    token = PreviewGrant.share(ReviewPage.objects.get(pk=draft.pk), seconds=3600).token

    assert client.get("/api/v3/reviews/preview/", {"token": token}).status_code == 200
    refused = client.get("/api/v3/reviews/preview/", {"token": token, "id": "7"})
    _assert_refused(refused, "id")
    assert "It takes: token." in refused.json()["detail"]


def test_an_unknown_parameter_is_refused_on_head_too(client, credits):
    response = client.head("/api/v3/reviews/", {"page": "2"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM_JSON)


def test_wagtails_own_routers_keep_their_field_filters(client, credits):
    """Wagtail's pages listing filters on any `api_fields` field as a free parameter and
    skips the ones it does not know: the plugin leaves its routers as they are."""
    review = credits["review"]
    by_field = client.get(
        "/api/v3/pages/", {"type": "review_pages.ReviewPage", "slug": review.slug}
    )
    unknown = client.get("/api/v3/pages/", {"nonsense": "1"})

    assert by_field.status_code == 200
    assert [item["id"] for item in by_field.json()["items"]] == [review.pk]
    assert unknown.status_code == 200
