"""A shared response cache for anonymous readers, invalidated exactly by tags.

Each cached answer remembers the tags of what it shows (what its view recorded with
`review_pages.shown.record`, made into tags by `tags.of_shown`) and the version each tag
had when it was stored (`store`). A hit costs two cache reads and no SQL, and sends bytes
compressed when the answer was stored (`encoding`). While one request renders an address
that is not stored, the others wait for its answer (or get the stale one) rather than all
rendering it at once (`RenderLock`).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from .. import http_caching, shown
from ..conf import reviews_settings
from . import encoding, store
from . import tags as cache_tags

logger = logging.getLogger(__name__)

# "resp3": entries hold compressed bodies and their caching policy (`http_caching`);
# answers stored in an older format are not read.
RESPONSE_PREFIX = "resp3:"
LOCK_PREFIX = "render-lock:"
#: Stored in place of an answer at an address whose last answer could not be stored
#: (search, a 404, a page setting a cookie): requests for it render at once, taking no lock.
UNSTORED_MARKER = {"unstored": True}
UNSTORED_MARKER_SECONDS = 60
#: How often a waiting request looks whether the lock is gone: soon, then every 10 ms.
FIRST_POLL_SECONDS = 0.002
LAST_POLL_SECONDS = 0.01
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
#: The readers' search route of a review index (`ReviewIndexPage.search`).
SEARCH_PATH_SUFFIX = "/search/"


def request_address(request) -> str:
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}"


def _digest(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()


def address_key(address: str) -> str:
    """The key of one address: where its answer is stored (unless it is a search) and the
    name of its render lock."""
    return RESPONSE_PREFIX + _digest(address)


def response_key(request) -> str:
    return address_key(request_address(request))


def is_search(request) -> bool:
    """A reader's search: any query a reader types is an address of its own."""
    return request.path.endswith(SEARCH_PATH_SUFFIX) and "q" in request.GET


def storage_keys(request, address: str) -> tuple[list[str], bool]:
    """(the keys an answer to this address may be stored at, whether they are shared slots).

    Searches get two of `SEARCH_CACHE_SLOTS` slots (two hashes of their address modulo the
    slots), since their addresses are as many as the queries readers type and storing each
    at its own key would let them push the pages everyone reads out of the cache. A slot
    holds one answer and the address it answers, so the searches kept are bounded in keys
    and, with `SEARCH_CACHE_MAX_BYTES` per answer, in bytes. A new search takes the empty or
    the older of its two slots (two-choice hashing: two hot queries rarely share both; over
    the bench's 1,000 queries in 2,048 slots, one slot each kept 89 % of answers, two keep
    94 %). Everything else is stored at its own address.
    """
    if is_search(request):
        digest = _digest(address)
        slots = max(1, reviews_settings.SEARCH_CACHE_SLOTS)
        chosen = dict.fromkeys(int(digest[i : i + 12], 16) % slots for i in (0, 12))
        return [f"{RESPONSE_PREFIX}search-slot:{slot}" for slot in chosen], True
    return [address_key(address)], False


def _lookup(cache, keys: list[str], in_slots: bool, address: str) -> tuple[str, object, object]:
    """(the key to use, what it holds for this address or None, the tag versions' shared
    counter now), in one read: for shared slots the slot answering this address, else the
    empty one, else the one stored longer ago."""
    found = cache.get_many([*keys, store.COUNTER_KEY])
    counter = found.get(store.COUNTER_KEY)
    if not in_slots:
        return keys[0], found.get(keys[0]), counter
    for key in keys:
        if _answering(found.get(key), address) is not None:
            return key, found[key], counter
    empty = [key for key in keys if not _is_answer(found.get(key))]
    if empty:
        return empty[0], None, counter
    return min(keys, key=lambda key: found[key]["stored_at"]), None, counter


def searches_are_kept() -> bool:
    return reviews_settings.SEARCH_CACHE_SLOTS > 0 and reviews_settings.SEARCH_CACHE_MAX_BYTES > 0


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
    # A HEAD answer is its GET's (views answer HEAD as GET; the server drops the body).
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if response.streaming:
        return False
    if response.has_header("Content-Encoding"):
        return False  # compressed by a middleware below this one: not ours to encode
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


# The renders this process is doing, by lock key: its own waiters (other threads of a
# gunicorn worker) wake when one ends instead of polling the cache; others poll.
_renders_here: dict[str, threading.Event] = {}
_renders_here_lock = threading.Lock()


