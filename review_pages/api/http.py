"""What every API answer gets from the plugin's URL include: ETags (and 304 answers), and the
NUL-character guard (`compat.refuse_nul_characters`).

Applied by wrapping each view of the included URL patterns, so a host needs no middleware.
"""

from __future__ import annotations

import functools

from django.urls import URLPattern, URLResolver
from django.utils.cache import get_conditional_response, set_response_etag

from ..compat import refuse_nul_characters


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
            view = refuse_nul_characters(with_etag(item.callback), problem_json=problem_json)
            if private or item.name in PRIVATE_VIEWS:
                view = no_store(view)
            guarded.append(URLPattern(item.pattern, view, item.default_args, item.name))
        else:
            guarded.append(item)
    return guarded


def guarded_include(urls: tuple, *, problem_json: bool = False) -> tuple:
    """An `include()`-able (patterns, app_name, namespace) triple, its views wrapped."""
    patterns, app_name, namespace = urls
    return guard(patterns, problem_json=problem_json), app_name, namespace
