"""A person's or studio's credits across live reviews, by role (the filmography pages and the
API's person and studio entries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass
class FilmographyEntry:
    review: Any
    character: str = ""


@dataclass
class FilmographyRole:
    role: str
    entries: list[FilmographyEntry]


def _credit_rows(tables, own: tuple[str, Any, str, int]) -> list[tuple[str, int, str]]:
    """(role, review id, character) of every credit in `tables` ((role, credit model, its
    foreign key, the id, whether it names a character)) and of the reviews' own field
    (`own`: (role, review model, field, id): the critic, the distributor), in ONE raw query
    over each table's own index: compiling the ORM's UNION of annotated arms cost twice
    what running it did."""
    quote = connection.ops.quote_name
    own_role, review_model, own_field, own_id = own
    page_key = quote(review_model._meta.pk.column)
    # Only names from the models' own metadata and "%s" placeholders are put in the SQL.
    # Each arm's rows carry its position in `roles` (a number the SQL holds, not a parameter).
    roles = [own_role]
    arms = [
        f"SELECT 0, {page_key}, '' FROM {quote(review_model._meta.db_table)} "  # noqa: S608
        f"WHERE {quote(own_field + '_id')} = %s"
    ]
    params: list = [own_id]
    for role, model, target, target_id, with_character in tables:
        character = quote("character") if with_character else "''"
        arms.append(
            f"SELECT {len(roles)}, {quote('page_id')}, {character} "  # noqa: S608
            f"FROM {quote(model._meta.db_table)} WHERE {quote(target + '_id')} = %s"
        )
        roles.append(role)
        params.append(target_id)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), params)
        return [(roles[arm], page_id, character or "") for arm, page_id, character in cursor]


def _filmography(
    tables, reviews, own_role: str, own_field: str, own_id: int
) -> list[FilmographyRole]:
    """The roles in credit `tables` plus `own_role` (the reviews whose `own_field` is
    `own_id`: the critic, the distributor), from live `reviews` only, newest release
    first: two queries, the credits and then the reviews they name, whatever the number of
    roles.

    The reviews are read once with all their fields (the cards need them); filtering them
    by the credited ids keeps drafts and restricted reviews out, as the pages must."""
    rows = _credit_rows(tables, (own_role, reviews.model, own_field, own_id))
    if not rows:
        return []
    found = list(
        reviews.filter(pk__in={page_id for _, page_id, _ in rows}).order_by(
            "-release_date", "title"
        )
    )
    parts: dict[tuple[str, int], list[str]] = {}
    for role, page_id, character in rows:
        parts.setdefault((role, page_id), []).append(character)
    roles = [
        FilmographyRole(
            role,
            [
                FilmographyEntry(review, character)
                for review in found
                for character in parts.get((role, review.pk), ())
            ],
        )
        for role in [*(table[0] for table in tables), own_role]
    ]
    return [role for role in roles if role.entries]


def person_filmography(person, reviews) -> list[FilmographyRole]:
    """A person's credits across the given live reviews, grouped by role."""
    tables = [
        ("Director", person.director_credits.model, "person", person.pk, False),
        ("Writer", person.writer_credits.model, "person", person.pk, False),
        (CAST, person.cast_credits.model, "person", person.pk, True),
    ]
    return _filmography(tables, reviews, CRITIC, "author", person.pk)


def studio_filmography(studio, reviews) -> list[FilmographyRole]:
    """A studio's credits across the given live reviews, grouped by role."""
    tables = [("Production company", studio.production_credits.model, "studio", studio.pk, False)]
    return _filmography(tables, reviews, "Distributor", "distributor", studio.pk)


@dataclass
class FilmCredit:
    """One film on a filmography page, with every role the person or studio had in it."""

    review: Any
    roles: list[str]
    characters: list[str]

    @property
    def credit_line(self) -> str:
        """ "Director, Writer · as Winston": the roles, then the parts played."""
        roles = [role for role in self.roles if role != CAST or not self.characters]
        parts = [", ".join(roles)] if roles else []
        if self.characters:
            parts.append("as " + " / ".join(self.characters))
        return " · ".join(parts)


CAST = "Cast"
CRITIC = "Critic"


def films(roles: list[FilmographyRole], *, leave_out: tuple[str, ...] = (CRITIC,)):
    """The films of a filmography, each once with all its roles, newest release first
    (films without a release date last). A critic's reviews are listed apart."""
    by_review: dict[int, FilmCredit] = {}
    for role in roles:
        if role.role in leave_out:
            continue
        for entry in role.entries:
            film = by_review.get(entry.review.pk)
            if film is None:
                film = by_review[entry.review.pk] = FilmCredit(entry.review, [], [])
            if role.role not in film.roles:
                film.roles.append(role.role)
            if entry.character and entry.character not in film.characters:
                film.characters.append(entry.character)
    return sorted(
        by_review.values(),
        key=lambda film: (
            film.review.release_date is None,
            -(film.review.release_date.toordinal() if film.review.release_date else 0),
            film.review.title,
        ),
    )


def written_reviews(roles: list[FilmographyRole]) -> list:
    """The reviews the person wrote as the critic, newest published first."""
    reviews = [entry.review for role in roles if role.role == CRITIC for entry in role.entries]
    return sorted(
        reviews,
        key=lambda review: (
            review.first_published_at.timestamp() if review.first_published_at else 0
        ),
        reverse=True,
    )


def find_by_slug(model, slug: str):
    """The person or studio with this slug, or None. MySQL's default collations compare
    slugs ignoring accents and case: the exact one wins, else the first that compares equal
    (the caller redirects to its own address)."""
    matches = list(model.objects.filter(slug=slug).order_by("pk")[:10])
    exact = [match for match in matches if match.slug == slug]
    return (exact or matches or [None])[0]


def listed_review_ids(roles: list[FilmographyRole]) -> list[int]:
    """The reviews a filmography lists (it shows them: unpublishing one changes it)."""
    return sorted({entry.review.pk for role in roles for entry in role.entries})
