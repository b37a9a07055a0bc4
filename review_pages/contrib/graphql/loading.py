"""Batched loading: what a GraphQL answer reads costs the same queries for 1 review or 100.

GraphQL resolves field by field, object by object; reading each review's credits, each
person's filmography or photo where it is asked for would cost queries per object. Objects
made together instead share a *batch*, and the first object asked for something the batch
has not read yet reads it for every object of the batch at once:

- `ReviewBatch`: reviews listed together (a listing, a search, a filmography, related
  reviews). Their credits, genres, stills, critics, distributors and performers are read
  in ONE query (`models.load_credits`, as both REST APIs do); posters and stills through the
  same `shapes.ShapeContext` as the APIs (missing renditions made at once).
- `EntityBatch`: people or studios shown together (the credits of a batch of reviews, a
  search). Their public credits are read in two queries (the credit tables, then the
  reviews that are public now), their photos or logos with their renditions in two.

What an answer shows is recorded as it is read (`shown.record`), like the REST views, so the
tagged response cache keeps a GET answer exactly until something it shows changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from wagtail.images import get_image_model

from people.models import Person, Studio

from ... import shown
from ...api import renditions, shapes
from ...links import IndexLinks
from ...models import (
    PERSON_CREDITS,
    STUDIO_CREDITS,
    ReviewPage,
    load_credits,
    performers_by_id,
    shown_genre_ids,
    shown_ids,
)


@dataclass
class AnswerContext:
    """One GraphQL operation's context: the request, and what its answer may be kept as.

    `private`: it shows a draft (a preview): never stored, `Cache-Control: private,
    no-store`. `unrecorded`: some part of it cannot be tied to what it shows (a search, whose
    results any change may alter): sent with the public caching headers, as the REST APIs'
    searches are, but never stored by the response cache.
    """

    request: HttpRequest | None
    private: bool = False
    unrecorded: bool = False
    _site_links: IndexLinks | None = field(default=None, repr=False)

    def site_links(self) -> IndexLinks:
        """The filmography links of the site's first review index (absolute, made once)."""
        if self._site_links is None:
            self._site_links = IndexLinks.for_site(self.request, absolute=True)
        return self._site_links


class ReviewBatch:
    """Reviews made together, loading what any of them is asked for for all at once.

    `preview`: the one review is a draft read with a preview token; its credits are its own
    unsaved ones (loading them would replace them with the saved ones) and nothing is
    recorded.
    """

    def __init__(self, pages: Iterable, answer: AnswerContext, *, preview: bool = False):
        self.pages = list(pages)
        self.answer = answer
        self.preview = preview
        self.context = shapes.ShapeContext(answer.request, pages=None if preview else self.pages)
        self._credits_loaded = preview
        self._people: EntityBatch | None = None
        self._studios: EntityBatch | None = None
        self._next_reads: dict[int, tuple[Any, ReviewBatch]] = {}
        if not preview:
            shown.record(reviews=[page.pk for page in self.pages])

    def credits(self) -> None:
        """Every credit list, critic, distributor, genre, still and performer of the batch:
        ONE query, the first time any review of it is asked for one."""
        if self._credits_loaded:
            return
        self._credits_loaded = True
        self.context.performers = load_credits(self.pages, with_performers=True)
        person_ids, studio_ids = shown_ids(self.pages)
        shown.record(people=person_ids, studios=studio_ids, genres=shown_genre_ids(self.pages))

    def performers(self) -> dict[int, Any]:
        """The people named in the batch's performance sections, by id."""
        self.credits()
        if self.context.performers is None:  # a preview: its own sections' performers
            self.context.performers = performers_by_id(self.pages)
        return self.context.performers

    def value(self, page, name: str):
        """A field of the v3 review object (`shapes.REVIEW_FIELDS`), as the APIs give it."""
        return shapes.REVIEW_FIELDS[name](page, self.context)

    def links(self, page) -> IndexLinks:
        return self.context.links_for(page)

    def next_reads(self, page, which: str) -> tuple[list, ReviewBatch]:
        """(`related` or `more_by_critic` of the review, the batch they belong to): what a
        reader may read next, as the v3 detail lists it (`ReviewPage.next_reads`, which
        records what it lists and what it scored by). Three queries per review."""
        found = self._next_reads.get(page.pk)
        if found is None:
            self.credits()
            reads = page.next_reads()
            found = self._next_reads[page.pk] = (reads, ReviewBatch(reads.listed, self.answer))
        reads, batch = found
        return list(getattr(reads, which)), batch

    def people(self) -> EntityBatch:
        """Everyone the batch credits or names (critics and performers included), as one
        batch of people: all of them at once, since GraphQL resolves depth first (the first
        review's cast asks for filmographies before the second review is reached)."""
        if self._people is None:
            self.credits()
            found = {}
            for page in self.pages:
                for relation in PERSON_CREDITS:
                    for credit in getattr(page, relation).all():
                        found.setdefault(credit.person_id, credit.person)
                if page.author_id:
                    found.setdefault(page.author_id, page.author)
            for person in self.performers().values():
                found.setdefault(person.pk, person)
            self._people = EntityBatch(PERSON, found.values(), self.answer, record=not self.preview)
        return self._people

    def studios(self) -> EntityBatch:
        """Every studio the batch credits, as one batch."""
        if self._studios is None:
            self.credits()
            found = {}
            for page in self.pages:
                for relation in STUDIO_CREDITS:
                    for credit in getattr(page, relation).all():
                        found.setdefault(credit.studio_id, credit.studio)
                if page.distributor_id:
                    found.setdefault(page.distributor_id, page.distributor)
            self._studios = EntityBatch(
                STUDIO, found.values(), self.answer, record=not self.preview
            )
        return self._studios


