"""The plugin's operations in the OpenAPI document, complete enough for generated clients.

django-ninja declares each operation's 200 answer only. `complete_document` adds, for the
plugin's operations (tags `reviews`, `people`, `studios`): the 4xx answers they really give,
as `application/problem+json` with Wagtail's `ProblemDetail` schema; `security: [{}]` (a
public read: no credentials); `limit`'s maximum (WAGTAILAPI_LIMIT_MAX). Then it drops the
components nothing refers to, and names the site itself as the server when none is.
Applied to every API the routers are added to (`register_v3_routers`).
"""

from __future__ import annotations

import functools

from wagtail.api.v3.errors import ProblemDetail

PLUGIN_TAGS = frozenset({"reviews", "people", "studios"})
PROBLEM = "ProblemDetail"
PROBLEM_REF = f"#/components/schemas/{PROBLEM}"

ANSWERS = {
    "400": "Bad request: a filter, order or limit the endpoint cannot answer, or a NUL character.",
    "401": "No preview token, or an expired one.",
    "403": "A preview token that is tampered with, superseded or revoked.",
    "404": "Nothing published matches.",
    "422": "A parameter of the wrong type or out of range.",
}


def _answers_of(path: str, operation: dict) -> list[str]:
    codes = ["400"]
    if operation.get("parameters"):
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


def complete_document(schema: dict, *, limit_max: int | None) -> dict:
    if not schema.get("servers"):
        # Paths carry their whole prefix: the server is the site itself (an empty list is
        # invalid for Redocly and gives generators no base).
        schema["servers"] = [{"url": "/"}]
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(PROBLEM, ProblemDetail.model_json_schema())
    for path, path_item in schema.get("paths", {}).items():
        for operation in path_item.values():
            if not isinstance(operation, dict) or not PLUGIN_TAGS & set(operation.get("tags", [])):
                continue
            operation["security"] = [{}]
            responses = operation.setdefault("responses", {})
            for code in _answers_of(path, operation):
                responses.setdefault(code, _problem_response(code))
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "limit" and limit_max:
                    parameter["schema"]["maximum"] = int(limit_max)
    return drop_unused_components(schema)


def install(api) -> None:
    """Complete the plugin's operations each time `api` builds its document."""
    if getattr(api.get_openapi_schema, "review_pages_completed", False):
        return
    original = api.get_openapi_schema

    @functools.wraps(original)
    def get_openapi_schema(*args, **kwargs):
        from .v3 import limit_max

        return complete_document(original(*args, **kwargs), limit_max=limit_max())

    get_openapi_schema.review_pages_completed = True
    api.get_openapi_schema = get_openapi_schema
