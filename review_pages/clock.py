"""The current time ("now") in the readers' queries, read when a query is compiled.

The rule "public now" (`models.visibility`) compares the schedule's columns with the time. A
query holding the time as a value would be a new query every microsecond, so nothing could
remember a result by its SQL (a listing's memoised count, `shown.with_memoised_count`).
`Now()` here is an expression that becomes the current time only when the query is
compiled; whatever keys a value by a query's SQL compiles it under `pinned(...)`, and keeps
the value only until the next time the answer could change (the tagged cache keys it with
the next expiry: `cache.store.memoise`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import DateTimeField, Expression, Value
from django.utils import timezone

_pinned: ContextVar[datetime.datetime | None] = ContextVar("review_pages_clock", default=None)

#: The time the SQL of a query is written with when it names a value rather than runs.
KEY_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class Now(Expression):
    """The current time (Python's, so tests can move it), as a query parameter."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection):
        at = _pinned.get() or timezone.now()
        return compiler.compile(Value(at, output_field=DateTimeField()))


@contextmanager
def pinned(at: datetime.datetime = KEY_TIME) -> Iterator[None]:
    """Queries compiled inside read `at` as the current time (for keys, not for results)."""
    token = _pinned.set(at)
    try:
        yield
    finally:
        _pinned.reset(token)
