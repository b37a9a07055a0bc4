"""Webhooks say what to rebuild (`rebuild`): a review's previous public path when it changed,
the people and studios whose credits a publication added or removed, the review paths of a
person or studio; never naming anyone who is not public, and keeping every other field."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page, PageViewRestriction

from review_pages.models import ReviewIndexPage, ReviewPage
from tests.support.factories import ReviewPageFactory, credit, publish
from tests.support.receiver import Receiver

ALL_EVENTS = "review.published,review.unpublished,review.deleted,person.updated,studio.updated"


@pytest.fixture
def receiver(db):
    server = Receiver()
    call_command(
        "webhooks", "add", server.url, "--secret", "s3cret", "--events", ALL_EVENTS,
        stdout=io.StringIO(),
    )  # fmt: skip
    yield server
    server.close()


@pytest.fixture
def sent(receiver, django_capture_on_commit_callbacks):
    """The events a change sends, as the receiver gets them (what the setup sent first)."""

    def run(change) -> list[dict]:
        call_command("webhooks", "deliver", stdout=io.StringIO())
        already = len(receiver.requests)
        with django_capture_on_commit_callbacks(execute=True):
            change()
        call_command("webhooks", "deliver", stdout=io.StringIO())
        return [json.loads(request["body"]) for request in receiver.requests[already:]]

    return run


def only(events, name):
    (event,) = [event for event in events if event["event"] == name]
    return event


def ref(entity, kind):
    return {"id": entity.pk, "slug": entity.slug, "html_path": f"/{kind}/{entity.slug}/"}


def path_of(review):
    return ReviewPage.objects.get(pk=review.pk).get_url_parts()[2]


def test_a_first_publication_names_everyone_it_credits_as_added(
    sent, index_page, person_factory, studio_factory
):
    director = person_factory(name="Ines Varda")
    studio = studio_factory(name="Lantern Pictures")
    review = credit(ReviewPageFactory(parent=index_page, live=False), directors=[director])
    credit(review, companies=[studio])

    event = only(sent(lambda: publish(review)), "review.published")

    assert event["rebuild"] == {
        "html_path": path_of(review),
        "previous_html_path": None,
        "people": {"added": [ref(director, "people")], "removed": []},
        "studios": {"added": [ref(studio, "studios")], "removed": []},
    }
    # Every field of before is still there.
    assert set(event) == {"event", "occurred_at", "id", "object", "data", "rebuild"}
    assert event["object"]["html_url"] == f"http://localhost{path_of(review)}"


def test_a_slug_change_of_a_live_review_carries_its_previous_path(sent, make_review):
    review = make_review(film_title="First Light")
    old_path = path_of(review)

    def rename():
        page = ReviewPage.objects.get(pk=review.pk)
        page.slug = "first-light-revisited"
        publish(page)

    event = only(sent(rename), "review.published")

    assert event["rebuild"]["html_path"] == "/first-light-revisited/"
    assert event["rebuild"]["previous_html_path"] == old_path
    assert event["rebuild"]["people"] == {"added": [], "removed": []}


def test_a_republication_at_the_same_path_has_no_previous_path(sent, make_review):
    review = make_review(film_title="Same Place")

    event = only(sent(lambda: publish(ReviewPage.objects.get(pk=review.pk))), "review.published")

    assert event["rebuild"]["previous_html_path"] is None


def test_moving_a_live_review_carries_its_previous_path(sent, make_review, index_page):
    review = make_review(film_title="Wanderer")
    old_path = path_of(review)
    archive = index_page.add_child(
        instance=ReviewIndexPage(title="Archive", slug="archive", live=True)
    )

    def move():
        ReviewPage.objects.get(pk=review.pk).move(archive, pos="last-child")

    event = only(sent(move), "review.published")

    assert event["rebuild"]["html_path"] == f"/archive/{review.slug}/"
    assert event["rebuild"]["previous_html_path"] == old_path


def test_credits_added_and_removed_name_whom_to_rebuild_and_never_who_is_not_public(
    sent, make_review, person_factory, studio_factory
):
    kept = person_factory(name="Kept On")
    dropped_elsewhere = person_factory(name="Credited Elsewhere")
    dropped_alone = person_factory(name="Credited Only Here")
    newcomer = person_factory(name="New Writer")
    studio_gone = studio_factory(name="Only Studio")
    make_review(film_title="Other Film", directors=[dropped_elsewhere])
    review = make_review(
        film_title="Recast",
        directors=[kept, dropped_elsewhere, dropped_alone],
        companies=[studio_gone],
    )

    def recast():
        page = ReviewPage.objects.get(pk=review.pk)
        page.directors.exclude(person=kept).delete()
        page.production_companies.all().delete()
        page = ReviewPage.objects.get(pk=review.pk)
        credit(page, writers=[newcomer])
        publish(ReviewPage.objects.get(pk=review.pk))

    events = sent(recast)
    rebuild = only(events, "review.published")["rebuild"]

    assert rebuild["people"] == {
        "added": [ref(newcomer, "people")],
        "removed": [ref(dropped_elsewhere, "people")],
    }
    # Neither the person nor the studio left with no public credit is named anywhere.
    assert rebuild["studios"] == {"added": [], "removed": []}
    bodies = json.dumps(events)
    for hidden in (dropped_alone, studio_gone):
        assert hidden.slug not in bodies
        assert hidden.name not in bodies


def test_a_review_in_a_private_section_names_nobody(sent, index_page, person_factory):
    secret = person_factory(name="Hidden Hand")
    review = credit(ReviewPageFactory(parent=index_page, live=False), directors=[secret])
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=review.pk), restriction_type="password", password="hush"
    )

    events = sent(lambda: publish(ReviewPage.objects.get(pk=review.pk)))

    assert events == []


def test_an_unpublished_review_names_its_path_and_the_filmographies_that_listed_it(
    sent, make_review, person_factory
):
    shared = person_factory(name="Also Elsewhere")
    alone = person_factory(name="Only Here")
    make_review(film_title="Elsewhere", directors=[shared])
    review = make_review(film_title="Withdrawn", directors=[shared, alone])
    path = path_of(review)

    event = only(
        sent(lambda: ReviewPage.objects.get(pk=review.pk).unpublish()), "review.unpublished"
    )

    assert event["rebuild"] == {
        "html_path": path,
        "previous_html_path": None,
        "people": {"added": [], "removed": [ref(shared, "people")]},
        "studios": {"added": [], "removed": []},
    }


def test_a_person_update_carries_the_paths_of_the_public_reviews_that_credit_them(
    sent, make_review, person_factory, index_page
):
    person = person_factory(name="Wren Aldana")
    older = make_review(film_title="Older", directors=[person])
    newer = make_review(film_title="Newer", cast=[(person, "Lead")])
    make_review(film_title="Draft", live=False, writers=[person])
    private = make_review(film_title="Private", directors=[person])
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=private.pk), restriction_type="password", password="x"
    )

    def rename():
        person.name = "Wren Aldana-Cole"
        person.slug = "wren-aldana-cole"
        person.save()

    event = only(sent(rename), "person.updated")

    assert event["data"]["name"] == "Wren Aldana-Cole"  # the PersonRef, as before
    assert event["rebuild"] == {
        "html_path": "/people/wren-aldana-cole/",
        "previous_html_path": "/people/wren-aldana/",
        "review_paths": [path_of(newer), path_of(older)],
        "truncated": False,
    }


@override_settings(
    REVIEW_PAGES={"WEBHOOKS_ALLOW_PRIVATE_HOSTS": True, "WEBHOOKS_REVIEW_PATHS_MAX": 2}
)
def test_review_paths_are_bounded_and_say_when_they_are_cut_short(
    sent, make_review, studio_factory
):
    studio = studio_factory(name="Busy Studio")
    reviews = [make_review(film_title=f"Film {n}", companies=[studio]) for n in range(3)]

    def touch():
        studio.website = "https://busy.example.com"
        studio.save()

    rebuild = only(sent(touch), "studio.updated")["rebuild"]

    assert rebuild["review_paths"] == [path_of(reviews[2]), path_of(reviews[1])]
    assert rebuild["truncated"] is True
    assert rebuild["previous_html_path"] is None
