"""Readers' search: reviews by headline, film, text and credits; people and studios by name.

Runs on Wagtail's search backend (django-modelsearch: SQLite FTS5 or PostgreSQL full text).
What readers type is reduced to plain words first, so a 10,000-character paste or a line of
punctuation gives a helpful page instead of a backend error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.backends import get_search_backend

from . import refs
from .links import IndexLinks
from .text import plain_text

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
EXCERPT_WORDS = 30
NAME_MATCHES_SHOWN = 20

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchHit:
    """One review found, with the passage that matched."""

    review: object
    excerpt: str


@dataclass
class SearchQuery:
    """A reader's query: what they typed (for display) and the words we search for."""

    raw: str = ""
    terms: list[str] = field(default_factory=list)
    problem: str = ""

    @classmethod
    def from_request(cls, request, key: str = "q") -> SearchQuery:
        raw = " ".join(request.GET.get(key, "").split())
        query = cls(raw=raw[:MAX_QUERY_CHARS])
        if not raw:
            return query
        terms = WORD.findall(raw[:MAX_QUERY_CHARS].replace("_", " "))
        query.terms = terms[:MAX_TERMS]
        if not query.terms:
            query.problem = (
                "Your search has no letters or digits to look for. "
                "Try a film title, a person or a studio."
            )
        elif len(terms) > MAX_TERMS:
            query.problem = f"Your search was long, so only its first {MAX_TERMS} words were used."
        elif len(raw) > MAX_QUERY_CHARS:
            query.problem = (
                f"Your search was long, so only its first {MAX_QUERY_CHARS} characters were used."
            )
        return query

    @property
    def text(self) -> str:
        return " ".join(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)


class FirstPageRead:
    """Search results as a paginator reads them, their first page read first: a first page
    that is not full tells the count, so the count (a second full-text query, as long as
    the first) is run only for longer results."""

    def __init__(self, results, first: list, per_page: int):
        self.results, self.first, self.per_page = results, first, per_page

    def count(self) -> int:
        return len(self.first) if len(self.first) < self.per_page else self.results.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if (
            isinstance(key, slice)
            and (key.start or 0) == 0
            and key.step is None
            and key.stop is not None
            and key.stop <= len(self.first)
        ):
            return self.first[key]
        return self.results[key]


def read_first_page(results, page: str | None, per_page: int):
    """`results`, their first page read now when that is the page asked for."""
    if (page or "1").strip() != "1":
        return results
    return FirstPageRead(results, list(results[:per_page]), per_page)


def search_reviews(reviews, query: SearchQuery):
    """Live reviews matching every word, best first (a lazy, sliceable result set)."""
    return reviews.search(query.text, operator="and")


def search_names(model, query: SearchQuery, credited) -> list:
    """People or studios whose name starts with the words, credited on a live review.

    `credited(among=ids)` gives the queryset of those ids that are credited
    (`ReviewPageQuerySet.credited_people` or `credited_studios`)."""
    backend = get_search_backend()
    matches = list(
        backend.autocomplete(query.text, model.objects.all(), operator="and")[
            : NAME_MATCHES_SHOWN * 5
        ]
    )
    if not matches:
        return []
    found = set(credited(among=[m.pk for m in matches]).values_list("pk", flat=True))
    return [match for match in matches if match.pk in found][:NAME_MATCHES_SHOWN]


def review_text(review, review_credits: dict) -> list[str]:
    """The passages a review is searched by, in reading order, as plain text."""
    return list(review_passages(review, lambda: review_credits))


def review_passages(review, review_credits: Callable[[], dict] | None) -> Iterator[str]:
    """`review_text`, one passage at a time: an excerpt stops at the first that matches, and
    the credits (`review_credits()`, the last passage) are made only if it is reached (never
    without `review_credits`: the text's passages alone)."""
    pieces = [(True, review.intro)]  # (rich text?, the piece)
    # Raw stream data: reading block values would load each section's performers.
    for block in review.body.raw_data:
        value = block.get("value") or {}
        if not isinstance(value, dict):
            continue
        if value.get("heading"):
            pieces.append((False, str(value["heading"])))
        if value.get("text"):
            pieces.append((True, str(value["text"])))
    for rich, piece in pieces:  # made plain text only when reached
        passage = " ".join((plain_text(piece) if rich else piece).split())
        if passage:
            yield passage
    if review_credits is None:
        return
    review_credits = review_credits()
    names = [ref["name"] for ref in review_credits["directors"] + review_credits["writers"]]
    names += [
        f"{c['person']['name']} ({c['character']})" if c["character"] else c["person"]["name"]
        for c in review_credits["cast"]
    ]
    names += [ref["name"] for ref in review_credits["production_companies"]]
    for key in ("distributor", "author"):
        if review_credits[key]:
            names.append(review_credits[key]["name"])
    if names:
        yield " ".join(("Credits: " + ", ".join(names) + ".").split())


def hit_excerpts(reviews, query: SearchQuery, load_credits: Callable[[list], object]) -> dict:
    """The excerpts of search hits by review id: each from its text when the text matches,
    else from its passages with the credits, loaded then (`load_credits(reviews)`, one
    query for all that need them): a word of a synopsis reads no credits at all."""
    lowered = [term.casefold() for term in query.terms]
    excerpts, pending = {}, []
    for review in reviews:
        for passage in review_passages(review, None):
            if any(term in passage.casefold() for term in lowered):
                excerpts[review.pk] = excerpt([passage], query)
                break
        else:
            pending.append(review)
    if pending:
        load_credits(pending)
        for review in pending:
            excerpts[review.pk] = review_excerpt(review, query)
    return excerpts


def review_excerpt(review, query: SearchQuery) -> SafeString:
    """The excerpt of a search hit (its credits loaded): `excerpt` of its passages."""
    credits = lambda: refs.review_credits(review, IndexLinks(None))  # noqa: E731
    return excerpt(review_passages(review, credits), query)


def excerpt(passages: Iterable[str], query: SearchQuery, words: int = EXCERPT_WORDS) -> SafeString:
    """About `words` words around the first passage matching a query word (else the first
    passage), matches marked. Passages after the matching one are not read."""
    lowered = [term.casefold() for term in query.terms]
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(term) for term in query.terms) + r")", re.IGNORECASE
    )
    chosen = None
    for passage in passages:
        if chosen is None:
            chosen = passage
        if any(term in passage.casefold() for term in lowered):
            chosen = passage
            break
    chosen = chosen or ""
    tokens = chosen.split()
    start = 0
    for position, token in enumerate(tokens):
        if pattern.search(token):
            start = max(0, position - words // 3)
            break
    shown = tokens[start : start + words]
    text = " ".join(shown)
    html = pattern.sub(lambda m: "\0" + m.group(0) + "\1", text)
    html = escape(html).replace("\0", "<mark>").replace("\1", "</mark>")
    if start > 0:
        html = "… " + html
    if start + words < len(tokens):
        html += " …"
    return mark_safe(html)  # noqa: S308 - every piece of text was escaped above
