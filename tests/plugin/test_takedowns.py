"""A takedown of a page (unpublished, expired, made private on it or above it, moved,
deleted) ends every share link and preview token made before it, at the three places a
token is read; links made afterwards open the new draft; other pages' links live on."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from review_pages.links import preview_url
from review_pages.models import PageTakedown, PreviewGrant, ReviewIndexPage, ReviewPage
from tests.support.factories import ReviewPageFactory, publish

V2 = "/api/v2/page_preview/"
V3 = "/api/v3/reviews/preview/"
SURFACES = ["api v2", "api v3", "front end"]


def read(client, surface: str, grant: PreviewGrant):
    """(status, message or title) of a token read where a holder of the link would read it.

    On the site's own route, a page in a private section is read by someone the section
    admits: Wagtail asks for its login before the route reads a token at all."""
    if surface == "front end":
        url = preview_url(grant.page.specific, grant.token)
        response = client.get(url.removeprefix("http://localhost"))
        text = response.content.decode()
        if response.status_code != 200:
            lede = re.search(r'<p class="lede">(.*?)</p>', text, re.S)
            return response.status_code, html.unescape(lede.group(1)) if lede else text
        title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
        return 200, " ".join(html.unescape(title).split())
    response = client.get(V2 if surface == "api v2" else V3, {"token": grant.token})
    body = response.json()
    if response.status_code != 200:
        return response.status_code, body.get("message") or body.get("detail")
    return 200, body["title"]


@pytest.fixture
def section(index_page):
    """A review index inside the publication's front page: a section a restriction can cover
    without covering the front page's own reviews."""
    return index_page.add_child(instance=ReviewIndexPage(title="Festival", slug="festival"))


@pytest.fixture
def review(section):
    """Shared as a draft, then published (which ends nothing), then given a new draft."""
    page = ReviewPageFactory(parent=section, live=False, film_title="Glass Orchard")
    page.title = "'Glass Orchard' Review: First Draft"
    page.save_revision()
    return page


@pytest.fixture
def unrelated(index_page):
    """A review elsewhere in the publication, with its own share link."""
    page = ReviewPageFactory(parent=index_page, live=False, film_title="Elsewhere")
    page.title = "'Elsewhere' Review: Untouched"
    publish(page)
    page.save_revision()
    return PreviewGrant.share(page, seconds=3600)


def unpublish(page, index_page, section):
    ReviewPage.objects.get(pk=page.pk).unpublish()


def expire(page, index_page, section):
    """Its expiry passes; no worker has unpublished it."""
    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now())


def restrict_it(page, index_page, section):
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=page.pk), restriction_type="password", password="hush"
    )


def restrict_above(page, index_page, section):
    PageViewRestriction.objects.create(page=section, restriction_type="login")


@pytest.fixture
def admitted(client, django_user_model):
    """A reader the login-restricted section admits (the site's route asks for a login
    first: the route itself is in the private section)."""
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    return client


def move(page, index_page, section):
    ReviewPage.objects.get(pk=page.pk).move(index_page, pos="last-child")


def delete(page, index_page, section):
    ReviewPage.objects.get(pk=page.pk).delete()


TAKEDOWNS = {
    "unpublished": (unpublish, "unpublished on"),
    "expired": (expire, "expired on"),
    "made private": (restrict_it, "made private on"),
    "made private above": (restrict_above, "made private on"),
    "moved": (move, "moved on"),
    "deleted": (delete, "deleted"),
}


def share_then_publish(review) -> PreviewGrant:
    """The issue's case: a link made for a draft, which is then published."""
    grant = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=7 * 86400)
    publish(ReviewPage.objects.get(pk=review.pk))
    return grant


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("kind", TAKEDOWNS)
def test_a_takedown_ends_earlier_links_with_403_and_says_so(
    request, client, index_page, section, review, unrelated, kind, surface
):
    if kind == "made private above" and surface == "front end":
        client = request.getfixturevalue("admitted")
    grant = share_then_publish(review)
    assert read(client, surface, grant) == (200, "'Glass Orchard' Review: First Draft")
    take_down, words = TAKEDOWNS[kind]

    take_down(review, index_page, section)

    status, message = read(client, surface, grant)
    assert status == 403
    assert "taken down" in message and words in message
    assert "First Draft" not in message
    # Another page's link, made before the takedown, still opens its draft.
    assert read(client, surface, unrelated) == (200, "'Elsewhere' Review: Untouched")


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("kind", [kind for kind in TAKEDOWNS if kind != "deleted"])
def test_a_link_made_after_the_takedown_opens_the_new_draft(
    request, client, index_page, section, review, kind, surface
):
    if kind == "made private above" and surface == "front end":
        client = request.getfixturevalue("admitted")
    old = share_then_publish(review)
    TAKEDOWNS[kind][0](review, index_page, section)
    page = ReviewPage.objects.get(pk=review.pk)
    page.title = "'Glass Orchard' Review: Second Thoughts"
    page.save_revision()

    new = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=3600)

    assert read(client, surface, new) == (200, "'Glass Orchard' Review: Second Thoughts")
    assert read(client, surface, old)[0] == 403


