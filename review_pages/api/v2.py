"""API v2 endpoints: pages (with review filters and constant-cost review listings),
people and studios.

Register them on a `WagtailAPIRouter` (see `reviewsite/api.py`).
"""

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Prefetch
from django.http import Http404
from rest_framework.fields import CharField
from wagtail.api import APIField
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet as WagtailImagesAPIViewSet

from people.models import Person, Studio

from .. import credits
from ..caching import person_tags, review_tags, studio_tags, tag_request, with_memoised_count
from ..models import ReviewPage
from .fields import PORTRAIT_RENDITION, ImageField


def public_reviews():
    """Live reviews without view restrictions: all that any public endpoint may show."""
    return ReviewPage.objects.live().public()


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

    The review filters (`person=`, `mpa_rating=`, ...) are `credits.ReviewFilters`' job:
    left alone here, so that `mpa_rating=r` is not also filtered verbatim.
    """

    def filter_queryset(self, request, queryset, view):
        request = _RequestWithoutKeys(request, credits.ReviewFilters.API_KEYS)
        try:
            return super().filter_queryset(request, queryset, view)
        except (ValueError, TypeError, ValidationError) as error:
            message = "; ".join(getattr(error, "messages", [])) or str(error)
            raise BadRequestError(f"field filter error: {message}") from error


class RefuseBadQueriesMixin:
    """A query the endpoint cannot answer gets a 400 with a message, never a 500.

    Wagtail's filters and search pass some values straight on: `child_of=abc` (ValueError),
    `offset=99999999999999999999` (an integer the database refuses), `search="` (a
    full-text syntax error), `fields=((((...` (RecursionError), a NUL byte (PostgreSQL
    refuses it). A listing filter naming an unknown locale or site is a bad query too.
    After a database error inside a transaction (tests, ATOMIC_REQUESTS) the transaction is
    marked for rollback, as Django's `atomic` expects.
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


class ImagesAPIViewSet(RefuseBadQueriesMixin, WagtailImagesAPIViewSet):
    """Wagtail's images endpoint, answering bad queries with 400."""


class ReviewPagesAPIViewSet(RefuseBadQueriesMixin, PagesAPIViewSet):
    """Wagtail's pages endpoint, plus what apps need from reviews.

    - `?type=review_pages.ReviewPage` listings take `person=`, `studio=`, `mpa_rating=` and
      `release_year=` (checked by `credits.ReviewFilters`) and default to newest first;
    - their credits and performers cost a fixed number of queries however many reviews
      and credits there are (`credits.with_credits`, `credits.performers_by_id`);
    - pages with view restrictions are left out even for signed-in editors.
    """

    filter_backends = [
        SafeFieldsFilter if backend is FieldsFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(
        credits.ReviewFilters.API_KEYS
    )

    def get_base_queryset(self):
        """Made once per request: Wagtail asks for it up to three times per listing, and
        each time reads the view restrictions."""
        if getattr(self, "_base_queryset", None) is None:
            self._base_queryset = super().get_base_queryset().public()
        return self._base_queryset

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
        try:
            return get_public_pages_queryset(self.request, model=ReviewPage).public()
        except ValueError as error:
            raise BadRequestError(str(error)) from error

    def _make_queryset(self):
        if self._requested_type() is ReviewPage:
            queryset = self._public_reviews()
        else:
            queryset = super().get_queryset()
        filter_keys = [key for key in credits.ReviewFilters.API_KEYS if key in self.request.GET]
        if queryset.model is not ReviewPage:
            if filter_keys:
                raise BadRequestError(
                    f"{', '.join(filter_keys)}: these filters apply to reviews; "
                    "add type=review_pages.ReviewPage"
                )
            return queryset
        filters = credits.ReviewFilters.from_api_query(self.request.GET)
        if filters.errors:
            raise BadRequestError(" ".join(filters.errors))
        queryset = filters.restrict(queryset)
        if "order" not in self.request.GET and "search" not in self.request.GET:
            queryset = queryset.order_by("-first_published_at", "-pk")
        images = get_image_model()
        return (
            credits.with_credits(queryset)
            .select_related("locale")
            .prefetch_related(
                Prefetch("poster__renditions", queryset=images.get_rendition_model().objects.all())
            )
        )

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        if self._count_is_memoisable(queryset):
            queryset = with_memoised_count(queryset, "reviews")
        items = list(self.paginate_queryset(queryset))
        if queryset.model is ReviewPage:
            self.review_performers = credits.performers_by_id(items)
        serializer = self.get_serializer(items, many=True)
        response = self.get_paginated_response(serializer.data)
        tag_review_answer(request, items, "reviews")
        return response

    def _count_is_memoisable(self, queryset) -> bool:
        """Whether the total of a review listing changes only with the `reviews` tag.

        Counting reads every matching review (3 ms at 10,000 on SQLite). Searches and the
        person/studio filters (people's slugs change without that tag) are counted anew.
        """
        query = self.request.GET
        return (
            queryset.model is ReviewPage
            and "search" not in query
            and "person" not in query
            and "studio" not in query
        )

    def get_object(self):
        self.shown_object = super().get_object()
        return self.shown_object

    def detail_view(self, request, pk):
        response = super().detail_view(request, pk)
        page = self.shown_object
        tag_review_answer(request, [page], f"review:{page.pk}" if _is_review(page) else "reviews")
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "review_performers"):
            context["review_performers"] = self.review_performers
        return context


