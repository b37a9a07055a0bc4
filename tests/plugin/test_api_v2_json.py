"""API v2 answers in compact JSON (Wagtail's `indent=4` forced Python's slow encoder)."""

import json

import pytest

from tests.support import api_support

full_review = api_support.full_review  # the fixture, shared

REVIEWS = "/api/v2/pages/?type=review_pages.ReviewPage&fields=*"


def compact(data) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize(
    "url",
    [REVIEWS, "/api/v2/pages/", "/api/v2/people/", "/api/v2/studios/", "/api/v2/images/"],
)
def test_listings_are_compact_json(client, full_review, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert "\n" not in body
    assert body == compact(response.json())


def test_the_detail_is_compact_json_of_the_review(client, full_review):
    response = client.get(f"/api/v2/pages/{full_review.pk}/")

    assert response.status_code == 200
    assert response.content.decode() == compact(response.json())
    assert response.json()["id"] == full_review.pk
    assert api_support.review_fields(response.json()) == api_support.expected_review(full_review)


def test_compact_answers_keep_their_etag(client, full_review):
    first = client.get(REVIEWS)

    again = client.get(REVIEWS, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert client.get(REVIEWS)["ETag"] == first["ETag"]


def test_a_bad_query_is_a_compact_400(client, full_review):
    response = client.get("/api/v2/pages/?type=review_pages.ReviewPage&limit=abc")

    assert response.status_code == 400
    assert response.content.decode() == compact(response.json())


def test_the_browsable_api_still_indents(client, full_review):
    response = client.get(f"/api/v2/pages/{full_review.pk}/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "&quot;id&quot;: " in response.content.decode()
