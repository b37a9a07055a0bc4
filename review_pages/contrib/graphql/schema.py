"""The schema: queries for reviews, people, studios, search and previews.

Visibility is the REST APIs' own, from one definition: reviews are those
`ReviewPage.objects.public_now()` lists (live, go-live reached, not expired, not under a
view restriction), people and studios those `publicly_credited` lists, and a draft is read
only with a preview token (`PreviewGrant.from_token`, the same refusals as
`/api/v3/reviews/preview/`).
"""

from __future__ import annotations

import operator
from enum import Enum
from typing import Annotated
from urllib.parse import urlsplit

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from people.models import Person as PersonModel
from people.models import Studio as StudioModel

from ... import shown
from ...filters import MAX_SLUG_LENGTH, ReviewFilters
from ...models import PreviewGrant, PreviewRefused, ReviewPage, publicly_credited
from ...search import SearchQuery, search_names
from .limits import QueryLimits, limit_max
from .loading import PERSON, STUDIO, AnswerContext, EntityBatch, ReviewBatch
from .types import Person, Review, SearchResults, Studio, reviews_of

#: Reviews a listing gives when no `limit` is asked for, and the most a search lists.
DEFAULT_LIMIT = 20
#: Beyond this an offset cannot be a real position (the databases refuse it as an integer).
MAX_OFFSET = 2**31 - 1
MAX_ID = 2**63 - 1
MAX_PATH_LENGTH = 2048


def refuse(message: str, code: str = "BAD_USER_INPUT") -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _checked_text(value: str, name: str, most: int = MAX_SLUG_LENGTH) -> str:
    """A string argument that reaches the database: no NUL (PostgreSQL refuses it), and
    not longer than any stored value can be."""
    if "\x00" in value:
        raise refuse(f"{name} cannot contain a NUL character.")
    if len(value) > most:
        raise refuse(f"{name} is longer than {most} characters.")
    return value


def _slice(limit: int, offset: int) -> tuple[int, int]:
    most = limit_max()
    if not 1 <= limit <= most:
        raise refuse(f"limit must be from 1 to {most} (WAGTAILAPI_LIMIT_MAX).")
    if not 0 <= offset <= MAX_OFFSET:
        raise refuse(f"offset must be from 0 to {MAX_OFFSET}.")
    return limit, offset


class _Typed:
    """What a reader typed, where `SearchQuery.from_request` reads it."""

    def __init__(self, text: str):
        self.GET = {"q": text}


def search_query(text: str) -> SearchQuery:
    """The words of a search (at most 12, of 200 characters), as the REST APIs and the
    readers' search reduce it; an error when nothing is left to look for."""
    query = SearchQuery.from_request(_Typed(text))
    if not query:
        raise refuse(
            "search has no letters or digits to look for; search for words, e.g. a title or a name."
        )
    return query


@strawberry.enum(description="How reviews are ordered (newest published first by default).")
class ReviewOrder(Enum):
    PUBLISHED_DESC = "-first_published_at"
    PUBLISHED_ASC = "first_published_at"
    RELEASE_DATE_DESC = "-release_date"
    RELEASE_DATE_ASC = "release_date"
    TITLE_ASC = "title"
    TITLE_DESC = "-title"


def _reviews(
    answer: AnswerContext,
    *,
    rating: str | None,
    year: int | None,
    person: str | None,
    studio: str | None,
    genre: str | None,
    search: str | None,
    order: ReviewOrder | None,
):
    """Reviews public now, filtered as the v3 listing filters them (`ReviewFilters`)."""
    filters = ReviewFilters.from_api_query(
        {
            "mpa_rating": rating or "",
            "release_year": "" if year is None else str(year),
            "person": person or "",
            "studio": studio or "",
            "genre": genre or "",
        }
    )
    if filters.errors:
        raise refuse(" ".join(filters.errors))
    queryset = filters.restrict(
        ReviewPage.objects.public_now()
        .select_related("poster")
        .prefetch_related(_renditions_prefetch())
    )
    if search:
        # A search's results may change with any review: the answer is not kept.
        answer.unrecorded = True
        if order is not None:
            queryset = queryset.order_by(order.value)
        try:
            return get_search_backend().search(
                search_query(search).text, queryset, order_by_relevance=order is None
            ), filters
        except (FilterFieldError, OrderByFieldError) as error:
            raise refuse(f"cannot search with this filter or order: {error}") from error
    if order in (None, ReviewOrder.PUBLISHED_DESC):
        return queryset.newest_first(), filters  # from its index (`PageTableId`)
    return queryset.order_by(order.value, "-pk"), filters


