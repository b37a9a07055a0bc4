"""The GraphQL endpoint over HTTP: GET and POST, batches, persisted queries, caching, GraphiQL.

- `POST` with `application/json`: one operation `{query, variables, operationName,
  extensions}`, or a list of them (a batch of at most `GRAPHQL_MAX_BATCH`), answered with a
  list. POST answers are `Cache-Control: no-store`: never kept by any cache.
- `GET ?query=…&variables=…&operationName=…&extensions=…`: one operation, answered with the
  REST APIs' caching (`api.http.with_etag`: an ETag and 304; `http_caching.cache_headers`:
  the same `Cache-Control`), and stored by the tagged response cache with exact
  invalidation: the resolvers record what the answer shows (`shown.record`), as the REST
  views do. An answer holding a preview is `private, no-store`; one with errors `no-store`;
  one holding a search public but never stored (any change may alter it).
- Persisted queries (Apollo's automatic persisted queries): `extensions.persistedQuery
  .sha256Hash` alone names a query sent before with it; an unknown hash answers
  `PersistedQueryNotFound` (the client sends it again with its text). Queries are kept in
  Django's default cache for `GRAPHQL_PERSISTED_QUERY_SECONDS` (0: not supported), and only
  those that ran (valid, within the limits).
- `GET` without a query from a browser: GraphiQL, from the plugin's static files (no CDN),
  unless `GRAPHQL_GRAPHIQL` is off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from ... import shown
from ...api.http import head_as_get, with_etag
from ...conf import reviews_settings
from ...http_caching import NO_STORE, PRIVATE_NO_STORE, cache_headers
from .loading import AnswerContext
from .schema import schema

logger = logging.getLogger(__name__)

PERSISTED_PREFIX = "review_pages_graphql:persisted:"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
JSON = "application/json"
INTERNAL_ERROR = "Internal server error: the operation could not be completed."


class BadRequest(Exception):
    """A request that is not a GraphQL operation this endpoint can run: a 400."""

    def __init__(self, message: str, code: str = "BAD_REQUEST"):
        super().__init__(message)
        self.message = message
        self.code = code


def _error(message: str, code: str, **extensions) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


def _json_response(payload, status: int = 200) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type=f"{JSON}; charset=utf-8")


def _bad_request(problem: BadRequest) -> HttpResponse:
    return _json_response({"errors": [_error(problem.message, problem.code)]}, status=400)


def _json_parameter(value: str | None, name: str):
    if value in (None, ""):
        return None
    try:
        return json.loads(value)
    except ValueError as error:
        raise BadRequest(f"{name} is not valid JSON.") from error


def _operation_from_query_string(request: HttpRequest) -> dict[str, Any]:
    return {
        "query": request.GET.get("query") or None,
        "variables": _json_parameter(request.GET.get("variables"), "variables"),
        "operationName": request.GET.get("operationName") or None,
        "extensions": _json_parameter(request.GET.get("extensions"), "extensions"),
    }


def _operations_from_body(request: HttpRequest) -> tuple[list[dict[str, Any]], bool]:
    """(the operations, whether they came as a batch)."""
    content_type = request.content_type or ""
    if content_type != JSON:
        raise BadRequest(
            f"Send the operation as {JSON} (the body was {content_type or 'untyped'})."
        )
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest("The body is not valid JSON.") from error
    if isinstance(body, dict):
        return [body], False
    if not isinstance(body, list) or not body:
        raise BadRequest("Send one operation (a JSON object) or a batch (a list of them).")
    most = int(reviews_settings.GRAPHQL_MAX_BATCH)
    if len(body) > most:
        raise BadRequest(
            f"A batch of {len(body)} operations: more than the {most} this server allows "
            "(REVIEW_PAGES['GRAPHQL_MAX_BATCH']).",
            code="MAX_BATCH_EXCEEDED",
        )
    if not all(isinstance(item, dict) for item in body):
        raise BadRequest("Each operation of a batch is a JSON object.")
    return body, True


def _checked(operation: dict[str, Any]) -> dict[str, Any]:
    for key, kind, what in (
        ("query", str, "a string"),
        ("operationName", str, "a string"),
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
    ):
        if operation.get(key) is not None and not isinstance(operation[key], kind):
            raise BadRequest(f"{key} must be {what} or null.")
    return operation


class Outcome:
    """One operation's answer and what it allows: whether it may be kept, and by whom."""

    def __init__(self, payload: dict[str, Any], answer: AnswerContext | None, seen=None):
        self.payload = payload
        self.answer = answer
        self.seen = seen

    @property
    def failed(self) -> bool:
        return bool(self.payload.get("errors"))

    @property
    def private(self) -> bool:
        return self.answer is not None and self.answer.private

    @property
    def storable(self) -> bool:
        return (
            self.answer is not None
            and not self.failed
            and not self.answer.private
            and not self.answer.unrecorded
        )


