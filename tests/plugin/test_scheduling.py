"""Embargoes to the second: a scheduled go-live and an expiry each enqueue a task for their
exact time; the task publishes or withdraws then (once, whoever else runs), the caches follow;
and from its expiry time a review is public nowhere, even when no worker has run."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time
from wagtail.models import PageLogEntry, Revision

from review_pages.models import ReviewPage, ScheduleSweep, WebhookDelivery, WebhookEndpoint
from review_pages.scheduling import due, tasks

pytestmark = pytest.mark.django_db

GO_LIVE_TASK = "review_pages.scheduling.tasks.go_live"
EXPIRE_TASK = "review_pages.scheduling.tasks.expire"
SWEEP_TASK = "review_pages.scheduling.tasks.sweep"


def enqueued(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path).order_by("run_after", "pk"))


def schedule(review: ReviewPage, at: datetime.datetime, capture) -> Revision:
    """Wagtail's "Schedule to publish": a revision with a go-live time, published."""
    review = ReviewPage.objects.get(pk=review.pk)
    review.go_live_at = at
    with capture(execute=True):
        revision = review.save_revision()
        revision.publish()
    return revision


def scheduled_publications(review) -> int:
    return PageLogEntry.objects.filter(page=review, action="wagtail.publish.scheduled").count()


@pytest.fixture
def draft(make_review):
    return make_review(film_title="Embargoed Film", live=False)


def test_scheduling_a_revision_enqueues_its_go_live_task_for_that_moment(
    draft, django_capture_on_commit_callbacks
):
    at = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    schedule(draft, at, django_capture_on_commit_callbacks)

    draft.refresh_from_db()
    assert draft.live is False
    [task] = enqueued(GO_LIVE_TASK)
    assert task.run_after == at and task.args_kwargs["args"] == [draft.pk]
    assert len(enqueued(SWEEP_TASK)) == 1  # the periodic sweep beside it


