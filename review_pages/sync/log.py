"""Writing the sync log: each change compared with what the feed last said.

`reconcile` is the one writer. It takes the lock (an update of the `SyncClock` row: held to
the end of the transaction, so writers commit in the order of the ids they write, and a
reader of the log never sees an id before a lower one), begins the log when there is none
yet, adds the reviews that time alone has changed since the last write (`due_reviews`),
then compares each review, person and studio it was given, and those the reviews credit
(before or after), with its `SyncState`, and writes a `SyncChange` wherever a front end has
something to apply.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import ReviewPage, SyncChange, SyncClock, SyncKind, SyncState
from . import truth
from .truth import Seen

CLOCK_ID = 1
#: Reviews read at once when the log begins.
CHUNK = 500
STATE_FIELDS = ["public", "html_path", "credits", "changed_at", "page_changed_at"]


@dataclass(frozen=True)
class Transition:
    """One entity before and after a reconcile: `before` is what the feed had said (None:
    it never said anything of it), `after` what is true now; `logged` whether a change
    was written for front ends."""

    kind: int
    object_id: int
    before: Seen | None
    after: Seen
    logged: bool

    @property
    def was_public(self) -> bool:
        return bool(self.before and self.before.public)

    @property
    def previous_html_path(self) -> str:
        return self.before.html_path if self.was_public and self.before else ""


@dataclass
class Reconciled:
    transitions: dict[tuple[int, int], Transition] = field(default_factory=dict)

    def of(self, kind: int, object_id: int) -> Transition | None:
        return self.transitions.get((kind, object_id))


_tables_ready = False


def tables_exist() -> bool:
    """Whether the log's tables exist: code newer than the database (a deploy whose
    `migrate` has not run yet) must not fail a publish. Checked until they do."""
    global _tables_ready
    if not _tables_ready:
        _tables_ready = SyncClock._meta.db_table in connection.introspection.table_names()
    return _tables_ready


def due_reviews(swept_until: datetime.datetime, now: datetime.datetime) -> set[int]:
    """Reviews whose public state may have changed since the last write with no reconcile
    of their own: a go-live time passed since then, an expiry reached by a review the feed
    still says is public (whether or not a worker has withdrawn it; its `expire_at` may
    even have been set in the past), or a publication whose reconcile was deferred
    (`listeners.deferred_reconciles`: a bulk import reconciles its batch at the end, and a
    batch an interrupted import never reconciled is found here)."""
    return {pk for pk, _ in _due(swept_until, now)}


def _due(swept_until: datetime.datetime, now: datetime.datetime) -> list[tuple[int, bool]]:
    """(id, published since the last write) of each `due_reviews` review."""
    said_public = SyncState.objects.filter(kind=SyncKind.REVIEW, public=True).values("object_id")
    rows = ReviewPage.objects.filter(
        Q(live=True, go_live_at__gt=swept_until, go_live_at__lte=now)
        | Q(expire_at__lte=now, pk__in=said_public)
        | Q(live=True, last_published_at__gt=swept_until, last_published_at__lte=now)
    ).values_list("pk", "last_published_at")
    return [(pk, at is not None and swept_until < at <= now) for pk, at in rows]


def catch_up() -> SyncClock | None:
    """Before the feed is read: begin the log if there is none, and write what time has
    changed since the last write (two queries when there is nothing to write). The clock,
    or None before the tables exist."""
    if not tables_exist():
        return None
    clock = SyncClock.objects.filter(pk=CLOCK_ID).first()
    if clock is None or due_reviews(clock.swept_until, timezone.now()):
        reconcile()
        clock = SyncClock.objects.get(pk=CLOCK_ID)
    return clock


def reconcile(
    *,
    reviews: Iterable[int] = (),
    people: Iterable[int] = (),
    studios: Iterable[int] = (),
    edited: Iterable[tuple[int, int]] = (),
) -> Reconciled:
    """Compare these reviews, people and studios (and those the reviews credit, and the
    reviews time has changed) with what the feed last said, and log what changed.

    `edited`: (kind, id) of entities whose content changed (a review republished, a person
    saved): an upsert even when their path and credits are the same.
    """
    if not tables_exist():
        return Reconciled()
    now = timezone.now()
    review_ids = set(reviews)
    edited = set(edited)
    with transaction.atomic():
        clock, began = _lock(now)
        if began:
            _begin(now, leave_out=review_ids)
        else:
            for pk, published in _due(clock.swept_until, now):
                review_ids.add(pk)
                if published:  # a publication is an upsert, whatever else changed
                    edited.add((SyncKind.REVIEW, pk))
            SyncClock.objects.filter(pk=CLOCK_ID).update(swept_until=now)
        return _Writer(now, edited).run(review_ids, set(people), set(studios))


def _lock(now: datetime.datetime) -> tuple[SyncClock, bool]:
    """Take the writers' lock (an update: a row lock to the end of the transaction on
    PostgreSQL and MariaDB, the database's write lock on SQLite); (clock, whether the log
    begins now)."""
    if SyncClock.objects.filter(pk=CLOCK_ID).update(writes=F("writes") + 1):
        return SyncClock.objects.get(pk=CLOCK_ID), False
    try:
        with transaction.atomic():
            return SyncClock.objects.create(pk=CLOCK_ID, started_at=now, swept_until=now), True
    except IntegrityError:  # another process began it meanwhile: wait for its lock
        SyncClock.objects.filter(pk=CLOCK_ID).update(writes=F("writes") + 1)
        return SyncClock.objects.get(pk=CLOCK_ID), False


def _chunks(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _begin(now: datetime.datetime, *, leave_out: set[int]) -> None:
    """The log's starting point: every public review, person and studio as the feed would
    say it now (no change is logged: no cursor is older). `leave_out`: the reviews whose
    change is being reconciled, compared with nothing (so a first publication is one)."""
    SyncState.objects.all().delete()  # of an earlier log, if any (its clock was removed)
    states: list[SyncState] = []
    page_changed: dict[int, dict[int, datetime.datetime]] = {
        SyncKind.PERSON: {},
        SyncKind.STUDIO: {},
    }
    reviews = truth.public_reviews().exclude(pk__in=leave_out).order_by("pk")
    for pages in _chunks(reviews.iterator(chunk_size=CHUNK), CHUNK):
        seen = truth.seen_reviews(pages)
        for page in pages:
            review = seen[page.pk]
            at = page.last_published_at or now
            states.append(
                SyncState(
                    kind=SyncKind.REVIEW,
                    object_id=page.pk,
                    public=True,
                    html_path=review.html_path,
                    credits=review.credits,
                    changed_at=at,
                )
            )
            for kind, ids in ((SyncKind.PERSON, review.people), (SyncKind.STUDIO, review.studios)):
                for pk in ids:
                    page_changed[kind][pk] = max(page_changed[kind].get(pk, at), at)
    links = truth.entity_links()
    for kind in truth.ENTITY_KINDS:
        for pk, slug in truth.public_entity_slugs(kind).items():
            states.append(
                SyncState(
                    kind=kind,
                    object_id=pk,
                    public=True,
                    html_path=truth.entity_path(links, kind, slug),
                    changed_at=now,
                    page_changed_at=page_changed[kind].get(pk, now),
                )
            )
    SyncState.objects.bulk_create(states, batch_size=CHUNK)


def _seen(state: SyncState | None) -> Seen | None:
    if state is None:
        return None
    credits = state.credits or {}
    return Seen(
        state.public,
        state.html_path,
        frozenset(credits.get("people", ())),
        frozenset(credits.get("studios", ())),
    )


class _Writer:
    """One reconcile: the transitions, the log rows and the states to write."""

    def __init__(self, now: datetime.datetime, edited: Iterable[tuple[int, int]]):
        self.now = now
        self.edited = set(edited)
        self.rows: list[SyncChange] = []
        self.states: dict[tuple[int, int], SyncState] = {}
        self.result = Reconciled()
        self._links = None

    def run(self, review_ids: set[int], people: set[int], studios: set[int]) -> Reconciled:
        """A few queries per CHUNK reviews, people or studios (a section made private may
        hold thousands; a database allows only so many parameters in one query)."""
        touched_people: set[int] = set()
        touched_studios: set[int] = set()
        for chunk in _chunks(sorted(review_ids), CHUNK):
            credited_people, credited_studios = self._reviews(set(chunk))
            touched_people |= credited_people
            touched_studios |= credited_studios
        for kind, ids, touched in (
            (SyncKind.PERSON, people | touched_people, touched_people),
            (SyncKind.STUDIO, studios | touched_studios, touched_studios),
        ):
            for chunk in _chunks(sorted(ids), CHUNK):
                self._entities(kind, set(chunk), touched)
        self._save()
        return self.result

    def _known(self, kind: int, ids: set[int]) -> dict[int, SyncState]:
        return {
            state.object_id: state
            for state in SyncState.objects.filter(kind=kind, object_id__in=list(ids))
        }

    def _reviews(self, ids: set[int]) -> tuple[set[int], set[int]]:
        """Log the reviews that changed; (people, studios) they credit before or after."""
        people: set[int] = set()
        studios: set[int] = set()
        if not ids:
            return people, studios
        known = self._known(SyncKind.REVIEW, ids)
        now_seen = truth.seen_reviews(list(truth.public_reviews(ids)))
        for pk in sorted(ids):
            state = known.get(pk)
            before = _seen(state)
            after = now_seen.get(pk)
            if after is not None:
                changed = (
                    before is None
                    or not before.public
                    or (SyncKind.REVIEW, pk) in self.edited
                    or (before.html_path, before.people, before.studios)
                    != (after.html_path, after.people, after.studios)
                )
            else:
                changed = bool(before and before.public)
                after = Seen(False, before.html_path if before else "")
            self._record(SyncKind.REVIEW, pk, state, before, after, changed)
            if changed:
                people |= after.people | (before.people if before else frozenset())
                studios |= after.studios | (before.studios if before else frozenset())
        return people, studios

    def _entities(self, kind: int, ids: set[int], touched: set[int]) -> None:
        """Log the people or studios that appeared, went or changed; those in `touched`
        (credited on a review that changed) have a filmography page that changed."""
        if not ids:
            return
        known = self._known(kind, ids)
        slugs = truth.public_entity_slugs(kind, ids)
        if slugs and self._links is None:
            self._links = truth.entity_links()
        for pk in sorted(ids):
            state = known.get(pk)
            before = _seen(state)
            slug = slugs.get(pk)
            if slug is not None:
                after = Seen(True, truth.entity_path(self._links, kind, slug))
                changed = (
                    before is None
                    or not before.public
                    or (kind, pk) in self.edited
                    or before.html_path != after.html_path
                )
            else:
                changed = bool(before and before.public)
                after = Seen(False, before.html_path if before else "")
            page_changed = after.public and (pk in touched or changed)
            self._record(kind, pk, state, before, after, changed, page_changed=page_changed)

    def _record(self, kind, pk, state, before, after, changed, *, page_changed=False) -> None:
        transition = Transition(kind, pk, before, after, logged=changed)
        self.result.transitions[(kind, pk)] = transition
        if changed:
            self.rows.append(
                SyncChange(
                    kind=kind,
                    object_id=pk,
                    was_public=transition.was_public,
                    public=after.public,
                    html_path=after.html_path,
                    previous_html_path=transition.previous_html_path,
                    changed_at=self.now,
                )
            )
        if not (changed or page_changed):
            return
        self.states[(kind, pk)] = SyncState(
            kind=kind,
            object_id=pk,
            public=after.public,
            html_path=after.html_path,
            credits=after.credits if after.public and kind == SyncKind.REVIEW else {},
            changed_at=self.now if changed or state is None else state.changed_at,
            page_changed_at=(
                self.now if page_changed else (state.page_changed_at if state else None)
            ),
        )

    def _save(self) -> None:
        if self.rows:
            SyncChange.objects.bulk_create(self.rows, batch_size=CHUNK)
        if self.states:
            with_target = connection.features.supports_update_conflicts_with_target
            SyncState.objects.bulk_create(
                list(self.states.values()),
                batch_size=CHUNK,
                update_conflicts=True,
                unique_fields=["kind", "object_id"] if with_target else None,
                update_fields=STATE_FIELDS,
            )