def test_an_editors_preview_token_ends_too_and_its_next_refresh_works(
    client, review, django_user_model
):
    editor = django_user_model.objects.create_user("editor", password="pw")
    page = ReviewPage.objects.get(pk=review.pk)
    publish(page)
    before = PreviewGrant.for_editor(page, seconds=600, user=editor)
    ReviewPage.objects.get(pk=review.pk).unpublish()

    assert client.get(V3, {"token": before.token}).status_code == 403
    again = PreviewGrant.for_editor(ReviewPage.objects.get(pk=review.pk), seconds=600, user=editor)
    assert again.pk == before.pk  # the same grant, renewed: issued again now
    assert client.get(V3, {"token": again.token}).status_code == 200


def test_an_expiry_counts_from_expire_at_and_a_late_worker_ends_nothing_more(client, review):
    publish(ReviewPage.objects.get(pk=review.pk))
    before = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=3600)
    expired_at = timezone.now()
    Page.objects.filter(pk=review.pk).update(expire_at=expired_at)
    after = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=3600)

    # The worker unpublishes it late (Wagtail's expiry): the takedown is dated at expiry.
    ReviewPage.objects.get(pk=review.pk).unpublish(set_expired=True)

    assert client.get(V3, {"token": before.token}).status_code == 403
    assert client.get(V3, {"token": after.token}).status_code == 200
    assert list(PageTakedown.objects.values_list("reason", "at")) == [("expired", expired_at)]


def test_republishing_after_an_unworked_expiry_keeps_earlier_links_ended(client, review):
    publish(ReviewPage.objects.get(pk=review.pk))
    grant = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=3600)
    Page.objects.filter(pk=review.pk).update(expire_at=timezone.now())
    assert client.get(V3, {"token": grant.token}).status_code == 403

    page = ReviewPage.objects.get(pk=review.pk)
    page.expire_at = None  # the editor clears the expiry and publishes again
    publish(page)

    response = client.get(V3, {"token": grant.token})
    assert response.status_code == 403 and "expired on" in response.json()["detail"]


def test_reordering_among_siblings_is_not_a_takedown(client, index_page, section, review):
    grant = share_then_publish(review)
    sibling = ReviewPageFactory(parent=section, live=True, film_title="Neighbour")

    ReviewPage.objects.get(pk=review.pk).move(sibling, pos="right")

    assert client.get(V3, {"token": grant.token}).status_code == 200
    assert not PageTakedown.objects.exists()


def test_a_restriction_records_only_the_pages_whose_links_it_ends(index_page, section, review):
    grant = share_then_publish(review)
    for number in range(5):
        ReviewPageFactory(parent=section, live=True, film_title=f"Quiet {number}")

    PageViewRestriction.objects.create(page=section, restriction_type="login")

    assert list(PageTakedown.objects.values_list("page_id", "reason")) == [
        (grant.page_id, "restricted")
    ]


def test_a_token_read_costs_the_same_queries_whatever_the_pages_history(client, review):
    first = share_then_publish(review)

    def queries(grant) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(V3, {"token": grant.token}).status_code == 200
        return len(captured)

    def grant_read(grant) -> int:
        with CaptureQueriesContext(connection) as captured:
            PreviewGrant.from_token(grant.token)
        return len(captured)

    # The baseline reads a link to a revision made after a publication, as the latest link
    # is (a first draft's revision names no earlier one: one check fewer), once per-process
    # caches (the site root paths) are warm.
    comparable = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=3600)
    assert client.get(V3, {"token": comparable.token}).status_code == 200
    baseline, baseline_read = queries(comparable), grant_read(comparable)
    for _ in range(5):
        ReviewPage.objects.get(pk=review.pk).unpublish()
        publish(ReviewPage.objects.get(pk=review.pk))
        PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=60)
    Page.objects.filter(pk=review.pk).update(expire_at=timezone.now() + datetime.timedelta(days=1))
    latest = PreviewGrant.share(ReviewPage.objects.get(pk=review.pk), seconds=3600)

    assert PageTakedown.objects.filter(page_id=review.pk).count() == 5
    assert baseline_read == grant_read(latest) == 1
    assert queries(latest) == baseline
    with CaptureQueriesContext(connection) as captured:
        assert client.get(V3, {"token": first.token}).status_code == 403
    assert len(captured) == 1  # the refusal: the grant's one read


def test_the_admin_lists_links_ended_by_a_takedown(admin_client, review):
    grant = share_then_publish(review)
    ReviewPage.objects.get(pk=review.pk).unpublish()
    links_url = reverse("review_pages_share_links", args=(review.pk,))

    page = admin_client.get(links_url).content.decode()
    assert "This page was taken down (unpublished on" in page
    assert "ended by a takedown: page unpublished on" in page
    assert grant.token not in page and grant.token.replace(":", "%3A") not in page
    assert reverse("review_pages_revoke_share_link", args=(grant.pk,)) not in page

    made = admin_client.post(links_url, {"lifetime": "3600"}, follow=True).content.decode()
    new = PreviewGrant.objects.exclude(pk=grant.pk).get()
    assert new.token in made or new.token.replace(":", "%3A") in made
    assert reverse("review_pages_revoke_share_link", args=(new.pk,)) in made
    assert "This page was taken down" in made  # the old link is still listed as ended
