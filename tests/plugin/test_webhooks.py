"""Webhooks against a real HTTP receiver on 127.0.0.1: endpoints managed by command and in
the admin, deliveries enqueued after the commit with django-tasks, signed, retried with
backoff, given up after the last try, never sent for a rolled-back publish."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from review_pages.models import ReviewPage, WebhookDelivery, WebhookEndpoint
from review_pages.webhooks import delivery, signature
from tests.support.importing import SAMPLES_DIR
from tests.support.receiver import Receiver

SECRET = "s3cret-for-tests"


def listed_review(client, pk: int) -> dict:
    """The review object of the v3 API (its listing's: the detail adds what to read next)."""
    items = client.get("/api/v3/reviews/").json()["items"]
    (listed,) = [item for item in items if item["id"] == pk]
    detail = client.get(f"/api/v3/reviews/{pk}/").json()
    assert {key: detail[key] for key in listed} == listed
    return listed


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def add_endpoint(url, events="review.published,review.unpublished"):
    out = io.StringIO()
    call_command("webhooks", "add", url, "--secret", SECRET, "--events", events, stdout=out)
    return out.getvalue()


def deliver() -> str:
    out = io.StringIO()
    call_command("webhooks", "deliver", stdout=out)
    return out.getvalue()


def make_due():
    WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def expected_signature(timestamp: str, body: bytes) -> str:
    """Computed as a receiver would, without the plugin's code."""
    message = timestamp.encode() + b"." + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_an_imported_published_review_is_delivered_signed(
    client, receiver, index_page, tmp_path, django_capture_on_commit_callbacks
):
    assert "Added endpoint" in add_endpoint(receiver.url)
    shutil.copy(SAMPLES_DIR / "lantern-keeper.txt", tmp_path / "lantern-keeper.txt")

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import_reviews", str(tmp_path), "--publish", "--parent", str(index_page.pk),
            stdout=io.StringIO(),
        )  # fmt: skip
    assert receiver.requests == []  # a publish never waits on a receiver
    assert DBTaskResult.objects.filter(backend_name="review_pages_webhooks").count() == 1
    assert "1 delivered" in deliver()

    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    headers, body = sent["headers"], sent["body"]
    assert headers["X-Webhook-Event"] == "review.published"
    assert headers["Content-Type"] == "application/json"
    fields = dict(item.split("=", 1) for item in headers["X-Webhook-Signature"].split(","))
    assert fields["v1"] == expected_signature(fields["t"], body)
    assert abs(int(fields["t"]) - timezone.now().timestamp()) < 60
    assert signature.verify(SECRET, body, headers["X-Webhook-Signature"])
    assert not signature.verify("another secret", body, headers["X-Webhook-Signature"])

    payload = json.loads(body)
    review = ReviewPage.objects.get()
    assert payload["event"] == "review.published"
    assert payload["id"] == headers["X-Webhook-Id"]
    assert payload["occurred_at"]
    assert payload["object"] == {
        "type": "review",
        "id": review.pk,
        "api_url": f"http://localhost/api/v3/reviews/{review.pk}/",
        "html_url": review.full_url,
    }
    assert payload["data"] == listed_review(client, review.pk)
    logged = WebhookDelivery.objects.get()
    assert (logged.status, logged.attempts, logged.response_code) == ("delivered", 1, 200)
    assert "0 delivered" in deliver()  # nothing sent twice
    assert len(receiver.requests) == 1


def test_a_receiver_answering_500_is_retried_with_the_same_event(
    receiver, make_review, django_capture_on_commit_callbacks
):
    add_endpoint(receiver.url)
    receiver.statuses = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Retried")

    assert "0 delivered, 1 to retry" in deliver()
    waiting = WebhookDelivery.objects.get()
    assert (waiting.status, waiting.attempts, waiting.response_code) == ("pending", 1, 500)
    assert "HTTP 500" in waiting.last_error
    delay = (waiting.next_attempt_at - waiting.last_attempt_at).total_seconds()
    assert delay == pytest.approx(30, abs=1)
    assert "0 delivered, 0 to retry" in deliver()  # not due yet
    make_due()
    assert "1 delivered" in deliver()

    assert len(receiver.requests) == 2
    first, second = (sent["headers"]["X-Webhook-Id"] for sent in receiver.requests)
    assert first == second
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]


def test_a_failing_receiver_is_given_up_after_the_last_try(
    receiver, make_review, django_capture_on_commit_callbacks
):
    add_endpoint(receiver.url)
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Never Received")

    delays = []
    for _ in range(10):
        deliver()
        item = WebhookDelivery.objects.get()
        if item.status != "pending":
            break
        delays.append(round((item.next_attempt_at - item.last_attempt_at).total_seconds()))
        make_due()

    item = WebhookDelivery.objects.get()
    assert (item.status, item.attempts, item.response_code) == ("failed", 6, 503)
    assert delays == [30, 60, 120, 240, 480]
    assert len(receiver.requests) == 6
    deliver()
    assert len(receiver.requests) == 6


