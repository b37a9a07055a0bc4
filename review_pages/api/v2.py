"""API v2 endpoints: pages (with review filters and constant-cost review listings),
images, people and studios.

Register them on a `WagtailAPIRouter` with `review_pages.api.register_v2_endpoints`.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.urls import path
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string, parse_fields_parameter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet as WagtailImagesAPIViewSet
from wagtail.models import Page

from people.models import Person, Studio

from .. import shown
from ..filmography import find_by_slug
from ..filters import ReviewFilters
from ..links import IndexLinks
from ..models import (
    REVIEW_API_FIELDS,
    PreviewGrant,
    PreviewRefused,
    ReviewPage,
    live_now,
    load_credits,
    publicly_credited,
    restricted_sections,
    shown_genre_ids,
    shown_ids,
)
from .fields import (
    SHAPE_CONTEXT,
    FilmographyCreditsField,
    FilmographyURLField,
    ImageField,
    PrefetchedTagsField,
    ReviewField,
    RichTextHTMLField,
)
from .images import shown_images
from .paging import (
    PublicBaseSerializer,
    PublicImageSerializer,
    PublicLinksMixin,
    PublicPageSerializer,
)
from .shapes import PORTRAIT_RENDITION, ShapeContext


def public_pages(request, model=Page, sections: list[Page] | None = None):
    """Pages public now (`visibility`: live, not expired) outside every private section,
    under the request's site.

    What Wagtail's `get_public_pages_queryset(request, model).public()` finds (the
    restrictions a request satisfies are excluded by `public()` anyway), with the
    restrictions read once, by `restricted_sections`: Wagtail reads them twice, each time
    joined to their pages, which SQLite answered by reading every page (1.7 ms of an API
    v2 detail at 10,000 reviews). `sections`: `restricted_sections()` if already read for
    this request. A `site` parameter naming no site raises ValueError.
    """
    queryset = live_now(model._default_manager.all())
    for section in restricted_sections() if sections is None else sections:
        queryset = queryset.not_descendant_of(section, inclusive=True)
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    if not site:
        return queryset.none()  # no sites configured, as Wagtail's
    in_site = queryset.descendant_of(site.root_page, inclusive=True)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        for translation in site.root_page.get_translations():
            in_site |= queryset.descendant_of(translation, inclusive=True)
    return in_site


def renditions_prefetch(image_field: str) -> Prefetch:
    """The renditions of an image foreign key (itself `select_related`), so that
    `shapes.image_info` costs no query per item."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(f"{image_field}__renditions", queryset=rendition_model.objects.all())


class _RequestWithoutKeys:
    """A request whose query string lacks some keys (for filters that read `request.GET`)."""

    def __init__(self, request, keys):
        self._request = request
        self.GET = request.GET.copy()
        for key in keys:
            self.GET.pop(key, None)

    def __getattr__(self, name):
        return getattr(self._request, name)


class SafeFieldsFilter(FieldsFilter):
    """Wagtail's `?field=value` filters, answering a bad value with 400 rather than 500.

    The review filters (`person=`, `mpa_rating=`, ...) are `ReviewFilters`' job: left alone
    here, so that `mpa_rating=r` is not also filtered verbatim.
    """

    def filter_queryset(self, request, queryset, view):
        request = _RequestWithoutKeys(request, ReviewFilters.API_KEYS)
        try:
            return super().filter_queryset(request, queryset, view)
        except (ValueError, TypeError, ValidationError) as error:
            message = "; ".join(getattr(error, "messages", [])) or str(error)
            raise BadRequestError(f"field filter error: {message}") from error


class RefuseBadQueriesMixin:
    """A query the endpoint cannot answer gets a 400 with a message, never a 500.

    Wagtail's filters and search pass some values straight on: `child_of=abc` (ValueError),
    `offset=99999999999999999999` (an integer the database refuses), `search="` (a
    full-text syntax error), `fields=((((...` (RecursionError). A listing filter naming an
    unknown locale or site is a bad query too. After a database error inside a transaction
    (tests, ATOMIC_REQUESTS) the transaction is marked for rollback, as Django's `atomic`
    expects.
    """

    BAD_QUERY = (
        "This query cannot be answered: check the values of its fields, filters, "
        "order, limit, offset and search."
    )
    BAD_QUERY_ERRORS = (
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
        ValidationError,
        DatabaseError,
    )

    def handle_exception(self, exc):
        if isinstance(exc, Http404) and getattr(self, "action", "") == "listing_view":
            exc = BadRequestError(str(exc))
        elif isinstance(exc, self.BAD_QUERY_ERRORS):
            if isinstance(exc, DatabaseError) and connection.in_atomic_block:
                transaction.set_rollback(True)
            exc = BadRequestError(self.BAD_QUERY)
        return super().handle_exception(exc)


