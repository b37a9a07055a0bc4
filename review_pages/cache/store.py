"""Tag versions in the shared cache: what makes stored answers and memoised values stale.

Each tag (`review:12`, `person:7`, `reviews`, ...: see `tags`) has a version in the cache.
Publishing a review, or saving a person, gives the tags of what it changed new versions, so
every answer stored with the old versions is stale at once — on every app server, since
the versions live in the shared cache (Redis in production).

Versions come from one shared counter (`cache.incr`, atomic in Redis), not from clocks: an
answer is stored only when none of its tags got a version newer than the counter's value
when the request began, so an answer rendered from rows read before a change committed is
never stored, however far apart the app servers' clocks are.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.db import transaction

from ..conf import reviews_settings
from ..shown import Shown
from . import tags as cache_tags

logger = logging.getLogger(__name__)

TAG_PREFIX = "tagv:"
VALUE_PREFIX = "value:"
#: Memoised values are found by their tags' versions, so they never go stale; expiry only
#: frees the memory of values whose versions are gone.
VALUE_SECONDS = 24 * 60 * 60
COUNTER_KEY = "tagv-counter"
NEXT_EXPIRY = "next-expiry"
#: Every stored answer and value carries this tag: `invalidate_all()` empties the cache.
ALL = cache_tags.ALL


def get_cache():
    return caches[reviews_settings.CACHE_ALIAS]


def cache_seconds() -> int:
    return int(reviews_settings.CACHE_SECONDS)


def counter_value(cache) -> int:
    """The shared counter now (started from the clock if it is missing, e.g. evicted, so
    that it never goes back below versions handed out before)."""
    value = cache.get(COUNTER_KEY)
    if value is None:
        cache.add(COUNTER_KEY, time.time_ns() // 1000, timeout=None)
        value = cache.get(COUNTER_KEY)
    return int(value or 0)


def _next_version(cache) -> int:
    try:
        return int(cache.incr(COUNTER_KEY))
    except ValueError:  # no counter yet
        counter_value(cache)
        return int(cache.incr(COUNTER_KEY))


# Tags whose bump failed while the cache was unreachable. A cache that comes back with its
# old data (Redis keeps it on disk) would go on serving what those bumps were meant to
# expire, so this process bumps them again before it next reads from the cache.
_pending_tags: set[str] = set()
_pending_lock = threading.Lock()


def bump(*tags: str) -> None:
    """Give each tag a new version now (use `invalidate` inside transactions)."""
    try:
        cache = get_cache()
        version = _next_version(cache)
        cache.set_many({TAG_PREFIX + tag: version for tag in tags}, timeout=None)
    except Exception as error:  # a cache outage must never break publishing
        with _pending_lock:
            _pending_tags.update(tags)
        logger.warning("Could not invalidate cache tags %s (%r); will retry", tags, error)


def retry_failed_bumps() -> None:
    """Bump again the tags whose bump failed (cheap when there are none)."""
    if not _pending_tags:
        return
    with _pending_lock:
        tags = tuple(sorted(_pending_tags))
        _pending_tags.clear()
    bump(*tags)  # puts them back if the cache is still unreachable


def invalidate(*tags: str) -> None:
    """Make every stored answer showing one of these tags stale: now, and again once the
    surrounding transaction commits.

    The bump after the commit is the one that matters: an answer rendered from the old rows
    while the transaction was open was stored with the versions of the first bump, and
    becomes stale with the second. The bump now keeps a single process consistent even when
    no commit ever comes (tests run inside a transaction that is rolled back).
    """
    if tags:
        tags = tuple(sorted(set(tags)))
        bump(*tags)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: bump(*tags))


def invalidate_all() -> None:
    invalidate(ALL)


def versions_of(cache, tags: Iterable[str]) -> dict[str, int | None]:
    keys = [TAG_PREFIX + tag for tag in tags]
    found = cache.get_many(keys)
    return {key[len(TAG_PREFIX) :]: found.get(key) for key in keys}


def seeded_versions(cache, tags: Iterable[str], seed: Callable[[], int]) -> dict:
    """The tags' versions; a tag never bumped (or evicted) gets `seed()` (a version from
    before the caller read anything), unless another server just gave it one (`add` keeps
    theirs). A version can still be None when the cache stores nothing (Redis down)."""
    versions = versions_of(cache, tags)
    missing = [tag for tag, version in versions.items() if version is None]
    if missing:
        start = seed()
        for tag in missing:
            cache.add(TAG_PREFIX + tag, start, timeout=None)
        versions.update(versions_of(cache, missing))
    return versions


T = TypeVar("T")
_MISSING = object()


def memoise(name: str, compute: Callable[[], T], depends_on: Shown) -> T:
    """`compute()`, made once per version of the tags of `depends_on`, kept in the cache.

    The keeper of `shown.memoised` values. For a value read from many rows that only change
    with these tags (the years of every live review change with `reviews`): each bump makes
    the stored value unused at once, on every server, exactly like the cached answers
    showing it. The versions are read before computing, so a value made from rows read
    before a change committed is stored under the versions that change's bump replaces (see
    `invalidate`). `ALL` is always among the tags. When the cache is unavailable, it is
    computed every time.
    """
    tags = tuple(sorted({*cache_tags.of_shown(depends_on), ALL}))
    try:
        cache = get_cache()
        versions = seeded_versions(cache, tags, lambda: counter_value(cache))
        if any(version is None for version in versions.values()):
            return compute()  # a cache that stores nothing (e.g. Redis down, exceptions off)
        key = VALUE_PREFIX + name + ":" + ",".join(f"{tag}={versions[tag]}" for tag in tags)
        if cache_tags.REVIEW_LIST in tags and name != NEXT_EXPIRY:
            # Which reviews are public also changes with the clock, at the next expiry.
            key += f":until={next_expiry()}"
        found = cache.get(key, _MISSING)
    except Exception:
        logger.warning("Cache unavailable; computing %s", name, exc_info=True)
        return compute()
    if found is not _MISSING:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=VALUE_SECONDS)
    except Exception:
        logger.warning("Could not store %s in cache", name, exc_info=True)
    return value


def next_expiry() -> float | None:
    """When the next review that is live now expires (seconds since the epoch), or None.

    Stored answers are not served from then on (`middleware`), so an expiry takes effect to
    the second whether or not a worker has withdrawn the page yet. Memoised with the list of
    reviews (a publication that sets or moves an expiry changes it); once that time has
    passed it is read again until a change replaces it (the worker's withdrawal does)."""
    from django.utils import timezone

    from ..models import ReviewPage

    def compute() -> float | None:
        at = (
            ReviewPage.objects.filter(live=True, expire_at__gt=timezone.now())
            .order_by("expire_at")
            .values_list("expire_at", flat=True)
            .first()
        )
        return at.timestamp() if at is not None else None

    value = memoise(NEXT_EXPIRY, compute, Shown(lists={cache_tags.REVIEW_LIST}))
    if value is not None and value <= time.time():
        value = compute()
    return value
