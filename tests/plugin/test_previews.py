"""Draft previews for front ends: signed, expiring, read-only tokens bound to one page and
revision, read at `/api/v2/page_preview/` and `/api/v3/reviews/preview/`, never cached."""

import datetime

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from review_pages.models import PreviewGrant, ReviewPage
from tests.support.admin_forms import CRITIQUE, FINAL, SYNOPSIS, performance, review_form_data
from tests.support.api_support import review_fields

V2 = "/api/v2/page_preview/"
V3 = "/api/v3/reviews/preview/"
FRONT_END = "https://app.example.com/preview?token={token}&id={page_id}"


@pytest.fixture
def draft(make_review, person_factory):
    """A review that was never published, with a credit."""
    review = make_review(film_title="Unreleased Cut", live=False)
    review.title = "'Unreleased Cut' Review: A Draft"
    review.save_revision()
    return review


def share_token(page, **kwargs):
    return PreviewGrant.share(page, seconds=kwargs.pop("seconds", 3600), **kwargs).token


def test_a_token_reads_the_draft_at_both_endpoints_in_the_live_shapes(client, draft, make_review):
    live = make_review(film_title="Published One")
    token = share_token(ReviewPage.objects.get(pk=draft.pk))

    v2 = client.get(V2, {"token": token})
    v3 = client.get(V3, {"token": token})

    assert v2.status_code == v3.status_code == 200
    assert v2.json()["title"] == v3.json()["title"] == "'Unreleased Cut' Review: A Draft"
    assert v2.json()["id"] == v3.json()["id"] == draft.pk
    assert review_fields(v2.json()) == review_fields(v3.json())
    live_v2 = client.get(f"/api/v2/pages/{live.pk}/").json()
    live_v3 = client.get(f"/api/v3/reviews/{live.pk}/").json()
    assert set(v2.json()) == set(live_v2)
    assert set(v2.json()["meta"]) == set(live_v2["meta"])
    assert set(v3.json()) == set(live_v3) and set(v3.json()["meta"]) == set(live_v3["meta"])
    # The live endpoints still hide the draft.
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v3/reviews/{draft.pk}/").status_code == 404
    listing = client.get("/api/v3/reviews/").json()
    assert draft.pk not in [item["id"] for item in listing["items"]]


def test_preview_answers_are_private_and_never_cached(client, draft):
    token = share_token(draft)
    for url in (V2, V3):
        first = client.get(url, {"token": token})
        second = client.get(url, {"token": token})
        assert first["Cache-Control"] == "private, no-store", url
        assert "ETag" not in first
        assert second["X-Cache"] != "hit", url
    refused = client.get(V3, {"token": "nonsense"})
    assert refused["Cache-Control"] == "private, no-store"


def test_a_share_link_shows_the_revision_it_was_made_for(client, make_review):
    review = make_review(film_title="Shown Film")
    review.title = "A headline in the works"
    review.save_revision()
    token = share_token(ReviewPage.objects.get(pk=review.pk))
    review.title = "A later headline"
    review.save_revision()

    assert client.get(V3, {"token": token}).json()["title"] == "A headline in the works"
    assert client.get(f"/api/v3/reviews/{review.pk}/").json()["title"].startswith("'Shown Film'")


@pytest.mark.parametrize("endpoint", [V2, V3])
def test_bad_tokens_are_refused_with_a_message(client, draft, endpoint):
    grant = PreviewGrant.share(draft, seconds=3600)
    token = grant.token
    body, signature = token.rsplit(":", 1)
    forged = signing.Signer(salt="another-salt").sign_object({"g": grant.pk, "p": 1, "r": None})
    tampered_payload = signing.Signer(salt="x").sign_object(
        {"g": grant.pk, "p": draft.pk + 1, "r": grant.revision_id, "e": 2**40}
    )

    cases = {
        "missing": (None, 401, "required"),
        "tampered signature": (f"{body}:{signature[:-2]}xx", 403, "not valid"),
        "tampered body": (f"{body[:-3]}abc:{signature}", 403, "not valid"),
        "forged": (forged, 403, "not valid"),
        "other page": (tampered_payload, 403, "not valid"),
    }
    for name, (value, status, words) in cases.items():
        response = client.get(endpoint, {"token": value} if value else {})
        assert response.status_code == status, name
        message = response.json().get("message") or response.json().get("detail")
        assert words in message, name

    grant.revoked_at = timezone.now()
    grant.save()
    revoked = client.get(endpoint, {"token": token})
    assert revoked.status_code == 403
    assert "revoked" in (revoked.json().get("message") or revoked.json()["detail"])


