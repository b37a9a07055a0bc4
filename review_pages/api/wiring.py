"""The review object in Wagtail's own v3 page detail (`/api/v3/pages/<id>/`).

Wagtail 8 builds each page type's v3 read schema from its `api_fields` into a registry that
"other apps can register their own types [in] from their own ready() hooks". The plugin
registers the review's schema there, typed by `schemas.Review` and resolved by
`shapes.REVIEW_FIELDS`, so Wagtail's page detail embeds credits exactly as the plugin's own
endpoints do. Wagtail's pages router reads the registry when it is first imported, so this
runs from the plugin's `ready()`, before any URL configuration is loaded; a system check
(`review_pages.E004`) reports a project that imported the router earlier.
"""

from __future__ import annotations

import dataclasses
import sys

from ..models import REVIEW_API_FIELDS, ReviewPage, load_credits
from . import schemas, shapes

PAGES_ROUTER_MODULE = "wagtail.api.v3.routers.pages"
#: Set when the pages router had been built before the schema was registered.
registered_too_late = False


def _resolver(name: str):
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
