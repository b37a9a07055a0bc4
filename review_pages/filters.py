"""The filters readers and apps apply to reviews, checked before use.

The front page takes `?rating=R&year=2025&person=<slug>&studio=<slug>&genre=<slug>&imdb=tt…`;
the APIs take the same as `mpa_rating=` and `release_year=`. A bad value is a message, never an
exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug

from people.identifiers import IMDB_TITLE

from .ratings import MPA_RATINGS

MIN_YEAR, MAX_YEAR = 1870, 2200
MAX_SLUG_LENGTH = 255


@dataclass
class ReviewFilters:
    rating: str = ""
    year: int | None = None
    person: str = ""
    studio: str = ""
    genre: str = ""
    imdb: str = ""
    errors: list[str] = field(default_factory=list)

    #: The query parameters under which the APIs take these filters.
    API_KEYS = ("person", "studio", "genre", "mpa_rating", "release_year", "imdb")

    @classmethod
    def from_query(cls, query, *, year_key: str = "year", rating_key: str = "rating"):
        filters = cls()
        rating = (query.get(rating_key) or "").strip()
        if rating:
            if rating.upper() in MPA_RATINGS:
                filters.rating = rating.upper()
            else:
                allowed = ", ".join(MPA_RATINGS)
                filters.errors.append(f"Unknown rating {rating[:20]!r}; use one of {allowed}.")
        year = (query.get(year_key) or "").strip()
        if year:
            if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR:
                filters.year = int(year)
            else:
                filters.errors.append(
                    f"The year must be a number from {MIN_YEAR} to {MAX_YEAR}, not {year[:20]!r}."
                )
        for key in ("person", "studio", "genre"):
            slug = (query.get(key) or "").strip()
            if not slug:
                continue
            try:
                if len(slug) > MAX_SLUG_LENGTH:
                    raise ValidationError("too long")
                validate_unicode_slug(slug)
            except ValidationError:
                example = "thriller" if key == "genre" else "ana-de-armas"
                filters.errors.append(f"{key} must be a slug such as {example!r}.")
            else:
                setattr(filters, key, slug)
        imdb = (query.get("imdb") or "").strip()
        if imdb:
            if IMDB_TITLE.is_valid(imdb):
                filters.imdb = imdb
            else:
                filters.errors.append(
                    f"imdb must be an IMDb title id such as {IMDB_TITLE.example}, "
                    f"not {imdb[:20]!r}."
                )
        return filters

    @classmethod
    def from_api_query(cls, query):
        """The filters as the APIs name them: `mpa_rating=` and `release_year=`."""
        return cls.from_query(query, year_key="release_year", rating_key="mpa_rating")

    @property
    def active(self) -> bool:
        return bool(
            self.rating or self.year or self.person or self.studio or self.genre or self.imdb
        )

    @property
    def by_credit(self) -> bool:
        """Whether the filters name a person, studio or genre (whose slugs change on their
        own)."""
        return bool(self.person or self.studio or self.genre)

    def apply(self, reviews):
        """`reviews` (a ReviewPage queryset) narrowed by these filters."""
        if self.rating:
            reviews = reviews.filter(mpa_rating=self.rating)
        if self.year:
            reviews = reviews.filter(release_date__year=self.year)  # a BETWEEN: indexable
        if self.person:
            reviews = reviews.crediting_person(self.person)
        if self.studio:
            reviews = reviews.crediting_studio(self.studio)
        if self.genre:
            reviews = reviews.in_genre(self.genre)
        if self.imdb:
            reviews = reviews.filter(imdb_id=self.imdb)
        return reviews

    def restrict(self, reviews):
        """`apply` as a single `pk__in` filter: search backends accept it on any queryset."""
        if not self.active:
            return reviews
        return reviews.filter(pk__in=self.apply(reviews.model.objects.all()).values("pk"))