@pytest.mark.parametrize("endpoint", [V2, V3])
def test_an_expired_token_is_refused(client, draft, endpoint):
    grant = PreviewGrant.share(draft, seconds=60)
    grant.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    grant.save()

    response = client.get(endpoint, {"token": grant.token})

    assert response.status_code == 401
    assert "expired" in (response.json().get("message") or response.json()["detail"])


def test_a_token_for_one_page_never_reads_another(client, draft, make_review):
    other = make_review(film_title="Other Draft", live=False)
    token = share_token(draft)

    for query in ({"token": token, "id": other.pk}, {"token": token, "slug": other.slug}):
        assert client.get(V2, query).json()["id"] == draft.pk
        # v3 takes its token alone: another parameter is refused, by name (400).
        refused = client.get(V3, query)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["loc"] == ["query", next(iter(set(query) - {"token"}))]
        assert other.title not in refused.content.decode()
    # A published review's detail takes no token: refused, not read with it.
    assert client.get(f"/api/v3/reviews/{other.pk}/", {"token": token}).status_code == 400
    assert client.get(f"/api/v2/pages/{other.pk}/", {"token": token}).status_code == 404


def test_a_preview_token_cannot_write(client, draft):
    token = share_token(draft)
    writes = [("post", "/api/v3/pages/"), ("patch", f"/api/v3/pages/{draft.pk}/")]
    writes.append(("delete", f"/api/v3/pages/{draft.pk}/"))
    for method, url in writes:
        response = getattr(client, method)(
            url,
            data={"title": "Hijacked"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 401, method
    assert ReviewPage.objects.get(pk=draft.pk).title != "Hijacked"


def preview_an_unsaved_edit(admin_client, index_page, people, studio):
    """A draft saved in the editor, then edited (unsaved) and previewed: the preview URL."""
    from tests.support.admin_forms import add_url

    data = review_form_data(people, studio, sections=[SYNOPSIS, CRITIQUE, FINAL])
    data.pop("action-publish")
    admin_client.post(add_url(index_page), data)
    review = ReviewPage.objects.get(slug="saltwater-hymn")
    assert not review.live
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(review.pk,))
    edited = review_form_data(
        people, studio, sections=[SYNOPSIS, performance(people[2]), CRITIQUE, FINAL]
    )
    edited["title"] = "An unsaved headline"
    assert admin_client.post(url, edited).json()["is_valid"] is True
    return review, url


def test_without_a_front_end_the_editors_preview_is_wagtails_own(
    admin_client, index_page, people, studio
):
    _review, url = preview_an_unsaved_edit(admin_client, index_page, people, studio)

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "review_pages/review_page.html" in [t.name for t in response.templates]
    assert "An unsaved headline" in response.content.decode()
    assert not PreviewGrant.objects.exists()


@override_settings(REVIEW_PAGES={"FRONTEND_PREVIEW_URL": FRONT_END})
def test_with_a_front_end_the_editors_preview_opens_it_with_a_token(
    client, admin_client, index_page, people, studio
):
    review, url = preview_an_unsaved_edit(admin_client, index_page, people, studio)

    response = admin_client.get(url)

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://app.example.com/preview?token=")
    assert location.endswith(f"&id={review.pk}")
    token = location.split("token=")[1].split("&")[0]
    from urllib.parse import unquote

    preview = client.get(V3, {"token": unquote(token)}).json()
    assert preview["title"] == "An unsaved headline"  # the form's state, not saved
    assert [p["name"] for p in preview["body"][1]["value"]["performers"]] == [people[2].name]
    assert ReviewPage.objects.get(pk=review.pk).title != "An unsaved headline"
    grant = PreviewGrant.objects.get()
    assert grant.kind == PreviewGrant.EDITOR and grant.created_by.username == "editor-in-chief"
    # A refresh of the preview renews the same grant rather than piling up new ones.
    admin_client.get(url)
    assert PreviewGrant.objects.count() == 1


@pytest.fixture
def people(person_factory):
    return [person_factory(name=n) for n in ("Ida Marsh", "Tom Vey", "Bea Thorne", "Oskar Lind")]


@pytest.fixture
def studio(studio_factory):
    return studio_factory(name="Driftwood Films")
