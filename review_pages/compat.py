"""Workarounds for bugs of the Wagtail and Django versions the plugin supports, in one place.

Each workaround says which bug it works around and has a probe, `*_needed()`, that tells
whether the installed version still has the bug: `install()` (from the plugin's `ready()`)
applies only the workarounds still needed, and `tests/plugin/test_compat.py` fails once a
pinned version fixes one, so that it gets deleted rather than kept forever.

- Wagtail 8.0.1's OpenAPI document declares its `AllowAnonymous` fallback as an `http`
  security scheme without the `scheme` OpenAPI requires: the document does not validate.
- Wagtail 8.0.1's v3 listings (pages, images, documents, ...) pass any `offset` to the
  database, which fails on one beyond 64 bits: a 500 instead of a 400.
- PostgreSQL refuses NUL characters in text, yet Wagtail's v3 page search, `find/` and
  slug lookups pass them to the database (a 500): `refuse_nul_characters` answers 400.
- modelsearch's SQLite backend (Wagtail 8.0.1's search) builds no query from a search of
  only whitespace or separators (`%20`, `%09`, `%C2%A0`, `%E3%80%80`, `%1E`: an
  AttributeError), and passes a lone `"` to FTS5 (a syntax error): a 500 on every API
  search, Wagtail's included. `checked_search` reduces each API `search=` to plain words, as
  the readers' search does (`review_pages.search`), and answers 400 when none is left.
"""

from __future__ import annotations

import functools

from django.http import JsonResponse

from .search import SearchQuery

#: Beyond this an offset cannot be a real position, and the databases refuse it as an
#: integer (SQLite: "datatype mismatch", PostgreSQL: "bigint out of range").
MAX_OFFSET = 2**31 - 1


# Wagtail's OpenAPI document: the anonymous fallback scheme


def anonymous_scheme_needed() -> bool:
    """Whether Wagtail's `AllowAnonymous` is still declared as a scheme without `scheme`."""
    from wagtail.api.v3.auth import AllowAnonymous

    schema = AllowAnonymous().openapi_security_schema
    return schema.get("type") == "http" and "scheme" not in schema


def optional_auth_document(schema: dict) -> dict:
    """The OpenAPI document with Wagtail's invalid anonymous scheme replaced by OpenAPI's own
    way of saying "a token is optional": an empty security requirement (`{}`)."""
    schemes = schema.get("components", {}).get("securitySchemes", {})
    anonymous = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and "scheme" not in scheme
    }
    for name in anonymous:
        del schemes[name]
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and operation.get("security"):
                operation["security"] = [
                    {} if anonymous & set(requirement) else requirement
                    for requirement in operation["security"]
                ]
    return schema


def _fix_openapi_document(api) -> None:
    if getattr(api.get_openapi_schema, "review_pages_fixed", False):
        return
    original = api.get_openapi_schema

    @functools.wraps(original)
    def get_openapi_schema(*args, **kwargs):
        return optional_auth_document(original(*args, **kwargs))

    get_openapi_schema.review_pages_fixed = True
    api.get_openapi_schema = get_openapi_schema


# Wagtail's v3 pagination: huge offsets


def offset_bound_needed() -> bool:
    """Whether Wagtail's v3 pagination still accepts offsets the databases refuse."""
    from wagtail.api.v3.pagination import WagtailLimitOffsetPagination

    field = WagtailLimitOffsetPagination.Input.model_fields["offset"]
    bounds = [getattr(item, "le", None) for item in field.metadata]
    bounds += [getattr(item, "lt", None) for item in field.metadata]
    return all(bound is None or bound > MAX_OFFSET for bound in bounds)


def _bound_offsets() -> None:
    from ninja.errors import HttpError
    from wagtail.api.v3.pagination import WagtailLimitOffsetPagination

    paginate = WagtailLimitOffsetPagination.paginate_queryset
    if getattr(paginate, "review_pages_fixed", False):
        return

    @functools.wraps(paginate)
    def paginate_queryset(self, queryset, pagination, request, **params):
        if pagination.offset > MAX_OFFSET:
            raise HttpError(400, f"offset cannot be higher than {MAX_OFFSET}")
        return paginate(self, queryset, pagination, request, **params)

    paginate_queryset.review_pages_fixed = True
    WagtailLimitOffsetPagination.paginate_queryset = paginate_queryset


# NUL characters in API addresses


def has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


NUL_MESSAGE = "The address contains a NUL character, which nothing can match."


def problem_response(status: int, detail: str) -> JsonResponse:
    """An RFC 7807 `application/problem+json` answer, as Wagtail's v3 errors are."""
    from http import HTTPStatus

    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def bad_request(message: str, *, problem_json: bool) -> JsonResponse:
    if problem_json:
        return problem_response(400, message)
    return JsonResponse({"message": message}, status=400)


def refuse_nul_characters(view, *, problem_json: bool = False):
    """`view`, answering 400 to an address holding a NUL character instead of passing it on
    to the database (PostgreSQL raises DataError on it; on SQLite it can match nothing)."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if has_nul(request):
            return bad_request(NUL_MESSAGE, problem_json=problem_json)
        return view(request, *args, **kwargs)

    return guarded


# API searches: only words reach the search backend


def blank_search_crash_needed() -> bool:
    """Whether modelsearch's SQLite backend still builds no query (None, which it then
    compiles: AttributeError) from a search holding no term (on SQLite only: the backend's
    module needs its FTS model, which exists there only)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return False
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler
    from modelsearch.query import PlainText

    compiler = object.__new__(SQLiteSearchQueryCompiler)  # the method reads no state first
    return compiler.build_search_query_content(PlainText("\u3000 \x1e")) is None


SEARCH_MESSAGE = (
    "search has no letters or digits to look for; search for words, e.g. a title or a name."
)


def checked_search(view, *, problem_json: bool = False):
    """`view`, its `search=` reduced to at most 12 plain words (200 characters) before any
    backend sees it; 400 when nothing is left (whitespace, punctuation, a lone `"`). An
    empty `search=` is no search. Applied to every API view of the plugin's include: it is
    the plugin's rule for searches as well as a workaround (`blank_search_crash_needed`)."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if "search" in request.GET:
            query = SearchQuery.from_request(request, key="search")
            request.GET = request.GET.copy()
            if not request.GET.get("search"):
                del request.GET["search"]
            elif not query:
                return bad_request(SEARCH_MESSAGE, problem_json=problem_json)
            else:
                request.GET["search"] = query.text
        return view(request, *args, **kwargs)

    return checked


def install() -> None:
    """Apply the workarounds the installed versions still need (idempotent)."""
    from wagtail.api.v3.api import api

    if anonymous_scheme_needed():
        _fix_openapi_document(api)
    if offset_bound_needed():
        _bound_offsets()