def test_nothing_is_sent_for_a_rolled_back_publish(
    receiver, make_review, django_capture_on_commit_callbacks
):
    add_endpoint(receiver.url)
    review = make_review(film_title="Rolled Back", live=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            review.save_revision().publish()
            assert WebhookDelivery.objects.count() == 1  # written with the publish...
            raise RuntimeError("the publish fails after the signal")

    assert WebhookDelivery.objects.count() == 0  # ...and gone with it
    assert callbacks == []
    assert DBTaskResult.objects.count() == 0
    deliver()
    assert receiver.requests == []


def test_a_publish_never_fails_because_of_a_receiver(
    make_review, django_capture_on_commit_callbacks
):
    down = Receiver()
    down.close()  # nothing listens there now
    add_endpoint(down.url)

    with django_capture_on_commit_callbacks(execute=True):
        review = make_review(film_title="Published Anyway")

    assert ReviewPage.objects.get(pk=review.pk).live
    assert "1 to retry" in deliver()
    item = WebhookDelivery.objects.get()
    assert item.response_code is None and "ConnectionError" in item.last_error


def test_a_slow_receiver_times_out(receiver, make_review, django_capture_on_commit_callbacks):
    import time

    add_endpoint(receiver.url)
    handler = receiver.server.RequestHandlerClass
    original = handler.do_POST

    def slow(self):
        time.sleep(1.5)
        original(self)

    handler.do_POST = slow
    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Slow")
    with override_settings(
        REVIEW_PAGES={"WEBHOOKS_TIMEOUT": 0.5, "WEBHOOKS_ALLOW_PRIVATE_HOSTS": True}
    ):
        deliver()

    item = WebhookDelivery.objects.get()
    assert item.status == "pending" and "Timeout" in item.last_error


@pytest.mark.django_db(transaction=True)  # the worker closes connections: real commits
def test_the_task_worker_delivers_and_search_still_indexes_at_once(receiver, make_review):
    add_endpoint(receiver.url)
    make_review(film_title="Zephyrine Marsh")

    # Wagtail's search indexing ran at once, on the default (immediate) backend...
    assert [r.film_title for r in ReviewPage.objects.live().search("Zephyrine")] == [
        "Zephyrine Marsh"
    ]
    assert not DBTaskResult.objects.exclude(backend_name="review_pages_webhooks").exists()
    # ...while the delivery waits in the database for the webhooks' own worker.
    assert receiver.requests == []
    call_command(
        "db_worker", "--backend", "review_pages_webhooks", "--batch", "--no-startup-delay",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_the_worker_enqueues_the_retry_for_its_time(
    receiver, make_review, django_capture_on_commit_callbacks
):
    add_endpoint(receiver.url)
    receiver.statuses = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Retried By The Worker")

    delivery.deliver_webhook.call(WebhookDelivery.objects.get().pk)

    item = WebhookDelivery.objects.get()
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert item.status == "pending"
    assert retry.run_after == item.next_attempt_at
    assert retry.args_kwargs["args"] == [item.pk]


def test_unpublish_delete_and_credit_events(
    receiver, make_review, person_factory, django_capture_on_commit_callbacks
):
    add_endpoint(receiver.url, "review.unpublished,review.deleted,person.updated,studio.updated")
    person = person_factory(name="Wren Aldana")
    with django_capture_on_commit_callbacks(execute=True):
        # review.published: not subscribed
        review = make_review(film_title="Short Lived", directors=[person])
        person.bio = "<p>Directs.</p>"
        person.save()  # credited on a live review: public, so said
        ReviewPage.objects.get(pk=review.pk).unpublish()
        ReviewPage.objects.get(pk=review.pk).delete()
    deliver()

    events = [json.loads(sent["body"]) for sent in receiver.requests]
    assert sorted(event["event"] for event in events) == [
        "person.updated",
        "review.deleted",
        "review.unpublished",
    ]
    person_event = next(e for e in events if e["event"] == "person.updated")
    assert person_event["data"] == {
        "id": person.pk,
        "name": "Wren Aldana",
        "slug": "wren-aldana",
        "url": "http://localhost/people/wren-aldana/",
    }
    assert person_event["object"]["api_url"] == f"http://localhost/api/v3/people/{person.pk}/"
    assert len({e["id"] for e in events}) == 3  # one id per event


@override_settings(REVIEW_PAGES={"WEBHOOKS_ALLOW_PRIVATE_HOSTS": False})
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.7/hooks",
        "http://169.254.169.254/latest/",
        "http://[::1]/hooks",
        "ftp://example.com/hooks",
    ],
)
def test_receivers_on_internal_addresses_are_refused(db, url):
    with pytest.raises(CommandError, match="not a public internet address|not an http"):
        add_endpoint(url)
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_that_became_internal_is_not_sent_to(
    receiver, make_review, django_capture_on_commit_callbacks
):
    add_endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Not Sent")
    with override_settings(REVIEW_PAGES={"WEBHOOKS_ALLOW_PRIVATE_HOSTS": False}):
        deliver()

    item = WebhookDelivery.objects.get()
    assert item.status == "failed" and "loopback" in item.last_error
    assert receiver.requests == []