class CompactJSONMixin:
    """Compact JSON (no indent, no spaces after separators) instead of Wagtail's `indent=4`.

    An indent makes Python's `json` fall back from its C encoder to the pure-Python one: a
    listing pays for it in every answer. The browsable API (when
    enabled) indents what it shows itself.
    """

    def get_renderer_context(self):
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context


class ImagesAPIViewSet(
    CompactJSONMixin, PublicLinksMixin, RefuseBadQueriesMixin, WagtailImagesAPIViewSet
):
    """Wagtail's images endpoint, answering bad queries with 400, listing only the images
    live, public pages show (`images.shown_images`), in a fixed number of queries."""

    @classmethod
    def get_field_serializer_overrides(cls, model):
        return {**super().get_field_serializer_overrides(model), "tags": PrefetchedTagsField()}

    def get_queryset(self):
        """Made once per request (Wagtail asks twice, reading restrictions each time)."""
        if getattr(self, "_queryset", None) is None:
            self._queryset = shown_images(super().get_queryset()).prefetch_related("tags")
        return self._queryset

    base_serializer_class = PublicImageSerializer


def record_reviews(pages, *, lists=()) -> None:
    """Note what an answer showing these reviews (credits loaded) shows: them, the
    people and studios they credit, and their genres."""
    reviews = [page for page in pages if isinstance(page, ReviewPage)]
    person_ids, studio_ids = shown_ids(reviews)
    shown.record(
        reviews=[page.pk for page in reviews],
        people=person_ids,
        studios=studio_ids,
        genres=shown_genre_ids(reviews),
        lists=lists,
    )


