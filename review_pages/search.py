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


def search_names(model, query: SearchQuery, credited_among: Callable[[list[int]], list[int]]):
    """People or studios whose name starts with the words, credited on a live review.

    `credited_among(ids)` gives which of those ids are credited
    (`ReviewPageQuerySet.people_credited_among` or `studios_credited_among`)."""
    backend = get_search_backend()
    matches = list(
        backend.autocomplete(query.text, model.objects.all(), operator="and")[
            : NAME_MATCHES_SHOWN * 5
        ]
    )
    if not matches:
        return []
    found = set(credited_among([m.pk for m in matches]))
    return [match for match in matches if match.pk in found][:NAME_MATCHES_SHOWN]


def review_text(review, review_credits: dict) -> list[str]:
    """The passages a review is searched by, in reading order, as plain text."""
    return list(review_passages(review, lambda: review_credits))


def review_passages(review, review_credits: Callable[[], dict] | None) -> Iterator[str]:
    """`review_text`, one passage at a time: an excerpt stops at the first that matches, and
    the credits (`review_credits()`, the last passage) are made only if it is reached (never
    without `review_credits`: the text's passages alone)."""
    for rich, piece in _text_pieces(review):  # made plain text only when reached
        passage = _passage(rich, piece)
        if passage:
            yield passage
    if review_credits is not None:
        passage = credits_passage(review_credits())
        if passage:
            yield passage


def _passage(rich: bool, piece: str) -> str:
    """A piece of a review's text as one line of plain text (rich text made plain)."""
    return " ".join((plain_text(piece) if rich else piece).split())


def _text_pieces(review) -> Iterator[tuple[bool, str]]:
    """(rich text?, the piece) of the standfirst and each section's heading and text."""
    yield True, review.intro
    # Raw stream data: reading block values would load each section's performers.
    for block in review.body.raw_data:
        value = block.get("value") or {}
        if not isinstance(value, dict):
            continue
        if value.get("heading"):
            yield False, str(value["heading"])
        if value.get("text"):
            yield True, str(value["text"])


def credits_passage(review_credits: dict) -> str:
    """The credits as the last passage of a review's text ("" when it credits no one)."""
    names = [ref["name"] for ref in review_credits["directors"] + review_credits["writers"]]
    names += [
        f"{c['person']['name']} ({c['character']})" if c["character"] else c["person"]["name"]
        for c in review_credits["cast"]
    ]
    names += [ref["name"] for ref in review_credits["production_companies"]]
    for key in ("distributor", "author"):
        if review_credits[key]:
            names.append(review_credits[key]["name"])
    return credits_line(names)


def credits_line(names: list[str]) -> str:
    """ "Credits: A, B (Part), C.": the passage of a review's credited names, in the order
    `credits_passage` (and `ReviewPage`'s `credited_names`) give them."""
    return " ".join(("Credits: " + ", ".join(names) + ".").split()) if names else ""


#: Markup and entities: rich text without them reads as its tags deleted, for `_may_match`.
_TAG = re.compile(r"<[^>]*>")


def _may_match(rich_text: str, lowered: list[str]) -> bool:
    """Whether the plain text of `rich_text` may contain a query word, without making it:
    deleting the tags only joins what the plain text splits, so a word absent from the
    tag-less text is absent from the plain text (unless an entity or a stray angle bracket
    remains: then it may be there)."""
    bare = _TAG.sub("", rich_text).casefold()
    return "&" in bare or "<" in bare or any(term in bare for term in lowered)


def _first_and_matching_passage(review, lowered: list[str]) -> tuple[str | None, str | None]:
    """A review's first passage of text, and its first passage matching a query word (None
    if none does). Rich text is made plain only where it may match, once the first passage
    is known."""
    first = None
    for rich, piece in _text_pieces(review):
        if rich and first is not None and not _may_match(piece, lowered):
            continue
        passage = _passage(rich, piece)
        if not passage:
            continue
        if first is None:
            first = passage
        if any(term in passage.casefold() for term in lowered):
            return first, passage
    return first, None


def hit_excerpts(
    reviews, query: SearchQuery, credited_names: Callable[[list[int]], dict[int, list[str]]]
) -> dict:
    """The excerpts of search hits by review id (`review_excerpt`'s): each from its text
    when the text matches, else from its credits, whose names are read then
    (`credited_names(ids)`, one query for all that need them) and matched alone, since the
    text is known not to match: a word of a synopsis reads no credits at all."""
    lowered = [term.casefold() for term in query.terms]
    excerpts, pending = {}, []
    for review in reviews:
        first, matching = _first_and_matching_passage(review, lowered)
        if matching is not None:
            excerpts[review.pk] = excerpt([matching], query)
        else:
            pending.append((review, first))
    if pending:
        names = credited_names([review.pk for review, _ in pending])
        for review, first in pending:
            credits = credits_line(names.get(review.pk, []))
            excerpts[review.pk] = excerpt([p for p in (first, credits) if p], query)
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
