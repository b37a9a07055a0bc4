"""API v3 routers (django-ninja): public, read-only reviews, people and studios.

Add them to Wagtail's v3 API before its URLs are first read (see `reviewsite/api.py`):
`reviews_router` at `/reviews/`, `people_router` at `/people/`, `studios_router` at
`/studios/`. Every answer is typed by `schemas`, so the OpenAPI document describes it.
"""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from wagtail.api.rich_text import APIRichText
from wagtail.api.v2.utils import get_full_url
from wagtail.api.v3.pagination import _get_max_limit
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from people.models import Person, Studio

from .. import credits
from ..caching import person_tags, studio_tags, tag_request, with_memoised_count
from ..models import tag_filmography
from . import schemas
from .fields import PORTRAIT_RENDITION, image_info, renditions_prefetch
from .v2 import credited_entities, filmography, public_reviews, tag_reviews

NAMESPACE = "wagtailapi_v3"


# Beyond this an offset cannot be a real position, and the databases refuse it as an
# integer (SQLite: "datatype mismatch", PostgreSQL: "bigint out of range"): a 400, not a 500.
MAX_OFFSET = 2**31 - 1
# Ids are 64-bit: a larger one is refused (422) rather than sent to the database (a 500).
MAX_ID = 2**63 - 1