class RenderLock:
    """One render per address at a time, across processes: a cache key taken with `add`
    (atomic on Redis, the database cache and locmem), expiring after `CACHE_LOCK_SECONDS`
    so that a render that crashed or hangs never holds it for ever."""

    def __init__(self, cache, key: str):
        self.cache = cache
        self.key = LOCK_PREFIX + key
        self.token = secrets.token_hex(8)
        self.done = threading.Event()

    def acquire(self) -> bool:
        """True unless another request holds it. A cache that cannot say (django-redis
        ignoring a Redis outage answers None) counts as taken by us: nobody waits on it.

        This process's event is announced before the `add`, so that a waiter of this
        process never misses it; an attempt that loses sets it again at once (whoever
        waited on it then polls)."""
        with _renders_here_lock:
            announced = _renders_here.setdefault(self.key, self.done) is self.done
        try:
            taken = self.cache.add(
                self.key, self.token, timeout=reviews_settings.CACHE_LOCK_SECONDS
            )
        except Exception:
            self._withdraw()
            raise
        if taken is False:
            if announced:
                self._withdraw()
            return False
        if not announced:
            with _renders_here_lock:
                _renders_here[self.key] = self.done
        return True

    def _withdraw(self) -> None:
        with _renders_here_lock:
            if _renders_here.get(self.key) is self.done:
                del _renders_here[self.key]
        self.done.set()  # wakes this process's waiters at once

    def release(self) -> None:
        try:
            if self.cache.get(self.key) == self.token:
                self.cache.delete(self.key)
        except Exception:  # it expires anyway
            logger.warning("Could not release render lock", exc_info=True)
        finally:
            self._withdraw()


def _is_answer(entry) -> bool:
    return isinstance(entry, dict) and "body" in entry


def _answering(entry, address: str):
    """The entry if it answers this address (a search slot may hold another query's)."""
    if isinstance(entry, dict) and entry.get("address", address) != address:
        return None
    return entry


def _before_next_expiry(entry) -> bool:
    """Whether no review has expired since the answer was stored: from a review's expiry
    time, no answer stored while it was public is served (nothing has to run for that)."""
    fresh_until = entry.get("fresh_until")
    return fresh_until is None or time.time() < fresh_until


def _is_fresh(cache, entry, counter=None) -> bool:
    """Whether no tag of the stored answer has a new version (and no review expired). When
    the shared counter is where it was as the answer's request began, no tag has had a new
    version since (each takes its version from that counter), and its tags are not read:
    a hit of a review page read some 30 tag versions."""
    if not (_is_answer(entry) and _before_next_expiry(entry)):
        return False
    if counter is not None and entry.get("counter") == counter:
        return True
    return store.versions_of(cache, entry["tags"]) == entry["tags"]


def _may_serve_stale(entry) -> bool:
    limit = float(reviews_settings.CACHE_STALE_SECONDS)
    return (
        _is_answer(entry)
        and limit > 0
        and time.time() - entry["stored_at"] <= limit
        and _before_next_expiry(entry)
    )