def _renditions_prefetch():
    from ...api.v2 import renditions_prefetch

    return renditions_prefetch("poster")


def _review_by_path(answer: AnswerContext, path: str):
    """The public review whose page is at `path` (e.g. /ballerina/ or its full URL) on the
    requested site: its slug finds the candidates, its URL picks one."""
    path = urlsplit(path).path or "/"
    path = path if path.endswith("/") else path + "/"
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    if not slug:
        return None
    candidates = ReviewPage.objects.public_now().filter(slug=slug).order_by("path")
    for page in candidates[:20]:
        parts = page.get_url_parts(answer.request)
        if parts and parts[2] == path:
            return page
    return None


def _entity(kind, slug: str, answer: AnswerContext, graphql_type):
    """A public person or studio by slug (the REST APIs' rule: credited on a review public
    now), or None; a miss stays valid until a review or a slug changes. (MySQL compares
    slugs ignoring case and accents: the exact one wins.)"""
    _checked_text(slug, "slug")
    matches = list(publicly_credited(kind.name).filter(slug=slug).order_by("pk")[:10])
    entity = next((match for match in matches if match.slug == slug), None)
    if entity is None:
        lists = [shown.PEOPLE if kind is PERSON else shown.STUDIOS, shown.REVIEWS]
        shown.record(lists=lists)
        return None
    batch = EntityBatch(kind, [entity], answer)
    return graphql_type.of(entity, batch, answer.site_links())


