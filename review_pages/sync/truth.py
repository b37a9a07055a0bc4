"""What is public now, with the paths and credits the sync log keeps: by the one rule
(`ReviewPage.objects.public_now()`, `publicly_credited` and `publicly_credited_among`),
never a variant of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import CharField, Value

from people.models import Person, Studio

from ..links import IndexLinks
from ..models import (
    CREDIT_LISTS,
    ReviewPage,
    SyncKind,
    performer_ids,
    publicly_credited,
    publicly_credited_among,
)

ENTITY_KINDS = {SyncKind.PERSON: "person", SyncKind.STUDIO: "studio"}


@dataclass(frozen=True)
class Seen:
    """An entity as front ends see it: public or not, its path (its last public path once
    it is gone), and for a review whom it credits."""

    public: bool
    html_path: str
    people: frozenset[int] = frozenset()
    studios: frozenset[int] = frozenset()

    @property
    def credits(self) -> dict[str, list[int]]:
        return {"people": sorted(self.people), "studios": sorted(self.studios)}


def path_of(url: str | None) -> str:
    """The path of an address (relative or absolute), as the sync feed and webhooks give it."""
    return urlsplit(url).path if url else ""


def review_path(page) -> str:
    parts = page.get_url_parts()
    return parts[2] if parts is not None and parts[2] else ""


def entity_links() -> IndexLinks:
    """The filmography links of people and studios: the site's first live review index, as
    the API's own people and studios link to (one query)."""
    return IndexLinks.for_site()


def entity_path(links: IndexLinks, kind: int, slug: str) -> str:
    return path_of(getattr(links, ENTITY_KINDS[kind])(slug))


def credits_of(pages) -> dict[int, tuple[frozenset[int], frozenset[int]]]:
    """(person ids, studio ids) each review credits: every credit list (one UNION query for
    all of them), the critic, the distributor and the performers of its sections."""
    pages = list(pages)
    people: dict[int, set[int]] = {page.pk: set() for page in pages}
    studios: dict[int, set[int]] = {page.pk: set() for page in pages}
    if pages:
        ids = list(people)
        arms = [
            model.objects.filter(page_id__in=ids)
            .annotate(credited=Value(target, output_field=CharField()))
            .values_list("page_id", f"{target}_id", "credited")
            .order_by()  # Orderable's default order: not allowed in a UNION's parts
            for model, target in CREDIT_LISTS.values()
        ]
        # The UNION's own order cleared too: Django 6.1 otherwise orders it by the first
        # arm's Meta ordering, a column the union does not select (SQLite refuses it).
        for page_id, credited_id, target in arms[0].union(*arms[1:], all=True).order_by():
            (people if target == "person" else studios)[page_id].add(credited_id)
    for page in pages:
        if page.author_id:
            people[page.pk].add(page.author_id)
        if page.distributor_id:
            studios[page.pk].add(page.distributor_id)
        people[page.pk] |= performer_ids([page])
    return {pk: (frozenset(people[pk]), frozenset(studios[pk])) for pk in people}


def public_reviews(ids: Iterable[int] | None = None):
    """The reviews public now (among `ids`), as model objects."""
    reviews = ReviewPage.objects.public_now()
    if ids is not None:
        reviews = reviews.filter(pk__in=list(ids))
    return reviews


def seen_reviews(pages) -> dict[int, Seen]:
    """Public reviews (already read) as front ends see them now."""
    credits = credits_of(pages)
    return {page.pk: Seen(True, review_path(page), *credits[page.pk]) for page in pages}


def public_entity_slugs(kind: int, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The people or studios public now (among `ids`): their slugs by id."""
    if ids is None:
        entities = publicly_credited(ENTITY_KINDS[kind])
    else:
        public = publicly_credited_among(ENTITY_KINDS[kind], ids)
        if not public:
            return {}
        model = Person if kind == SyncKind.PERSON else Studio
        entities = model.objects.filter(pk__in=public)
    return dict(entities.values_list("pk", "slug"))
