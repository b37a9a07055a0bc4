"""HTTP caching headers: how long a browser and a CDN may keep each answer.

One rule (`add_cache_headers`) for every public surface, applied where answers are made: the
API include wraps every view with it (`api.http.guard`), the plugin's pages get it through
Wagtail's `on_serve_page` hook (`on_serve_page`, reviews, review indexes and their routes:
front page, filmographies, feed, search), a host wraps its own public views with
`cache_headers` (the sitemap, robots.txt), and the tagged response cache gives every answer
it serves from storage the headers of that moment (`cache.middleware`).

- Anonymous GET/HEAD answers (200, or a 304 revalidating one) are `public` with a browser
  `max-age`, a shared-cache `s-maxage` and `stale-while-revalidate` from the settings
  (`HTTP_*`). With `CDN_PURGE`, the addresses the purge names (`cdn.py`: the plugin's pages,
  feed and filmographies and the sitemap, without a query string) get the long
  `HTTP_S_MAXAGE_PURGED`: a change purges them, so the CDN may keep them until then.
- No age, stale period included, reaches past the next expiry of a live review: a cache
  never serves a review after its takedown time, whatever it was told.
- Answers to a request with credentials (a session cookie, `Authorization`) or that are
  personal (setting a cookie, holding a CSRF token) are `private, no-cache`; previews and
  addresses holding a `token` are `private, no-store`; 4xx and 5xx answers `no-store`.
- An answer that already says `Cache-Control` (a preview, Wagtail's admin) is left as it is.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .cdn import purging
from .conf import reviews_settings

PRIVATE_NO_STORE = "private, no-store"
PRIVATE_REVALIDATE = "private, no-cache"
NO_STORE = "no-store"
#: Answers that may be kept: a full one, or a 304 saying the kept one is still good (it
#: carries what the full one would: RFC 9110 15.4.5).
PUBLIC_STATUSES = frozenset({200, 203, 304})
#: A query parameter that is a credential (preview and share-link tokens): the address is
#: personal, whatever the view makes of it.
TOKEN_PARAMETER = "token"  # noqa: S105 (a parameter name)
#: The routes of a review index whose addresses the CDN purge names (`cdn.index_urls` and
#: `cdn.review_purge_urls`: the front page, the feed, the filmographies). Other routes (a
#: search, a preview, any route added later) keep the short shared age.
PURGED_INDEX_ROUTES = frozenset({"review_list", "feed", "person", "studio"})
#: Set on an answer given public headers: whether they were the purged address's. The
#: response cache stores it, and gives hits the headers of their own moment.
POLICY_ATTRIBUTE = "review_pages_http_cache"
#: `add_cache_headers(expires_at=READ)`: read the next expiry now.
READ = object()


@dataclass(frozen=True)
class Ages:
    """Seconds a browser (`max_age`) and a shared cache (`s_maxage`) may keep an answer,
    and serve it stale while fetching it again (`stale_while_revalidate`)."""

    max_age: int
    s_maxage: int
    stale_while_revalidate: int

    def header(self) -> str:
        parts = ["public", f"max-age={self.max_age}", f"s-maxage={self.s_maxage}"]
        if self.stale_while_revalidate:
            parts.append(f"stale-while-revalidate={self.stale_while_revalidate}")
        return ", ".join(parts)


def _seconds(value) -> int:
    return max(0, int(value or 0))


def ages(*, purged: bool = False, expires_at: float | None = None, now: float | None = None):
    """The ages of a public answer now; `expires_at`: when the next live review expires
    (epoch seconds, None: none does). Every age, and each plus the stale period, stops at
    that moment."""
    max_age = _seconds(reviews_settings.HTTP_MAX_AGE)
    s_maxage = _seconds(
        reviews_settings.HTTP_S_MAXAGE_PURGED
        if purged and purging()
        else reviews_settings.HTTP_S_MAXAGE
    )
    stale = _seconds(reviews_settings.HTTP_STALE_WHILE_REVALIDATE)
    if expires_at is not None:
        left = max(0, math.floor(expires_at - (time.time() if now is None else now)))
        max_age, s_maxage = min(max_age, left), min(s_maxage, left)
        stale = max(0, min(stale, left - max(max_age, s_maxage)))
    return Ages(max_age, s_maxage, stale)


def _next_expiry_from_database() -> float | None:
    """When the next live review expires, read from the database (one query): what a site
    without the tagged cache uses, since nothing there would tell a kept value that a
    publication changed it. The tagged cache installs its memoised `store.next_expiry`."""
    from .models import ReviewPage

    at = (
        ReviewPage.objects.filter(live=True, expire_at__gt=timezone.now())
        .order_by("expire_at")
        .values_list("expire_at", flat=True)
        .first()
    )
    return at.timestamp() if at is not None else None


_expiry_source: Callable[[], float | None] = _next_expiry_from_database


def install_expiry_source(source: Callable[[], float | None] | None) -> None:
    """Set where the next expiry is read (the tagged cache does, from its `ready()`)."""
    global _expiry_source
    _expiry_source = source or _next_expiry_from_database


def next_expiry() -> float | None:
    return _expiry_source()


def is_personal(request, response) -> bool:
    """Whether the answer may differ for this requester: they sent credentials (a signed-in
    editor, a visitor who passed a page password, an API token), or it sets a cookie or
    holds a CSRF token. Read without touching `request.user` (that would read the session)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return True
    if response.cookies or response.has_header("Set-Cookie"):
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return True  # the page holds this visitor's CSRF token
    session = getattr(request, "session", None)
    return bool(session is not None and session.modified)


