"""API v3 routers (django-ninja): public, read-only reviews, people and studios.

Add them to Wagtail's v3 API with `review_pages.api.register_v3_routers` (the plugin's URL
include does), which mounts `make_routers()`: reviews at `/reviews/`, people at `/people/`,
studios at `/studios/`. Every answer is typed by `schemas`, so the OpenAPI document
describes it.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from people.models import Person, Studio

from .. import shown
from ..filmography import listed_review_ids, person_filmography, studio_filmography
from ..filters import ReviewFilters
from ..links import IndexLinks, absolute_url
from ..models import (
    PreviewGrant,
    PreviewRefused,
    ReviewPage,
    load_credits,
    publicly_credited,
)
from . import schemas, shapes, sync
from .paging import listing_links
from .parameters import refuse_unknown_parameters
from .v2 import record_reviews, renditions_prefetch

NAMESPACE = "wagtailapi_v3"


# Beyond this an offset cannot be a real position, and the databases refuse it as an
# integer (SQLite: "datatype mismatch", PostgreSQL: "bigint out of range"): a 400, not a 500.
MAX_OFFSET = 2**31 - 1
# Ids are 64-bit: a larger one is refused (422) rather than sent to the database (a 500).
MAX_ID = 2**63 - 1


class ResultsSlice(Schema):
    """Which slice of the results to answer with."""

    limit: int = Field(20, ge=1, description="At most WAGTAILAPI_LIMIT_MAX (its maximum).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ReviewQuery(ResultsSlice):
    person: str | None = Field(None, description="A person's slug, in any role.")
    studio: str | None = Field(None, description="A studio's slug: production or distribution.")
    genre: str | None = Field(None, description="A genre's slug, e.g. thriller.")
    mpa_rating: str | None = Field(None, description="G, PG, PG-13, R, NC-17 or NR.")
    release_year: str | None = Field(None, description="e.g. 2025")
    imdb: str | None = Field(None, description="The film's IMDb title id, e.g. tt0111161.")
    search: str | None = Field(None, description="Full-text search.")
    order: (
        Literal[
            "-first_published_at",
            "first_published_at",
            "release_date",
            "-release_date",
            "title",
            "-title",
        ]
        | None
    ) = Field(None, description="Newest first by default (by relevance when searching).")


class EntityQuery(ResultsSlice):
    search: str | None = Field(None, description="Search by name.")
    order: Literal["name", "-name", "id", "-id"] = "name"


def limit_max() -> int | None:
    """Wagtail's WAGTAILAPI_LIMIT_MAX (20 by default; None: no limit)."""
    return getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)


