"""Webhooks say nothing about what is not public: `person.updated` and `studio.updated` only
for those credited on a live public review, and review events neither sent for a review
nobody may see nor naming people and studios who are not public."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from review_pages.models import ReviewPage
from tests.support.factories import ReviewPageFactory, credit, publish
from tests.support.receiver import Receiver

ALL_EVENTS = "review.published,review.unpublished,review.deleted,person.updated,studio.updated"


def listed_review(client, pk: int) -> dict:
    """The review object of the v3 API (its listing's: the detail adds what to read next)."""
    items = client.get("/api/v3/reviews/").json()["items"]
    (listed,) = [item for item in items if item["id"] == pk]
    detail = client.get(f"/api/v3/reviews/{pk}/").json()
    assert {key: detail[key] for key in listed} == listed
    return listed


@pytest.fixture
def receiver(db):
    server = Receiver()
    call_command(
        "webhooks", "add", server.url, "--secret", "s3cret", "--events", ALL_EVENTS,
        stdout=io.StringIO(),
    )  # fmt: skip
    yield server
    server.close()


def delivered(receiver, capture, change) -> list[dict]:
    """The events a change sends, as the receiver gets them (what the setup sent first)."""
    call_command("webhooks", "deliver", stdout=io.StringIO())
    already = len(receiver.requests)
    with capture(execute=True):
        change()
    call_command("webhooks", "deliver", stdout=io.StringIO())
    return [json.loads(sent["body"]) for sent in receiver.requests[already:]]


def only_draft(index_page, credit_kwargs):
    credit(ReviewPageFactory(parent=index_page, live=False), **credit_kwargs)


def only_restricted(index_page, credit_kwargs):
    review = credit(ReviewPageFactory(parent=index_page, live=False), **credit_kwargs)
    publish(review)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=review.pk), restriction_type="password", password="hush"
    )


def only_unpublished(index_page, credit_kwargs):
    review = credit(ReviewPageFactory(parent=index_page, live=False), **credit_kwargs)
    publish(review)
    ReviewPage.objects.get(pk=review.pk).unpublish()


def only_expired(index_page, credit_kwargs):
    review = credit(ReviewPageFactory(parent=index_page, live=False), **credit_kwargs)
    publish(review)
    Page.objects.filter(pk=review.pk).update(expire_at=timezone.now())  # no worker yet


def on_a_live_review(index_page, credit_kwargs):
    review = credit(ReviewPageFactory(parent=index_page, live=False), **credit_kwargs)
    publish(review)


HIDDEN = {
    "only on a draft": only_draft,
    "only on a password-restricted review": only_restricted,
    "only on an unpublished review": only_unpublished,
    "only on an expired review": only_expired,
}


def entity(kind, person_factory, studio_factory):
    if kind == "person":
        made = person_factory(name="Ines Varda")
        return made, {"directors": [made]}
    made = studio_factory(name="Lantern Pictures")
    return made, {"companies": [made]}


@pytest.mark.parametrize("where", HIDDEN)
@pytest.mark.parametrize("kind", ["person", "studio"])
def test_no_update_is_sent_for_an_entity_that_is_not_public(
    receiver, index_page, person_factory, studio_factory,
    django_capture_on_commit_callbacks, kind, where,
):  # fmt: skip
    made, credit_kwargs = entity(kind, person_factory, studio_factory)
    HIDDEN[where](index_page, credit_kwargs)

    def rename():
        made.name = made.name + " Jr"
        made.save()

    sent = delivered(receiver, django_capture_on_commit_callbacks, rename)

    assert [event["event"] for event in sent] == []