def _is_review(page) -> bool:
    return isinstance(page, ReviewPage)


def tag_review_answer(request, pages, *tags: str) -> None:
    """Cache tags for an answer showing these pages (their credits already loaded).

    Searches are left untagged, so never cached: their keys are unbounded.
    """
    if "search" in request.GET:
        return
    person_ids, studio_ids = credits.shown_ids([page for page in pages if _is_review(page)])
    tag_request(request, *tags, *person_tags(person_ids), *studio_tags(studio_ids))


def tag_credited_answer(request, kind: str, entities, with_credits: bool) -> None:
    """Cache tags for a people/studios answer: the entries shown and, in a detail, the
    reviews its credits list."""
    if "search" in request.GET:
        return
    ids = [entity.pk for entity in entities]
    tags = person_tags(ids) if kind == "person" else studio_tags(ids)
    if not with_credits:
        tags.append("people" if kind == "person" else "studios")
    else:
        tags += review_tags(
            sorted({credit["review"]["id"] for entity in entities for credit in entity._credits})
        )
    tag_request(request, *tags)


class FilmographyURLField(CharField):
    """The absolute URL of a person's or studio's filmography page."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, entity) -> str | None:
        links = credits.FilmographyLinks.for_request(self.context.get("request"), absolute=True)
        return getattr(links, self.kind)(entity.slug)


class FilmographyCreditsField(CharField):
    """A person's or studio's credits across public reviews: [{review, role, character}]."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, entity) -> list:
        filmography = (
            credits.person_filmography if self.kind == "person" else credits.studio_filmography
        )
        request = self.context.get("request")
        entity._credits = credits.filmography_credits(
            filmography(entity, public_reviews()), request
        )
        return entity._credits


class CreditedEntityAPIViewSet(RefuseBadQueriesMixin, BaseAPIViewSet):
    """Public read of a credits library: listing (search by name, ordering) and detail.

    `find/?slug=` redirects to the detail of the entry with that slug.
    """

    filter_backends = [SafeFieldsFilter, OrderingFilter, SearchFilter]
    find_query_parameters = BaseAPIViewSet.find_query_parameters.union(["slug"])
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["html_url", "name", "slug"]
    detail_only_fields = ["credits"]
    image_field = ""  # the image FK, prefetched with its renditions
    kind = ""  # "person" or "studio"

    def listing_view(self, request):
        response = super().listing_view(request)
        shown = [item["id"] for item in response.data.get("items", [])]
        tag_credited_answer(request, self.kind, [self.model(pk=pk) for pk in shown], False)
        return response

    def get_object(self):
        self.shown_object = super().get_object()
        return self.shown_object

    def detail_view(self, request, pk):
        response = super().detail_view(request, pk)
        entity = self.shown_object
        tag_credited_answer(request, self.kind, [entity], hasattr(entity, "_credits"))
        return response

    def get_queryset(self):
        images = get_image_model()
        return (
            self.model.objects.select_related(self.image_field)
            .prefetch_related(
                Prefetch(
                    f"{self.image_field}__renditions",
                    queryset=images.get_rendition_model().objects.all(),
                )
            )
            .order_by("name", "pk")
        )

    def find_object(self, queryset, request):
        if "slug" in request.GET:
            return queryset.get(slug=request.GET["slug"])
        try:
            return super().find_object(queryset, request)
        except (ValueError, ValidationError) as error:
            raise Http404("not found") from error


class PeopleAPIViewSet(CreditedEntityAPIViewSet):
    name = "people"
    kind = "person"
    model = Person
    image_field = "photo"
    body_fields = BaseAPIViewSet.body_fields + [
        "name",
        "slug",
        "bio",
        APIField("photo", serializer=ImageField(PORTRAIT_RENDITION)),
        APIField("credits", serializer=FilmographyCreditsField("person")),
    ]
    meta_fields = BaseAPIViewSet.meta_fields + [
        APIField("html_url", serializer=FilmographyURLField("person"))
    ]


class StudiosAPIViewSet(CreditedEntityAPIViewSet):
    name = "studios"
    kind = "studio"
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


__all__ = [
    "ImagesAPIViewSet",
    "PeopleAPIViewSet",
    "ReviewPagesAPIViewSet",
    "StudiosAPIViewSet",
    "public_reviews",
]