class TaggedResponseCacheMiddleware:
    """Serve anonymous GETs from the shared cache while none of their tags has changed.

    Answers carry `X-Cache: hit`, `miss`, `stale` or `bypass`. Place it before the session
    and authentication middleware (a hit skips them) and after any compressing middleware
    (a hit is compressed already). A hit answers `If-None-Match` with 304 from the stored
    ETag of the encoding it sends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request) or (is_search(request) and not searches_are_kept()):
            response = self.get_response(request)
            response["X-Cache"] = "bypass"
            return response
        address = request_address(request)
        keys, in_slot = storage_keys(request, address)
        store.retry_failed_bumps()
        lock = None
        try:
            cache = store.get_cache()
            key, entry, counter = _lookup(cache, keys, in_slot, address)
            if _is_fresh(cache, entry, counter):
                return self._serve(request, entry, "hit")
            if self._protects(request, entry):
                # Locked by address (not by slot): queries sharing a slot never wait on
                # each other.
                lock = RenderLock(cache, address_key(address))
                if not lock.acquire():
                    lock = None
                    if _may_serve_stale(entry):
                        return self._serve(request, entry, "stale")
                    answer = self._wait_for_answer(request, cache, keys, in_slot, address)
                    if answer is not None:
                        return answer
            began_at = store.counter_value(cache)
        except Exception:  # the cache is down: serve from the database
            logger.warning("Response cache unavailable; serving uncached", exc_info=True)
            if lock is not None:
                lock.release()
            response = self.get_response(request)
            response["X-Cache"] = "miss"
            return response
        try:
            return self._render(
                request,
                key,
                began_at,
                address=address if in_slot else None,
                # A slot is shared: an unstored marker there would evict another query.
                marks_unstored=lock is not None and not in_slot,
            )
        finally:
            if lock is not None:
                lock.release()

    @staticmethod
    def _protects(request, entry) -> bool:
        """GETs of addresses whose answers can be stored wait for one another (a HEAD is
        never stored; an unstored marker says the last answer could not be)."""
        return (
            request.method == "GET"
            and entry != UNSTORED_MARKER
            and float(reviews_settings.CACHE_RENDER_WAIT_SECONDS) > 0
        )

    def _wait_for_answer(self, request, cache, keys: list[str], in_slots: bool, address: str):
        """The answer another request is rendering, once stored; None if it is not stored
        within `CACHE_RENDER_WAIT_SECONDS` or that render ended without storing it.

        Only the small lock key is polled (not at all while the render is this process's
        own); the answer is read once the lock is gone (its holder stores the answer first,
        then releases the lock)."""
        deadline = time.monotonic() + float(reviews_settings.CACHE_RENDER_WAIT_SECONDS)
        lock_key = LOCK_PREFIX + address_key(address)
        delay = FIRST_POLL_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            render_here = _renders_here.get(lock_key)
            if render_here is not None:
                render_here.wait(left)
            else:
                time.sleep(min(delay, left))
                delay = min(delay * 1.5, LAST_POLL_SECONDS)
            if cache.get(lock_key) is None:
                _, entry, counter = _lookup(cache, keys, in_slots, address)
                fresh = _is_fresh(cache, entry, counter)
                return self._serve(request, entry, "hit") if fresh else None
        return None

    def _render(self, request, key: str, began_at: int, address: str | None, marks_unstored: bool):
        """Render, and store the answer if it may be; `address`: the address the answer
        is for, when `key` is a shared slot (then only answers up to
        `SEARCH_CACHE_MAX_BYTES` are stored)."""
        with shown.recording() as what_it_shows:
            response = self.get_response(request)
        if response_is_cacheable(request, response, what_it_shows):
            entry = self._store(
                key, request, response, cache_tags.of_shown(what_it_shows), began_at, address
            )
            if entry is not None:
                return self._serve(request, entry, "miss")
        elif marks_unstored and response.status_code < 500:
            # An error may be passing: the next request tries again, under the lock.
            try:
                store.get_cache().set(key, UNSTORED_MARKER, timeout=UNSTORED_MARKER_SECONDS)
            except Exception:
                logger.warning("Could not mark an unstored answer", exc_info=True)
        response["X-Cache"] = "miss"
        return response

    def _store(
        self, key, request, response, tags: set[str], began_at: int, address: str | None
    ) -> dict | None:
        try:
            cache = store.get_cache()
            versions = store.seeded_versions(cache, sorted(tags | {store.ALL}), lambda: began_at)
            # Something shown here changed while this answer was being made: the rows it
            # read may predate the change, so it is not stored.
            if all(version is not None and version <= began_at for version in versions.values()):
                entry = self._freeze(request, response, versions)
                entry["fresh_until"] = store.next_expiry()
                entry["counter"] = began_at  # see `_is_fresh`
                if address is not None:
                    if (
                        encoding.stored_bytes(entry["body"])
                        > reviews_settings.SEARCH_CACHE_MAX_BYTES
                    ):
                        return None
                    entry["address"] = address
                cache.set(key, entry, timeout=store.cache_seconds())
                return entry
        except Exception:
            logger.warning("Could not store response in cache", exc_info=True)
        return None

    @staticmethod
    def _freeze(request, response, versions) -> dict:
        # Public caching headers are made again for each answer served (`_serve`).
        policy = getattr(response, http_caching.POLICY_ATTRIBUTE, None)
        left_out = {"set-cookie", "x-cache", "content-length"}
        if policy is not None:
            left_out.add("cache-control")
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in left_out
        ]
        content = response.content
        nonce = _used_nonce(request)
        if nonce:  # each answer gets its own nonce: the stored one is a placeholder
            content = content.replace(nonce.encode(), NONCE_PLACEHOLDER)
        return {
            "status": response.status_code,
            "headers": headers,
            "body": encoding.compress(content, NONCE_PLACEHOLDER if nonce else None),
            "tags": versions,
            "nonce": bool(nonce),
            "stored_at": time.time(),
            "http_cache": policy,
        }

    @staticmethod
    def _serve(request, entry, label: str):
        nonce = None
        if entry["nonce"]:
            # Reading the request's nonce makes the CSP middleware announce it.
            fresh = getattr(request, "csp_nonce", None)
            nonce = (str(fresh) if fresh is not None else "").encode()
        offered = encoding.available(entry["body"])
        coding = encoding.negotiate(request.META.get("HTTP_ACCEPT_ENCODING"), offered)
        content = encoding.body(entry["body"], coding, nonce)
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        if coding != encoding.IDENTITY:
            response["Content-Encoding"] = coding
        if offered:
            patch_vary_headers(response, ("Accept-Encoding",))
        response["Content-Length"] = str(len(content))
        response["X-Cache"] = label
        if entry.get("http_cache") is not None:
            # The ages of this moment: they stop at the next expiry known when it was
            # stored (`fresh_until`: a later one bumps what it shows). A stale answer is
            # past its freshness already: ages 0, so that nobody keeps it unasked.
            http_caching.add_cache_headers(
                request,
                response,
                purged=entry["http_cache"]["purged"],
                expires_at=time.time() if label == "stale" else entry.get("fresh_until"),
            )
        etag = response.get("ETag")
        if etag:
            response["ETag"] = etag = encoding.variant_etag(etag, coding)
            conditional = get_conditional_response(request, etag=etag, response=response)
            if conditional is not response:
                conditional["X-Cache"] = label
                return conditional
        return response
