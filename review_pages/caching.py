"""A shared response cache for anonymous readers, invalidated exactly by tags.

Each cached answer remembers the tags of what it shows (`review:12`, `person:7`,
`studio:3`, `reviews` for lists of reviews) and the version each tag had when it was
stored. Publishing a review, or saving a person, gives those tags new versions, so every
answer that showed them is stale at once — on every app server, since the versions live in
the shared cache (Redis in production). A hit costs two cache reads and no SQL.

Views add tags with `tag_request(request, ...)`; signal handlers call `invalidate(...)`.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

TAG_PREFIX = "tagv:"
RESPONSE_PREFIX = "resp:"
# Tolerated clock difference between app servers when comparing change times.
CLOCK_MARGIN = 1.0
CACHEABLE_TYPES = (
    "text/html",
    "application/json",
    "application/rss+xml",
    "application/xml",
    "text/xml",
)


def _cache():
    return caches[getattr(settings, "REVIEWS_CACHE_ALIAS", "default")]


def _timeout() -> int:
    return getattr(settings, "REVIEWS_CACHE_SECONDS", 600)


def tag_request(request, *tags: str) -> None:
    """Record that the answer to `request` shows these things."""
    if request is None:
        return
    collected = getattr(request, "_cache_tags", None)
    if collected is None:
        collected = request._cache_tags = set()
    collected.update(tags)


def review_tags(review_id: int, person_ids: Iterable[int], studio_ids: Iterable[int]) -> list:
    return (
        [f"review:{review_id}"]
        + [f"person:{pk}" for pk in person_ids]
        + [f"studio:{pk}" for pk in studio_ids]
    )


def _new_version(changed_at: float) -> str:
    """A tag version: when the tagged thing last changed, made unique."""
    return f"{changed_at:.6f}-{uuid.uuid4().hex}"


def _changed_at(version: str) -> float:
    return float(version.split("-", 1)[0])


def invalidate(*tags: str) -> None:
    """Give each tag a new version: every stored answer showing it is stale from now on.

    Runs after the surrounding transaction commits, so a reader cannot load the old rows
    after the new version is visible.
    """
    if not tags:
        return

    def bump():
        try:
            now = time.time()
            _cache().set_many({TAG_PREFIX + tag: _new_version(now) for tag in tags}, timeout=None)
        except Exception:  # a cache outage must never break publishing
            logger.exception("Could not invalidate cache tags %s", tags)

    from django.db import transaction

    transaction.on_commit(bump)


def _current_versions(tags: Iterable[str], create: bool) -> dict[str, str | None]:
    cache = _cache()
    keys = [TAG_PREFIX + tag for tag in tags]
    found = cache.get_many(keys)
    versions = {key[len(TAG_PREFIX) :]: found.get(key) for key in keys}
    if create:
        missing = {TAG_PREFIX + tag: _new_version(0) for tag, v in versions.items() if v is None}
        if missing:
            for key, value in missing.items():
                cache.add(key, value, timeout=None)
            refreshed = cache.get_many(list(missing))
            for key in missing:
                versions[key[len(TAG_PREFIX) :]] = refreshed.get(key)
    return versions


def _response_key(request) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return RESPONSE_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # logged-in editors (and anyone with a session) always see fresh pages
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    path = request.path
    excluded = getattr(
        settings, "REVIEWS_CACHE_EXCLUDED_PATHS", ("/admin/", "/django-admin/", "/documents/")
    )
    return not any(path.startswith(prefix) for prefix in excluded)


def response_is_cacheable(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not getattr(request, "_cache_tags", None):
        return False  # only answers whose views said what they show
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    if getattr(request, "is_preview", False):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type in CACHEABLE_TYPES


class TaggedResponseCacheMiddleware:
    """Serve anonymous GETs from the shared cache while none of their tags has changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = _response_key(request)
        started_at = time.time()
        try:
            entry = _cache().get(key)
            if entry is not None:
                stored_versions = entry["tags"]
                if _current_versions(stored_versions, create=False) == stored_versions:
                    return self._rebuild(entry)
        except Exception:  # the cache is down: serve from the database
            logger.warning("Response cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)

        response = self.get_response(request)
        if response_is_cacheable(request, response):
            try:
                versions = _current_versions(sorted(request._cache_tags), create=True)
                # Something shown here changed while this answer was being made: the rows
                # read may predate it, so this answer is not stored.
                fresh = None not in versions.values() and all(
                    _changed_at(v) < started_at - CLOCK_MARGIN for v in versions.values()
                )
                if fresh:
                    _cache().set(key, self._freeze(response, versions), timeout=_timeout())
            except Exception:
                logger.warning("Could not store response in cache", exc_info=True)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _freeze(response, versions) -> dict:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in {"set-cookie", "x-cache"}
        ]
        return {
            "status": response.status_code,
            "headers": headers,
            "content": response.content,
            "tags": versions,
        }

    @staticmethod
    def _rebuild(entry):
        from django.http import HttpResponse

        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Cache"] = "hit"
        return response
