"""Reading the sync log: cursors, and the change set a cursor opens.

A cursor is opaque to clients (signed with the site's SECRET_KEY, so a client cannot make
one up or do arithmetic on it) and says one of:

- a new change set: everything logged after change `start` (read up to the newest change
  when it is first answered);
- the rest of a change set being paged through: changes after `start` up to `end`, items
  after `after` (a (kind, id) key; items are ordered by kind then id);
- the rest of a full listing (no `since`): every public entity after `after`, the log read
  up to `end` when it began.

The change set between two cursors is collapsed to each entity's state at its end: its
first change in the set says whether the client had it (public at `start`), its last one
whether it is public at `end`. Never public in between for the client (not at `start`, not
at `end`): left out. A cursor also names the log it belongs to (`SyncClock.started_at`):
one of an earlier log (a restored or emptied database) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core import signing
from django.db.models import Max, Q

from ..models import ReviewPage, SyncChange, SyncKind, publicly_credited
from . import truth

SALT = "review_pages.sync.cursor"
VERSION = 1
UPSERT = "upsert"
REMOVE = "remove"


class BadCursor(Exception):
    """A cursor this feed did not make (or made for another log): `status` 400 or 410."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Cursor:
    epoch: float
    start: int | None = None  # changes after this id (None: a full listing)
    end: int | None = None  # up to this id (None: up to the newest, when first read)
    after: tuple[int, int] | None = None  # the last (kind, id) answered

    @property
    def is_full_listing(self) -> bool:
        return self.start is None

    def encode(self) -> str:
        data = {"v": VERSION, "e": self.epoch, "s": self.start, "n": self.end}
        if self.after is not None:
            data["a"] = list(self.after)
        # No timestamp (unlike `signing.dumps`): the same cursor is the same string, so an
        # answer with nothing new keeps its ETag.
        return signing.Signer(salt=SALT).sign_object(data, compress=True)

    @classmethod
    def decode(cls, token: str, epoch: float) -> Cursor:
        try:
            data = signing.Signer(salt=SALT).unsign_object(token)
            if not isinstance(data, dict) or data.get("v") != VERSION:
                raise ValueError("unknown version")
            after = data.get("a")
            cursor = cls(
                epoch=float(data["e"]),
                start=_optional_id(data.get("s")),
                end=_optional_id(data.get("n")),
                after=(int(after[0]), int(after[1])) if after is not None else None,
            )
        except (signing.BadSignature, ValueError, TypeError, KeyError, IndexError) as error:
            raise BadCursor(
                400,
                "This is not a cursor of this feed: pass the `next` of a previous answer "
                "as it is, or leave `since` out to start again.",
            ) from error
        if cursor.epoch != epoch:
            raise BadCursor(
                410,
                "This cursor belongs to an earlier log of changes (the site's database was "
                "restored or emptied): leave `since` out to read everything again.",
            )
        return cursor


def _optional_id(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not an id")
    return value


@dataclass(frozen=True)
class Entry:
    """One item of a change set: upsert or remove, with paths (an upsert's path is read
    again from its object)."""

    kind: int
    object_id: int
    action: str
    html_path: str
    previous_html_path: str = ""


@dataclass
class ChangeSet:
    entries: list[Entry]
    next: Cursor
    has_more: bool


def newest_change() -> int:
    return SyncChange.objects.aggregate(newest=Max("id"))["newest"] or 0


def read(cursor: Cursor, limit: int) -> ChangeSet:
    """At most `limit` items of the change set (or full listing) the cursor opens, and the
    cursor of what follows."""
    if cursor.is_full_listing:
        return _full_listing(cursor, limit)
    return _changes(cursor, limit)


def _after_q(after: tuple[int, int] | None, kind_field: str, id_field: str) -> Q:
    if after is None:
        return Q()
    kind, pk = after
    return Q(**{f"{kind_field}__gt": kind}) | Q(**{kind_field: kind, f"{id_field}__gt": pk})


def _changes(cursor: Cursor, limit: int) -> ChangeSet:
    end = cursor.end if cursor.end is not None else newest_change()
    if cursor.start > end:
        raise BadCursor(
            410,
            "This cursor is ahead of the log of changes (the site's database was restored): "
            "leave `since` out to read everything again.",
        )
    window = SyncChange.objects.filter(id__gt=cursor.start, id__lte=end)
    keys = list(
        window.filter(_after_q(cursor.after, "kind", "object_id"))
        .order_by("kind", "object_id")
        .values_list("kind", "object_id")
        .distinct()[: limit + 1]
    )
    has_more = len(keys) > limit
    keys = keys[:limit]
    entries = _collapsed(window, keys)
    if has_more:
        following = Cursor(cursor.epoch, start=cursor.start, end=end, after=keys[-1])
    else:
        following = Cursor(cursor.epoch, start=end)
    return ChangeSet(entries, following, has_more)


def _collapsed(window, keys: list[tuple[int, int]]) -> list[Entry]:
    """Each entity's changes in the window, as one item (or none)."""
    if not keys:
        return []
    by_kind: dict[int, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    condition = reduce(or_, (Q(kind=kind, object_id__in=ids) for kind, ids in by_kind.items()))
    first: dict[tuple[int, int], SyncChange] = {}
    last: dict[tuple[int, int], SyncChange] = {}
    for change in window.filter(condition).order_by("id"):
        key = (change.kind, change.object_id)
        first.setdefault(key, change)
        last[key] = change
    entries = []
    for key in keys:
        opened, closed = first[key], last[key]
        if not opened.was_public and not closed.public:
            continue  # the client never had it, and it is gone: nothing to say
        previous = opened.previous_html_path if opened.was_public else ""
        entries.append(
            Entry(
                kind=key[0],
                object_id=key[1],
                action=UPSERT if closed.public else REMOVE,
                html_path=closed.html_path,
                previous_html_path=previous,
            )
        )
    return entries


def _full_listing(cursor: Cursor, limit: int) -> ChangeSet:
    end = cursor.end if cursor.end is not None else newest_change()
    keys: list[tuple[int, int]] = []
    for kind in SyncKind.values:
        if cursor.after is not None and kind < cursor.after[0]:
            continue
        wanted = limit + 1 - len(keys)
        if wanted <= 0:
            break
        if kind == SyncKind.REVIEW:
            ids = ReviewPage.objects.public_now()
        else:
            ids = publicly_credited(truth.ENTITY_KINDS[kind])
        if cursor.after is not None and kind == cursor.after[0]:
            ids = ids.filter(pk__gt=cursor.after[1])
        keys += [(kind, pk) for pk in ids.order_by("pk").values_list("pk", flat=True)[:wanted]]
    has_more = len(keys) > limit
    keys = keys[:limit]
    entries = [Entry(kind, pk, UPSERT, "") for kind, pk in keys]
    if has_more:
        following = Cursor(cursor.epoch, start=None, end=end, after=keys[-1])
    else:
        following = Cursor(cursor.epoch, start=end)
    return ChangeSet(entries, following, has_more)
