"""API v3: the reviews, people and studios routers, Wagtail's v3 API, the OpenAPI document."""

import datetime

import pytest
from openapi_spec_validator import validate

from tests.support import api_support
from tests.support.api_support import (
    expected_review,
    person_ref,
    review_fields,
)

full_review = api_support.full_review  # the fixture, shared

REVIEWS = "/api/v3/reviews/"


def test_review_detail_by_id_and_by_slug(client, full_review):
    by_id = client.get(f"{REVIEWS}{full_review.pk}/")
    by_slug = client.get(f"{REVIEWS}by-slug/{full_review.slug}/")

    assert by_id.status_code == by_slug.status_code == 200
    item = by_id.json()
    assert item == by_slug.json()
    assert item["id"] == full_review.pk
    assert review_fields(item) == expected_review(full_review)
    assert item["meta"]["type"] == "review_pages.ReviewPage"
    assert item["meta"]["slug"] == full_review.slug
    assert item["meta"]["detail_url"] == f"http://localhost/api/v3/reviews/{full_review.pk}/"
    assert item["meta"]["html_url"] == (
        "http://localhost/ballerina-review-john-wick-spin-off-fails-to-twirl/"
    )
    assert item["meta"]["first_published_at"]
    assert "linktype" not in by_id.content.decode()


def test_v3_and_v2_give_the_same_review_object(client, full_review):
    v2 = client.get(f"/api/v2/pages/{full_review.pk}/").json()
    v3 = client.get(f"{REVIEWS}{full_review.pk}/").json()
    wagtail_v3 = client.get(f"/api/v3/pages/{full_review.pk}/").json()

    assert review_fields(v2) == review_fields(v3) == review_fields(wagtail_v3)


def test_listing_returns_full_review_objects_with_a_count(client, full_review, make_review):
    make_review(film_title="Second")

    data = client.get(f"{REVIEWS}?limit=1").json()

    assert data["count"] == 2
    assert [item["film_title"] for item in data["items"]] == ["Second"]
    second_page = client.get(f"{REVIEWS}?limit=1&offset=1").json()
    assert review_fields(second_page["items"][0]) == expected_review(full_review)


@pytest.mark.parametrize(
    "query, titles",
    [
        ("person=ana-de-armas", ["Ballerina"]),
        ("person=chloé-critic", ["Ballerina"]),
        ("person=someone-else", ["Other"]),
        ("studio=lionsgate", ["Ballerina"]),
        ("mpa_rating=g", ["Other"]),
        ("release_year=2025", ["Ballerina"]),
        ("release_year=1999", ["Other"]),
        ("search=Ballerina", ["Ballerina"]),
        ("search=lighthouse&order=release_date", ["Other", "Ballerina"]),
        ("order=release_date", ["Other", "Ballerina"]),
        ("order=-first_published_at", ["Other", "Ballerina"]),
    ],
)
def test_listing_filters_and_ordering(
    client, full_review, make_review, person_factory, query, titles
):
    make_review(
        film_title="Other",
        mpa_rating="G",
        release_date=datetime.date(1999, 3, 3),
        directors=[person_factory(name="Someone Else")],
        body=[
            {"type": "synopsis", "value": {"text": "<p>A lighthouse.</p>"}},
            {"type": "final_statement", "value": {"text": "<p>Fine.</p>"}},
        ],
    )
    # Ballerina's synopsis does not say "lighthouse"; its intro does not either.
    full_review.intro = "<p>A lighthouse, too.</p>"
    full_review.save_revision().publish()

    response = client.get(f"{REVIEWS}?{query}")

    assert response.status_code == 200, response.content
    assert [item["film_title"] for item in response.json()["items"]] == titles


