"""This site's API wiring: v2 at /api/v2/, Wagtail's v3 plus the reviews routers at /api/v3/.

The endpoints themselves live in the reviews plugin (`review_pages.api`).
"""

import functools

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v3.api import api as api_v3
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination

from review_pages.api import v2, v3

api_v2 = WagtailAPIRouter("wagtailapi")
api_v2.register_endpoint("pages", v2.ReviewPagesAPIViewSet)
api_v2.register_endpoint("images", v2.ImagesAPIViewSet)
api_v2.register_endpoint("people", v2.PeopleAPIViewSet)
api_v2.register_endpoint("studios", v2.StudiosAPIViewSet)

# Extra routers must join Wagtail's v3 API before `api_v3.urls` is first read.
api_v3.add_router("/reviews/", v3.reviews_router)
api_v3.add_router("/people/", v3.people_router)
api_v3.add_router("/studios/", v3.studios_router)


def _openapi_with_optional_auth(get_openapi_schema):
    """Make Wagtail 8.0.1's OpenAPI document valid.

    Its `AllowAnonymous` fallback is declared as an `http` security scheme without the
    `scheme` that OpenAPI requires. OpenAPI's own way of saying "a token is optional" is an
    empty security requirement (`{}`), so the scheme becomes that.
    """

    @functools.wraps(get_openapi_schema)
    def wrapper(*args, **kwargs):
        schema = get_openapi_schema(*args, **kwargs)
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

    return wrapper


api_v3.get_openapi_schema = _openapi_with_optional_auth(api_v3.get_openapi_schema)


def _refuse_huge_offsets(paginate_queryset):
    """Wagtail 8.0.1's v3 listings (pages, images, documents, redirects, ...) pass any
    offset to the database, which fails on one past 64 bits: a 500. Answer 400 instead."""

    @functools.wraps(paginate_queryset)
    def wrapper(self, queryset, pagination, request, **params):
        v3.check_offset(pagination.offset)
        return paginate_queryset(self, queryset, pagination, request, **params)

    return wrapper


WagtailLimitOffsetPagination.paginate_queryset = _refuse_huge_offsets(
    WagtailLimitOffsetPagination.paginate_queryset
)
