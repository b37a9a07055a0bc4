"""The plugin's change signals, as webhook deliveries.

Each event is built once (its body is the same for every endpoint) and written as one
delivery row per subscribed endpoint, in the transaction of the change: a rolled-back
publish leaves no delivery. The rows are enqueued once the transaction commits.

Events say nothing about what is not public, by the APIs' rule (`ReviewPage.objects.
public_now()`, `publicly_credited`): `review.published` only for a review public now;
`review.unpublished` and `review.deleted` only for a review outside every private section,
naming only the people and studios still public once it is gone; `person.updated` and
`studio.updated` only for those credited on a public review.

Each event also says what a front end must rebuild (`rebuild`): a review's path and, when it
changed, its previous public path (read from the sync log: what front ends were told, not
the page's last draft), the people and studios whose filmographies gained or lost it; a
person's or studio's path and the paths of the public reviews that credit them (at most
`WEBHOOKS_REVIEW_PATHS_MAX`, `truncated` when there are more).
"""

from __future__ import annotations

import json
import uuid

from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from people.models import Person, Studio

from .. import events, refs
from ..api import schemas, shapes
from ..api.v3 import NAMESPACE
from ..conf import reviews_settings
from ..links import IndexLinks, absolute_url
from ..models import ReviewPage, WebhookDelivery, WebhookEndpoint, load_credits, publicly_credited
from ..sync import listeners as sync_log
from ..sync.truth import path_of, review_path
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


def _subscribed(event: str) -> list[WebhookEndpoint]:
    if not _tables_exist():
        return []
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if endpoint.receives(event)
    ]


def record(event: str, make) -> list[WebhookDelivery]:
    """Write the deliveries of one event (none without a subscribed endpoint; `make` gives
    its (object, data) and is called only then, or None when there is nothing to say),
    enqueued once the transaction commits."""
    endpoints = _subscribed(event)
    if not endpoints:
        return []
    made = make()
    if made is None:
        return []
    return _write(event, endpoints, *made)


