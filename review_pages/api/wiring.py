"""The review object in Wagtail's own v3 page detail (`/api/v3/pages/<id>/`).

Wagtail 8 builds each page type's v3 read schema from its `api_fields` into a registry that
"other apps can register their own types [in] from their own ready() hooks". The plugin
registers the review's schema there, typed by `schemas.Review` and resolved by
`shapes.REVIEW_FIELDS`, so Wagtail's page detail embeds credits exactly as the plugin's own
endpoints do.

Wagtail's pages router reads the registry once, when it is first imported, and Wagtail's own
`wagtail.contrib.redirects` imports it from its `ready()`: a host that lists the plugin after
it (as most hosts append apps) would have the router built before the plugin's `ready()`.
So the plugin registers the schema at the first import of the pages router, whoever imports
it and whenever (`register_before_pages_router`, installed while the app registry is being
populated, before any `ready()`). A system check (`review_pages.E004`) reports the one case
left: the router imported before the models were loaded (from a models module or settings).
"""

from __future__ import annotations

import dataclasses
import importlib.abc
import sys

from django.apps import apps as django_apps

PAGES_ROUTER_MODULE = "wagtail.api.v3.routers.pages"
#: Set when the pages router had been built before the schema was registered.
registered_too_late = False


def _resolver(name: str):
    from ..models import load_credits
    from . import shapes

    shape = shapes.REVIEW_FIELDS[name]

    def resolve(obj, context: dict):
        # Wagtail reads the page without its credits: the first field loads them all (Django
        # keeps them on the object, so the other fields find them loaded).
        load_credits([obj])
        return shape(obj, shapes.ShapeContext(context.get("request")))

    return staticmethod(resolve)


def register_review_schema() -> None:
    """Put the review's typed fields in Wagtail's v3 read schema for ReviewPage."""
    from wagtail.api.v3.registry import registry
    from wagtail.api.v3.schemas.generators import read_generator

    from ..models import REVIEW_API_FIELDS, ReviewPage
    from . import schemas

    global registered_too_late
    label = ReviewPage._meta.label
    registration = registry.get(label)
    if registration is None or registration.read_schema is None:
        return
    if getattr(registration.read_schema, "review_pages_schema", False):
        return  # registered already
    fields = {
        name: (schemas.Review.model_fields[name].annotation, None, _resolver(name))
        for name in REVIEW_API_FIELDS
    }
    read_schema = read_generator.extend_schema(
        registration.read_schema, f"{ReviewPage._meta.object_name}Schema", fields
    )
    read_schema.review_pages_schema = True
    registered_too_late = PAGES_ROUTER_MODULE in sys.modules
    registry.register(dataclasses.replace(registration, read_schema=read_schema))


class _RegisterBeforePagesRouter(importlib.abc.MetaPathFinder):
    """Registers the review's schema when Wagtail's pages router is about to be imported.

    It finds nothing itself (the regular finders load the module): it is only told, first,
    which module is wanted. It fires once, and only once the models are loaded (the registry
    needs every page model); earlier, the import goes on and E004 reports it.
    """

    def find_spec(self, fullname, path, target=None):
        if fullname == PAGES_ROUTER_MODULE and django_apps.models_ready:
            uninstall_pages_router_hook()
            register_review_schema()
        return None


_pages_router_hook = _RegisterBeforePagesRouter()


def register_before_pages_router() -> None:
    """Register the review's schema before Wagtail's pages router is built, whichever app
    imports it first (idempotent; a no-op once the router is imported)."""
    if PAGES_ROUTER_MODULE in sys.modules or _pages_router_hook in sys.meta_path:
        return
    sys.meta_path.insert(0, _pages_router_hook)


def uninstall_pages_router_hook() -> None:
    if _pages_router_hook in sys.meta_path:
        sys.meta_path.remove(_pages_router_hook)


def restrict_v3_pages() -> None:
    """Wagtail's v3 pages router (listing, detail, `find/`): anonymous requests see only
    pages that are public now (`visibility`: an expired page is gone from its expiry time,
    before Wagtail's scheduler withdraws it).

    Its views read `get_pages_queryset(request, ...)` from their module at each request, so
    the module's function is wrapped (idempotent), as `images.restrict_v3_images` does.
    """
    import functools
    import importlib

    from ..models import live_now

    router = importlib.import_module(PAGES_ROUTER_MODULE)
    original = router.get_pages_queryset
    if getattr(original, "review_pages_public", False):
        return

    @functools.wraps(original)
    def get_pages_queryset(request, *args, **kwargs):
        queryset = original(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # a bearer token's admin tier
            return queryset
        return live_now(queryset)

    get_pages_queryset.review_pages_public = True
    router.get_pages_queryset = get_pages_queryset
