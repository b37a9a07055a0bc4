"""A shared response cache for anonymous readers, invalidated exactly by tags.

Each cached answer remembers the tags of what it shows (`review:12`, `person:7`,
`studio:3`, `reviews` for lists of reviews) and the version each tag had when it was
stored. Publishing a review, or saving a person, gives those tags new versions, so every
answer that showed them is stale at once — on every app server, since the versions live in
the shared cache (Redis in production). A hit costs two cache reads and no SQL.

Versions come from one shared counter (`cache.incr`, atomic in Redis), not from clocks: an
answer is stored only when none of its tags got a version newer than the counter's value
when the request began, so an answer rendered from rows read before a change committed is
never stored, however far apart the app servers' clocks are.

Views add tags with `tag_request(request, ...)`; signal handlers call `invalidate(...)`.
Values derived from many rows (the front page's years) are kept the same way, under the
versions of their tags, with `memoise(...)`.

Settings: `REVIEWS_CACHE_SECONDS` (600; 0 turns the cache off), `REVIEWS_CACHE_ALIAS`
("default"), `REVIEWS_CACHE_EXCLUDED_PATHS` (the admin and documents by default).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)

TAG_PREFIX = "tagv:"
RESPONSE_PREFIX = "resp:"
VALUE_PREFIX = "value:"
#: Memoised values are found by their tags' versions, so they never go stale; expiry only
#: frees the memory of values whose versions are gone.
VALUE_SECONDS = 24 * 60 * 60
COUNTER_KEY = "tagv-counter"
#: Every stored answer carries this tag: `invalidate_all()` empties the cache logically.
ALL = "all"
CACHEABLE_TYPES = (
    "text/html",
    "application/json",
    "application/rss+xml",
    "application/xml",
    "text/xml",
)
DEFAULT_EXCLUDED_PATHS = ("/admin/", "/django-admin/", "/documents/")


def _cache():
    return caches[getattr(settings, "REVIEWS_CACHE_ALIAS", "default")]


def cache_seconds() -> int:
    return int(getattr(settings, "REVIEWS_CACHE_SECONDS", 600))


def tag_request(request, *tags: str) -> None:
    """Record that the answer to `request` shows these things (and so may be cached)."""
    if request is None:
        return
    request = getattr(request, "_request", request)  # DRF wraps Django's request
    collected = getattr(request, "_cache_tags", None)
    if collected is None:
        collected = request._cache_tags = set()
    collected.update(tags)


def person_tags(ids: Iterable[int]) -> list[str]:
    return [f"person:{pk}" for pk in ids]


def studio_tags(ids: Iterable[int]) -> list[str]:
    return [f"studio:{pk}" for pk in ids]


def review_tags(ids: Iterable[int]) -> list[str]:
    return [f"review:{pk}" for pk in ids]


def _counter_value(cache) -> int:
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
        _counter_value(cache)
        return int(cache.incr(COUNTER_KEY))


# Tags whose bump failed while the cache was unreachable. A cache that comes back with its
# old data (Redis keeps it on disk) would go on serving what those bumps were meant to
# expire, so this process bumps them again before it next reads from the cache.
_pending_tags: set[str] = set()
_pending_lock = threading.Lock()


def bump(*tags: str) -> None:
    """Give each tag a new version now (use `invalidate` inside transactions)."""
    try:
        cache = _cache()
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


def _versions(cache, tags: Iterable[str]) -> dict[str, int | None]:
    keys = [TAG_PREFIX + tag for tag in tags]
    found = cache.get_many(keys)
    return {key[len(TAG_PREFIX) :]: found.get(key) for key in keys}


def _seeded_versions(cache, tags: Iterable[str], seed: Callable[[], int]) -> dict:
    """The tags' versions; a tag never bumped (or evicted) gets `seed()` (a version from
    before the caller read anything), unless another server just gave it one (`add` keeps
    theirs). A version can still be None when the cache stores nothing (Redis down)."""
    versions = _versions(cache, tags)
    missing = [tag for tag, version in versions.items() if version is None]
    if missing:
        start = seed()
        for tag in missing:
            cache.add(TAG_PREFIX + tag, start, timeout=None)
        versions.update(_versions(cache, missing))
    return versions


T = TypeVar("T")
_MISSING = object()


def memoise(name: str, compute: Callable[[], T], *tags: str) -> T:
    """`compute()`, made once per version of `tags` and kept in the shared cache.

    For a value read from many rows that only change with these tags (the years of every
    live review change with `reviews`): each bump makes the stored value unused at once, on
    every server, exactly like the cached answers showing it. The versions are read before
    computing, so a value made from rows read before a change committed is stored under the
    versions that change's bump replaces (see `invalidate`). `ALL` is always among the tags.
    When the cache is unavailable, it is computed every time.
    """
    tags = tuple(sorted({*tags, ALL}))
    try:
        cache = _cache()
        versions = _seeded_versions(cache, tags, lambda: _counter_value(cache))
        if any(version is None for version in versions.values()):
            return compute()  # a cache that stores nothing (e.g. Redis down, exceptions off)
        key = VALUE_PREFIX + name + ":" + ",".join(f"{tag}={versions[tag]}" for tag in tags)
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


class _CountedQuerySet:
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


def with_memoised_count(queryset, *tags: str):
    """`queryset`, its `count()` memoised (`memoise`) under its SQL and these tags' versions.

    Only for rows that change only with these tags: e.g. the public reviews, filtered by
    their own fields, with `reviews` (not filters on people's slugs, nor searches).
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except Exception:  # e.g. EmptyResultSet: nothing worth remembering
        return queryset
    digest = hashlib.sha256(repr((sql, params)).encode("utf-8", "surrogatepass")).hexdigest()
    return _CountedQuerySet(queryset, memoise(f"count:{digest}", queryset.count, *tags))


def _response_key(request) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return RESPONSE_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def request_is_cacheable(request) -> bool:
    """Anonymous GET/HEAD outside the admin: no session (editors), no Authorization."""
    if cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # logged-in editors (and anyone with a session) always see fresh pages
    if "HTTP_AUTHORIZATION" in request.META:
        return False  # API tokens may see more than the public
    excluded = getattr(settings, "REVIEWS_CACHE_EXCLUDED_PATHS", DEFAULT_EXCLUDED_PATHS)
    return not request.path.startswith(tuple(excluded))


def response_is_cacheable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not getattr(request, "_cache_tags", None):
        return False  # only answers whose views said what they show
    if getattr(request, "is_preview", False):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False  # e.g. a CSRF token: personal
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type in CACHEABLE_TYPES


# A Content-Security-Policy nonce (django-csp's `request.csp_nonce`) must be new in every
# answer: a cached page stores this placeholder where its nonce was, and a hit fills in the
# nonce of the request it answers.
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"


def _used_nonce(request) -> str | None:
    """The nonce this answer used, if any (django-csp's lazy nonce is falsy until used)."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else None


class TaggedResponseCacheMiddleware:
    """Serve anonymous GETs from the shared cache while none of their tags has changed.

    Answers carry `X-Cache: hit`, `miss` or `bypass`. Place it before the session and
    authentication middleware (a hit skips them) and after the API's ETag middleware (so
    that hits still answer `If-None-Match` with 304).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            response = self.get_response(request)
            response["X-Cache"] = "bypass"
            return response
        key = _response_key(request)
        retry_failed_bumps()
        try:
            cache = _cache()
            entry = cache.get(key)
            if entry is not None and _versions(cache, entry["tags"]) == entry["tags"]:
                return self._rebuild(request, entry)
            began_at = _counter_value(cache)
        except Exception:  # the cache is down: serve from the database
            logger.warning("Response cache unavailable; serving uncached", exc_info=True)
            response = self.get_response(request)
            response["X-Cache"] = "miss"
            return response

        response = self.get_response(request)
        if response_is_cacheable(request, response):
            self._store(key, request, response, began_at)
        response["X-Cache"] = "miss"
        return response

    def _store(self, key, request, response, began_at: int) -> None:
        try:
            cache = _cache()
            tags = sorted(request._cache_tags | {ALL})
            versions = _seeded_versions(cache, tags, lambda: began_at)
            # Something shown here changed while this answer was being made: the rows it
            # read may predate the change, so it is not stored.
            if all(version is not None and version <= began_at for version in versions.values()):
                cache.set(key, self._freeze(request, response, versions), timeout=cache_seconds())
        except Exception:
            logger.warning("Could not store response in cache", exc_info=True)

    @staticmethod
    def _freeze(request, response, versions) -> dict:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in {"set-cookie", "x-cache", "content-length"}
        ]
        content = response.content
        nonce = _used_nonce(request)
        if nonce:  # each answer gets its own nonce: the stored one is a placeholder
            content = content.replace(nonce.encode(), NONCE_PLACEHOLDER)
        return {
            "status": response.status_code,
            "headers": headers,
            "content": content,
            "tags": versions,
            "nonce": bool(nonce),
        }

    @staticmethod
    def _rebuild(request, entry):
        content = entry["content"]
        if entry.get("nonce"):
            # Reading the request's nonce makes the CSP middleware announce it.
            fresh = getattr(request, "csp_nonce", None)
            fresh = str(fresh) if fresh is not None else ""
            content = content.replace(NONCE_PLACEHOLDER, fresh.encode())
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Cache"] = "hit"
        return response
