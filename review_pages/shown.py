"""What an answer shows, and values derived from what pages show.

Pages and API endpoints say which reviews, people and studios an answer shows
(`record(...)`); whatever keeps answers reads that once the answer is complete. The record is
a context object opened by the keeper around one request (`recording()`), so it never
travels on the request. Without a keeper (the default), `record` does nothing.

Values read from many rows that change only when some of them change (the front page's
release years, a listing's total) go through `memoised(...)`, named with what they depend
on. Without a keeper they are computed every time; the optional tagged cache
(`review_pages.cache`) installs one that keeps them until what they depend on changes.

This module knows no cache: `review_pages.cache.tags` turns what is shown into cache tags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from . import clock

#: Lists an answer may show: every live review (front page, feed, sitemap, API listings),
#: every credited person, every credited studio, every genre (the sitemap, the front page's
#: genre filter).
REVIEWS = "reviews"
PEOPLE = "people"
STUDIOS = "studios"
GENRES = "genres"
LISTS = frozenset({REVIEWS, PEOPLE, STUDIOS, GENRES})


@dataclass
class Shown:
    """The things one answer (or one memoised value) shows, by id."""

    reviews: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    studios: set[int] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    genres: set[int] = field(default_factory=set)

    def add(
        self,
        *,
        reviews: Iterable[int] = (),
        people: Iterable[int] = (),
        studios: Iterable[int] = (),
        lists: Iterable[str] = (),
        genres: Iterable[int] = (),
    ) -> None:
        lists = set(lists)
        unknown = lists - LISTS
        if unknown:
            raise ValueError(f"unknown lists {sorted(unknown)}; use {sorted(LISTS)}")
        self.reviews.update(reviews)
        self.people.update(people)
        self.studios.update(studios)
        self.genres.update(genres)
        self.lists |= lists

    def __bool__(self) -> bool:
        return bool(self.reviews or self.people or self.studios or self.genres or self.lists)


_current: ContextVar[Shown | None] = ContextVar("review_pages_shown", default=None)


def record(
    *,
    reviews: Iterable[int] = (),
    people: Iterable[int] = (),
    studios: Iterable[int] = (),
    lists: Iterable[str] = (),
    genres: Iterable[int] = (),
) -> None:
    """Note that the answer being made shows these (nothing happens without a keeper)."""
    current = _current.get()
    if current is not None:
        current.add(reviews=reviews, people=people, studios=studios, lists=lists, genres=genres)


@contextmanager
def recording() -> Iterator[Shown]:
    """Collect what the answer made inside shows (for the response cache's middleware)."""
    shown = Shown()
    token = _current.set(shown)
    try:
        yield shown
    finally:
        _current.reset(token)


T = TypeVar("T")


class Keeper(Protocol):
    def __call__(self, name: str, compute: Callable[[], T], depends_on: Shown) -> T: ...


_keeper: Keeper | None = None


def memoised(name: str, compute: Callable[[], T], depends_on: Shown) -> T:
    """`compute()`, kept by the installed keeper until something in `depends_on` changes.

    `name` must say everything else the value depends on (e.g. the index page's id).
    """
    keeper = _keeper
    if keeper is None:
        return compute()
    return keeper(name, compute, depends_on)


def install_keeper(keeper: Keeper | None) -> None:
    """Set the keeper of memoised values (the tagged cache does, from its `ready()`)."""
    global _keeper
    _keeper = keeper


class CountedQuerySet:
    """A queryset whose count is already known: paginators (Django's, Wagtail's API) ask for
    `count()`, then slice."""

    def __init__(self, queryset, count: int):
        self.queryset = queryset
        self.model = queryset.model
        self.ordered = queryset.ordered
        self._count = count

    def count(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]

    def __len__(self) -> int:
        return self._count


def with_memoised_count(queryset, depends_on: Shown):
    """`queryset`, its `count()` memoised under its SQL and what it depends on.

    Only for rows that change only with `depends_on`: e.g. the public reviews filtered by
    their own fields depend on the list of reviews (not so filters on people's slugs, nor
    searches).
    """
    if _keeper is None:
        return queryset
    try:
        with clock.pinned():  # "now" written as a constant: the key outlives this instant
            # What is counted is in its FROM and WHERE: compiled without its columns and
            # its joins for display (a listing's own SQL took 0.94 ms to compile, this 0.28).
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except Exception:  # e.g. EmptyResultSet: nothing worth remembering
        return queryset
    digest = hashlib.sha256(repr((sql, params)).encode("utf-8", "surrogatepass")).hexdigest()
    return CountedQuerySet(queryset, memoised(f"count:{digest}", queryset.count, depends_on))