@dataclass(frozen=True)
class EntityKind:
    """People or studios: their credit tables (relation: (model, target field)), the review
    field naming them beside those (critic, distributor) and its role, and their image."""

    name: str
    model: type
    credit_tables: dict
    own_field: str
    own_role: str
    image_field: str
    #: The role of each credit table, as the REST APIs name it (`filmography_credits`).
    roles: dict[str, str]


PERSON = EntityKind(
    "person",
    Person,
    PERSON_CREDITS,
    "author",
    "critic",
    "photo",
    {"directors": "director", "writers": "writer", "cast": "cast"},
)
STUDIO = EntityKind(
    "studio",
    Studio,
    STUDIO_CREDITS,
    "distributor",
    "distributor",
    "logo",
    {"production_companies": "production company"},
)


@dataclass
class FoundCredit:
    """One public credit of a person or studio: the review, the role, the part played."""

    page: Any
    role: str
    character: str
    batch: ReviewBatch


class EntityBatch:
    """People (or studios) shown together: their credits and images read for all at once."""

    def __init__(
        self, kind: EntityKind, entities: Iterable, answer: AnswerContext, *, record: bool = True
    ):
        self.kind = kind
        self.answer = answer
        self.members: dict[int, Any] = {entity.pk: entity for entity in entities}
        self._credits: dict[int, list[FoundCredit]] | None = None
        self._images: dict[int, Any] | None = None
        if record and self.members:
            ids = list(self.members)
            if kind is PERSON:
                shown.record(people=ids)
            else:
                shown.record(studios=ids)

    # Credits

    def _credit_rows(self, ids: list[int]) -> list[tuple[str, int, int, str]]:
        """(relation, entity id, review id, character) of every credit of these people or
        studios: ONE query, a UNION ALL over the credit tables (no join)."""
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(ids))
        arms, params = [], []
        for relation, (model, target) in self.kind.credit_tables.items():
            has_character = any(f.name == "character" for f in model._meta.concrete_fields)
            character = quote("character") if has_character else "''"
            arms.append(
                # Only names from the models' own metadata and "%s" placeholders.
                f"SELECT '{relation}', {quote(target + '_id')}, {quote('page_id')}, "  # noqa: S608
                f"{character}, {quote('sort_order')} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(target + '_id')} IN ({placeholders})"
            )
            params += ids
        sql = " UNION ALL ".join(arms) + " ORDER BY 5"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[:4] for row in cursor.fetchall()]

    def credits_of(self, entity_id: int) -> list[FoundCredit]:
        """The entity's credits on reviews public now, by role (the credit lists in order,
        then critic or distributor), newest release first within each: what the REST
        APIs' `credits` list. Two queries for the whole batch."""
        if self._credits is None:
            self._credits = self._read_credits()
        return self._credits.get(entity_id, [])

    def _read_credits(self) -> dict[int, list[FoundCredit]]:
        ids = sorted(self.members)
        if not ids:
            return {}
        rows = self._credit_rows(ids)
        own = f"{self.kind.own_field}_id"
        reviews = list(
            ReviewPage.objects.public_now()
            .filter(Q(pk__in={page_id for _, _, page_id, _ in rows}) | Q(**{f"{own}__in": ids}))
            .select_related("poster")
            .order_by("-release_date", "title")
        )
        batch = ReviewBatch(reviews, self.answer)
        by_review = {page.pk: page for page in reviews}
        found: dict[int, list[FoundCredit]] = {}
        for relation in self.kind.credit_tables:
            role = self.kind.roles[relation]
            parts: dict[tuple[int, int], list[str]] = {}
            for kind, entity_id, page_id, character in rows:
                if kind == relation and page_id in by_review:
                    parts.setdefault((entity_id, page_id), []).append(character or "")
            for page in reviews:  # newest release first
                for entity_id in ids:
                    for character in parts.get((entity_id, page.pk), ()):
                        found.setdefault(entity_id, []).append(
                            FoundCredit(page, role, character, batch)
                        )
        for page in reviews:
            entity_id = getattr(page, own)
            if entity_id in self.members:
                found.setdefault(entity_id, []).append(
                    FoundCredit(page, self.kind.own_role, "", batch)
                )
        return found

    # Images

    def image_of(self, entity):
        """The entity's photo or logo with its portrait rendition: two queries for the
        batch (the images with their renditions), the missing renditions made at once."""
        image_id = getattr(entity, f"{self.kind.image_field}_id")
        if not image_id:
            return None
        if self._images is None or image_id not in self._images:
            wanted = {
                getattr(member, f"{self.kind.image_field}_id") for member in self.members.values()
            } | {image_id}
            wanted.discard(None)
            images = get_image_model().objects.prefetch_renditions().in_bulk(wanted)
            renditions.ensure(images.values(), lambda image: [shapes.PORTRAIT_RENDITION])
            self._images = images
        return self._images.get(image_id)


def image_info(image, request, spec: str = shapes.PORTRAIT_RENDITION):
    return shapes.image_info(image, request, spec) if image is not None else None