def _write(event: str, endpoints, thing: dict, data, rebuild=None) -> list[WebhookDelivery]:
    event_id = uuid.uuid4()
    payload = {
        "event": event,
        "occurred_at": timezone.now(),
        "id": str(event_id),
        "object": thing,
        "data": data,
    }
    if rebuild is not None:
        payload["rebuild"] = rebuild
    body = json.dumps(
        payload,
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


def _entity_ref(ref: dict) -> dict:
    """A person or studio to rebuild: {id, slug, html_path} (from its PersonRef/StudioRef)."""
    return {"id": ref["id"], "slug": ref["slug"], "html_path": path_of(ref["url"]) or None}


def _refs_by_id(data: dict) -> tuple[dict[int, dict], dict[int, dict]]:
    """The PersonRefs and StudioRefs a review object names, by id."""
    people = {ref["id"]: ref for ref in (*data["directors"], *data["writers"])}
    people.update((credit["person"]["id"], credit["person"]) for credit in data["cast"])
    for section in data["body"]:
        for ref in (section.get("value") or {}).get("performers") or ():
            people[ref["id"]] = ref
    if data["author"]:
        people[data["author"]["id"]] = data["author"]
    studios = {ref["id"]: ref for ref in data["production_companies"]}
    if data["distributor"]:
        studios[data["distributor"]["id"]] = data["distributor"]
    return people, studios


def _changed_credits(added: dict[int, dict], removed: dict[int, dict]) -> dict:
    return {
        "added": [_entity_ref(added[pk]) for pk in sorted(added)],
        "removed": [_entity_ref(removed[pk]) for pk in sorted(removed)],
    }


def _still_public(model, kind: str, ids: set[int], page) -> dict[int, dict]:
    """Refs of those of `ids` still public (no event names anyone else), on the links of
    the review's own index, as its credits are."""
    if not ids:
        return {}
    public = publicly_credited(kind).filter(pk__in=ids)
    links = IndexLinks.for_review(page)
    make = refs.person_ref if model is Person else refs.studio_ref
    return {entity.pk: make(entity, links) for entity in public}


def publication_rebuild(change: events.ReviewChange, data: dict) -> dict:
    """What `review.published` asks front ends to rebuild: the review's path, its previous
    public path when that changed (a slug changed, the review moved), and the people and
    studios whose credits on it this publication added or removed (those still public:
    someone it leaves with no public credit is not named, and is a remove in the sync
    feed)."""
    page = change.page
    html_path = review_path(page)
    transition = sync_log.review_transition(change)
    before = transition.before if transition is not None and transition.was_public else None
    previous = before.html_path if before is not None else ""
    people, studios = _refs_by_id(data)
    lost_people = set(before.people) - set(people) if before is not None else set()
    lost_studios = set(before.studios) - set(studios) if before is not None else set()
    gained_people = set(people) - set(before.people) if before is not None else set(people)
    gained_studios = set(studios) - set(before.studios) if before is not None else set(studios)
    return {
        "html_path": html_path or None,
        "previous_html_path": previous if previous and previous != html_path else None,
        "people": _changed_credits(
            {pk: people[pk] for pk in gained_people},
            _still_public(Person, "person", lost_people, page),
        ),
        "studios": _changed_credits(
            {pk: studios[pk] for pk in gained_studios},
            _still_public(Studio, "studio", lost_studios, page),
        ),
    }


def withdrawal_rebuild(page, data: dict) -> dict:
    """What `review.unpublished` and `review.deleted` ask front ends to rebuild: the page
    that is gone, and the filmographies that listed it (of those still public: `data`
    names only them)."""
    people, studios = _refs_by_id(data)
    return {
        "html_path": review_path(page) or None,
        "previous_html_path": None,
        "people": _changed_credits({}, people),
        "studios": _changed_credits({}, studios),
    }


def credit_rebuild(entity, kind: str, ref: dict) -> dict:
    """What `person.updated` and `studio.updated` ask front ends to rebuild: the
    filmography page (and its previous path, when its slug changed) and the public reviews
    that credit them, newest first, at most `WEBHOOKS_REVIEW_PATHS_MAX` (`truncated` when
    there are more)."""
    most = max(0, int(reviews_settings.WEBHOOKS_REVIEW_PATHS_MAX))
    crediting = ReviewPage.objects.public_now()
    if kind == "person":
        crediting = crediting.crediting_person(entity.slug)
    else:
        crediting = crediting.crediting_studio(entity.slug)
    reviews = list(crediting.order_by("-first_published_at", "-pk")[: most + 1])
    html_path = path_of(ref["url"])
    transition = sync_log.entity_transition(entity, kind)
    previous = transition.previous_html_path if transition is not None else ""
    return {
        "html_path": html_path or None,
        "previous_html_path": previous if previous and previous != html_path else None,
        "review_paths": [path for path in map(review_path, reviews[:most]) if path],
        "truncated": len(reviews) > most,
    }


def _public_now(page) -> bool:
    return ReviewPage.objects.public_now().filter(pk=page.pk).exists()


def _outside_private_sections(page) -> bool:
    return ReviewPage.objects.filter(pk=page.pk).public().exists()


def _named(data: dict) -> tuple[set[int], set[int]]:
    """(person ids, studio ids) a review object names."""
    people = {ref["id"] for ref in (*data["directors"], *data["writers"])}
    people |= {credit["person"]["id"] for credit in data["cast"]}
    for section in data["body"]:
        people |= {ref["id"] for ref in (section.get("value") or {}).get("performers") or ()}
    if data["author"]:
        people.add(data["author"]["id"])
    studios = {ref["id"] for ref in data["production_companies"]}
    if data["distributor"]:
        studios.add(data["distributor"]["id"])
    return people, studios


def without_hidden(data: dict) -> dict:
    """A review object naming only the people and studios public now (`publicly_credited`):
    the others are left out of its credit lists (a critic or distributor becomes null)."""
    people, studios = _named(data)
    if people:
        people = set(publicly_credited("person").filter(pk__in=people).values_list("pk", flat=True))
    if studios:
        studios = set(
            publicly_credited("studio").filter(pk__in=studios).values_list("pk", flat=True)
        )
    data = dict(data)
    for name in ("directors", "writers"):
        data[name] = [ref for ref in data[name] if ref["id"] in people]
    data["cast"] = [credit for credit in data["cast"] if credit["person"]["id"] in people]
    data["production_companies"] = [
        ref for ref in data["production_companies"] if ref["id"] in studios
    ]
    if data["author"] and data["author"]["id"] not in people:
        data["author"] = None
    if data["distributor"] and data["distributor"]["id"] not in studios:
        data["distributor"] = None
    body = []
    for section in data["body"]:
        value = section.get("value")
        if isinstance(value, dict) and "performers" in value:
            value = {**value, "performers": [p for p in value["performers"] if p["id"] in people]}
            section = {**section, "value": value}
        body.append(section)
    data["body"] = body
    return data


#: Events of reviews being deleted, written once the page is gone (its `post_delete`), when
#: who is still public can be told; built before (its `pre_delete`), while its credits exist.
_after_deletion: dict[int, dict[str, object]] = {}


def review_changed(sender, change: events.ReviewChange, **kwargs):
    event = REVIEW_EVENTS.get(change.action)
    page = change.page
    if event is None:
        return
    if change.action in (events.PUBLISHED, events.MOVED):
        # Not for a review scheduled, expired or in a private section: not public.
        def make():
            if not _public_now(page):
                return None
            thing, data = review_event(page)
            return thing, data, publication_rebuild(change, data)

        record(event, make)
        return
    if change.action == events.DELETED and page.first_published_at is None:
        return  # never published: no front end knew it
    endpoints = _subscribed(event)
    if not endpoints or not _outside_private_sections(page):
        return  # a review in a private section was never shown: nothing to take back
    thing, data = review_event(page)

    def write():
        shown = without_hidden(data)
        _write(event, endpoints, thing, shown, withdrawal_rebuild(page, shown))

    # Wagtail unpublishes a live page it is deleting without saving it (the database still
    # has it live): that one, and the deletion, wait until the page is gone.
    if change.action == events.DELETED or (
        ReviewPage.objects.filter(pk=page.pk, live=True).exists()
    ):
        _after_deletion.setdefault(page.pk, {})[event] = write
    else:
        write()


def review_deleted(sender, instance, **kwargs):
    for write in _after_deletion.pop(instance.pk, {}).values():
        write()


def credit_changed(sender, instance, kind: str, **kwargs):
    """Only for a person or studio credited on a public review (deleted, one is not: a
    credit protects whom it names)."""

    def make():
        if not publicly_credited(kind).filter(pk=instance.pk).exists():
            return None
        thing, ref = credit_event(instance, kind)
        return thing, ref, credit_rebuild(instance, kind, ref)

    record(f"{kind}.updated", make)


def connect() -> None:
    uid = "review_pages.webhooks"
    events.review_changed.connect(review_changed, dispatch_uid=f"{uid}.review")
    events.credit_changed.connect(credit_changed, dispatch_uid=f"{uid}.credit")
    post_delete.connect(review_deleted, sender=ReviewPage, dispatch_uid=f"{uid}.deleted")
