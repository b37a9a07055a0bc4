"""The plugin's API: endpoints for Wagtail's API v2 (DRF) and routers for its v3 (ninja).

Most hosts include `review_pages.api.urls` (v2 at `v2/`, v3 at `v3/`). A host that mounts
Wagtail's APIs itself registers the plugin's endpoints on its own router and API instead:

    from review_pages.api import register_v2_endpoints, register_v3_routers

    register_v2_endpoints(my_v2_router)      # a wagtail.api.v2.router.WagtailAPIRouter
    register_v3_routers(wagtail_v3_api)      # before its `.urls` is first read
"""

from __future__ import annotations

#: `page_preview` after `pages`, so that pages' `detail_url`s name the pages endpoint.
V2_ENDPOINTS = ("pages", "images", "people", "studios", "page_preview")

_registered_v3: set[int] = set()


def register_v2_endpoints(router, *, names=V2_ENDPOINTS) -> None:
    """Register the plugin's v2 endpoints (pages, images, people, studios, page_preview)
    on `router`."""
    from . import v2

    endpoints = {
        "pages": v2.ReviewPagesAPIViewSet,
        "images": v2.ImagesAPIViewSet,
        "people": v2.PeopleAPIViewSet,
        "studios": v2.StudiosAPIViewSet,
        "page_preview": v2.PagePreviewAPIViewSet,
    }
    for name in names:
        router.register_endpoint(name, endpoints[name])


def register_v3_routers(api=None) -> None:
    """Add the reviews, people and studios routers to a v3 NinjaAPI (Wagtail's by default),
    once; call it before the API's `.urls` is first read."""
    from . import images, openapi, v3, wiring

    images.restrict_v3_images()
    wiring.restrict_v3_pages()
    if api is None:
        from wagtail.api.v3.api import api
    if id(api) in _registered_v3:
        return
    for prefix, router in v3.make_routers().items():
        api.add_router(prefix, router)
    openapi.install(api)
    _registered_v3.add(id(api))