@pytest.mark.parametrize(
    "query, status, detail",
    [
        ("person=not%20a%20slug", 400, "person must be a slug"),
        ("studio=%3Cb%3E", 400, "studio must be a slug"),
        ("release_year=abc", 400, "The year must be a number"),
        ("mpa_rating=XXX", 400, "Unknown rating"),
        ("limit=101", 400, "limit cannot be higher than 100"),
        ("offset=-1", 422, "Validation failed"),
        ("limit=abc", 422, "Validation failed"),
        ("order=nonsense", 422, "Validation failed"),
    ],
)
def test_bad_values_answer_with_a_problem_message(client, full_review, query, status, detail):
    response = client.get(f"{REVIEWS}?{query}")

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert detail in response.json()["detail"]


def test_unknown_review_is_a_404_problem(client, full_review):
    assert client.get(f"{REVIEWS}999999/").status_code == 404
    response = client.get(f"{REVIEWS}by-slug/nothing-here/")
    assert response.status_code == 404
    assert "nothing-here" in response.json()["detail"]


def test_people_listing_search_order_and_detail(client, full_review):
    listing = client.get("/api/v3/people/").json()
    names = [item["name"] for item in listing["items"]]
    assert listing["count"] == 5
    assert names == sorted(names)
    assert [i["name"] for i in client.get("/api/v3/people/?order=-name").json()["items"]] == (
        sorted(names, reverse=True)
    )
    found = client.get("/api/v3/people/?search=Keanu").json()
    assert [item["name"] for item in found["items"]] == ["Keanu Reeves"]

    keanu = full_review.people["Keanu Reeves"]
    detail = client.get(f"/api/v3/people/{keanu.pk}/").json()
    assert detail == client.get(f"/api/v3/people/by-slug/{keanu.slug}/").json()
    assert detail["meta"]["html_url"] == person_ref(keanu)["url"]
    assert (detail["name"], detail["slug"], detail["bio"], detail["photo"]) == (
        "Keanu Reeves",
        "keanu-reeves",
        "",
        None,
    )
    assert detail["credits"] == [
        {
            "review": {
                "id": full_review.pk,
                "title": full_review.title,
                "film_title": "Ballerina",
                "url": "http://localhost/ballerina-review-john-wick-spin-off-fails-to-twirl/",
            },
            "role": "cast",
            "character": "John Wick",
        }
    ]


def test_critic_and_studio_credits(client, full_review):
    critic = full_review.people["Chloé Critic"]
    lionsgate = full_review.studios["Lionsgate"]

    critic_credits = client.get(f"/api/v3/people/{critic.pk}/").json()["credits"]
    studio = client.get(f"/api/v3/studios/by-slug/{lionsgate.slug}/").json()

    assert [credit["role"] for credit in critic_credits] == ["critic"]
    assert studio["website"] == "" and studio["logo"] is None
    assert [credit["role"] for credit in studio["credits"]] == ["production company", "distributor"]
    assert client.get("/api/v3/studios/?search=Lionsgate").json()["count"] == 1
    assert client.get("/api/v3/studios/99999/").status_code == 404
    assert client.get("/api/v3/people/?limit=500").status_code == 400


# Wagtail's v3 API


def test_wagtail_v3_pages_docs_and_schema_are_mounted(client, full_review):
    assert client.get("/api/v3/pages/").status_code == 200
    assert client.get("/api/v3/docs/").status_code == 200


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/api/v3/pages/"),
        ("patch", "/api/v3/pages/{pk}/"),
        ("post", "/api/v3/pages/{pk}/actions/publish/"),
        ("delete", "/api/v3/pages/{pk}/actions/delete/"),
    ],
)
def test_wagtail_v3_writes_need_a_token(client, admin_client, full_review, method, url):
    url = url.format(pk=full_review.pk)
    # A signed-in editor's session does not count either: only bearer tokens do.
    for http in (client, admin_client):
        response = getattr(http, method)(url, data={}, content_type="application/json")
        assert response.status_code == 401


# The OpenAPI document


