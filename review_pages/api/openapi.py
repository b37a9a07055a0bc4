"""The OpenAPI document, complete enough for generated clients (`install` on each API the
plugin's routers are added to: `register_v3_routers`).

Each time the document is built, over every operation (Wagtail's and any router added
later included, so nothing is declared per route):

- **304 on every GET that sends an ETag**: every operation served through the plugin's
  include (`api.http.with_etag`), except those whose answers are `private, no-store` and so
  carry none (`api.http.PRIVATE_VIEWS`: the draft preview). They declare the `304` (no
  body), the `ETag` of their 200 answer and the optional `If-None-Match` header.
- **Security in the form generators read right** (`security_for_generators`).
- The plugin's operations (tags in `PLUGIN_TAGS`) declare the 4xx answers they really give,
  as `application/problem+json` with Wagtail's `ProblemDetail`, and `limit`'s maximum
  (WAGTAILAPI_LIMIT_MAX).

Then the components nothing refers to are dropped, and the site itself is named as the server
when none is.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter

from wagtail.api.v3.errors import ProblemDetail

from ..compat import optional_auth_document
from .http import PRIVATE_VIEWS

PLUGIN_TAGS = frozenset({"reviews", "people", "studios", "sync"})
PROBLEM = "ProblemDetail"
PROBLEM_REF = f"#/components/schemas/{PROBLEM}"

ANSWERS = {
    "400": (
        "Bad request: an unknown parameter, a filter, order or limit the endpoint cannot "
        "answer, or a NUL character."
    ),
    "401": "No preview token, or an expired one.",
    "403": "A preview token that is tampered with, superseded or revoked.",
    "404": "Nothing published matches.",
    "422": "A parameter of the wrong type or out of range.",
}

ETAG_HEADER = {
    "description": "The answer's strong ETag: send it back in `If-None-Match` to revalidate.",
    "schema": {"type": "string"},
}
NOT_MODIFIED = {
    "description": (
        "Not Modified: the answer is still the one whose ETag was sent in `If-None-Match`. "
        "No body: keep using the copy you have."
    ),
    "headers": {"ETag": ETAG_HEADER},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of the copy you have: 304 without a body if it is still current.",
    "schema": {"type": "string"},
}


def _answers_of(path: str, operation: dict) -> list[str]:
    codes = ["400"]
    if any(parameter.get("in") != "header" for parameter in operation.get("parameters", [])):
        codes.append("422")
    if "{" in path or path.endswith("/preview/"):
        codes.append("404")
    if path.endswith("/preview/"):
        codes += ["401", "403"]
    return sorted(codes)


def _problem_response(code: str) -> dict:
    return {
        "description": ANSWERS[code],
        "content": {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}},
    }


def _refs(node) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.add(ref.rsplit("/", 1)[1])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def drop_unused_components(schema: dict) -> dict:
    """Remove the schemas that no operation reaches (directly or through other schemas)."""
    schemas = schema.get("components", {}).get("schemas", {})
    used = _refs(schema.get("paths", {}))
    pending = list(used)
    while pending:
        name = pending.pop()
        for ref in _refs(schemas.get(name, {})) - used:
            used.add(ref)
            pending.append(ref)
    for name in set(schemas) - used:
        del schemas[name]
    return schema


def _operations(schema: dict):
    """(path, method, operation) for each operation, its status codes as strings (ninja
    keys its own by number: `200` and a `"200"` added beside it would be two answers)."""
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if isinstance(operation, dict) and isinstance(operation.get("responses"), dict):
                operation["responses"] = {
                    str(code): answer for code, answer in operation["responses"].items()
                }
                yield path, method, operation


def declare_not_modified(schema: dict, *, private_operations=frozenset()) -> dict:
    """Every GET operation but those in `private_operations` (operation ids) declares its
    304, the ETag of its 200 answer and the `If-None-Match` header."""
    for _path, method, operation in _operations(schema):
        if method != "get" or operation.get("operationId") in private_operations:
            continue
        responses = operation["responses"]
        responses.setdefault("304", NOT_MODIFIED)
        if isinstance(responses.get("200"), dict):
            responses["200"].setdefault("headers", {}).setdefault("ETag", ETAG_HEADER)
        parameters = operation.setdefault("parameters", [])
        if not any(
            p.get("in") == "header" and p.get("name") == "If-None-Match" for p in parameters
        ):
            parameters.append(dict(IF_NONE_MATCH))
    return schema


def security_for_generators(schema: dict) -> dict:
    """Each operation's `security` in a form that means the same to OpenAPI and that the
    generators read right.

    openapi-python-client (0.29.1) types `client: AuthenticatedClient` for an operation whose
    own `security` lists anything, the empty requirement `{}` included: `[{}]` and
    `[{"BearerTokenAuth": []}, {}]` ("a token is optional") alike, whatever the order
    (openapi-generators/openapi-python-client#1372); it reads no top-level `security`. So:

    - an operation that takes no credentials (only `{}`, or no requirement at all) says
      `security: []`: a plain `Client` calls it;
    - the optional-token requirement the operations share (Wagtail's public reads:
      `[{"BearerTokenAuth": []}, {}]`) becomes the document's top-level `security`, which
      those operations inherit by declaring none: still "a token is optional", and a plain
      `Client` (or an `AuthenticatedClient`, whose token is then sent) calls them;
    - token-only operations keep their own requirement (an `AuthenticatedClient`).

    A document that already has a top-level `security` keeps it, and its operations theirs.
    """
    optional: Counter = Counter()
    requirements_of: dict[tuple, list[dict]] = {}
    global_security = schema.get("security")
    for _path, _method, operation in _operations(schema):
        requirements = operation.get("security")
        if requirements is None:
            if global_security is None:
                operation["security"] = []
            continue
        named = [requirement for requirement in requirements if requirement]
        if not named:
            operation["security"] = []
        elif len(named) < len(requirements):
            optional[_key(named)] += 1
            requirements_of.setdefault(_key(named), named)
    if global_security is not None or not optional:
        return schema
    shared = optional.most_common(1)[0][0]
    schema["security"] = [*copy.deepcopy(requirements_of[shared]), {}]
    for _path, _method, operation in _operations(schema):
        requirements = operation.get("security") or []
        named = [requirement for requirement in requirements if requirement]
        if named and len(named) < len(requirements) and _key(named) == shared:
            del operation["security"]
    return schema


def _key(requirements: list[dict]) -> tuple:
    return tuple(
        tuple(sorted((name, tuple(scopes)) for name, scopes in requirement.items()))
        for requirement in requirements
    )


def complete_document(
    schema: dict, *, limit_max: int | None, private_operations=frozenset()
) -> dict:
    if not schema.get("servers"):
        # Paths carry their whole prefix: the server is the site itself (an empty list is
        # invalid for Redocly and gives generators no base).
        schema["servers"] = [{"url": "/"}]
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(PROBLEM, ProblemDetail.model_json_schema())
    for path, _method, operation in _operations(schema):
        if not PLUGIN_TAGS & set(operation.get("tags", [])):
            continue
        responses = operation["responses"]
        for code in _answers_of(path, operation):
            responses.setdefault(code, _problem_response(code))
        for parameter in operation.get("parameters", []):
            if parameter.get("name") == "limit" and limit_max:
                parameter["schema"]["maximum"] = int(limit_max)
    # Wagtail's anonymous scheme replaced by `{}` first, whichever wrapper runs first.
    security_for_generators(optional_auth_document(schema))
    declare_not_modified(schema, private_operations=private_operations)
    return drop_unused_components(schema)


def private_operation_ids(api) -> frozenset[str]:
    """The ids of `api`'s operations whose views answer `private, no-store` (no ETag): those
    whose URL name is in `api.http.PRIVATE_VIEWS`, found as ninja builds the document."""
    found = set()
    for bound in api._get_bound_routers():  # what ninja's own document builder walks
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                url_name = getattr(operation, "url_name", None) or operation.view_func.__name__
                if url_name in PRIVATE_VIEWS:
                    found.add(operation.operation_id or api.get_openapi_operation_id(operation))
    return frozenset(found)


def install(api) -> None:
    """Complete the document each time `api` builds it."""
    if getattr(api.get_openapi_schema, "review_pages_completed", False):
        return
    original = api.get_openapi_schema

    @functools.wraps(original)
    def get_openapi_schema(*args, **kwargs):
        from .v3 import limit_max

        return complete_document(
            original(*args, **kwargs),
            limit_max=limit_max(),
            private_operations=private_operation_ids(api),
        )

    get_openapi_schema.review_pages_completed = True
    api.get_openapi_schema = get_openapi_schema