class ReviewPagesAPIViewSet(
    CompactJSONMixin, PublicLinksMixin, RefuseBadQueriesMixin, PagesAPIViewSet
):
    """Wagtail's pages endpoint, plus what apps need from reviews.

    - reviews carry the design's review object (`shapes.REVIEW_FIELDS`), credits embedded;
    - `?type=review_pages.ReviewPage` listings take `person=`, `studio=`, `mpa_rating=` and
      `release_year=` (checked by `ReviewFilters`) and default to newest first;
    - their credits and performers cost a fixed number of queries however many reviews
      and credits there are;
    - pages with view restrictions are left out even for signed-in editors.
    """

    filter_backends = [
        SafeFieldsFilter if backend is FieldsFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(ReviewFilters.API_KEYS)
    base_serializer_class = PublicPageSerializer
    meta_fields = [
        *PagesAPIViewSet.meta_fields[: PagesAPIViewSet.meta_fields.index("first_published_at") + 1],
        "last_published_at",
        *PagesAPIViewSet.meta_fields[PagesAPIViewSet.meta_fields.index("first_published_at") + 1 :],
    ]
    listing_default_fields = [*PagesAPIViewSet.listing_default_fields, "last_published_at"]

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        """Wagtail's, memoised: it builds the same class anew for every request (3 % of a
        listing of 20). Bounded, since `fields=` is the client's; refusals are not kept."""
        return _serializer_class(
            cls, router, model, _frozen_fields(fields_config), show_details, nested
        )

    @classmethod
    def get_field_serializer_overrides(cls, model):
        overrides = super().get_field_serializer_overrides(model)
        if issubclass(model, ReviewPage):
            overrides.update({name: ReviewField(name) for name in REVIEW_API_FIELDS})
        return overrides

    def get_base_queryset(self):
        """Made once per request: Wagtail asks for it up to three times per listing, and
        each time reads the view restrictions."""
        if getattr(self, "_base_queryset", None) is None:
            self._base_queryset = self._public_pages(Page)
        return self._base_queryset

    def _public_pages(self, model):
        """`public_pages` of this request, the restrictions read once for all models."""
        if getattr(self, "_restricted_sections", None) is None:
            self._restricted_sections = restricted_sections()
        try:
            return public_pages(self.request, model, self._restricted_sections)
        except ValueError as error:
            raise BadRequestError(str(error)) from error

    def get_queryset(self):
        """Made once per request (Wagtail asks again for the serializer's model)."""
        if getattr(self, "_queryset", None) is None:
            self._queryset = self._make_queryset()
        return self._queryset

    def _requested_type(self):
        try:
            models = page_models_from_string(self.request.GET.get("type") or "")
        except (LookupError, ValueError):
            return None  # Wagtail's `get_queryset` answers it with 400
        return models[0] if len(models) == 1 else None

    def _public_reviews(self):
        """The public reviews of the request's site, as `get_base_queryset` finds pages.

        Wagtail narrows to one type with `pk__in=<every public page>`: the database then
        reads every page before ordering and counting (20 ms at 10,000 reviews on
        SQLite). Filtering the reviews themselves lets it read the newest 20 from an index.
        """
        return self._public_pages(ReviewPage)

    def _make_queryset(self):
        if self._requested_type() is ReviewPage:
            queryset = self._public_reviews()
        else:
            queryset = super().get_queryset()
        filter_keys = [key for key in ReviewFilters.API_KEYS if key in self.request.GET]
        if queryset.model is not ReviewPage:
            if filter_keys:
                raise BadRequestError(
                    f"{', '.join(filter_keys)}: these filters apply to reviews; "
                    "add type=review_pages.ReviewPage"
                )
            return queryset
        filters = ReviewFilters.from_api_query(self.request.GET)
        if filters.errors:
            raise BadRequestError(" ".join(filters.errors))
        queryset = filters.restrict(queryset)
        if "order" not in self.request.GET and "search" not in self.request.GET:
            queryset = queryset.newest_first()
        # The credits are read after paging, for the page's reviews only, in one query
        # (`load_credits`), where prefetching them took five.
        return queryset.select_related("locale", "poster").prefetch_related(
            renditions_prefetch("poster")
        )

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        if self._count_is_memoisable(queryset):
            queryset = shown.with_memoised_count(queryset, shown.Shown(lists={shown.REVIEWS}))
        items = list(self.paginate_queryset(queryset))
        context = self.get_serializer_context()
        if queryset.model is ReviewPage:
            performers = load_credits(items, with_performers=True)
            context[SHAPE_CONTEXT] = ShapeContext(request, performers=performers, pages=items)
        serializer = self.get_serializer(items, many=True, context=context)
        response = self.get_paginated_response(serializer.data)
        if "search" not in request.GET:  # searches are not cached: their keys are unbounded
            record_reviews(items, lists=[shown.REVIEWS])
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        shape_context = getattr(self, "_shape_context", None)
        if shape_context is not None:
            context[SHAPE_CONTEXT] = shape_context
        return context

    def _count_is_memoisable(self, queryset) -> bool:
        """Whether the total of a review listing changes only with the list of reviews.

        Counting reads every matching review (3 ms at 10,000 on SQLite). Searches and the
        person/studio filters (people's slugs change on their own) are counted anew.
        """
        query = self.request.GET
        return (
            queryset.model is ReviewPage
            and "search" not in query
            and "person" not in query
            and "studio" not in query
            and "genre" not in query
        )

    def get_object(self):
        """Wagtail's (cached), a review read in one query: Wagtail reads the public page,
        then its specific row. With no parameter but `fields`, the public reviews are
        asked first (the same visibility, `_public_reviews`); any other page, or any
        other parameter, is found as Wagtail finds it."""
        if not hasattr(self, "_cached_object"):
            self._cached_object = self._public_review() or super().get_object()
        return self._cached_object

    def _public_review(self):
        if set(self.request.GET) - {"fields"} or self.action != "detail_view":
            return None
        found = list(self._public_reviews().filter(pk=self.kwargs.get("pk"))[:1])
        if found:
            self.check_object_permissions(self.request, found[0])
        return found[0] if found else None

    def detail_view(self, request, pk):
        page = self.get_object()  # cached: the page serialised below
        if isinstance(page, ReviewPage):
            # The credits and the sections' performers in one query, for the serializer.
            performers = load_credits([page], with_performers=True)
            self._shape_context = ShapeContext(request, performers=performers, pages=[page])
        response = super().detail_view(request, pk)
        if isinstance(page, ReviewPage):
            record_reviews([page])
        else:
            shown.record(lists=[shown.REVIEWS])
        return response


def _frozen_fields(fields_config) -> tuple:
    """A parsed `fields=` parameter ([(name, negated, children or None)]) as nested tuples."""
    return tuple(
        (name, negated, _frozen_fields(children) if children else None)
        for name, negated, children in fields_config or ()
    )


def _thawed_fields(frozen: tuple) -> list:
    return [
        (name, negated, _thawed_fields(children) if children else None)
        for name, negated, children in frozen
    ]


@functools.lru_cache(maxsize=256)
def _serializer_class(viewset, router, model, frozen_config, show_details, nested):
    return super(ReviewPagesAPIViewSet, viewset)._get_serializer_class(
        router, model, _thawed_fields(frozen_config), show_details=show_details, nested=nested
    )


class PagePreviewAPIViewSet(ReviewPagesAPIViewSet):
    """`page_preview/?token=...`: the draft a preview token names (an editor's front-end
    Preview, a share link), in the shape of the live page detail.

    The token reads its own page only, and nothing else; refusals are 401 (no token, or an
    expired one) or 403 (tampered, superseded, revoked, or ended by a takedown of its page)
    with a message. Every answer is `Cache-Control: private, no-store`: neither the
    plugin's cache nor a CDN keeps it.
    """

    name = "page_preview"

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "preview_view"}), name="listing")]

    def preview_view(self, request):
        self.action = "detail_view"  # the live detail's fields and serializer
        try:
            grant = PreviewGrant.from_token(request.GET.get("token"))
        except PreviewRefused as refused:
            return Response({"message": refused.message}, status=refused.status)
        self._cached_object = grant.draft()  # what Wagtail's get_object() answers
        return Response(self.get_serializer(self._cached_object).data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


def keeps_the_id(fields: str | None) -> bool:
    """Whether a `fields=` value keeps `id` in each item (`_` starts from nothing, `-id`
    removes it). Wagtail answers an unparsable value itself."""
    if not fields:
        return True
    try:
        config = parse_fields_parameter(fields)
    except ValueError:
        return True
    kept = True
    for position, (name, negated, _) in enumerate(config):
        if position == 0 and name == "_":
            kept = False
        elif name == "id":
            kept = not negated
    return kept


class CreditedEntityAPIViewSet(
    CompactJSONMixin, PublicLinksMixin, RefuseBadQueriesMixin, BaseAPIViewSet
):
    """Public read of a credits library: listing (search by name, ordering) and detail.

    `find/?slug=` redirects to the detail of the entry with that slug.
    """

    filter_backends = [SafeFieldsFilter, OrderingFilter, SearchFilter]
    base_serializer_class = PublicBaseSerializer
    find_query_parameters = BaseAPIViewSet.find_query_parameters.union(["slug"])
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["html_url", "name", "slug"]
    detail_only_fields = ["credits"]
    image_field = ""  # the image FK, prefetched with its renditions
    kind = ""  # "person" or "studio"
    list_name = ""  # shown.PEOPLE or shown.STUDIOS

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["index_links"] = IndexLinks.for_site(self.request, absolute=True)
        return context

    def check_query_parameters(self, queryset):
        super().check_query_parameters(queryset)
        if not keeps_the_id(self.request.GET.get("fields")):
            raise BadRequestError(
                "fields: every person and studio is answered with its id; "
                "fields=_ or -id would leave it out (add it back, e.g. fields=_,id,name)"
            )

    def listing_view(self, request):
        response = super().listing_view(request)
        if "search" not in request.GET:  # searches are not cached: their keys are unbounded
            ids = [item["id"] for item in response.data.get("items", [])]
            # Who is listed depends on which reviews are live, as well as on the people.
            self._record(ids, lists=[self.list_name, shown.REVIEWS])
        return response

    def detail_view(self, request, pk):
        if not keeps_the_id(request.GET.get("fields")):
            raise BadRequestError("fields: an answer without the id is refused (see the listing)")
        response = super().detail_view(request, pk)
        self._record([self.get_object().pk])  # Wagtail's cached object: the one shown
        return response

    def _record(self, ids, lists=()) -> None:
        if self.kind == "person":
            shown.record(people=ids, lists=lists)
        else:
            shown.record(studios=ids, lists=lists)

    def get_queryset(self):
        """Only those credited on a live, public review: a person credited only on a draft
        or a restricted review is not listed, found or served (404, as a draft is)."""
        return (
            publicly_credited(self.kind)
            .select_related(self.image_field)
            .prefetch_related(renditions_prefetch(self.image_field))
            .order_by("name", "pk")
        )

    def find_object(self, queryset, request):
        if "slug" in request.GET:
            found = find_by_slug(self.model, request.GET["slug"])
            if found is None or not queryset.filter(pk=found.pk).exists():
                raise self.model.DoesNotExist
            return found
        try:
            return super().find_object(queryset, request)
        except (ValueError, ValidationError) as error:
            raise Http404("not found") from error


class PeopleAPIViewSet(CreditedEntityAPIViewSet):
    name = "people"
    kind = "person"
    list_name = shown.PEOPLE
    model = Person
    image_field = "photo"
    body_fields = BaseAPIViewSet.body_fields + [
        "name",
        "slug",
        APIField("bio", serializer=RichTextHTMLField()),
        APIField("photo", serializer=ImageField(PORTRAIT_RENDITION)),
        "imdb_id",
        "wikidata_id",
        APIField("credits", serializer=FilmographyCreditsField("person")),
    ]
    meta_fields = BaseAPIViewSet.meta_fields + [
        APIField("html_url", serializer=FilmographyURLField("person"))
    ]


class StudiosAPIViewSet(CreditedEntityAPIViewSet):
    name = "studios"
    kind = "studio"
    list_name = shown.STUDIOS
    model = Studio
    image_field = "logo"
    body_fields = BaseAPIViewSet.body_fields + [
        "name",
        "slug",
        "website",
        APIField("logo", serializer=ImageField(PORTRAIT_RENDITION)),
        APIField("credits", serializer=FilmographyCreditsField("studio")),
    ]
    meta_fields = BaseAPIViewSet.meta_fields + [
        APIField("html_url", serializer=FilmographyURLField("studio"))
    ]