@pytest.mark.parametrize("kind", ["person", "studio"])
def test_an_update_is_sent_for_an_entity_credited_on_a_live_review(
    receiver, index_page, person_factory, studio_factory,
    django_capture_on_commit_callbacks, kind,
):  # fmt: skip
    made, credit_kwargs = entity(kind, person_factory, studio_factory)
    on_a_live_review(index_page, credit_kwargs)

    def rename():
        made.name = made.name + " Jr"
        made.save()

    sent = delivered(receiver, django_capture_on_commit_callbacks, rename)

    assert [event["event"] for event in sent] == [f"{kind}.updated"]
    assert sent[0]["data"]["name"] == made.name
    assert sent[0]["object"]["id"] == made.pk


def test_no_review_event_is_sent_for_a_review_nobody_may_see(
    receiver, index_page, person_factory, django_capture_on_commit_callbacks
):
    secret = person_factory(name="Hidden Hand")
    review = credit(ReviewPageFactory(parent=index_page, live=False), directors=[secret])
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=review.pk), restriction_type="password", password="hush"
    )
    scheduled = ReviewPageFactory(parent=index_page, live=False, film_title="Not Yet")
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=2)

    def publish_unpublish_delete():
        publish(ReviewPage.objects.get(pk=review.pk))
        publish(scheduled)
        ReviewPage.objects.get(pk=review.pk).unpublish()
        ReviewPage.objects.get(pk=review.pk).delete()

    sent = delivered(receiver, django_capture_on_commit_callbacks, publish_unpublish_delete)

    assert [event["event"] for event in sent] == []


def test_review_events_name_only_who_is_still_public(
    receiver, index_page, person_factory, studio_factory, django_capture_on_commit_callbacks
):
    """Taking down a review leaves its only-credited people hidden: its events leave them
    out; whoever another live review credits is still named."""
    only_first = person_factory(name="Only First")
    only_second = person_factory(name="Only Second")
    shared = person_factory(name="Also Elsewhere")
    first_studio = studio_factory(name="First Studio")
    second_studio = studio_factory(name="Second Studio")
    other = ReviewPageFactory(parent=index_page, live=False, film_title="Elsewhere")
    publish(credit(other, directors=[shared]))
    first = ReviewPageFactory(parent=index_page, live=False, film_title="Taken Down")
    publish(credit(first, directors=[only_first, shared], companies=[first_studio]))
    second = ReviewPageFactory(parent=index_page, live=False, film_title="Deleted Live")
    publish(credit(second, writers=[only_second, shared], companies=[second_studio]))

    def take_down():
        ReviewPage.objects.get(pk=first.pk).unpublish()
        ReviewPage.objects.get(pk=second.pk).delete()  # live: Wagtail unpublishes it first

    sent = {
        (event["event"], event["object"]["id"]): event["data"]
        for event in delivered(receiver, django_capture_on_commit_callbacks, take_down)
    }

    assert set(sent) == {
        ("review.unpublished", first.pk),
        ("review.unpublished", second.pk),
        ("review.deleted", second.pk),
    }
    assert [ref["name"] for ref in sent["review.unpublished", first.pk]["directors"]] == [
        "Also Elsewhere"
    ]
    for data in (sent["review.unpublished", second.pk], sent["review.deleted", second.pk]):
        assert [ref["name"] for ref in data["writers"]] == ["Also Elsewhere"]
        assert data["production_companies"] == []
    assert sent["review.unpublished", first.pk]["production_companies"] == []
    bodies = json.dumps(list(sent.values()))
    for hidden in ("Only First", "Only Second", "First Studio", "Second Studio"):
        assert hidden not in bodies


def test_a_published_review_is_sent_as_the_api_shows_it(
    receiver, client, index_page, person_factory, django_capture_on_commit_callbacks
):
    director = person_factory(name="Seen Director")
    review = credit(ReviewPageFactory(parent=index_page, live=False), directors=[director])

    sent = delivered(receiver, django_capture_on_commit_callbacks, lambda: publish(review))

    assert [event["event"] for event in sent] == ["review.published"]
    assert sent[0]["data"] == listed_review(client, review.pk)
    assert sent[0]["data"]["directors"][0]["name"] == "Seen Director"
