"""Links of API answers on the one public base (`links.public_base_url`): the `next` and
`previous` pages of a listing (v2 and v3), and API v2's `detail_url`, `html_url` and `find/`
redirects (Wagtail's use the Site record, or WAGTAILAPI_BASE_URL).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from rest_framework.fields import SkipField
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.serializers import (
    BaseSerializer,
    DetailUrlField,
    PageAliasOfField,
    PageHtmlUrlField,
    PageParentField,
    PageSerializer,
    get_serializer_class,
)
from wagtail.images.api.v2.serializers import ImageSerializer

from ..links import absolute_url, configured_base_url


def listing_links(
    request: HttpRequest, *, offset: int, limit: int, count: int
) -> tuple[str | None, str | None]:
    """(next, previous): this listing's neighbouring pages as absolute URLs, or None."""

    def at(new_offset: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(new_offset)
        query["limit"] = str(limit)
        return absolute_url(f"{request.path}?{query.urlencode()}", request)

    following = at(offset + limit) if limit and offset + limit < count else None
    preceding = at(max(0, min(offset, count) - limit)) if offset > 0 and limit else None
    return following, preceding


class LinkedPagination(WagtailPagination):
    """Wagtail's v2 pagination, with `next` and `previous` beside `total_count` in `meta`."""

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)  # checks offset and limit
        limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
        self.request = request
        self.offset = int(request.GET.get("offset", 0))
        self.limit = int(request.GET.get("limit", min(20, limit_max) if limit_max else 20))
        return page

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        following, preceding = listing_links(
            self.request, offset=self.offset, limit=self.limit, count=self.total_count
        )
        response.data["meta"]["next"] = following
        response.data["meta"]["previous"] = preceding
        return response


#: Stands for the id while a detail path is reversed once per model and answer.
_ID_PLACEHOLDER = "918273645"
#: The serializer context key of those reversed paths, split around the id.
_DETAIL_PATHS = "review_pages_detail_paths"


class PublicDetailUrlField(DetailUrlField):
    """`detail_url` on the public base.

    The path is reversed once per model for a whole answer and the id put in its place:
    reversing it for each of a listing's items was 4 % of the listing."""

    def get_attribute(self, instance):
        model = type(instance)
        paths = self.context.setdefault(_DETAIL_PATHS, {})
        if model not in paths:
            path = self.context["router"].get_object_detail_urlpath(model, _ID_PLACEHOLDER)
            parts = path.split(_ID_PLACEHOLDER) if path else None
            # None: no endpoint for the model; one element: no placeholder (reverse each).
            paths[model] = parts if parts is None or len(parts) == 2 else []
        parts = paths[model]
        if parts is None:
            raise SkipField  # the object has no endpoint here
        if parts:
            path = f"{parts[0]}{instance.pk}{parts[1]}"
        else:
            path = self.context["router"].get_object_detail_urlpath(model, instance.pk)
        return absolute_url(path, self.context["request"])


class PublicPageHtmlUrlField(PageHtmlUrlField):
    """`html_url` on the public base (the plugin's own pages have it already; other pages
    of the host get it here)."""

    def to_representation(self, page):
        parts = page.get_url_parts(self.context.get("request"))
        _site_id, root_url, page_path = parts or (None, None, None)
        if root_url is None or page_path is None:
            return None  # not routable (as Wagtail's field says)
        return (configured_base_url() or root_url) + page_path


class PublicBaseSerializer(BaseSerializer):
    detail_url = PublicDetailUrlField(read_only=True)


class _PublicNestedPage:
    """A page nested in another (`parent`, `alias_of`), its links on the public base."""

    def to_representation(self, value):
        serializer_class = get_serializer_class(
            value.__class__,
            ["id", "type", "detail_url", "html_url", "title"],
            meta_fields=["type", "detail_url", "html_url"],
            base=PublicPageSerializer,
        )
        return serializer_class(context=self.context).to_representation(value)


class PublicPageParentField(_PublicNestedPage, PageParentField):
    pass


class PublicPageAliasOfField(_PublicNestedPage, PageAliasOfField):
    pass


class PublicPageSerializer(PageSerializer):
    detail_url = PublicDetailUrlField(read_only=True)
    html_url = PublicPageHtmlUrlField(read_only=True)
    parent = PublicPageParentField(read_only=True)
    alias_of = PublicPageAliasOfField(read_only=True)


class PublicImageSerializer(ImageSerializer):
    detail_url = PublicDetailUrlField(read_only=True)


class PublicLinksMixin:
    """A v2 endpoint whose links (details, pages of listings, `find/`) use the public base."""

    pagination_class = LinkedPagination

    def find_view(self, request):
        """Wagtail's `find/`, redirecting to the public base rather than the Site record."""
        try:
            found = self.find_object(self.get_queryset(), request)
            if found is None:
                raise self.model.DoesNotExist
        except self.model.DoesNotExist as error:
            raise Http404("not found") from error
        path = request.wagtailapi_router.get_object_detail_urlpath(self.model, found.pk)
        query = request.GET.copy()
        for param in self.find_query_parameters:
            query.pop(param, None)
        suffix = f"?{query.urlencode()}" if query else ""
        return redirect(absolute_url(path, request) + suffix)
