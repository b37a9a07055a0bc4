"""References to the people and studios a review credits, as pages and apps show them.

`person_ref` / `studio_ref` make the design's PersonRef and StudioRef
(`{id, name, slug, url}`, `url` being the filmography page); `review_credits` gathers a
review's credits from its loaded rows (see `ReviewPage.objects.with_credits()`). The HTML
pages, the JSON-LD and both APIs read credits through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from people.models import Person, Studio

    from .links import IndexLinks


def person_ref(person: Person, links: IndexLinks) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "slug": person.slug,
        "url": links.person(person.slug),
    }


def studio_ref(studio: Studio, links: IndexLinks) -> dict[str, Any]:
    return {
        "id": studio.pk,
        "name": studio.name,
        "slug": studio.slug,
        "url": links.studio(studio.slug),
    }


def genre_ref(genre, links: IndexLinks) -> dict[str, Any]:
    """A GenreRef: `url` is the genre's page on the review index."""
    return {"id": genre.pk, "name": genre.name, "slug": genre.slug, "url": links.genre(genre.slug)}


def genre_refs(page, links: IndexLinks) -> list[dict[str, Any]]:
    """The review's genres, in the editor's order."""
    return [genre_ref(row.genre, links) for row in page.genres.all()]


def people_refs(page, relation: str, links: IndexLinks) -> list[dict[str, Any]]:
    """`directors` or `writers`, in billing order."""
    return [person_ref(credit.person, links) for credit in getattr(page, relation).all()]


def cast_refs(page, links: IndexLinks) -> list[dict[str, Any]]:
    return [
        {"person": person_ref(credit.person, links), "character": credit.character}
        for credit in page.cast.all()
    ]


def company_refs(page, links: IndexLinks) -> list[dict[str, Any]]:
    return [studio_ref(credit.studio, links) for credit in page.production_companies.all()]


def author_ref(page, links: IndexLinks) -> dict[str, Any] | None:
    return person_ref(page.author, links) if page.author_id else None


def distributor_ref(page, links: IndexLinks) -> dict[str, Any] | None:
    return studio_ref(page.distributor, links) if page.distributor_id else None


def review_credits(page, links: IndexLinks) -> dict[str, Any]:
    """The credits of one review: directors, writers, cast, studios, distributor, author."""
    return {
        "directors": people_refs(page, "directors", links),
        "writers": people_refs(page, "writers", links),
        "cast": cast_refs(page, links),
        "production_companies": company_refs(page, links),
        "distributor": distributor_ref(page, links),
        "author": author_ref(page, links),
    }