def _persisted_query(operation: dict[str, Any]) -> tuple[str | None, str | None, dict | None]:
    """(the query to run, the hash to keep it under once it ran, an error answer)."""
    query = operation.get("query")
    persisted = (operation.get("extensions") or {}).get("persistedQuery")
    if persisted is None:
        return query, None, None
    seconds = int(reviews_settings.GRAPHQL_PERSISTED_QUERY_SECONDS)
    if seconds <= 0:
        return None, None, _error("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(digest, str) or not SHA256.match(digest):
        raise BadRequest("extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits.")
    if query is not None:
        if hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest() != digest:
            raise BadRequest("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
        return query, digest, None
    stored = cache.get(PERSISTED_PREFIX + digest)
    if stored is None:
        return None, None, _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
    return stored, None, None


def _formatted(errors) -> list[dict[str, Any]]:
    """The errors as GraphQL answers them; an error the server made is told without its
    details (strawberry logged it with its traceback)."""
    shown_errors = []
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, GraphQLError):
            error = GraphQLError(INTERNAL_ERROR, error.nodes, path=error.path)
            error.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        shown_errors.append(error.formatted)
    return shown_errors


def execute(request: HttpRequest, operation: dict[str, Any]) -> Outcome:
    """Run one operation (queries only: the schema has no mutations)."""
    query, keep_as, refused = _persisted_query(_checked(operation))
    if refused is not None:
        return Outcome({"errors": [refused]}, None)
    answer = AnswerContext(request)
    try:
        with shown.recording() as seen:
            result = schema.execute_sync(
                query,
                variable_values=operation.get("variables"),
                context_value=answer,
                operation_name=operation.get("operationName"),
                allowed_operation_types={OperationType.QUERY},
            )
    except MissingQueryError as error:
        raise BadRequest("No GraphQL query: send `query` (or a persisted query's hash).") from error
    except CannotGetOperationTypeError as error:
        raise BadRequest(error.as_http_error_reason()) from error
    except InvalidOperationTypeError as error:
        raise BadRequest(
            "Only queries are served here: this schema has no mutations or subscriptions."
        ) from error
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = _formatted(result.errors)
    if keep_as is not None and result.data is not None:
        # Kept once it ran: an invalid or refused query is never stored for others.
        cache.set(
            PERSISTED_PREFIX + keep_as, query, int(reviews_settings.GRAPHQL_PERSISTED_QUERY_SECONDS)
        )
    return Outcome(payload, answer, seen)


def wants_graphiql(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept


def graphiql(request: HttpRequest) -> HttpResponse:
    """GraphiQL, its scripts and styles from the plugin's static files: no CDN request."""
    response = render(request, "review_pages_graphql/graphiql.html", {"endpoint": request.path})
    patch_vary_headers(response, ("Accept",))
    return response


def serve(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        response = _json_response(
            {"errors": [_error("GraphQL is served by GET and POST.", "METHOD_NOT_ALLOWED")]},
            status=405,
        )
        response["Allow"] = "GET, HEAD, POST"
        return response
    try:
        if request.method == "GET":
            if "query" not in request.GET and "extensions" not in request.GET:
                if wants_graphiql(request) and reviews_settings.GRAPHQL_GRAPHIQL:
                    return graphiql(request)
                raise BadRequest(
                    'No GraphQL query: send ?query=... (GET) or POST {"query": ...} as JSON.'
                )
            operations, batched = [_operation_from_query_string(request)], False
        else:
            operations, batched = _operations_from_body(request)
        outcomes = [execute(request, operation) for operation in operations]
    except BadRequest as problem:
        return _bad_request(problem)
    payload = [outcome.payload for outcome in outcomes] if batched else outcomes[0].payload
    response = _json_response(payload)
    if request.method == "POST":
        response["Cache-Control"] = NO_STORE
    elif any(outcome.private for outcome in outcomes):
        response["Cache-Control"] = PRIVATE_NO_STORE
    elif any(outcome.failed for outcome in outcomes):
        response["Cache-Control"] = NO_STORE
    elif all(outcome.storable for outcome in outcomes):
        # What it shows, for the response cache: only for answers it may store.
        for outcome in outcomes:
            seen = outcome.seen
            shown.record(
                reviews=seen.reviews,
                people=seen.people,
                studios=seen.studios,
                genres=seen.genres,
                lists=seen.lists,
            )
    return response


#: The endpoint: HEAD answered as GET, ETags and 304s, the REST APIs' caching headers. Apps
#: POST without a CSRF token: nothing here acts on a session (the schema only reads public
#: content, and drafts only with a preview token).
graphql_view = csrf_exempt(cache_headers(with_etag(head_as_get(serve))))
