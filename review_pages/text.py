"""How a review's facts and rich text read: runtimes, plain-text descriptions, display HTML."""

from __future__ import annotations

import re
from html import unescape

from django.utils.html import strip_tags
from wagtail.rich_text import expand_db_html


def format_runtime(minutes: int | None) -> str:
    """125 -> "2 Hours and 5 Minutes", the way reviews write it."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} Hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} Minute{'s' if rest != 1 else ''}")
    return " and ".join(parts)


def format_runtime_short(minutes: int | None) -> str:
    """125 -> "2 h 5 min", for the compact facts line."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return " ".join(filter(None, [f"{hours} h" if hours else "", f"{rest} min" if rest else ""]))


def format_score(score) -> str:
    """A score as readers read it: 4.5 -> "4.5", 4.0 -> "4"."""
    if score is None:
        return ""
    return f"{score:.1f}".removesuffix(".0")


def iso_duration(minutes: int | None) -> str:
    """125 -> "PT2H5M" (ISO 8601, for schema.org)."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


#: Where one block of rich text ends and the next begins: stripping the tags must leave a
#: space there, or "…to go.</p><p>This is…" reads "…to go.This is…".
_BLOCK_BOUNDARY_RE = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|ul|ol|blockquote|figure|figcaption|section|tr|td|th)\b[^>]*|br\s*/?)>",
    re.IGNORECASE,
)


def plain_text(html: str) -> str:
    """Rich text as one line of plain text: tags dropped (a space where a paragraph, list
    item or line break was), entities decoded, spaces folded."""
    spaced = _BLOCK_BOUNDARY_RE.sub(lambda match: " " + match.group(0) + " ", html or "")
    return " ".join(unescape(strip_tags(spaced)).split())


def rich_text_html(value) -> str:
    """Display HTML of rich text (database HTML or a RichText value): page and document links
    resolved, no internal markup."""
    return expand_db_html(value.source if hasattr(value, "source") else str(value or ""))


def word_count(html) -> int:
    """The words of rich text (database or display HTML), as a reader reads them."""
    return len(plain_text(str(html or "")).split())


def reading_minutes(words: int, words_per_minute: int) -> int:
    """Minutes to read `words` at `words_per_minute`, rounded up: "1 min read" for a short
    review, 0 only for no words at all."""
    if words <= 0:
        return 0
    return -(-words // max(1, int(words_per_minute)))
