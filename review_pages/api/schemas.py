"""Typed shapes of the review, person and studio objects (pydantic, via django-ninja).

The v3 routers answer with these, and the v2 serializer fields name them as their return
types, so Wagtail's own v3 page schema types the review's fields too. This module imports
no models: `review_pages.models` reaches it through the API fields.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field
from typing_extensions import TypeAliasType


class PersonRef(Schema):
    """A person credited on a review; `url` is their filmography page."""

    id: int
    name: str
    slug: str
    url: str | None = Field(description="Absolute URL of the person's filmography page.")


class StudioRef(Schema):
    """A studio credited on a review; `url` is its filmography page."""

    id: int
    name: str
    slug: str
    url: str | None = Field(description="Absolute URL of the studio's filmography page.")


class GenreRef(Schema):
    """A genre of a review; `url` is the genre's page (its reviews, newest first)."""

    id: int
    name: str
    slug: str
    url: str | None = Field(description="Absolute URL of the genre's page.")


class CastCredit(Schema):
    person: PersonRef
    character: str


class ImageInfo(Schema):
    """An image as apps show it: a rendition's absolute URL and size, with alt text."""

    id: int
    title: str
    url: str
    width: int
    height: int
    alt: str


class Rendition(Schema):
    """One size and format of an image."""

    url: str
    width: int
    height: int
    format: Literal["avif", "webp", "jpeg", "png", "gif"]


class PosterInfo(ImageInfo):
    """The poster: the default rendition (`url`, `width`, `height`), and the renditions a
    client picks from: REVIEW_PAGES["POSTER_WIDTHS"] × ["POSTER_FORMATS"] (AVIF where the
    server's Pillow writes it), none wider than the original."""

    renditions: list[Rendition]


class StillInfo(ImageInfo):
    """A still of the film: the default rendition (`url`, `width`, `height`), its alt text
    (`alt`, always set), its caption, and renditions as the poster's."""

    caption: str
    renditions: list[Rendition]


class TrailerInfo(Schema):
    """The trailer. Show a facade (the poster or a still, a play button) and load
    `embed_url` only when the reader asks: it autoplays, from the provider's
    privacy-enhanced player."""

    provider: Literal["youtube", "vimeo"]
    url: str = Field(description="The video's page on YouTube or Vimeo.")
    embed_url: str = Field(
        description="The player: www.youtube-nocookie.com, or player.vimeo.com with dnt=1."
    )


class TextValue(Schema):
    text: str = Field(description="Display HTML.")


class HeadedTextValue(Schema):
    heading: str
    text: str = Field(description="Display HTML.")


class PerformanceValue(Schema):
    heading: str
    performers: list[PersonRef]
    text: str = Field(description="Display HTML.")


class SynopsisSection(Schema):
    type: Literal["synopsis"]
    value: TextValue
    id: str | None = None


class PerformanceSection(Schema):
    type: Literal["performance"]
    value: PerformanceValue
    id: str | None = None


class CritiqueSection(Schema):
    type: Literal["critique"]
    value: HeadedTextValue
    id: str | None = None


class FinalStatementSection(Schema):
    type: Literal["final_statement"]
    value: TextValue
    id: str | None = None


# A named alias (not a bare Annotated) so that `typing.get_type_hints`, which Wagtail's v3
# schema generator calls on the v2 fields, keeps the discriminator.
ReviewSection = TypeAliasType(
    "ReviewSection",
    Annotated[
        SynopsisSection | PerformanceSection | CritiqueSection | FinalStatementSection,
        Field(discriminator="type"),
    ],
)


class ReviewMeta(Schema):
    type: Literal["review_pages.ReviewPage"] = "review_pages.ReviewPage"
    slug: str
    detail_url: str
    html_url: str | None
    first_published_at: datetime.datetime | None
    last_published_at: datetime.datetime | None


class Review(Schema):
    """The design's review object."""

    id: int
    meta: ReviewMeta
    title: str
    film_title: str
    intro: str = Field(description="The standfirst, as display HTML.")
    poster: PosterInfo | None
    mpa_rating: str = Field(description="G, PG, PG-13, R, NC-17, NR, or empty.")
    mpa_rating_reason: str
    runtime_minutes: int | None
    release_date: datetime.date | None
    score: float | None = Field(description="0 to 5 in halves, when the critic gave one.")
    author: PersonRef | None
    directors: list[PersonRef]
    writers: list[PersonRef]
    cast: list[CastCredit]
    production_companies: list[StudioRef]
    distributor: StudioRef | None
    genres: list[GenreRef]
    trailer: TrailerInfo | None
    stills: list[StillInfo]
    body: list[ReviewSection]
    reading_minutes: int = Field(
        description="Minutes to read the body at REVIEW_PAGES['READING_WORDS_PER_MINUTE'] "
        "(230 by default), rounded up; 0 for a body without words."
    )
    featured: bool = Field(description="Whether an editor chose it to lead the front page.")
    imdb_id: str = Field(description="The film's IMDb title id (tt…), or empty.")
    tmdb_id: str = Field(description="The film's TMDB movie id (digits), or empty.")
    wikidata_id: str = Field(description="The film's Wikidata item (Q…), or empty.")


