"""The GraphQL types: reviews, people, studios, genres, images, and the review's sections.

Every value comes from the same place as the REST APIs' (`api.shapes.REVIEW_FIELDS`,
`api.shapes.image_info`, `api.shapes.review_body`, `refs`), so both APIs and GraphQL say
the same thing; credits are objects (`Person`, `Studio`), never ids. What a field reads is
read for its whole batch at once (`loading`).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import strawberry

from ...links import IndexLinks
from ...text import rich_text_html
from .loading import EntityBatch, FoundCredit, ReviewBatch, image_info

RICH_TEXT = "Display HTML."


@strawberry.type(description="An image as apps show it: a rendition's URL and size, alt text.")
class Image:
    id: strawberry.ID
    title: str
    url: str = strawberry.field(description="Absolute URL of the rendition.")
    width: int
    height: int
    alt: str


@strawberry.type(description="One size and format of an image.")
class Rendition:
    url: str
    width: int
    height: int
    format: str = strawberry.field(description="avif, webp or jpeg.")


@strawberry.type(
    description="The poster: the default rendition (`url`, `width`, `height`) and the "
    "renditions a client picks from (REVIEW_PAGES['POSTER_WIDTHS'] x ['POSTER_FORMATS'])."
)
class Poster(Image):
    renditions: list[Rendition]


@strawberry.type(description="A still of the film, with its caption and renditions.")
class Still(Image):
    caption: str
    renditions: list[Rendition]


@strawberry.type(
    description="The trailer: show a facade and load `embedUrl` only when the reader asks."
)
class Trailer:
    provider: str = strawberry.field(description="youtube or vimeo.")
    url: str = strawberry.field(description="The video's page on YouTube or Vimeo.")
    embed_url: str = strawberry.field(description="The privacy-enhanced player.")


@strawberry.type(description="A genre of a review; `url` is its page (its reviews).")
class Genre:
    id: strawberry.ID
    name: str
    slug: str
    url: str | None


def _image(data: dict | None, kind: type = Image):
    if data is None:
        return None
    values = {key: data[key] for key in ("id", "title", "url", "width", "height", "alt")}
    if kind is not Image:
        values["renditions"] = [Rendition(**item) for item in data["renditions"]]
    if kind is Still:
        values["caption"] = data["caption"]
    return kind(**values)


@strawberry.type(description="One public credit: the review, the role, the part played.")
class Credit:
    found: strawberry.Private[FoundCredit]

    @strawberry.field(description="A review public now.")
    def review(self) -> Review:
        return Review.of(self.found.page, self.found.batch)

    @strawberry.field(
        description="director, writer, cast or critic; production company or distributor."
    )
    def role(self) -> str:
        return self.found.role

    @strawberry.field(description="The part played (cast), else empty.")
    def character(self) -> str:
        return self.found.character


@strawberry.type(description="A person credited on reviews (director, writer, cast, critic).")
class Person:
    # Plain values, read without a resolver of their own (a listing shows hundreds of
    # people); what costs more is resolved when asked for, for the whole batch at once.
    id: strawberry.ID
    name: str
    slug: str
    url: str | None = strawberry.field(description="Absolute URL of the person's filmography page.")
    imdb_id: str = strawberry.field(description="The person's IMDb name id (nm…), or empty.")
    wikidata_id: str = strawberry.field(description="The person's Wikidata item (Q…), or empty.")
    entity: strawberry.Private[Any]
    batch: strawberry.Private[EntityBatch]

    @classmethod
    def of(cls, entity, batch: EntityBatch, links: IndexLinks) -> Person:
        return cls(
            id=strawberry.ID(str(entity.pk)),
            name=entity.name,
            slug=entity.slug,
            url=links.person(entity.slug),
            imdb_id=entity.imdb_id,
            wikidata_id=entity.wikidata_id,
            entity=entity,
            batch=batch,
        )

    @strawberry.field(description=RICH_TEXT)
    def bio(self) -> str:
        return rich_text_html(self.entity.bio or "")

    @strawberry.field
    def photo(self) -> Image | None:
        image = self.batch.image_of(self.entity)
        return _image(image_info(image, self.batch.answer.request))

    @strawberry.field(
        description="Their credits on reviews public now: directing, writing, cast (with "
        "the part), then as the critic; newest release first within each."
    )
    def credits(self) -> list[Credit]:
        return [Credit(found=found) for found in self.batch.credits_of(self.entity.pk)]


@strawberry.type(description="A studio credited on reviews (production company, distributor).")
class Studio:
    id: strawberry.ID
    name: str
    slug: str
    url: str | None = strawberry.field(description="Absolute URL of the studio's filmography page.")
    website: str
    entity: strawberry.Private[Any]
    batch: strawberry.Private[EntityBatch]

    @classmethod
    def of(cls, entity, batch: EntityBatch, links: IndexLinks) -> Studio:
        return cls(
            id=strawberry.ID(str(entity.pk)),
            name=entity.name,
            slug=entity.slug,
            url=links.studio(entity.slug),
            website=entity.website,
            entity=entity,
            batch=batch,
        )

    @strawberry.field
    def logo(self) -> Image | None:
        image = self.batch.image_of(self.entity)
        return _image(image_info(image, self.batch.answer.request))

    @strawberry.field(
        description="Its credits on reviews public now: as a production company, then as "
        "the distributor; newest release first within each."
    )
    def credits(self) -> list[Credit]:
        return [Credit(found=found) for found in self.batch.credits_of(self.entity.pk)]


@strawberry.type(description="A cast member: the person and the part they play.")
class CastMember:
    person: Person
    character: str


@strawberry.type(description="The synopsis (first).")
class SynopsisSection:
    id: str | None
    text: str = strawberry.field(description=RICH_TEXT)


@strawberry.type(description="The performances, naming the performers it discusses.")
class PerformanceSection:
    id: str | None
    heading: str
    performers: list[Person]
    text: str = strawberry.field(description=RICH_TEXT)


@strawberry.type(description="A critique (a review may have several).")
class CritiqueSection:
    id: str | None
    heading: str
    text: str = strawberry.field(description=RICH_TEXT)


@strawberry.type(description="The final statement (last).")
class FinalStatementSection:
    id: str | None
    text: str = strawberry.field(description=RICH_TEXT)


ReviewSection = Annotated[
    SynopsisSection | PerformanceSection | CritiqueSection | FinalStatementSection,
    strawberry.union("ReviewSection", description="A section of a review's body."),
]


#: The review's fields read from its own columns (`shapes.REVIEW_FIELDS`).
PLAIN_FIELDS = (
    "film_title",
    "mpa_rating",
    "mpa_rating_reason",
    "runtime_minutes",
    "release_date",
    "score",
    "featured",
    "imdb_id",
    "tmdb_id",
    "wikidata_id",
)


def _person(page, batch: ReviewBatch, person) -> Person:
    return Person.of(person, batch.people(), batch.links(page))


def _studio(page, batch: ReviewBatch, studio) -> Studio:
    return Studio.of(studio, batch.studios(), batch.links(page))


@strawberry.type(description="A film review: the v3 API's review object, credits as objects.")
class Review:
    # The review's own columns, read without a resolver of their own; the rest (HTML, URLs,
    # images, credits, sections) is resolved when asked for, for the whole batch at once.
    id: strawberry.ID
    slug: str
    title: str = strawberry.field(description="The headline.")
    first_published_at: datetime.datetime | None
    last_published_at: datetime.datetime | None
    film_title: str
    mpa_rating: str = strawberry.field(description="G, PG, PG-13, R, NC-17, NR, or empty.")
    mpa_rating_reason: str
    runtime_minutes: int | None
    release_date: datetime.date | None
    score: float | None = strawberry.field(
        description="0 to 5 in halves, when the critic gave one."
    )
    featured: bool = strawberry.field(
        description="Whether an editor chose it to lead the front page."
    )
    imdb_id: str = strawberry.field(description="The film's IMDb title id (tt…), or empty.")
    tmdb_id: str = strawberry.field(description="The film's TMDB movie id, or empty.")
    wikidata_id: str = strawberry.field(description="The film's Wikidata item (Q…), or empty.")
    page: strawberry.Private[Any]
    batch: strawberry.Private[ReviewBatch]

    @classmethod
    def of(cls, page, batch: ReviewBatch) -> Review:
        """The review's plain values, as `shapes.REVIEW_FIELDS` gives them."""
        values = {name: batch.value(page, name) for name in PLAIN_FIELDS}
        return cls(
            id=strawberry.ID(str(page.pk)),
            slug=page.slug,
            title=page.title,
            first_published_at=page.first_published_at,
            last_published_at=page.last_published_at,
            **values,
            page=page,
            batch=batch,
        )

    def _value(self, name: str):
        return self.batch.value(self.page, name)

    @strawberry.field(description="Absolute URL of the review's page.")
    def url(self) -> str | None:
        return self.page.get_full_url(self.batch.answer.request)

    @strawberry.field(description="The review page's path on its site, e.g. /ballerina/.")
    def path(self) -> str | None:
        parts = self.page.get_url_parts(self.batch.answer.request)
        return parts[2] if parts else None

    @strawberry.field(description="The standfirst, as display HTML.")
    def intro(self) -> str:
        return self._value("intro")

    @strawberry.field
    def poster(self) -> Poster | None:
        return _image(self._value("poster"), Poster)

    @strawberry.field(description="The critic.")
    def author(self) -> Person | None:
        self.batch.credits()
        return _person(self.page, self.batch, self.page.author) if self.page.author_id else None

    @strawberry.field(description="In billing order.")
    def directors(self) -> list[Person]:
        self.batch.credits()
        return [_person(self.page, self.batch, c.person) for c in self.page.directors.all()]

    @strawberry.field(description="In billing order.")
    def writers(self) -> list[Person]:
        self.batch.credits()
        return [_person(self.page, self.batch, c.person) for c in self.page.writers.all()]

    @strawberry.field(description="In billing order, each with the part played.")
    def cast(self) -> list[CastMember]:
        self.batch.credits()
        return [
            CastMember(person=_person(self.page, self.batch, c.person), character=c.character)
            for c in self.page.cast.all()
        ]

    @strawberry.field
    def production_companies(self) -> list[Studio]:
        self.batch.credits()
        return [
            _studio(self.page, self.batch, c.studio) for c in self.page.production_companies.all()
        ]

    @strawberry.field
    def distributor(self) -> Studio | None:
        self.batch.credits()
        if not self.page.distributor_id:
            return None
        return _studio(self.page, self.batch, self.page.distributor)

    @strawberry.field(description="In the editor's order.")
    def genres(self) -> list[Genre]:
        self.batch.credits()
        return [Genre(**genre) for genre in self._value("genres")]

    @strawberry.field
    def trailer(self) -> Trailer | None:
        data = self._value("trailer")
        return Trailer(**data) if data else None

    @strawberry.field
    def stills(self) -> list[Still]:
        self.batch.credits()
        return [_image(still, Still) for still in self._value("stills")]

    @strawberry.field(description="The sections, in order: synopsis first, final statement last.")
    def body(self) -> list[ReviewSection]:
        performers = self.batch.performers()
        sections: list = []
        for section in self._value("body"):
            kind, value, section_id = section["type"], section["value"], section["id"]
            if kind == "synopsis":
                sections.append(SynopsisSection(id=section_id, text=value["text"]))
            elif kind == "performance":
                people = [
                    _person(self.page, self.batch, performers[ref["id"]])
                    for ref in value["performers"]
                ]
                sections.append(
                    PerformanceSection(
                        id=section_id,
                        heading=value["heading"],
                        performers=people,
                        text=value["text"],
                    )
                )
            elif kind == "critique":
                sections.append(
                    CritiqueSection(id=section_id, heading=value["heading"], text=value["text"])
                )
            else:
                sections.append(FinalStatementSection(id=section_id, text=value["text"]))
        return sections

    @strawberry.field(
        description="Minutes to read the body at REVIEW_PAGES['READING_WORDS_PER_MINUTE']."
    )
    def reading_minutes(self) -> int:
        return self._value("reading_minutes")

    @strawberry.field(
        description="Up to 4 public reviews sharing the most genres, directors, writers and "
        "cast, newest first among equals (as the v3 detail's `related`). It reads three "
        "queries per review, and weighs as much in the query cost."
    )
    def related(self) -> list[Review]:
        pages, batch = self.batch.next_reads(self.page, "related")
        return [Review.of(page, batch) for page in pages]

    @strawberry.field(
        description="Up to 4 of the critic's newest other public reviews, leaving out those "
        "listed as related (as the v3 detail's `more_by_critic`)."
    )
    def more_by_critic(self) -> list[Review]:
        pages, batch = self.batch.next_reads(self.page, "more_by_critic")
        return [Review.of(page, batch) for page in pages]


@strawberry.type(description="What a search found: reviews, people and studios.")
class SearchResults:
    reviews: list[Review] = strawberry.field(description="Best match first.")
    people: list[Person] = strawberry.field(description="Names starting with the words.")
    studios: list[Studio] = strawberry.field(description="Names starting with the words.")


def reviews_of(batch: ReviewBatch) -> list[Review]:
    return [Review.of(page, batch) for page in batch.pages]
