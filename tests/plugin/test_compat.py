"""Each workaround in review_pages.compat is still needed by the pinned Wagtail, and works.

When a Wagtail release fixes one of these bugs, its `*_needed` test fails: delete the
workaround (and the test) rather than keep it.
"""

import pytest
from django.db import connection
from django.test import override_settings
from openapi_spec_validator import validate
from wagtail.api.v3.api import api as wagtail_v3_api

from review_pages import compat

pytestmark = pytest.mark.django_db


def test_wagtail_still_declares_an_anonymous_scheme_without_scheme():
    assert compat.anonymous_scheme_needed(), (
        "Wagtail fixed its AllowAnonymous OpenAPI scheme: remove compat's document fix"
    )


def test_wagtail_still_passes_any_offset_to_the_database():
    assert compat.offset_bound_needed(), (
        "Wagtail bounds its v3 offsets now: remove compat's offset bound"
    )


def test_the_openapi_document_validates_with_the_fix(client):
    document = client.get("/api/v3/openapi.json").json()
    validate(document)
    schemes = document["components"]["securitySchemes"]
    assert all("scheme" in scheme for scheme in schemes.values() if scheme["type"] == "http")


def test_the_fix_replaces_the_anonymous_scheme_by_an_empty_requirement():
    broken = {
        "components": {
            "securitySchemes": {
                "BearerTokenAuth": {"type": "http", "scheme": "bearer"},
                "AllowAnonymous": {"type": "http"},
            }
        },
        "paths": {"/x/": {"get": {"security": [{"BearerTokenAuth": []}, {"AllowAnonymous": []}]}}},
    }
    fixed = compat.optional_auth_document(broken)
    assert set(fixed["components"]["securitySchemes"]) == {"BearerTokenAuth"}
    assert fixed["paths"]["/x/"]["get"]["security"] == [{"BearerTokenAuth": []}, {}]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/pages/?offset=99999999999999999999",
        "/api/v3/pages/?offset=2147483648",
        "/api/v3/reviews/?offset=99999999999999999999",
    ],
)
def test_a_huge_v3_offset_is_a_4xx_not_a_500(client, index_page, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/pages/?search=%00",
        "/api/v3/pages/find/?html_path=%00",
        "/api/v3/reviews/by-slug/a%00b/",
        "/api/v2/people/find/?slug=%00",
    ],
)
def test_a_nul_character_answers_400_with_a_message(client, index_page, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    if url.startswith("/api/v3/"):
        assert response["Content-Type"] == "application/problem+json"


RAW_URLS = "tests.plugin.raw_wagtail_api_urls"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL refuses NUL characters in text"
)
@override_settings(ROOT_URLCONF=RAW_URLS)
def test_wagtail_still_sends_nul_characters_to_postgresql(client, index_page):
    """Without the plugin's guard, Wagtail's own v3 page search fails on PostgreSQL."""
    client.raise_request_exception = False
    response = client.get("/raw/v3/pages/?search=%00")
    assert response.status_code == 500, "Wagtail handles NUL now: drop compat's NUL guard"


def test_install_is_idempotent():
    before = wagtail_v3_api.get_openapi_schema
    compat.install()
    compat.install()
    assert wagtail_v3_api.get_openapi_schema is before


def test_wagtail_reference_extraction_still_yields_what_people_usage_reads(
    make_review, person_factory
):
    """people.usage reads the references of unpublished drafts with Wagtail's private
    `ReferenceIndex._extract_references_from_object` (no public API reads an unsaved
    object's references): (content type id, object id, model path, content path)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from people.models import Person

    critic = person_factory(name="Ada Reference")
    review = make_review(film_title="Referenced", author=critic)
    references = list(ReferenceIndex._extract_references_from_object(review))
    person_type = ContentType.objects.get_for_model(Person).pk
    assert all(len(reference) == 4 for reference in references)
    assert (person_type, str(critic.pk)) in {(ct, str(pk)) for ct, pk, *_ in references}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the crash is SQLite's backend's")
def test_modelsearch_still_builds_no_query_from_a_blank_search():
    assert compat.blank_search_crash_needed(), (
        "modelsearch's SQLite backend handles blank searches now: checked_search stays as the "
        "plugin's rule for API searches, but drop this note from compat"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the crash is SQLite's backend's")
def test_without_the_check_a_blank_search_still_crashes_the_backend(index_page):
    from wagtail.images import get_image_model
    from wagtail.search.backends import get_search_backend

    with pytest.raises(AttributeError):
        list(get_search_backend().search("\u3000", get_image_model().objects.all()))


BLANK_OR_BROKEN_SEARCHES = [
    "%20",
    "%09",
    "%C2%A0",
    "%E3%80%80",
    "%1E",
    "%22",
    "%22%22%22",
    "%21%3F",
]
SEARCHABLE = [
    "/api/v2/pages/",
    "/api/v2/pages/?type=review_pages.ReviewPage&",
    "/api/v2/images/",
    "/api/v2/people/",
    "/api/v2/studios/",
    "/api/v3/pages/",
    "/api/v3/images/",
    "/api/v3/documents/",
    "/api/v3/reviews/",
    "/api/v3/people/",
    "/api/v3/studios/",
]


@pytest.mark.parametrize("endpoint", SEARCHABLE)
def test_every_api_search_of_nothing_but_blanks_or_quotes_is_a_400(client, index_page, endpoint):
    for search in BLANK_OR_BROKEN_SEARCHES:
        url = endpoint + ("&" if "?" in endpoint else "?") + f"search={search}"
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        body = response.json()
        if "/v3/" in url:
            assert response["Content-Type"] == "application/problem+json", url
            assert "no letters or digits" in body["detail"], url
        else:
            assert "no letters or digits" in body["message"], url
    # Words around the quote are still searched for.
    sep = "&" if "?" in endpoint else "?"
    assert client.get(f"{endpoint}{sep}search=%22film%22%20noir").status_code == 200


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v3/nothing-here/"),
        ("get", "/api/v3/reviews/not-an-id/"),
        ("post", "/api/v3/reviews/"),
        ("get", "/api/v3/reviews/?limit=0"),
        ("get", "/api/v3/reviews/?limit=1000"),
        ("get", "/api/v3/pages/?search=%00"),
        ("get", "/api/v3/people/999999/"),
    ],
)
def test_every_v3_4xx_is_problem_json(client, index_page, method, url):
    response = getattr(client, method)(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert response["Content-Type"] == "application/problem+json", (url, response["Content-Type"])
    body = response.json()
    assert body["status"] == response.status_code and body["title"], (url, body)


def test_a_v3_address_without_its_slash_still_redirects(client, index_page):
    response = client.get("/api/v3/reviews?limit=2")
    assert response.status_code == 301 and response["Location"] == "/api/v3/reviews/?limit=2"