def test_webhooks_list_and_remove(db, receiver):
    add_endpoint(receiver.url)
    with pytest.raises(CommandError, match="Unknown events: review.exploded"):
        add_endpoint("http://127.0.0.1:9/", "review.exploded")

    out = io.StringIO()
    call_command("webhooks", "list", stdout=out)
    assert (
        receiver.url in out.getvalue() and "review.published, review.unpublished" in out.getvalue()
    )
    endpoint = WebhookEndpoint.objects.get()
    call_command("webhooks", "remove", str(endpoint.pk), stdout=io.StringIO())
    assert not WebhookEndpoint.objects.exists()
    with pytest.raises(CommandError, match="No webhook endpoint"):
        call_command("webhooks", "remove", "12345", stdout=io.StringIO())


def test_the_admin_manages_endpoints_and_redelivers(
    admin_client, receiver, make_review, django_capture_on_commit_callbacks
):
    add = reverse("review_pages_webhook_endpoints:add")
    created = admin_client.post(
        add,
        {"url": receiver.url, "secret": SECRET, "events": ["review.published"], "active": "on"},
    )
    assert created.status_code == 302, created.content[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["review.published"]
    listing = admin_client.get(reverse("review_pages_webhook_endpoints:index"))
    assert receiver.url in listing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Logged")
    deliver()
    log = admin_client.get(reverse("review_pages_webhook_deliveries:index")).content.decode()
    assert "review.published" in log and "delivered" in log and "Redeliver" in log
    item = WebhookDelivery.objects.get()
    redeliver = reverse("review_pages_webhook_redeliver", args=(item.pk,))
    assert "again" in admin_client.get(redeliver).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(redeliver)
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("pending", 0)
    deliver()
    assert len(receiver.requests) == 2


def test_only_users_with_the_permission_see_webhooks(client, django_user_model, db):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for name in ("review_pages_webhook_endpoints:index", "review_pages_webhook_deliveries:index"):
        assert client.get(reverse(name)).status_code in (302, 403), name
    refused = client.post(
        reverse("review_pages_webhook_endpoints:add"),
        {"url": "https://hooks.example.com/", "secret": "x", "events": ["review.published"]},
    )
    assert refused.status_code in (302, 403)
    assert not WebhookEndpoint.objects.exists()

    editor.user_permissions.add(Permission.objects.get(codename="view_webhookendpoint"))
    assert client.get(reverse("review_pages_webhook_endpoints:index")).status_code == 200


def test_the_admin_form_refuses_internal_receivers(admin_client, db):
    with override_settings(REVIEW_PAGES={"WEBHOOKS_ALLOW_PRIVATE_HOSTS": False}):
        response = admin_client.post(
            reverse("review_pages_webhook_endpoints:add"),
            {"url": "http://10.0.0.8/hooks", "secret": "x", "events": ["review.published"]},
        )
    assert response.status_code == 200
    assert "not a public internet address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_check_warns_when_no_task_backend_would_send(db):
    from review_pages.checks import check_webhook_backend

    WebhookEndpoint.objects.create(url="https://hooks.example.com/", secret="x", events=[])
    assert check_webhook_backend() == []
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        assert [m.id for m in check_webhook_backend()] == ["review_pages.W007"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the RQ backend needs REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_the_rq_backend_delivers_and_schedules_the_retry(receiver, make_review):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

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
        scheduled = queue.scheduled_job_registry
        for job_id in scheduled.get_job_ids():
            scheduled.remove(job_id, delete_job=True)
        add_endpoint(receiver.url)
        receiver.statuses = [500, 200]
        make_review(film_title="Through Redis")  # enqueued on RQ once committed
        assert queue.count == 1
        worker = django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)
        worker.work(burst=True, with_scheduler=False)
        item = WebhookDelivery.objects.get()
        assert (item.status, item.attempts, item.response_code) == ("pending", 1, 500)
        # The retry waits for its time (beside it, the schedule's periodic sweep, which the
        # same backend runs: see test_scheduling).
        waiting = [queue.fetch_job(job_id).func_name for job_id in scheduled.get_job_ids()]
        assert waiting.count("review_pages.webhooks.delivery.deliver_webhook") == 1, waiting
        for job_id in scheduled.get_job_ids():
            scheduled.remove(job_id, delete_job=True)
        queue.empty()
    assert len(receiver.requests) == 1
