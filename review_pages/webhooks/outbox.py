"""The plugin's change signals, as webhook deliveries.

Each event is built once (its body is the same for every endpoint) and written as one
delivery row per subscribed endpoint, in the transaction of the change: a rolled-back
publish leaves no delivery. The rows are enqueued once the transaction commits.
"""

from __future__ import annotations

import json
import uuid

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from .. import events, refs
from ..api import schemas, shapes
from ..api.v3 import NAMESPACE
from ..links import IndexLinks, absolute_url
from ..models import WebhookDelivery, WebhookEndpoint, load_credits
from . import delivery

REVIEW_EVENTS = {
    events.PUBLISHED: "review.published",
    events.MOVED: "review.published",  # live at a new address
    events.UNPUBLISHED: "review.unpublished",
    events.DELETED: "review.deleted",
}


def _api_url(name: str, **kwargs) -> str | None:
    try:
        return absolute_url(reverse(f"{NAMESPACE}:{name}", kwargs=kwargs))
    except NoReverseMatch:  # the host does not mount the plugin's v3 routers
        return None


def review_event(page) -> tuple[dict, dict]:
    """(object, data) of a review event: data is the v3 review object."""
    load_credits([page])
    api_url = _api_url("review_detail", review_id=page.pk)
    review = shapes.review_object(page, shapes.ShapeContext(), detail_url=api_url or "")
    # Typed as the API types it, encoded as the API encodes it (NinjaJSONEncoder).
    data = schemas.Review.model_validate(review).model_dump()
    return {
        "type": "review",
        "id": page.pk,
        "api_url": api_url,
        "html_url": page.get_full_url(),
    }, data


def credit_event(entity, kind: str) -> tuple[dict, dict]:
    """(object, data) of a person or studio event: data is its PersonRef or StudioRef."""
    links = IndexLinks.for_site(absolute=True)
    ref = refs.person_ref(entity, links) if kind == "person" else refs.studio_ref(entity, links)
    api_url = _api_url(f"{kind}_detail", **{f"{kind}_id": entity.pk})
    return {"type": kind, "id": entity.pk, "api_url": api_url, "html_url": ref["url"]}, ref


_tables_ready = False


def _tables_exist() -> bool:
    """Whether the webhook tables exist: code newer than the database (a deploy whose
    `migrate` has not run yet) must not fail a publish. Checked until they do."""
    global _tables_ready
    if not _tables_ready:
        tables = connection.introspection.table_names()
        _tables_ready = WebhookEndpoint._meta.db_table in tables
    return _tables_ready


def record(event: str, make) -> list[WebhookDelivery]:
    """Write the deliveries of one event (none without a subscribed endpoint; `make` gives
    its (object, data) and is called only then), enqueued once the transaction commits."""
    if not _tables_exist():
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if endpoint.receives(event)
    ]
    if not endpoints:
        return []
    thing, data = make()
    event_id = uuid.uuid4()
    body = json.dumps(
        {
            "event": event,
            "occurred_at": timezone.now(),
            "id": str(event_id),
            "object": thing,
            "data": data,
        },
        cls=NinjaJSONEncoder,
        ensure_ascii=False,
    )
    deliveries = [
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, event_id=event_id, body=body)
        for endpoint in endpoints
    ]
    ids = [item.pk for item in deliveries]
    transaction.on_commit(lambda: delivery.enqueue(ids), robust=True)
    return deliveries


def review_changed(sender, change: events.ReviewChange, **kwargs):
    event = REVIEW_EVENTS.get(change.action)
    page = change.page
    if event is None or (change.action == events.MOVED and not page.live):
        return
    if change.action == events.DELETED and page.first_published_at is None:
        return  # never published: no front end knew it
    record(event, lambda: review_event(page))


def credit_changed(sender, instance, kind: str, **kwargs):
    record(f"{kind}.updated", lambda: credit_event(instance, kind))


def connect() -> None:
    uid = "review_pages.webhooks"
    events.review_changed.connect(review_changed, dispatch_uid=f"{uid}.review")
    events.credit_changed.connect(credit_changed, dispatch_uid=f"{uid}.credit")