def _check_limit(limit: int) -> None:
    most = limit_max()
    if most is not None and limit > int(most):
        raise HttpError(400, f"limit cannot be higher than {int(most)}")


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    """An absolute URL of this API (whatever namespace it is mounted under), on the
    public base (`links.public_base_url`)."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match is not None and match.namespace else NAMESPACE
    try:
        return absolute_url(reverse(f"{namespace}:{name}", kwargs=kwargs), request)
    except NoReverseMatch:
        return ""


def _listing(request: HttpRequest, params: ResultsSlice, count: int, items: list) -> dict:
    """A listing's answer: the total, the neighbouring pages' addresses, the items."""
    following, preceding = listing_links(
        request, offset=params.offset, limit=params.limit, count=count
    )
    return {"count": count, "next": following, "previous": preceding, "items": items}


def _search(queryset, query: str, by_relevance: bool):
    try:
        return get_search_backend().search(query, queryset, order_by_relevance=by_relevance)
    except (FilterFieldError, OrderByFieldError) as error:
        raise HttpError(400, f"cannot search with this filter or order: {error}") from error


# Reviews


def _reviews():
    """Live, public reviews with their posters; the credits are read once the reviews are
    (`_review_objects`), in one query where prefetching them took five."""
    return (
        ReviewPage.objects.public_now()
        .select_related("poster")
        .prefetch_related(renditions_prefetch("poster"))
    )


def _review_objects(pages, request: HttpRequest) -> list[dict]:
    """Review objects: every credit, critic, distributor and performer of every review in
    ONE query (`load_credits`)."""
    performers = load_credits(pages, with_performers=True)
    context = shapes.ShapeContext(request, performers=performers, pages=pages)
    return [_review_object(page, context) for page in pages]


def _review_object(page, context: shapes.ShapeContext) -> dict:
    detail_url = _url(context.request, "review_detail", review_id=page.pk)
    return shapes.review_object(page, context, detail_url=detail_url)


def list_reviews(request: HttpRequest, params: ReviewQuery = Query(...)):  # noqa: B008
    _check_limit(params.limit)
    filters = ReviewFilters.from_api_query(
        {key: getattr(params, key) or "" for key in ReviewFilters.API_KEYS}
    )
    if filters.errors:
        raise HttpError(400, " ".join(filters.errors))
    queryset = filters.restrict(_reviews())
    if params.search:
        if params.order:
            queryset = queryset.order_by(params.order)
        queryset = _search(queryset, params.search, by_relevance=not params.order)
    else:
        if params.order in (None, "", "-first_published_at"):
            queryset = queryset.newest_first()  # read from its index (`PageTableId`)
        else:
            queryset = queryset.order_by(params.order, "-pk")
    if not (params.search or params.person or params.studio or params.genre):
        # Counting reads every matching review: once per change of the reviews (a person's
        # or studio's slug can change on its own, so not with those filters).
        queryset = shown.with_memoised_count(queryset, shown.Shown(lists={shown.REVIEWS}))
    count = queryset.count()
    pages = list(queryset[params.offset : params.offset + params.limit])
    items = _review_objects(pages, request)
    if not params.search:  # searches are not cached: their keys are unbounded
        record_reviews(pages, lists=[shown.REVIEWS])
    return _listing(request, params, count, items)


def _review_detail(page, request: HttpRequest) -> dict:
    """The review object, with what a reader may read next."""
    (data,) = _review_objects([page], request)
    record_reviews([page])
    return _with_next_reads(data, page, request)


def _with_next_reads(data: dict, page, request: HttpRequest) -> dict:
    """`related` and `more_by_critic` (`ReviewPage.next_reads`) added to a review object."""
    reads = page.next_reads()  # it records the reviews it lists, and what it scored by

    def cards(reviews) -> list[dict]:
        return [
            shapes.review_card(card, request, _url(request, "review_detail", review_id=card.pk))
            for card in reviews
        ]

    data["related"] = cards(reads.related)
    data["more_by_critic"] = cards(reads.more_by_critic)
    return data


def review_detail(
    request: HttpRequest,
    review_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    page = _reviews().filter(pk=review_id).first()
    if page is None:
        raise Http404(f"No published review has the id {review_id}.")
    return _review_detail(page, request)


def review_by_slug(request: HttpRequest, slug: str):
    page = _reviews().filter(slug=slug).order_by("path").first()
    if page is None:
        raise Http404(f"No published review has the slug {slug!r}.")
    return _review_detail(page, request)


def review_preview(
    request: HttpRequest,
    response: HttpResponse,
    token: str | None = Query(None, description="A preview token (front-end Preview, share link)."),  # noqa: B008
):
    """The draft a preview token names, in the shape of a published review.

    401 without a token or with an expired one, 403 for a tampered, superseded or revoked
    one, or one a takedown of its page ended (unpublished, expired, made private, moved,
    deleted); never cached (`Cache-Control: private, no-store`).
    """
    response["Cache-Control"] = "private, no-store"
    try:
        grant = PreviewGrant.from_token(token)
    except PreviewRefused as refused:
        raise HttpError(refused.status, refused.message) from refused
    page = grant.draft()
    if not isinstance(page, ReviewPage):
        raise Http404("This preview token is not of a review: read it at /api/v2/page_preview/.")
    # The draft's own credits (unsaved on it) choose what it would list next.
    return _with_next_reads(_review_object(page, shapes.ShapeContext(request)), page, request)


# People and studios

IMAGE_FIELDS = {"person": "photo", "studio": "logo"}


def _entities(kind: str):
    """Only those credited on a live, public review (anyone else is a 404, as a draft)."""
    image_field = IMAGE_FIELDS[kind]
    return (
        publicly_credited(kind)
        .select_related(image_field)
        .prefetch_related(renditions_prefetch(image_field))
    )


def _record_entities(kind: str, ids, lists=()) -> None:
    if kind == "person":
        shown.record(people=ids, lists=lists)
    else:
        shown.record(studios=ids, lists=lists)


def _entity_url(request: HttpRequest, kind: str, entity) -> str:
    return _url(request, f"{kind}_detail", **{f"{kind}_id": entity.pk})


def _entity_list(request: HttpRequest, params: EntityQuery, model, kind: str) -> dict:
    _check_limit(params.limit)
    queryset = _entities(kind)
    if params.search:  # search backends order by indexed fields only: no "pk" tie-break
        queryset = _search(queryset.order_by(params.order), params.search, by_relevance=False)
    else:
        queryset = queryset.order_by(params.order, "pk")
    count = queryset.count()
    items = list(queryset[params.offset : params.offset + params.limit])
    if not params.search:  # searches are not cached: their keys are unbounded
        # Who is listed depends on which reviews are live, as well as on the people.
        lists = [shown.PEOPLE if kind == "person" else shown.STUDIOS, shown.REVIEWS]
        _record_entities(kind, [entity.pk for entity in items], lists)
    links = IndexLinks.for_site(request, absolute=True)
    objects = [
        shapes.entity_object(
            entity,
            kind,
            request,
            links,
            _url(request, f"{kind}_detail", **{f"{kind}_id": entity.pk}),
        )
        for entity in items
    ]
    return _listing(request, params, count, objects)


def _entity_detail(request: HttpRequest, model, kind: str, **lookup) -> dict:
    entity = _entities(kind).filter(**lookup).first()
    if entity is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    roles_of = person_filmography if kind == "person" else studio_filmography
    roles = roles_of(entity, ReviewPage.objects.public_now())
    _record_entities(kind, [entity.pk])
    shown.record(reviews=listed_review_ids(roles))
    links = IndexLinks.for_site(request, absolute=True)
    data = shapes.entity_object(entity, kind, request, links, _entity_url(request, kind, entity))
    data["credits"] = shapes.filmography_credits(roles, request)
    return data


def list_people(request: HttpRequest, params: EntityQuery = Query(...)):  # noqa: B008
    """People credited on reviews, by name; `search=` matches names."""
    return _entity_list(request, params, Person, "person")


def person_detail(
    request: HttpRequest,
    person_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    """A person, with their credits across published reviews."""
    return _entity_detail(request, Person, "person", pk=person_id)


def person_by_slug(request: HttpRequest, slug: str):
    """A person by slug, with their credits across published reviews."""
    return _entity_detail(request, Person, "person", slug=slug)


def list_studios(request: HttpRequest, params: EntityQuery = Query(...)):  # noqa: B008
    """Studios credited on reviews, by name; `search=` matches names."""
    return _entity_list(request, params, Studio, "studio")


def studio_detail(
    request: HttpRequest,
    studio_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    """A studio, with its credits across published reviews."""
    return _entity_detail(request, Studio, "studio", pk=studio_id)


def studio_by_slug(request: HttpRequest, slug: str):
    """A studio by slug, with its credits across published reviews."""
    return _entity_detail(request, Studio, "studio", slug=slug)


def make_routers() -> dict[str, Router]:
    """The plugin's v3 routers, by mount point, made anew for each API (a ninja router
    belongs to one API, so a site can add them to an API of its own). Each operation
    refuses a query parameter it does not declare (`parameters`)."""
    reviews = Router(tags=["reviews"])
    people = Router(tags=["people"])
    studios = Router(tags=["studios"])
    reviews.get(
        "/",
        response=schemas.ReviewList,
        url_name="review_list",
        operation_id="reviews_list",
        summary="List published reviews",
    )(list_reviews)
    reviews.get(
        "/preview/",
        response=schemas.ReviewDetail,
        url_name="review_preview",
        operation_id="reviews_preview",
        summary="A review's draft, with a preview token",
    )(review_preview)
    reviews.get(
        "/{review_id}/",
        response=schemas.ReviewDetail,
        url_name="review_detail",
        operation_id="reviews_detail",
        summary="A published review, by id",
    )(review_detail)
    reviews.get(
        "/by-slug/{slug}/",
        response=schemas.ReviewDetail,
        url_name="review_by_slug",
        operation_id="reviews_by_slug",
        summary="A published review, by slug",
    )(review_by_slug)
    people.get(
        "/", response=schemas.PersonList, url_name="person_list", operation_id="people_list"
    )(list_people)
    people.get(
        "/{person_id}/",
        response=schemas.PersonDetail,
        url_name="person_detail",
        operation_id="people_detail",
    )(person_detail)
    people.get(
        "/by-slug/{slug}/",
        response=schemas.PersonDetail,
        url_name="person_by_slug",
        operation_id="people_by_slug",
    )(person_by_slug)
    studios.get(
        "/", response=schemas.StudioList, url_name="studio_list", operation_id="studios_list"
    )(list_studios)
    studios.get(
        "/{studio_id}/",
        response=schemas.StudioDetail,
        url_name="studio_detail",
        operation_id="studios_detail",
    )(studio_detail)
    studios.get(
        "/by-slug/{slug}/",
        response=schemas.StudioDetail,
        url_name="studio_by_slug",
        operation_id="studios_by_slug",
    )(studio_by_slug)
    routers = {"/reviews/": reviews, "/people/": people, "/studios/": studios}
    # The sync feed answers with these routers' own objects.
    objects = sync.V3Objects(_reviews, _review_objects, _entities, _entity_url)
    routers["/sync/"] = sync.make_router(objects)
    for router in routers.values():
        refuse_unknown_parameters(router)  # 400 naming what an operation does not declare
    return routers
