"""Sending deliveries: sign, POST, record, retry with exponential backoff.

A delivery is attempted by the django-tasks backend named by
`REVIEW_PAGES["WEBHOOKS_TASK_BACKEND"]` (its own alias, so that Wagtail's search indexing on
the default backend never waits for a webhook worker), or by `manage.py webhooks deliver`.
Each attempt first claims the row (a conditional update), so two workers never send it twice
at once. Nothing here raises into a publish: a receiver's failure is a row's `last_error`.
"""

from __future__ import annotations

import datetime
import logging

import requests
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends

from .. import __version__
from ..conf import reviews_settings
from ..models import WebhookDelivery
from . import hosts, signature

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: RETRY_SECONDS, then twice as long each time."""
    return datetime.timedelta(seconds=reviews_settings.WEBHOOKS_RETRY_SECONDS * 2 ** (attempts - 1))


def backend_alias() -> str | None:
    """The configured task backend's alias, or None when TASKS does not define it."""
    alias = reviews_settings.WEBHOOKS_TASK_BACKEND
    return alias if alias in task_backends.settings else None


def enqueue(delivery_ids, run_after: datetime.datetime | None = None) -> None:
    """Hand deliveries to the task backend (never raises: what is not enqueued waits for
    `manage.py webhooks deliver`)."""
    alias = backend_alias()
    if alias is None:
        logger.info(
            "No TASKS backend %r: deliveries wait for `webhooks deliver`.",
            reviews_settings.WEBHOOKS_TASK_BACKEND,
        )
        return
    try:
        runner = deliver_webhook.using(backend=alias)
        if run_after is not None and runner.get_backend().supports_defer:
            runner = runner.using(run_after=run_after)
        for pk in delivery_ids:
            runner.enqueue(pk)
    except Exception:
        logger.exception("Could not enqueue webhook deliveries %s", list(delivery_ids))


def _claim(pk: int, now) -> bool:
    """Take a due delivery for one attempt (its next attempt moved past the timeout)."""
    lease = now + datetime.timedelta(seconds=4 * reviews_settings.WEBHOOKS_TIMEOUT + 60)
    claimed = WebhookDelivery.objects.filter(
        pk=pk, status=WebhookDelivery.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease)
    return claimed == 1


def _post(item: WebhookDelivery) -> tuple[int | None, str, bool]:
    """(status code, error, refused) of one POST; error "" on a 2xx answer, refused when the
    receiver's address is not allowed (nothing was sent)."""
    try:
        target = hosts.destination(item.endpoint.url)
    except hosts.Refused as refused:
        # A name that does not resolve now may later: retried; a refused address is final.
        return None, str(refused), not isinstance(refused, hosts.Unresolvable)
    body = item.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"wagtail-film-reviews/{__version__} (webhooks)",
        "X-Webhook-Event": item.event,
        "X-Webhook-Id": str(item.event_id),
        "X-Webhook-Signature": signature.sign(item.endpoint.secret, body),
    }
    try:
        with hosts.session_for(target) as session:
            response = session.post(
                item.endpoint.url,
                data=body,
                headers=headers,
                timeout=reviews_settings.WEBHOOKS_TIMEOUT,
                allow_redirects=False,
            )
    except hosts.Refused as refused:
        return None, str(refused), True
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"[:1000], False
    if 200 <= response.status_code < 300:
        return response.status_code, "", False
    return response.status_code, f"HTTP {response.status_code}: {response.text[:300]}", False


def attempt(pk: int) -> str | None:
    """One attempt at a due delivery: its new status, or None when it was not due (or
    another worker has it)."""
    now = timezone.now()
    if not _claim(pk, now):
        return None
    item = WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
    code, error, refused = _post(item)
    item.attempts += 1
    item.last_attempt_at = timezone.now()
    item.response_code = code
    item.last_error = error
    if not error:
        item.status, item.next_attempt_at = WebhookDelivery.DELIVERED, None
    elif refused or item.attempts >= reviews_settings.WEBHOOKS_MAX_ATTEMPTS:
        item.status, item.next_attempt_at = WebhookDelivery.FAILED, None
    else:
        item.next_attempt_at = item.last_attempt_at + retry_delay(item.attempts)
    item.save()
    return item.status


def deliver_due() -> dict[str, int]:
    """Attempt every delivery that is due, once each: counts by outcome."""
    counts = {WebhookDelivery.DELIVERED: 0, WebhookDelivery.PENDING: 0, WebhookDelivery.FAILED: 0}
    for pk in WebhookDelivery.due().order_by("next_attempt_at", "pk").values_list("pk", flat=True):
        status = attempt(pk)
        if status is not None:
            counts[status] += 1
    return counts


def redeliver(item: WebhookDelivery) -> None:
    """Send a delivery again from scratch (a full set of attempts), soon."""
    item.status = WebhookDelivery.PENDING
    item.attempts = 0
    item.next_attempt_at = timezone.now()
    item.save(update_fields=["status", "attempts", "next_attempt_at"])
    enqueue([item.pk])


def _declared_on_webhook_backend(function):
    """Declare the task on the webhooks' own backend, so that its worker accepts it.

    A task's class is its backend's `task_class`, and a worker runs only its own class: on
    Django 6, django-tasks-db and django-tasks-rq run `django.tasks.Task`, while Wagtail's
    default backend (the django-tasks package) makes `django_tasks.Task`. Without the webhooks'
    backend in TASKS, the task is declared on the default one (deliveries then wait for
    `webhooks deliver`).
    """
    return task(function, backend=backend_alias() or DEFAULT_TASK_BACKEND_ALIAS)


@_declared_on_webhook_backend
def deliver_webhook(delivery_id: int) -> str | None:
    """The task: one attempt, and the retry enqueued for its time when it failed."""
    status = attempt(delivery_id)
    if status == WebhookDelivery.PENDING:
        retry_at = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        enqueue([delivery_id], run_after=retry_at)
    return status