class Listing(Schema):
    count: int = Field(description="How many match, across all pages of results.")
    next: str | None = Field(description="The next page of results, or null on the last.")
    previous: str | None = Field(description="The previous page of results, or null on the first.")


class ReviewList(Listing):
    items: list[Review]


class ReviewRef(Schema):
    id: int
    title: str
    film_title: str
    url: str | None


class ReviewCard(ReviewRef):
    """A review as its card shows it, for what a reader may read next."""

    detail_url: str = Field(description="This review in the API.")
    poster: ImageInfo | None
    score: float | None = Field(description="0 to 5 in halves, when the critic gave one.")
    first_published_at: datetime.datetime | None


class ReviewDetail(Review):
    """A review with what a reader may read next (in the detail only, not in listings)."""

    related: list[ReviewCard] = Field(
        description="Up to 4 public reviews sharing the most genres, directors, writers and "
        "cast (each shared genre or director 3, writer 2, cast member 1), newest first "
        "among equals."
    )
    more_by_critic: list[ReviewCard] = Field(
        description="Up to 4 of the critic's newest other public reviews, leaving out those "
        "listed as related."
    )


class FilmographyCredit(Schema):
    review: ReviewRef
    role: str = Field(
        description="director, writer, cast or critic; production company or distributor."
    )
    character: str


class EntityMeta(Schema):
    detail_url: str
    html_url: str | None = Field(description="The filmography page.")


class Person(Schema):
    id: int
    meta: EntityMeta
    name: str
    slug: str
    bio: str = Field(description="Display HTML.")
    photo: ImageInfo | None
    imdb_id: str = Field(description="The person's IMDb name id (nm…), or empty.")
    wikidata_id: str = Field(description="The person's Wikidata item (Q…), or empty.")


class PersonDetail(Person):
    credits: list[FilmographyCredit]


class Studio(Schema):
    id: int
    meta: EntityMeta
    name: str
    slug: str
    website: str
    logo: ImageInfo | None


class StudioDetail(Studio):
    credits: list[FilmographyCredit]


class PersonList(Listing):
    items: list[Person]


class StudioList(Listing):
    items: list[Studio]


# The sync feed (`/api/v3/sync/`)


def _sync_action():
    return Field(
        description="upsert: add or replace it (`object` holds it); remove: it is no longer "
        "public (`object` is null)."
    )


def _sync_html_path():
    return Field(
        description="Its page's path on the site: where it is now (upsert), or where it was "
        "last public (remove)."
    )


def _sync_previous_path():
    return Field(
        description="Where its page was when your cursor was made, when that is not "
        "`html_path` (a slug changed, a review moved): that address is gone."
    )


class SyncReviewItem(Schema):
    type: Literal["review"]
    action: Literal["upsert", "remove"] = _sync_action()
    id: int
    html_path: str | None = _sync_html_path()
    previous_html_path: str | None = _sync_previous_path()
    object: Review | None = Field(description="As /api/v3/reviews/ lists it (upsert).")


class SyncPersonItem(Schema):
    type: Literal["person"]
    action: Literal["upsert", "remove"] = _sync_action()
    id: int
    html_path: str | None = _sync_html_path()
    previous_html_path: str | None = _sync_previous_path()
    object: Person | None = Field(description="As /api/v3/people/ lists them (upsert).")


class SyncStudioItem(Schema):
    type: Literal["studio"]
    action: Literal["upsert", "remove"] = _sync_action()
    id: int
    html_path: str | None = _sync_html_path()
    previous_html_path: str | None = _sync_previous_path()
    object: Studio | None = Field(description="As /api/v3/studios/ lists them (upsert).")


SyncItem = TypeAliasType(
    "SyncItem",
    Annotated[SyncReviewItem | SyncPersonItem | SyncStudioItem, Field(discriminator="type")],
)


class SyncFeed(Schema):
    """One answer of the sync feed: items ordered by type (reviews, people, studios) then
    id, each entity once, in its latest state."""

    items: list[SyncItem]
    next: str = Field(
        description="The cursor to send as `since`: the rest of this change set while "
        "`has_more`, else the start of the next one (keep it for your next sync)."
    )
    has_more: bool = Field(description="Whether `next` continues this change set.")
