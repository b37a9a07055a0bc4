"""A shared response cache for anonymous readers, invalidated exactly by tags.

Each cached answer remembers the tags of what it shows (what its view recorded with
`review_pages.shown.record`, made into tags by `tags.of_shown`) and the version each tag
had when it was stored (`store`). A hit costs two cache reads and no SQL.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from .. import shown
from ..conf import reviews_settings
from . import store
from . import tags as cache_tags

logger = logging.getLogger(__name__)

RESPONSE_PREFIX = "resp:"
CACHEABLE_TYPES = (
    "text/html",
    "application/json",
    "application/rss+xml",
    "application/xml",
    "text/xml",
)
# A Content-Security-Policy nonce (django-csp's `request.csp_nonce`) must be new in every
# answer: a cached page stores this placeholder where its nonce was, and a hit fills in the
# nonce of the request it answers.
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"


def response_key(request) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return RESPONSE_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def request_is_cacheable(request) -> bool:
    """Anonymous GET/HEAD outside the admin: no session (editors), no Authorization."""
    if store.cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # logged-in editors (and anyone with a session) always see fresh pages
    if "HTTP_AUTHORIZATION" in request.META:
        return False  # API tokens may see more than the public
    return not request.path.startswith(tuple(reviews_settings.CACHE_EXCLUDED_PATHS))


def response_is_cacheable(request, response, what_it_shows: shown.Shown) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not what_it_shows:
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


def _used_nonce(request) -> str | None:
    """The nonce this answer used, if any (django-csp's lazy nonce is falsy until used)."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else None


class TaggedResponseCacheMiddleware:
    """Serve anonymous GETs from the shared cache while none of their tags has changed.

    Answers carry `X-Cache: hit`, `miss` or `bypass`. Place it before the session and
    authentication middleware (a hit skips them). A hit answers `If-None-Match` with 304
    from the stored ETag.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            response = self.get_response(request)
            response["X-Cache"] = "bypass"
            return response
        key = response_key(request)
        store.retry_failed_bumps()
        try:
            cache = store.get_cache()
            entry = cache.get(key)
            if entry is not None and store.versions_of(cache, entry["tags"]) == entry["tags"]:
                return self._rebuild(request, entry)
            began_at = store.counter_value(cache)
        except Exception:  # the cache is down: serve from the database
            logger.warning("Response cache unavailable; serving uncached", exc_info=True)
            response = self.get_response(request)
            response["X-Cache"] = "miss"
            return response

        with shown.recording() as what_it_shows:
            response = self.get_response(request)
        if response_is_cacheable(request, response, what_it_shows):
            self._store(key, request, response, cache_tags.of_shown(what_it_shows), began_at)
        response["X-Cache"] = "miss"
        return response

    def _store(self, key, request, response, tags: set[str], began_at: int) -> None:
        try:
            cache = store.get_cache()
            versions = store.seeded_versions(cache, sorted(tags | {store.ALL}), lambda: began_at)
            # Something shown here changed while this answer was being made: the rows it
            # read may predate the change, so it is not stored.
            if all(version is not None and version <= began_at for version in versions.values()):
                entry = self._freeze(request, response, versions)
                cache.set(key, entry, timeout=store.cache_seconds())
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
        etag = response.get("ETag")
        if etag:
            conditional = get_conditional_response(request, etag=etag, response=response)
            if conditional is not response:
                conditional["X-Cache"] = "hit"
                return conditional
        return response