@strawberry.type
class Query:
    @strawberry.field(
        description="Reviews public now, newest published first (by relevance when "
        "searching), filtered as /api/v3/reviews/ filters them."
    )
    def reviews(
        self,
        info: strawberry.Info,
        rating: Annotated[
            str | None,
            strawberry.argument(description="An MPA rating: G, PG, PG-13, R, NC-17 or NR."),
        ] = None,
        year: Annotated[int | None, strawberry.argument(description="Release year.")] = None,
        person: Annotated[
            str | None,
            strawberry.argument(description="A person's slug, in any role (critic included)."),
        ] = None,
        studio: Annotated[
            str | None,
            strawberry.argument(description="A studio's slug: production or distribution."),
        ] = None,
        genre: Annotated[str | None, strawberry.argument(description="A genre's slug.")] = None,
        search: Annotated[str | None, strawberry.argument(description="Full-text search.")] = None,
        order: ReviewOrder | None = None,
        limit: Annotated[
            int, strawberry.argument(description="At most WAGTAILAPI_LIMIT_MAX.")
        ] = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> list[Review]:
        answer: AnswerContext = info.context
        limit, offset = _slice(limit, offset)
        queryset, _filters = _reviews(
            answer,
            rating=rating,
            year=year,
            person=person,
            studio=studio,
            genre=genre,
            search=search,
            order=order,
        )
        pages = list(queryset[offset : offset + limit])
        shown.record(lists=[shown.REVIEWS])
        return reviews_of(ReviewBatch(pages, answer))

    @strawberry.field(description="How many reviews `reviews` finds with the same filters.")
    def review_count(
        self,
        info: strawberry.Info,
        rating: str | None = None,
        year: int | None = None,
        person: str | None = None,
        studio: str | None = None,
        genre: str | None = None,
        search: str | None = None,
    ) -> int:
        answer: AnswerContext = info.context
        queryset, filters = _reviews(
            answer,
            rating=rating,
            year=year,
            person=person,
            studio=studio,
            genre=genre,
            search=search,
            order=None,
        )
        if not (search or filters.by_credit):
            # Counting reads every matching review: once per change of the reviews.
            queryset = shown.with_memoised_count(queryset, shown.Shown(lists={shown.REVIEWS}))
        shown.record(lists=[shown.REVIEWS])
        return queryset.count()

    @strawberry.field(
        description="A review public now, by exactly one of: its id, its slug, or its page's "
        "path (or URL) on the site. Null when none is public."
    )
    def review(
        self,
        info: strawberry.Info,
        id: strawberry.ID | None = None,  # noqa: A002 - GraphQL's name for it
        slug: str | None = None,
        path: str | None = None,
    ) -> Review | None:
        answer: AnswerContext = info.context
        given = [name for name, value in (("id", id), ("slug", slug), ("path", path)) if value]
        if len(given) != 1:
            raise refuse("review takes exactly one of id, slug or path.")
        reviews = ReviewPage.objects.public_now().select_related("poster")
        if id is not None:
            if not str(id).isdigit() or not 1 <= int(id) <= MAX_ID:
                raise refuse("id must be a review's id: a whole number.")
            page = reviews.filter(pk=int(id)).first()
        elif slug is not None:
            page = reviews.filter(slug=_checked_text(slug, "slug")).order_by("path").first()
        else:
            page = _review_by_path(answer, _checked_text(path or "", "path", MAX_PATH_LENGTH))
        if page is None:
            # It may be published later: the answer holds until the reviews change.
            shown.record(lists=[shown.REVIEWS])
            return None
        return Review.of(page, ReviewBatch([page], answer))

    @strawberry.field(
        description="A person credited on a review public now, by slug; null for anyone else."
    )
    def person(self, info: strawberry.Info, slug: str) -> Person | None:
        return _entity(PERSON, slug, info.context, Person)

    @strawberry.field(
        description="A studio credited on a review public now, by slug; null for any other."
    )
    def studio(self, info: strawberry.Info, slug: str) -> Studio | None:
        return _entity(STUDIO, slug, info.context, Studio)

    @strawberry.field(
        description="The readers' search: reviews matching every word (best first), people "
        "and studios whose names start with the words (credited on public reviews)."
    )
    def search(
        self,
        info: strawberry.Info,
        query: str,
        limit: Annotated[
            int, strawberry.argument(description="The most reviews (at most WAGTAILAPI_LIMIT_MAX).")
        ] = DEFAULT_LIMIT,
    ) -> SearchResults:
        answer: AnswerContext = info.context
        answer.unrecorded = True
        limit, _offset = _slice(limit, 0)
        words = search_query(query)
        public = ReviewPage.objects.public_now()
        found = get_search_backend().search(
            words.text,
            public.select_related("poster").prefetch_related(_renditions_prefetch()),
            operator="and",
        )
        pages = list(found[:limit])
        people = search_names(PersonModel, words, public.people_credited_among)
        studios = search_names(StudioModel, words, public.studios_credited_among)
        links = answer.site_links()
        people_batch = EntityBatch(PERSON, people, answer)
        studios_batch = EntityBatch(STUDIO, studios, answer)
        return SearchResults(
            reviews=reviews_of(ReviewBatch(pages, answer)),
            people=[Person.of(p, people_batch, links) for p in people],
            studios=[Studio.of(s, studios_batch, links) for s in studios],
        )

    @strawberry.field(
        description="A review's draft, read with a preview token (an editor's front-end "
        "Preview or a share link), as /api/v3/reviews/preview/ reads it. A token that is "
        "missing, invalid, expired, revoked or ended by a takedown is a GraphQL error with "
        "the REST API's message (extensions.code PREVIEW_REFUSED, extensions.status its "
        "HTTP status). Answers holding a preview are never cached."
    )
    def preview(self, info: strawberry.Info, token: str) -> Review:
        answer: AnswerContext = info.context
        answer.private = True
        try:
            grant = PreviewGrant.from_token(token)
        except PreviewRefused as refused:
            raise GraphQLError(
                refused.message,
                extensions={"code": "PREVIEW_REFUSED", "status": refused.status},
            ) from refused
        page = grant.draft()
        if not isinstance(page, ReviewPage):
            raise GraphQLError(
                "This preview token is not of a review: read it at /api/v2/page_preview/.",
                extensions={"code": "PREVIEW_REFUSED", "status": 404},
            )
        return Review.of(page, ReviewBatch([page], answer, preview=True))


class ReviewsSchema(strawberry.Schema):
    """Logs only what went wrong on the server: a client's invalid query, or a refusal it
    caused, is its answer, not the server's error."""

    def process_errors(self, errors, execution_context=None) -> None:
        unexpected = [
            error
            for error in errors
            if error.original_error is not None
            and not isinstance(error.original_error, GraphQLError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def _read_plain_values_directly(graphql_schema) -> None:
    """Plain values (fields without a resolver: a person's name, a review's film title)
    read with an `attrgetter` instead of strawberry's wrapper around `getattr`: a listing of
    20 reviews with their credits reads some 2,000 of them, and the wrapper was a third of
    the time GraphQL added to what the REST listing spends. Fields strawberry does not mark
    as plain (resolvers, extensions) keep its resolver."""
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if (
                isinstance(definition, StrawberryField)
                and definition.is_basic_field
                and getattr(field.resolve, "_is_default", False)
            ):
                getter = operator.attrgetter(definition.python_name)
                field.resolve = lambda source, info, _get=getter: _get(source)


schema = ReviewsSchema(query=Query, extensions=[QueryLimits])
_read_plain_values_directly(schema._schema)
