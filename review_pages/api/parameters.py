"""v3: a query parameter an operation does not declare is refused (400), as v2 refuses one.

Without this, ninja ignores it: `?page=2` answered page 1 and `?updated_since=…`
everything, and a client never learnt that its request was not understood. Each operation
accepts exactly the query parameters it declares (what its OpenAPI entry lists), found from
its signature, so an operation added later is covered as it is declared.

Applied to the plugin's routers (`v3.make_routers`). Not to Wagtail's own (pages, images,
documents, ...): their listings take filters on any field of the page type's `api_fields`
as free parameters and skip the ones they do not know, by design
(`APIFieldFilterSchema`, `skip_invalid=True`), which a client of Wagtail's API relies on.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

from ninja import Router
from ninja.decorators import decorate_view
from wagtail.api.v3.errors import problem_response

QUERY = "query"


def declared_query_parameters(operation) -> frozenset[str]:
    """The names an operation reads from the query string, as a client sends them."""
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != QUERY:
            continue
        flattened = getattr(model, "__ninja_flatten_map__", None)
        if flattened:
            names.update(flattened)
        else:
            names.update(field.alias or name for name, field in model.model_fields.items())
    return frozenset(names)


def unknown_parameters_answer(unknown: list[str], declared: frozenset[str]):
    """400, `application/problem+json` as Wagtail's v3 errors are: `detail` names them and
    what the operation takes; `errors` has one entry per parameter (`loc` as ninja's)."""
    plural = "s" if len(unknown) > 1 else ""
    accepted = (
        f"It takes: {', '.join(sorted(declared))}." if declared else "It takes no query parameter."
    )
    return problem_response(
        status=400,
        detail=f"Unknown query parameter{plural}: {', '.join(unknown)}. {accepted}",
        errors=[
            {"type": "unknown_parameter", "loc": [QUERY, name], "msg": "Unknown query parameter."}
            for name in unknown
        ],
    )


def _refusing_unknown(declared: frozenset[str]):
    def decorator(run):
        @functools.wraps(run)
        def checked(request, *args, **kwargs):
            unknown = sorted(set(request.GET) - declared)
            if unknown:
                return unknown_parameters_answer(unknown, declared)
            return run(request, *args, **kwargs)

        return checked

    return decorator


def refuse_unknown_parameters(router: Router) -> Router:
    """Every operation of `router` answers 400 to a query parameter it does not declare
    (ninja keeps the decorator on the copies an API mounts)."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if getattr(operation, "review_pages_checks_parameters", False):
                continue
            # `decorate_view` decorates the operation its argument names: this one (a view
            # function names only the last operation it was registered with).
            names_it = SimpleNamespace(_ninja_operation=operation)
            decorate_view(_refusing_unknown(declared_query_parameters(operation)))(names_it)
            operation.review_pages_checks_parameters = True
    return router
