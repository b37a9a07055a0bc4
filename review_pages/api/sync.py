"""API v3 `/sync/`: what changed since a cursor, for static-site builds and app caches.

Without `since`: every public review, person and studio, as upserts. With the `next` of a
previous answer: only what changed since, each entity once in its latest state (an upsert
with its object, or a remove with its last public path), ordered by type (reviews, people,
studios) then id, `limit` at a time; `has_more` says whether `next` continues this change
set (read on) or opens the next one (keep it for the next sync). The log behind it is
`review_pages.sync`; the objects are the v3 routers' own (`V3Objects`), so an upsert holds
exactly what `/api/v3/reviews/<id>/` (or `/people/`, `/studios/`) answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ..links import IndexLinks
from ..models import SyncKind
from ..sync import feed, log, truth
from . import schemas, shapes

TYPES = {SyncKind.REVIEW: "review", SyncKind.PERSON: "person", SyncKind.STUDIO: "studio"}


@dataclass(frozen=True)
class V3Objects:
    """How the v3 routers make their objects, handed over by `v3.make_routers` (which
    mounts this router): the public reviews queryset, the review objects of a list of
    them, the public people or studios queryset, and an entity's detail URL."""

    reviews: Callable[[], Any]
    review_objects: Callable[[list, HttpRequest], list[dict]]
    entities: Callable[[str], Any]
    entity_url: Callable[[HttpRequest, str, Any], str]


class SyncQuery(Schema):
    since: str | None = Field(
        None,
        description="The `next` of a previous answer, as it is. Without it: everything "
        "public, as upserts.",
    )
    limit: int = Field(20, ge=1, description="Items per answer: at most WAGTAILAPI_LIMIT_MAX.")


def _check_limit(limit: int) -> None:
    most = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
    if most is not None and limit > int(most):
        raise HttpError(400, f"limit cannot be higher than {int(most)}")


class _Items:
    """The items of one answer: the upserts' objects read together, a fixed number of
    queries however many items."""

    def __init__(self, request: HttpRequest, made: V3Objects):
        self.request = request
        self.made = made

    def build(self, entries: list[feed.Entry]) -> list[dict[str, Any]]:
        wanted: dict[int, list[int]] = {kind: [] for kind in TYPES}
        for entry in entries:
            if entry.action == feed.UPSERT:
                wanted[entry.kind].append(entry.object_id)
        objects = {**self._reviews(wanted[SyncKind.REVIEW])}
        for kind in (SyncKind.PERSON, SyncKind.STUDIO):
            objects.update(self._entities(kind, wanted[kind]))
        items = []
        for entry in entries:
            key = (entry.kind, entry.object_id)
            if entry.action == feed.UPSERT:
                if key not in objects:
                    continue  # withdrawn since the change set ended: the next one says so
                html_path, data = objects[key]
            else:
                html_path, data = entry.html_path, None
            previous = entry.previous_html_path
            items.append(
                {
                    "type": TYPES[entry.kind],
                    "action": entry.action,
                    "id": entry.object_id,
                    "html_path": html_path or None,
                    "previous_html_path": previous if previous and previous != html_path else None,
                    "object": data,
                }
            )
        return items

    def _reviews(self, ids: list[int]) -> dict[tuple[int, int], tuple[str, dict]]:
        if not ids:
            return {}
        pages = list(self.made.reviews().filter(pk__in=ids))
        data = self.made.review_objects(pages, self.request)
        return {
            (SyncKind.REVIEW, page.pk): (truth.review_path(page), item)
            for page, item in zip(pages, data, strict=True)
        }

    def _entities(self, kind: int, ids: list[int]) -> dict[tuple[int, int], tuple[str, dict]]:
        if not ids:
            return {}
        name = TYPES[kind]
        entities = list(self.made.entities(name).filter(pk__in=ids))
        links = IndexLinks.for_site(self.request, absolute=True)
        paths = truth.entity_links()
        return {
            (kind, entity.pk): (
                truth.entity_path(paths, kind, entity.slug),
                shapes.entity_object(
                    entity,
                    name,
                    self.request,
                    links,
                    self.made.entity_url(self.request, name, entity),
                ),
            )
            for entity in entities
        }


def make_router(made: V3Objects) -> Router:
    """The `/sync/` router of one v3 API (a ninja router belongs to one API)."""
    router = Router(tags=["sync"])

    def sync_changes(
        request: HttpRequest,
        response: HttpResponse,
        params: SyncQuery = Query(...),  # noqa: B008
    ):
        """Everything public, then what changed since a cursor.

        400 for a cursor this feed did not make; 410 for one of an earlier log of changes
        (the database was restored or emptied): read everything again, without `since`.
        Each answer is exact for its cursor: not stored by caches without revalidating
        (`Cache-Control: no-cache`; send its ETag back in `If-None-Match`).
        """
        _check_limit(params.limit)
        clock = log.catch_up()
        if clock is None:
            raise HttpError(503, "The sync feed's tables do not exist yet: run `migrate`.")
        epoch = clock.started_at.timestamp()
        try:
            if params.since:
                cursor = feed.Cursor.decode(params.since, epoch)
            else:
                cursor = feed.Cursor(epoch)
            changes = feed.read(cursor, params.limit)
        except feed.BadCursor as bad:
            raise HttpError(bad.status, bad.message) from bad
        response["Cache-Control"] = "no-cache"
        return {
            "items": _Items(request, made).build(changes.entries),
            "next": changes.next.encode(),
            "has_more": changes.has_more,
        }

    router.get(
        "/",
        response=schemas.SyncFeed,
        url_name="sync",
        operation_id="sync_changes",
        summary="Everything public, then what changed since a cursor",
        openapi_extra={
            "responses": {
                "410": {
                    "description": "A cursor of an earlier log of changes (a restored "
                    "database): read everything again without `since`.",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/ProblemDetail"}
                        }
                    },
                }
            }
        },
    )(sync_changes)
    return router
