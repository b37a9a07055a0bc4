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