@pytest.fixture
def openapi(client, db):
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_valid(openapi):
    validate(openapi)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_openapi_has_no_untyped_body(openapi):
    schemas = openapi["components"]["schemas"]
    bodies = [
        s["properties"]["body"] for s in schemas.values() if "body" in s.get("properties", {})
    ]
    assert len(bodies) >= 2  # our Review and Wagtail's own ReviewPageSchema
    for body in bodies:
        arrays = [node for node in _walk(body) if node.get("type") == "array"]
        assert arrays and all(
            a["items"] == {"$ref": "#/components/schemas/ReviewSection"} for a in arrays
        )
    section = schemas["ReviewSection"]
    assert section["discriminator"]["propertyName"] == "type"
    assert set(section["discriminator"]["mapping"]) == {
        "synopsis",
        "performance",
        "critique",
        "final_statement",
    }


def test_openapi_types_every_review_field(openapi):
    schemas = openapi["components"]["schemas"]
    review = schemas["Review"]["properties"]

    assert set(review) >= {"id", "meta", *expected_fields()}
    untyped = [
        name
        for name, prop in review.items()
        if not (set(prop) & {"type", "$ref", "anyOf", "items"})
    ]
    assert untyped == []
    assert review["directors"]["items"] == {"$ref": "#/components/schemas/PersonRef"}
    assert review["production_companies"]["items"] == {"$ref": "#/components/schemas/StudioRef"}
    assert review["cast"]["items"] == {"$ref": "#/components/schemas/CastCredit"}
    for ref in ("PersonRef", "StudioRef"):
        assert set(schemas[ref]["properties"]) == {"id", "name", "slug", "url"}
    performance = schemas["PerformanceValue"]["properties"]
    assert performance["performers"]["items"] == {"$ref": "#/components/schemas/PersonRef"}
    for path in (
        "/api/v3/reviews/",
        "/api/v3/people/{person_id}/",
        "/api/v3/studios/by-slug/{slug}/",
    ):
        assert "get" in openapi["paths"][path]


def expected_fields():
    from tests.support.api_support import REVIEW_FIELDS

    return REVIEW_FIELDS


def test_the_review_shape_is_defined_once():
    """The model's api_fields, the shape builders and the OpenAPI types name the same fields."""
    from review_pages.api.schemas import Review
    from review_pages.api.shapes import REVIEW_FIELDS
    from review_pages.models import REVIEW_API_FIELDS, ReviewPage

    assert [field.name for field in ReviewPage.api_fields] == list(REVIEW_API_FIELDS)
    assert list(REVIEW_FIELDS) == list(REVIEW_API_FIELDS)
    assert [name for name in Review.model_fields if name not in {"id", "meta", "title"}] == list(
        REVIEW_API_FIELDS
    )


PLUGIN_TAGS = {"reviews", "people", "studios"}


def plugin_operations(openapi):
    return [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if PLUGIN_TAGS & set(operation.get("tags", []))
    ]


def test_every_plugin_operation_declares_its_refusals_and_security(openapi):
    operations = plugin_operations(openapi)
    assert len(operations) == 10
    problem = {"$ref": "#/components/schemas/ProblemDetail"}
    for path, _method, operation in operations:
        assert operation["security"] == [], path  # a public read: no credentials
        refusals = {
            code: answer for code, answer in operation["responses"].items() if code[0] == "4"
        }
        assert "400" in refusals and "422" in refusals or not operation.get("parameters"), path
        for answer in refusals.values():
            assert answer["content"] == {"application/problem+json": {"schema": problem}}, path
        if "{" in path:
            assert "404" in refusals, path
    preview = openapi["paths"]["/api/v3/reviews/preview/"]["get"]["responses"]
    assert {"401", "403", "404"} <= set(preview)
    limits = [
        parameter["schema"]
        for _, _, operation in operations
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "limit"
    ]
    assert len(limits) == 3 and all(limit["maximum"] == 100 for limit in limits)


def test_the_document_has_no_unused_components(openapi):
    import json

    text = json.dumps(openapi["paths"])
    schemas = openapi["components"]["schemas"]
    reached = set()
    pending = [name for name in schemas if f'"#/components/schemas/{name}"' in text]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        body = json.dumps(schemas[name])
        pending += [other for other in schemas if f'"#/components/schemas/{other}"' in body]
    assert set(schemas) - reached == set()
