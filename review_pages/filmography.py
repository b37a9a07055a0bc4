"""A person's or studio's credits across live reviews, by role (the filmography pages and the
API's person and studio entries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, Q, Value


@dataclass
class FilmographyEntry:
    review: Any
    character: str = ""


@dataclass
class FilmographyRole:
    role: str
    entries: list[FilmographyEntry]


def _credit_rows(tables) -> list[tuple[str, int, str]]:
    """(role, review id, character) of every credit in `tables` ((role, credits, whether
    they name a character)), in ONE query: the credit tables alone, no join."""
    queries = [
        credits.order_by()
        .annotate(
            credit_role=Value(role, output_field=CharField()),
            credit_part=F("character") if with_character else Value("", CharField()),
        )
        .values_list("credit_role", "page_id", "credit_part")
        for role, credits, with_character in tables
    ]
    if len(queries) == 1:
        return list(queries[0])
    # No ORDER BY on the union: Django 6.1 would order it by the credit model's Meta ordering,
    # a column the values_list() arms do not select.
    return list(queries[0].union(*queries[1:], all=True).order_by())


def _filmography(tables, reviews, own_role: str, **own_lookup) -> list[FilmographyRole]:
    """The roles in credit `tables` plus `own_role` (the reviews matching `own_lookup`: the
    critic, the distributor), from live `reviews` only, newest release first: two queries,
    the credits and then the reviews they name, whatever the number of roles.

    The reviews are read once with all their fields (the cards need them); filtering them
    by the credited ids keeps drafts and restricted reviews out, as the pages must."""
    rows = _credit_rows(tables)
    found = list(
        reviews.filter(Q(pk__in={page_id for _, page_id, _ in rows}) | Q(**own_lookup)).order_by(
            "-release_date", "title"
        )
    )
    parts: dict[tuple[str, int], list[str]] = {}
    for role, page_id, character in rows:
        parts.setdefault((role, page_id), []).append(character or "")
    roles = [
        FilmographyRole(
            role,
            [
                FilmographyEntry(review, character)
                for review in found
                for character in parts.get((role, review.pk), ())
            ],
        )
        for role, _, _ in tables
    ]
    ((field, value),) = own_lookup.items()
    own = [FilmographyEntry(review) for review in found if getattr(review, f"{field}_id") == value]
    roles.append(FilmographyRole(own_role, own))
    return [role for role in roles if role.entries]


def person_filmography(person, reviews) -> list[FilmographyRole]:
    """A person's credits across the given live reviews, grouped by role."""
    tables = [
        ("Director", person.director_credits.all(), False),
        ("Writer", person.writer_credits.all(), False),
        (CAST, person.cast_credits.all(), True),
    ]
    return _filmography(tables, reviews, CRITIC, author=person.pk)


def studio_filmography(studio, reviews) -> list[FilmographyRole]:
    """A studio's credits across the given live reviews, grouped by role."""
    tables = [("Production company", studio.production_credits.all(), False)]
    return _filmography(tables, reviews, "Distributor", distributor=studio.pk)


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