def test_the_go_live_task_publishes_at_its_time_and_not_before(
    client, draft, django_capture_on_commit_callbacks
):
    at = timezone.now() + datetime.timedelta(hours=2)
    schedule(draft, at, django_capture_on_commit_callbacks)
    front_before = client.get("/")
    assert "Embargoed Film" not in front_before.content.decode()

    assert tasks.go_live.call(draft.pk) == {"expired": [], "published": []}
    assert ReviewPage.objects.get(pk=draft.pk).live is False

    with freeze_time(at + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            done = tasks.go_live.call(draft.pk)
        assert done == {"expired": [], "published": [draft.pk]}
        review = ReviewPage.objects.get(pk=draft.pk)
        assert review.live and scheduled_publications(review) == 1
        assert client.get(review.url).status_code == 200
        front = client.get("/")  # the cached front page was made stale by the publication
        assert "Embargoed Film" in front.content.decode()
        listing = client.get("/api/v2/pages/?type=review_pages.ReviewPage&fields=film_title")
        assert [item["film_title"] for item in listing.json()["items"]] == ["Embargoed Film"]


def test_a_scheduled_publication_sends_the_webhook_then(draft, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/hooks", secret="s", events=["review.published"]
    )
    at = timezone.now() + datetime.timedelta(minutes=5)
    schedule(draft, at, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists()  # scheduling is not publishing

    with freeze_time(at + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.go_live.call(draft.pk)
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["review.published"]


def test_rescheduling_replaces_the_task_the_earlier_one_does_nothing(
    draft, django_capture_on_commit_callbacks
):
    first = timezone.now() + datetime.timedelta(hours=1)
    later = timezone.now() + datetime.timedelta(hours=3)
    schedule(draft, first, django_capture_on_commit_callbacks)
    schedule(draft, later, django_capture_on_commit_callbacks)
    assert [task.run_after for task in enqueued(GO_LIVE_TASK)] == [first, later]

    with freeze_time(first + datetime.timedelta(seconds=1)):
        assert tasks.go_live.call(draft.pk)["published"] == []
        assert ReviewPage.objects.get(pk=draft.pk).live is False
    with freeze_time(later + datetime.timedelta(seconds=1)):
        assert tasks.go_live.call(draft.pk)["published"] == [draft.pk]


def test_cancelling_the_schedule_leaves_the_task_nothing_to_do(
    draft, django_capture_on_commit_callbacks
):
    at = timezone.now() + datetime.timedelta(hours=1)
    revision = schedule(draft, at, django_capture_on_commit_callbacks)
    revision.approved_go_live_at = None  # what Wagtail's "Cancel scheduled publish" does
    revision.save(update_fields=["approved_go_live_at"])

    with freeze_time(at + datetime.timedelta(seconds=1)):
        assert tasks.go_live.call(draft.pk)["published"] == []
    assert ReviewPage.objects.get(pk=draft.pk).live is False


def test_publishing_early_is_not_published_again_by_the_task(
    draft, django_capture_on_commit_callbacks
):
    at = timezone.now() + datetime.timedelta(hours=1)
    schedule(draft, at, django_capture_on_commit_callbacks)
    review = ReviewPage.objects.get(pk=draft.pk)
    review.go_live_at = None
    review.save_revision().publish()  # "Publish now"
    revisions = Revision.objects.count()

    with freeze_time(at + datetime.timedelta(seconds=1)):
        assert tasks.go_live.call(draft.pk)["published"] == []
    assert scheduled_publications(review) == 0 and Revision.objects.count() == revisions


@pytest.mark.parametrize("first", ["task", "publish_scheduled"])
def test_the_task_and_wagtails_publish_scheduled_never_both_publish(
    draft, django_capture_on_commit_callbacks, first
):
    at = timezone.now() + datetime.timedelta(hours=1)
    schedule(draft, at, django_capture_on_commit_callbacks)

    with freeze_time(at + datetime.timedelta(seconds=1)):
        for runner in (first, "publish_scheduled" if first == "task" else "task"):
            if runner == "task":
                tasks.go_live.call(draft.pk)
            else:
                call_command("publish_scheduled", stdout=io.StringIO())
    review = ReviewPage.objects.get(pk=draft.pk)
    assert review.live and scheduled_publications(review) == 1


def test_an_expiry_enqueues_its_task_and_the_task_withdraws_the_review_then(
    client, make_review, django_capture_on_commit_callbacks
):
    review = make_review(film_title="Takedown Film")
    at = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    review = ReviewPage.objects.get(pk=review.pk)
    review.expire_at = at
    with django_capture_on_commit_callbacks(execute=True):
        review.save_revision().publish()
    [task] = enqueued(EXPIRE_TASK)
    assert task.run_after == at and task.args_kwargs["args"] == [review.pk]

    assert tasks.expire.call(review.pk)["expired"] == []
    with freeze_time(at + datetime.timedelta(seconds=1)):
        assert tasks.expire.call(review.pk)["expired"] == [review.pk]
    review.refresh_from_db()
    assert review.live is False and review.expired is True
    assert PageLogEntry.objects.filter(page=review, action="wagtail.unpublish.scheduled").exists()


def test_the_sweep_does_what_is_due_for_every_page_and_keeps_one_chain(
    make_review, django_capture_on_commit_callbacks
):
    expiring = make_review(film_title="Expiring")
    ReviewPage.objects.filter(pk=expiring.pk).update(
        expire_at=timezone.now() - datetime.timedelta(seconds=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ensure_sweep() is True
        assert tasks.ensure_sweep() is False  # one chain
    assert len(enqueued(SWEEP_TASK)) == 1

    [link] = enqueued(SWEEP_TASK)
    with freeze_time(link.run_after + datetime.timedelta(seconds=1)):
        done = tasks.sweep.call()
        assert done["expired"] == [expiring.pk]
        assert len(enqueued(SWEEP_TASK)) == 2  # its next link
        row = ScheduleSweep.objects.get()
        assert row.next_run_at > timezone.now() + datetime.timedelta(seconds=30)
        # A second chain's link arriving now sees the row moved on, and stops.
        tasks.sweep.call()
        assert len(enqueued(SWEEP_TASK)) == 2


def test_a_worker_started_late_publishes_what_came_due_while_it_was_down(
    draft, django_capture_on_commit_callbacks
):
    at = timezone.now() + datetime.timedelta(seconds=30)
    schedule(draft, at, django_capture_on_commit_callbacks)
    with freeze_time(at + datetime.timedelta(minutes=10)):
        ready = DBTaskResult.objects.ready().filter(task_path=GO_LIVE_TASK)
        assert ready.count() == 1  # due at once for a worker starting now
        assert due.run_due()["published"] == [draft.pk]


def test_pages_of_the_host_are_left_to_wagtails_own_scheduler(
    index_page, django_capture_on_commit_callbacks
):
    from wagtail.models import Page

    host_page = index_page.add_child(instance=Page(title="Host page", slug="host-page"))
    host_page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        host_page.save_revision().publish()
    assert enqueued(GO_LIVE_TASK) == []


# From its expiry time, the review is public nowhere (no worker has run)


@pytest.fixture
def expiring_review(make_review, person_factory, studio_factory):
    only_here = person_factory(name="Qzexpiring Actor")
    review = make_review(
        film_title="Qzexpiring Film",
        cast=[(only_here, "Lead")],
        companies=[studio_factory(name="Qzexpiring Studio")],
    )
    at = timezone.now() + datetime.timedelta(hours=1)
    ReviewPage.objects.filter(pk=review.pk).update(expire_at=at)
    review.refresh_from_db()
    return review, only_here, at


def reader_surfaces(review, person):
    return [
        "/",
        "/feed/",
        "/sitemap.xml",
        "/search/?q=Qzexpiring",
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=film_title",
        "/api/v2/pages/?search=Qzexpiring",
        "/api/v3/reviews/",
        "/api/v3/pages/?type=review_pages.ReviewPage",
        "/api/v2/people/",
        "/api/v3/people/",
        "/api/v3/studios/",
    ]


def shows_it(response) -> bool:
    """The review, its actor or its studio (a search page repeats the query itself)."""
    content = response.content.lower()
    marks = (b"qzexpiring film", b"qzexpiring-film", b"qzexpiring actor", b"qzexpiring studio")
    return any(mark in content for mark in marks)


def test_an_expired_review_is_public_nowhere_before_any_worker_runs(client, expiring_review):
    review, person, at = expiring_review
    detail_urls = [
        review.url,
        f"/api/v2/pages/{review.pk}/",
        f"/api/v2/pages/find/?html_path={review.url}",
        f"/api/v3/reviews/{review.pk}/",
        f"/api/v3/pages/{review.pk}/",
        f"/api/v3/pages/find/?html_path={review.url}",
        f"/people/{person.slug}/",
        f"/api/v3/people/by-slug/{person.slug}/",
    ]
    for url in detail_urls:  # public now: warm every cache on the way
        assert client.get(url, follow=True).status_code == 200, url
    for url in reader_surfaces(review, person):
        response = client.get(url)
        assert response.status_code == 200 and shows_it(response), url

    with freeze_time(at + datetime.timedelta(seconds=1)):
        for url in detail_urls:
            response = client.get(url, follow=True)
            assert response.status_code == 404, (url, response.status_code)
        for url in reader_surfaces(review, person):
            response = client.get(url)
            assert response.status_code == 200, url
            assert not shows_it(response), url
    assert ReviewPage.objects.get(pk=review.pk).live  # nothing withdrew it: the clock did


# Without a backend that can run tasks later


def test_a_missing_task_backend_is_a_warning_while_something_is_scheduled(
    settings, draft, django_capture_on_commit_callbacks
):
    from review_pages import checks as review_checks

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert review_checks.check_schedule_backend() == []  # nothing scheduled
    schedule(
        draft, timezone.now() + datetime.timedelta(hours=1), django_capture_on_commit_callbacks
    )
    assert enqueued(GO_LIVE_TASK) == []  # nothing could be enqueued...
    warnings = review_checks.check_schedule_backend()
    assert [warning.id for warning in warnings] == ["review_pages.W008"]  # ...and it says so
    assert "review_pages_webhooks" in warnings[0].msg


def test_sweep_schedule_does_what_is_due_and_starts_the_sweep(make_review):
    review = make_review(film_title="Overdue Takedown")
    ReviewPage.objects.filter(pk=review.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    out = io.StringIO()
    call_command("sweep_schedule", "--dry-run", stdout=out)
    assert "Due to be withdrawn: 1; to go live: 0." in out.getvalue()
    assert ReviewPage.objects.get(pk=review.pk).live

    out = io.StringIO()
    call_command("sweep_schedule", stdout=out)
    assert "Withdrawn: 1; published: 0." in out.getvalue()
    assert "Started the periodic sweep." in out.getvalue()
    assert ReviewPage.objects.get(pk=review.pk).expired
    assert len(enqueued(SWEEP_TASK)) == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the RQ backend needs REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_on_rq_the_go_live_waits_in_rqs_scheduled_registry_for_its_time(make_review):
    import django_rq
    from django.test import override_settings

    rq_settings = {
        "RQ_QUEUES": {"default": {"URL": os.environ["REDIS_URL"]}},
        "TASKS": {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
            "review_pages_webhooks": {"BACKEND": "django_tasks_rq.RQBackend"},
        },
    }
    with override_settings(**rq_settings):
        queue = django_rq.get_queue("default")
        queue.empty()
        registry = queue.scheduled_job_registry
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
        draft = make_review(film_title="Through Redis, Later", live=False)
        at = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
        review = ReviewPage.objects.get(pk=draft.pk)
        review.go_live_at = at
        review.save_revision().publish()  # committed: the task is enqueued on RQ

        jobs = [queue.fetch_job(job_id) for job_id in registry.get_job_ids()]
        by_task = {job.func_name.rsplit(".", 1)[-1]: job for job in jobs}
        assert queue.count == 0  # nothing runs before its time
        assert registry.get_scheduled_time(by_task["go_live"]) == at
        assert "sweep" in by_task  # the periodic sweep beside it
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
