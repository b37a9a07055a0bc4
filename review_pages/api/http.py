"""What every API answer gets from the plugin's URL include: ETags (and 304 answers), the
NUL-character guard (`compat.refuse_nul_characters`), checked searches
(`compat.checked_search`), HEAD answered as GET on every route, the caching headers
(`http_caching`: `Cache-Control`, `Vary: Authorization`), and on v3 a problem+json body for
every 4xx answer.

Applied by wrapping each view of the included URL patterns (Wagtail's own endpoints
included), so a host needs no middleware.
"""

from __future__ import annotations

import functools
import json

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from django.utils.cache import get_conditional_response, set_response_etag

from ..compat import checked_search, problem_response, refuse_nul_characters
from ..http_caching import cache_headers

PROBLEM_JSON = "application/problem+json"


def with_etag(view):
    """A strong ETag on each successful GET answer, and 304 when `If-None-Match` matches it.

    The ETag is a hash of the body: apps revalidate cheaply, nothing is kept on the server.
    """

    @functools.wraps(view)
    def conditional(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming or "no-store" in response.get("Cache-Control", ""):
            return response
        if callable(getattr(response, "render", None)):
            response.render()  # DRF answers render late; their body is needed now
        if not response.has_header("ETag"):
            set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return conditional


def head_as_get(view):
    """`view`, a HEAD request made as a GET: the same status and headers (ETag, caching,
    type, length) on every route, DRF's and ninja's alike (ninja answers 405 to a method an
    operation does not name). The server sends no body (Django's runserver and test client,
    gunicorn), as for any Django view answering HEAD as GET."""

    @functools.wraps(view)
    def answering_head(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return answering_head


def as_problem_json(view):
    """`view`, its 4xx answers in RFC 7807 `application/problem+json` (Wagtail's v3 errors
    are already; ninja's 405 and any plain JSON error are not)."""

    @functools.wraps(view)
    def problem(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        status = response.status_code
        if not 400 <= status < 500 or response.get("Content-Type", "").startswith(PROBLEM_JSON):
            return response
        detail = ""
        if not response.streaming:
            try:
                body = json.loads(response.content or b"null")
            except ValueError:
                body = response.content.decode("utf-8", "replace")
            if isinstance(body, dict):
                body = body.get("detail") or body.get("message") or ""
            detail = body if isinstance(body, str) else ""
        replacement = problem_response(status, detail)
        for header in ("Allow", "WWW-Authenticate"):
            if response.has_header(header):
                replacement[header] = response[header]
        return replacement

    return problem


#: Views (by URL name) and v2 endpoints (by namespace) that answer with a draft: never
#: stored by any cache, their refusals included.
PRIVATE_VIEWS = {"review_preview"}
PRIVATE_NAMESPACES = {"page_preview"}


def no_store(view):
    """`view`, every answer of which is `Cache-Control: private, no-store`."""

    @functools.wraps(view)
    def private(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return private


def guard(patterns, *, problem_json: bool = False, private: bool = False) -> list:
    """`patterns` (URL patterns and resolvers, nested) with every view wrapped."""
    guarded = []
    for item in patterns:
        if isinstance(item, URLResolver):
            guarded.append(
                URLResolver(
                    item.pattern,
                    guard(
                        item.url_patterns,
                        problem_json=problem_json,
                        private=private or item.namespace in PRIVATE_NAMESPACES,
                    ),
                    item.default_kwargs,
                    item.app_name,
                    item.namespace,
                )
            )
        elif isinstance(item, URLPattern):
            view = checked_search(with_etag(head_as_get(item.callback)), problem_json=problem_json)
            view = refuse_nul_characters(view, problem_json=problem_json)
            if problem_json:
                view = as_problem_json(view)
            if private or item.name in PRIVATE_VIEWS:
                view = no_store(view)
            # Tokens (Wagtail's v3 bearer tokens) may see more than the public answer.
            view = cache_headers(view, varies_by=("Authorization",))
            guarded.append(URLPattern(item.pattern, view, item.default_args, item.name))
        else:
            guarded.append(item)
    return guarded


def not_found(request, *args, **kwargs) -> HttpResponse:
    """Any other address under the API: a problem+json 404 (or the address with its slash)."""
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return problem_response(404, "Nothing is at this address of the API.")


def guarded_include(urls: tuple, *, problem_json: bool = False) -> tuple:
    """An `include()`-able (patterns, app_name, namespace) triple, its views wrapped; with
    `problem_json`, every other address under it is a problem+json 404."""
    patterns, app_name, namespace = urls
    patterns = guard(patterns, problem_json=problem_json)
    if problem_json:
        patterns.append(re_path(r"", not_found))
    return patterns, app_name, namespace
