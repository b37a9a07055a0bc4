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
        return Review(page=self.found.page, batch=self.found.batch)

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
    entity: strawberry.Private[Any]
    batch: strawberry.Private[EntityBatch]
    links: strawberry.Private[IndexLinks]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.entity.pk))

    @strawberry.field
    def name(self) -> str:
        return self.entity.name

    @strawberry.field
    def slug(self) -> str:
        return self.entity.slug

    @strawberry.field(description="Absolute URL of the person's filmography page.")
    def url(self) -> str | None:
        return self.links.person(self.entity.slug)

    @strawberry.field(description=RICH_TEXT)
    def bio(self) -> str:
        return rich_text_html(self.entity.bio or "")

    @strawberry.field
    def photo(self) -> Image | None:
        image = self.batch.image_of(self.entity)
        return _image(image_info(image, self.batch.answer.request))

    @strawberry.field(description="The person's IMDb name id (nm…), or empty.")
    def imdb_id(self) -> str:
        return self.entity.imdb_id

    @strawberry.field(description="The person's Wikidata item (Q…), or empty.")
    def wikidata_id(self) -> str:
        return self.entity.wikidata_id

    @strawberry.field(
        description="Their credits on reviews public now: directing, writing, cast (with "
        "the part), then as the critic; newest release first within each."
    )
    def credits(self) -> list[Credit]:
        return [Credit(found=found) for found in self.batch.credits_of(self.entity.pk)]


@strawberry.type(description="A studio credited on reviews (production company, distributor).")
class Studio:
    entity: strawberry.Private[Any]
    batch: strawberry.Private[EntityBatch]
    links: strawberry.Private[IndexLinks]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.entity.pk))

    @strawberry.field
    def name(self) -> str:
        return self.entity.name

    @strawberry.field
    def slug(self) -> str:
        return self.entity.slug

    @strawberry.field(description="Absolute URL of the studio's filmography page.")
    def url(self) -> str | None:
        return self.links.studio(self.entity.slug)

    @strawberry.field
    def website(self) -> str:
        return self.entity.website

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


def _person(page, batch: ReviewBatch, person) -> Person:
    return Person(entity=person, batch=batch.people(), links=batch.links(page))


def _studio(page, batch: ReviewBatch, studio) -> Studio:
    return Studio(entity=studio, batch=batch.studios(), links=batch.links(page))


@strawberry.type(description="A film review: the v3 API's review object, credits as objects.")
class Review:
    page: strawberry.Private[Any]
    batch: strawberry.Private[ReviewBatch]

    def _value(self, name: str):
        return self.batch.value(self.page, name)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.page.pk))

    @strawberry.field
    def slug(self) -> str:
        return self.page.slug

    @strawberry.field(description="The headline.")
    def title(self) -> str:
        return self.page.title

    @strawberry.field(description="Absolute URL of the review's page.")
    def url(self) -> str | None:
        return self.page.get_full_url(self.batch.answer.request)

    @strawberry.field(description="The review page's path on its site, e.g. /ballerina/.")
    def path(self) -> str | None:
        parts = self.page.get_url_parts(self.batch.answer.request)
        return parts[2] if parts else None

    @strawberry.field
    def first_published_at(self) -> datetime.datetime | None:
        return self.page.first_published_at

    @strawberry.field
    def last_published_at(self) -> datetime.datetime | None:
        return self.page.last_published_at

    @strawberry.field
    def film_title(self) -> str:
        return self._value("film_title")

    @strawberry.field(description="The standfirst, as display HTML.")
    def intro(self) -> str:
        return self._value("intro")

    @strawberry.field
    def poster(self) -> Poster | None:
        return _image(self._value("poster"), Poster)

    @strawberry.field(description="G, PG, PG-13, R, NC-17, NR, or empty.")
    def mpa_rating(self) -> str:
        return self._value("mpa_rating")

    @strawberry.field
    def mpa_rating_reason(self) -> str:
        return self._value("mpa_rating_reason")

    @strawberry.field
    def runtime_minutes(self) -> int | None:
        return self._value("runtime_minutes")

    @strawberry.field
    def release_date(self) -> datetime.date | None:
        return self._value("release_date")

    @strawberry.field(description="0 to 5 in halves, when the critic gave one.")
    def score(self) -> float | None:
        return self._value("score")

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

    @strawberry.field(description="Whether an editor chose it to lead the front page.")
    def featured(self) -> bool:
        return self._value("featured")

    @strawberry.field(description="The film's IMDb title id (tt…), or empty.")
    def imdb_id(self) -> str:
        return self._value("imdb_id")

    @strawberry.field(description="The film's TMDB movie id, or empty.")
    def tmdb_id(self) -> str:
        return self._value("tmdb_id")

    @strawberry.field(description="The film's Wikidata item (Q…), or empty.")
    def wikidata_id(self) -> str:
        return self._value("wikidata_id")

    @strawberry.field(
        description="Up to 4 public reviews sharing the most genres, directors, writers and "
        "cast, newest first among equals (as the v3 detail's `related`). It reads three "
        "queries per review, and weighs as much in the query cost."
    )
    def related(self) -> list[Review]:
        pages, batch = self.batch.next_reads(self.page, "related")
        return [Review(page=page, batch=batch) for page in pages]

    @strawberry.field(
        description="Up to 4 of the critic's newest other public reviews, leaving out those "
        "listed as related (as the v3 detail's `more_by_critic`)."
    )
    def more_by_critic(self) -> list[Review]:
        pages, batch = self.batch.next_reads(self.page, "more_by_critic")
        return [Review(page=page, batch=batch) for page in pages]


@strawberry.type(description="What a search found: reviews, people and studios.")
class SearchResults:
    reviews: list[Review] = strawberry.field(description="Best match first.")
    people: list[Person] = strawberry.field(description="Names starting with the words.")
    studios: list[Studio] = strawberry.field(description="Names starting with the words.")


def reviews_of(batch: ReviewBatch) -> list[Review]:
    return [Review(page=page, batch=batch) for page in batch.pages]