def add_cache_headers(
    request,
    response,
    *,
    purged: bool = False,
    varies_by: tuple[str, ...] = (),
    expires_at: float | None | object = READ,
):
    """Give `response` its `Cache-Control` (unless it has one) by the rules above.

    `purged`: the CDN purge names this address when it has no query string. `varies_by`:
    request headers the answer may differ by besides those (e.g. `Authorization` in the
    API). `expires_at`: the next expiry (epoch seconds or None), when the caller knows it
    (the response cache's entry); `READ`: read it now. Returns the response.
    """
    if response.has_header("Cache-Control") or request.method not in ("GET", "HEAD"):
        return response
    if TOKEN_PARAMETER in request.GET or getattr(request, "is_preview", False):
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response
    if response.status_code >= 400:
        response["Cache-Control"] = NO_STORE
        return response
    if response.status_code not in PUBLIC_STATUSES:
        return response  # redirects: as Django and Wagtail send them
    if is_personal(request, response):
        response["Cache-Control"] = PRIVATE_REVALIDATE
        return response
    purged = purged and not request.META.get("QUERY_STRING")
    if expires_at is READ:
        expires_at = next_expiry()
    response["Cache-Control"] = ages(purged=purged, expires_at=expires_at).header()
    if varies_by:
        patch_vary_headers(response, varies_by)
    setattr(response, POLICY_ATTRIBUTE, {"purged": purged})
    return response


def cache_headers(view=None, *, purged: bool = False, varies_by: tuple[str, ...] = ()):
    """A view decorator giving every answer of `view` its caching headers.

    For a host's own public views, e.g. in its URLconf::

        path("sitemap.xml", cache_headers(sitemap, purged=True)),
        path("robots.txt", cache_headers(robots_txt)),

    `purged=True` only for an address `REVIEW_PAGES["CDN_PURGE"]` purges (the sitemap at
    `/sitemap.xml` is one): it may then stay in the CDN for `HTTP_S_MAXAGE_PURGED`.
    """
    if view is None:
        return functools.partial(cache_headers, purged=purged, varies_by=varies_by)

    @functools.wraps(view)
    def with_cache_headers(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        return add_cache_headers(request, response, purged=purged, varies_by=varies_by)

    return with_cache_headers


def _is_purged_page(page, request) -> bool:
    from .models import ReviewIndexPage, ReviewPage

    if isinstance(page, ReviewPage):
        return True
    if isinstance(page, ReviewIndexPage):
        match = getattr(request, "routable_resolver_match", None)
        return match is not None and match.url_name in PURGED_INDEX_ROUTES
    return False


def on_serve_page(next_serve):
    """Wagtail's `on_serve_page` hook: the plugin's pages (reviews, review indexes and
    their routes) get the caching headers; a host's own pages are left to the host."""

    def serve(page, request, args, kwargs):
        response = next_serve(page, request, args, kwargs)
        if getattr(page._meta, "app_label", None) != "review_pages":
            return response
        return add_cache_headers(request, response, purged=_is_purged_page(page, request))

    return serve
