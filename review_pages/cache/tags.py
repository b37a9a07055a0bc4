"""The cache tags: every tag the response cache and its invalidation use is named here.

- `review:<id>`: one review's page and API entries (and the filmographies listing it);
- `person:<id>`, `studio:<id>`: everything showing that person or studio;
- `genre:<id>`: everything showing that genre (its page and feed, the reviews it is on);
- `reviews`, `people`, `studios`, `genres`: every list of them (front page, feed, sitemap,
  listings, the front page's genre filter);
- `all`: every stored answer (`invalidate_all`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..shown import GENRES, PEOPLE, REVIEWS, STUDIOS, Shown

ALL = "all"
REVIEW_LIST = REVIEWS
PEOPLE_LIST = PEOPLE
STUDIO_LIST = STUDIOS
GENRE_LIST = GENRES


def review(pk: int) -> str:
    return f"review:{pk}"


def person(pk: int) -> str:
    return f"person:{pk}"


def studio(pk: int) -> str:
    return f"studio:{pk}"


def genre(pk: int) -> str:
    return f"genre:{pk}"


def reviews(ids: Iterable[int]) -> list[str]:
    return [review(pk) for pk in sorted(ids)]


def people(ids: Iterable[int]) -> list[str]:
    return [person(pk) for pk in sorted(ids)]


def studios(ids: Iterable[int]) -> list[str]:
    return [studio(pk) for pk in sorted(ids)]


def genres(ids: Iterable[int]) -> list[str]:
    return [genre(pk) for pk in sorted(ids)]


def of_shown(shown: Shown) -> set[str]:
    """The tags of an answer (or a memoised value) showing these things.

    An answer showing the list of reviews (a listing, the front page, a feed) is tagged with
    the lists of what it shows rather than each review, person, studio and genre: every
    change that gives one of those its new version gives the list of reviews or the list of
    its kind one too (the `of_*_change` functions below, tested), so the answer is made
    stale as often, with a few tags to check on each hit instead of hundreds (a listing of
    20 reviews names some 250 people and studios: 1.3 ms a hit, against 0.3).
    """
    if REVIEW_LIST in shown.lists:
        kinds = [
            (shown.people, PEOPLE_LIST),
            (shown.studios, STUDIO_LIST),
            (shown.genres, GENRE_LIST),
        ]
        return {*shown.lists, *(tag for ids, tag in kinds if ids)}
    return {
        *reviews(shown.reviews),
        *people(shown.people),
        *studios(shown.studios),
        *genres(shown.genres),
        *shown.lists,
    }


def of_review_change(review_id: int, person_ids: Iterable[int], studio_ids: Iterable[int]):
    """What a review's publication, unpublication, move or deletion makes stale: its own
    page, every list of reviews, and whatever shows the people and studios it credits."""
    return [review(review_id), REVIEW_LIST, *people(person_ids), *studios(studio_ids)]


def of_person_change(pk: int) -> list[str]:
    return [person(pk), PEOPLE_LIST]


def of_studio_change(pk: int) -> list[str]:
    return [studio(pk), STUDIO_LIST]


def of_genre_change(pk: int) -> list[str]:
    """A genre saved or deleted: whatever shows it, and the lists of genres. (Which reviews
    a genre's page lists changes only when a review is published or withdrawn: every list
    of reviews is made stale then.)"""
    return [genre(pk), GENRE_LIST]
