"""Share links of a draft: made in the page's admin menu or with `manage.py preview_link`,
expiring, revocable, listed with who made them; they open the draft with no login, on the
front end or on the site itself, and their token works at both preview endpoints."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from review_pages.models import PreviewGrant

V2 = "/api/v2/page_preview/"
V3 = "/api/v3/reviews/preview/"


@pytest.fixture
def draft(make_review):
    review = make_review(film_title="Quiet Harbour", live=False)
    review.title = "'Quiet Harbour' Review: Still Waters"
    review.save_revision()
    return review


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def test_preview_link_prints_a_link_that_opens_the_draft_on_the_site(client, draft):
    out, err = io.StringIO(), io.StringIO()
    call_command("preview_link", str(draft.pk), "--expires", "2h", stdout=out, stderr=err)

    url = out.getvalue().strip()
    assert url.startswith("http://localhost/preview/?token=")
    assert "Expires in 2 hours" in err.getvalue()
    page = client.get(url.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert "Still Waters" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    token = token_of(url)
    assert client.get(V2, {"token": token}).json()["title"].endswith("Still Waters")
    assert client.get(V3, {"token": token}).json()["title"].endswith("Still Waters")
    # The live page and the APIs still hide the draft.
    assert client.get(f"/api/v3/reviews/{draft.pk}/").status_code == 404


def test_a_tampered_share_link_shows_a_message_not_the_draft(client, draft):
    grant = PreviewGrant.share(draft, seconds=60)

    # Another last character (a fixed "A" left one token in 64 unchanged: a flaky test).
    tampered = grant.token[:-1] + ("B" if grant.token.endswith("A") else "A")
    refused = client.get("/preview/", {"token": tampered})
    missing = client.get("/preview/")

    assert refused.status_code == 403 and missing.status_code == 401
    assert "cannot be shown" in refused.content.decode()
    assert "Still Waters" not in refused.content.decode()


@override_settings(REVIEW_PAGES={"FRONTEND_PREVIEW_URL": "https://app.example.com/p/{token}"})
def test_with_a_front_end_the_link_opens_the_front_end(draft):
    out = io.StringIO()
    call_command("preview_link", str(draft.pk), stdout=out, stderr=io.StringIO())

    url = out.getvalue().strip()
    assert url.startswith("https://app.example.com/p/")
    grant = PreviewGrant.objects.get()
    assert (grant.expires_at - grant.created_at).total_seconds() == pytest.approx(86400, abs=5)


def test_preview_link_refuses_what_it_cannot_do(draft, index_page):
    for args, words in [
        (["999999"], "No page has the id"),
        ([str(index_page.pk)], "is not a review"),
        ([str(draft.pk), "--expires", "soon"], "is not a lifetime"),
        ([str(draft.pk), "--expires", "90d"], "from 1 second to 30 days"),
    ]:
        with pytest.raises(CommandError, match=words):
            call_command("preview_link", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not PreviewGrant.objects.exists()


def test_editors_make_list_and_revoke_share_links_in_the_admin(client, admin_client, draft):
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=(draft.pk,)))
    links_url = reverse("review_pages_share_links", args=(draft.pk,))
    assert links_url in edit.content.decode()  # "Share draft" in the page's header menu

    page = admin_client.get(links_url)
    assert page.status_code == 200
    assert 'value="86400" selected' in page.content.decode()  # 24 hours by default
    made = admin_client.post(links_url, {"lifetime": "3600"}, follow=True)
    assert "Share link made" in made.content.decode()
    grant = PreviewGrant.objects.get()
    assert grant.created_by.username == "editor-in-chief"
    assert (grant.expires_at - grant.created_at).total_seconds() == pytest.approx(3600, abs=5)
    listing = made.content.decode()
    assert "editor-in-chief" in listing and "active" in listing
    assert grant.token in listing or grant.token.replace(":", "%3A") in listing

    assert client.get(V3, {"token": grant.token}).status_code == 200
    revoked = admin_client.post(
        reverse("review_pages_revoke_share_link", args=(grant.pk,)), follow=True
    )
    assert "revoked" in revoked.content.decode()
    assert client.get(V3, {"token": grant.token}).status_code == 403
    assert client.get("/preview/", {"token": grant.token}).status_code == 403


def test_share_links_need_edit_permission(client, draft, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    url = reverse("review_pages_share_links", args=(draft.pk,))

    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"lifetime": "3600"}).status_code in (302, 403)
    assert not PreviewGrant.objects.exists()


def test_bad_lifetimes_are_refused_with_a_message(admin_client, draft):
    url = reverse("review_pages_share_links", args=(draft.pk,))
    response = admin_client.post(url, {"lifetime": "999999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PreviewGrant.objects.exists()


def test_an_imported_draft_reads_with_preview_link_at_both_endpoints(client, index_page, tmp_path):
    import shutil

    from review_pages.models import ReviewPage
    from tests.support.importing import SAMPLES_DIR

    shutil.copy(SAMPLES_DIR / "copper-saints.txt", tmp_path / "copper-saints.txt")
    call_command(
        "import_reviews", str(tmp_path), "--parent", str(index_page.pk), stdout=io.StringIO()
    )
    draft = ReviewPage.objects.get()
    assert not draft.live

    out = io.StringIO()
    call_command("preview_link", str(draft.pk), "--token-only", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()

    v2 = client.get(V2, {"token": token})
    v3 = client.get(V3, {"token": token})
    assert v2.status_code == v3.status_code == 200
    assert v2.json()["title"] == v3.json()["title"] == draft.title
    assert v3.json()["cast"] and v3.json()["body"][0]["type"] == "synopsis"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get(V2, {"token": tampered}).status_code == 403
    assert client.get(V3, {"token": tampered}).status_code == 403
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v3/reviews/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v3/reviews/by-slug/{draft.slug}/").status_code == 404
