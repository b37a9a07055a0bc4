"""The OpenAPI document says what the API does for caches and credentials, over every operation
(review_pages.api.openapi): each GET that sends an ETag declares its 304, and `security` is
in the form generated clients read right (a plain client for every public operation)."""

from __future__ import annotations

import copy

import pytest
from freezegun import freeze_time
from openapi_spec_validator import validate

from review_pages.api.openapi import security_for_generators
from review_pages.models import PreviewGrant

pytestmark = pytest.mark.django_db

BEARER = {"BearerTokenAuth": []}
PREVIEW = "/api/v3/reviews/preview/"


@pytest.fixture
def document(client, index_page):
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json()


def gets(document):
    return {
        path: item["get"]
        for path, item in document["paths"].items()
        if isinstance(item.get("get"), dict)
    }


def test_every_get_but_the_preview_declares_304_its_etag_and_if_none_match(document):
    validate(document)
    operations = gets(document)
    assert len(operations) > 30  # Wagtail's, the plugin's and the sync feed's
    for path, operation in operations.items():
        responses = operation["responses"]
        if path == PREVIEW:  # private, no-store: no ETag, so never a 304
            assert "304" not in responses
            assert "If-None-Match" not in [p["name"] for p in operation["parameters"]]
            continue
        assert "304" in responses, path
        assert "content" not in responses["304"], path  # no body
        assert "ETag" in responses["200"]["headers"], path
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [(p["name"], p["required"]) for p in headers] == [("If-None-Match", False)], path
    assert "/api/v3/sync/" in operations and "/api/v3/pages/" in operations
    writes = [
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in {"post", "put", "patch", "delete"}
    ]
    assert writes and not any("304" in operation["responses"] for operation in writes)


def test_each_plugin_get_sends_the_etag_and_the_304_it_declares(
    client, document, make_review, person_factory, studio_factory
):
    director = person_factory(name="Mara Quist")
    studio = studio_factory(name="Tideline Pictures")
    review = make_review(film_title="Salt Road", directors=[director], companies=[studio])
    draft = make_review(film_title="Unfinished", directors=[director], live=False)
    values = {
        "review_id": review.pk,
        "person_id": director.pk,
        "studio_id": studio.pk,
    }
    slugs = {"reviews": review.slug, "people": director.slug, "studios": studio.slug}
    checked = 0
    for path, operation in gets(document).items():
        if operation.get("security") != []:  # the plugin's public reads (Wagtail's inherit)
            continue
        url = path.format(slug=slugs.get(path.split("/")[3], ""), **values)
        if path == PREVIEW:
            url += f"?token={PreviewGrant.share(draft, seconds=600).token}"
        # The clock stands still: the sync feed's `next` cursor is signed with the time (to
        # the second), so its ETag changes from one second to the next.
        with freeze_time():
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            if "304" not in operation["responses"]:
                assert not answer.has_header("ETag"), url
                assert "no-store" in answer["Cache-Control"], url
                continue
            again = client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"])
        assert again.status_code == 304, url
        assert again.content == b"", url
        checked += 1
    assert checked == 10  # reviews (3), people (3), studios (3), sync (1)


def test_wagtail_reads_revalidate_as_declared(client, document, make_review):
    review = make_review(film_title="Salt Road")
    for url in ("/api/v3/pages/", f"/api/v3/pages/{review.pk}/", "/api/v3/images/"):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.has_header("ETag"), url
        assert client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304, url


def test_public_operations_need_no_credentials_and_token_only_ones_keep_theirs(document):
    """No operation's own `security` holds the empty requirement `{}`: openapi-python-client
    types any non-empty list as needing an `AuthenticatedClient` (#1372)."""
    assert document["security"] == [BEARER, {}]  # a token is optional by default
    paths = document["paths"]
    plugin = [
        operation
        for item in paths.values()
        for operation in item.values()
        if set(operation.get("tags", [])) & {"reviews", "people", "studios", "sync"}
    ]
    assert len(plugin) == 11
    assert all(operation["security"] == [] for operation in plugin)  # no credentials
    for path in ("/api/v3/pages/", "/api/v3/pages/{page_id}/", "/api/v3/images/"):
        assert "security" not in paths[path]["get"], path  # inherits: a token is optional
    assert paths["/api/v3/whoami/"]["get"]["security"] == [BEARER]
    assert paths["/api/v3/pages/"]["post"]["security"] == [BEARER]
    for item in paths.values():
        for operation in item.values():
            assert {} not in operation.get("security", []), operation["operationId"]
    assert set(document["components"]["securitySchemes"]) == {"BearerTokenAuth"}


def bare(*operations):
    return {
        "paths": {f"/{n}/": {"get": {"responses": {}, **op}} for n, op in enumerate(operations)}
    }


@pytest.mark.parametrize(
    "optional",
    [[BEARER, {}], [{}, BEARER]],
    ids=["token first", "anonymous first"],
)
def test_an_optional_token_becomes_the_default_whatever_its_order(optional):
    schema = security_for_generators(
        bare({"security": optional}, {"security": [BEARER]}, {"security": [{}]}, {})
    )
    operations = [item["get"] for item in schema["paths"].values()]
    assert schema["security"] == [BEARER, {}]
    assert "security" not in operations[0]
    assert operations[1]["security"] == [BEARER]
    assert operations[2]["security"] == operations[3]["security"] == []


def test_the_optional_requirement_most_operations_share_is_the_default():
    other = {"ApiKey": []}
    schema = security_for_generators(
        bare({"security": [BEARER, {}]}, {"security": [BEARER, {}]}, {"security": [other, {}]})
    )
    operations = [item["get"] for item in schema["paths"].values()]
    assert schema["security"] == [BEARER, {}]
    assert "security" not in operations[0] and "security" not in operations[1]
    assert operations[2]["security"] == [other, {}]  # kept: not the default's meaning


def test_a_document_with_its_own_default_security_keeps_it():
    schema = bare({"security": [BEARER, {}]}, {})
    schema["security"] = [BEARER]
    before = copy.deepcopy(schema)
    security_for_generators(schema)
    assert schema == before