class ResultsSlice(Schema):
    """Which slice of the results to answer with."""

    limit: int = Field(20, ge=1, description="At most WAGTAILAPI_LIMIT_MAX (100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def check_offset(offset: int) -> None:
    """For paginators whose schema does not bound the offset (Wagtail's own v3 routers)."""
    if offset > MAX_OFFSET:
        raise HttpError(400, f"offset cannot be higher than {MAX_OFFSET}")


class ReviewQuery(ResultsSlice):
    person: str | None = Field(None, description="A person's slug, in any role.")
    studio: str | None = Field(None, description="A studio's slug: production or distribution.")
    mpa_rating: str | None = Field(None, description="G, PG, PG-13, R, NC-17 or NR.")
    release_year: str | None = Field(None, description="e.g. 2025")
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


def _check_limit(limit: int) -> None:
    limit_max = _get_max_limit()
    if limit > limit_max:
        raise HttpError(400, f"limit cannot be higher than {int(limit_max)}")


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    """An absolute API URL, on the same base as Wagtail's own `detail_url`s."""
    try:
        return get_full_url(request, reverse(f"{NAMESPACE}:{name}", kwargs=kwargs))
    except NoReverseMatch:  # the router is mounted elsewhere
        return ""


def _search(queryset, query: str, by_relevance: bool):
    try:
        return get_search_backend().search(query, queryset, order_by_relevance=by_relevance)
    except (FilterFieldError, OrderByFieldError) as error:
        raise HttpError(400, f"cannot search with this filter or order: {error}") from error


# Reviews


def review_object(page, request: HttpRequest, people=None) -> dict:
    """The design's review object for one review (credits and body from `credits`)."""
    refs = credits.cached_review_credits(page, request)
    return {
        "id": page.pk,
        "meta": {
            "slug": page.slug,
            "detail_url": _url(request, "review_detail", review_id=page.pk),
            "html_url": page.get_full_url(request),
            "first_published_at": page.first_published_at,
            "last_published_at": page.last_published_at,
        },
        "title": page.title,
        "film_title": page.film_title,
        "intro": APIRichText.serialize(page.intro or "", format="html"),
        "poster": image_info(page.poster, request) if page.poster_id else None,
        "mpa_rating": page.mpa_rating,
        "mpa_rating_reason": page.mpa_rating_reason,
        "runtime_minutes": page.runtime_minutes,
        "release_date": page.release_date,
        "score": float(page.score) if page.score is not None else None,
        "author": refs["author"],
        "directors": refs["directors"],
        "writers": refs["writers"],
        "cast": refs["cast"],
        "production_companies": refs["production_companies"],
        "distributor": refs["distributor"],
        "body": credits.review_body(page, people=people, request=request),
    }


def review_objects(pages, request: HttpRequest) -> list[dict]:
    """Review objects for a listing: every performer of every review in one query."""
    people = credits.performers_by_id(pages)
    return [review_object(page, request, people) for page in pages]


def _reviews():
    return credits.with_credits(public_reviews()).prefetch_related(renditions_prefetch("poster"))


reviews_router = Router(tags=["reviews"])


@reviews_router.get(
    "/",
    response=schemas.ReviewList,
    url_name="review_list",
    operation_id="reviews_list",
    summary="List published reviews",
)
def list_reviews(request: HttpRequest, params: ReviewQuery = Query(...)):  # noqa: B008
    _check_limit(params.limit)
    filters = credits.ReviewFilters.from_api_query(
        {key: getattr(params, key) or "" for key in credits.ReviewFilters.API_KEYS}
    )
    if filters.errors:
        raise HttpError(400, " ".join(filters.errors))
    queryset = filters.restrict(_reviews())
    if params.search:
        if params.order:
            queryset = queryset.order_by(params.order)
        queryset = _search(queryset, params.search, by_relevance=not params.order)
    else:
        queryset = queryset.order_by(params.order or "-first_published_at", "-pk")
    if not (params.search or params.person or params.studio):
        # Counting reads every matching review: once per version of `reviews` (a person's
        # or studio's slug can change without it, so not with those filters).
        queryset = with_memoised_count(queryset, "reviews")
    count = queryset.count()
    pages = list(queryset[params.offset : params.offset + params.limit])
    items = review_objects(pages, request)
    if not params.search:  # searches are not cached: their keys are unbounded
        tag_reviews(request, pages, "reviews")
    return {"count": count, "items": items}


@reviews_router.get(
    "/{review_id}/",
    response=schemas.Review,
    url_name="review_detail",
    operation_id="reviews_detail",
    summary="A published review, by id",
)
def review_detail(
    request: HttpRequest,
    review_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    page = _reviews().filter(pk=review_id).first()
    if page is None:
        raise Http404(f"No published review has the id {review_id}.")
    data = review_object(page, request)
    tag_reviews(request, [page], f"review:{page.pk}")
    return data


@reviews_router.get(
    "/by-slug/{slug}/",
    response=schemas.Review,
    url_name="review_by_slug",
    operation_id="reviews_by_slug",
    summary="A published review, by slug",
)
def review_by_slug(request: HttpRequest, slug: str):
    page = _reviews().filter(slug=slug).order_by("path").first()
    if page is None:
        raise Http404(f"No published review has the slug {slug!r}.")
    data = review_object(page, request)
    tag_reviews(request, [page], f"review:{page.pk}")
    return data


# People and studios


def _entity_object(entity, request: HttpRequest, kind: str, roles=None) -> dict:
    """A person or studio; with `roles` (its filmography), its credits too."""
    links = credits.FilmographyLinks.for_request(request, absolute=True)
    data = {
        "id": entity.pk,
        "meta": {
            "detail_url": _url(request, f"{kind}_detail", **{f"{kind}_id": entity.pk}),
            "html_url": getattr(links, kind)(entity.slug),
        },
        "name": entity.name,
        "slug": entity.slug,
    }
    if kind == "person":
        data["bio"] = APIRichText.serialize(entity.bio or "", format="html")
        data["photo"] = image_info(entity.photo, request, PORTRAIT_RENDITION)
    else:
        data["website"] = entity.website
        data["logo"] = image_info(entity.logo, request, PORTRAIT_RENDITION)
    if roles is not None:
        data["credits"] = credits.filmography_credits(roles, request)
    return data


def _entity_list(request: HttpRequest, params: EntityQuery, model, kind: str) -> dict:
    _check_limit(params.limit)
    queryset = credited_entities(model, IMAGE_FIELDS[kind])
    if params.search:  # search backends order by indexed fields only: no "pk" tie-break
        queryset = _search(queryset.order_by(params.order), params.search, by_relevance=False)
    else:
        queryset = queryset.order_by(params.order, "pk")
    count = queryset.count()
    items = list(queryset[params.offset : params.offset + params.limit])
    if not params.search:  # searches are not cached: their keys are unbounded
        ids = [entity.pk for entity in items]
        tag_request(
            request,
            "people" if kind == "person" else "studios",
            *(person_tags(ids) if kind == "person" else studio_tags(ids)),
        )
    return {
        "count": count,
        "items": [_entity_object(entity, request, kind) for entity in items],
    }


def _entity_detail(request: HttpRequest, model, kind: str, **lookup) -> dict:
    entity = credited_entities(model, IMAGE_FIELDS[kind]).filter(**lookup).first()
    if entity is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    roles = filmography(kind, entity)
    tag_filmography(request, f"{kind}:{entity.pk}", roles)
    return _entity_object(entity, request, kind, roles)


IMAGE_FIELDS = {"person": "photo", "studio": "logo"}

people_router = Router(tags=["people"])
studios_router = Router(tags=["studios"])


@people_router.get(
    "/", response=schemas.PersonList, url_name="person_list", operation_id="people_list"
)
def list_people(request: HttpRequest, params: EntityQuery = Query(...)):  # noqa: B008
    """People credited on reviews, by name; `search=` matches names."""
    return _entity_list(request, params, Person, "person")


@people_router.get(
    "/{person_id}/",
    response=schemas.PersonDetail,
    url_name="person_detail",
    operation_id="people_detail",
)
def person_detail(
    request: HttpRequest,
    person_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    """A person, with their credits across published reviews."""
    return _entity_detail(request, Person, "person", pk=person_id)


@people_router.get(
    "/by-slug/{slug}/",
    response=schemas.PersonDetail,
    url_name="person_by_slug",
    operation_id="people_by_slug",
)
def person_by_slug(request: HttpRequest, slug: str):
    """A person by slug, with their credits across published reviews."""
    return _entity_detail(request, Person, "person", slug=slug)


@studios_router.get(
    "/", response=schemas.StudioList, url_name="studio_list", operation_id="studios_list"
)
def list_studios(request: HttpRequest, params: EntityQuery = Query(...)):  # noqa: B008
    """Studios credited on reviews, by name; `search=` matches names."""
    return _entity_list(request, params, Studio, "studio")


@studios_router.get(
    "/{studio_id}/",
    response=schemas.StudioDetail,
    url_name="studio_detail",
    operation_id="studios_detail",
)
def studio_detail(
    request: HttpRequest,
    studio_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
):
    """A studio, with its credits across published reviews."""
    return _entity_detail(request, Studio, "studio", pk=studio_id)


@studios_router.get(
    "/by-slug/{slug}/",
    response=schemas.StudioDetail,
    url_name="studio_by_slug",
    operation_id="studios_by_slug",
)
def studio_by_slug(request: HttpRequest, slug: str):
    """A studio by slug, with its credits across published reviews."""
    return _entity_detail(request, Studio, "studio", slug=slug)
