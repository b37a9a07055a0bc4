"""Publishing rules for a review body, as plain functions of the section order, and the
caps on what a body may cost (its sections, their paragraphs, its size).

Shared by the page editor's form and the importer, so both refuse the same reviews
with the same words. Pure Python (the plain-text parser uses them too): the caps' values
come from the callers, who read the settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SYNOPSIS = "synopsis"
FINAL_STATEMENT = "final_statement"


def body_publication_problems(section_types: list[str]) -> list[str]:
    """Why a body with these section types, in this order, cannot be published."""
    problems = []
    synopses = section_types.count(SYNOPSIS)
    finals = section_types.count(FINAL_STATEMENT)
    if synopses == 0:
        problems.append("Add a synopsis: a review needs one before it can be published.")
    elif synopses > 1:
        problems.append(f"Keep a single synopsis: this review has {synopses}.")
    elif section_types[0] != SYNOPSIS:
        problems.append("Move the synopsis to the top: it must be the first section.")
    if finals == 0:
        problems.append("Add a final statement: a review needs one before it can be published.")
    elif finals > 1:
        problems.append(f"Keep a single final statement: this review has {finals}.")
    elif section_types[-1] != FINAL_STATEMENT:
        problems.append("Move the final statement to the end: it must be the last section.")
    return problems


def score_problem(score) -> str | None:
    if score is None:
        return None
    if score < 0 or score > 5:
        return "Give a score from 0 to 5."
    if (score * 2) != int(score * 2):
        return "Give the score in halves, such as 3 or 3.5."
    return None


def rich_result_problems(review) -> list[str]:
    """Why Google would not show this review's snippet (stars, critic): it needs a Person
    author and a reviewRating. A warning for editors, never a reason to refuse publishing."""
    problems = []
    if not getattr(review, "author_id", None):
        problems.append("no critic")
    if getattr(review, "score", None) is None:
        problems.append("no score")
    return problems


def rich_result_warning(problems: list[str]) -> str:
    return (
        f"This review has {' and '.join(problems)}: search engines will not show it as a "
        "review (stars, critic) until it has both. You can still publish it."
    )


# --------------------------------------------------------------------------------------------
# What a body may cost
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyCaps:
    """The most one review body may hold (None: no cap). A page's first render and its
    stored revisions grow with the number of sections (a template each) and with its size
    (every byte of rich text is expanded and written out); the size is measured as the
    stored JSON in UTF-8 bytes, which counts markup, links and each section's bookkeeping as
    well as the words, so nothing an editor can add escapes it."""

    sections: int | None
    paragraphs: int | None  # in any one section
    bytes: int | None

    @classmethod
    def from_settings(cls, settings) -> BodyCaps:
        """From `review_pages.conf.reviews_settings` (passed in: this module stays pure)."""
        return cls(
            settings.MAX_BODY_SECTIONS, settings.MAX_SECTION_PARAGRAPHS, settings.MAX_BODY_BYTES
        )


#: Past this many sections over the paragraph cap, the rest are counted, not named.
NAMED_SECTIONS = 3

_PARAGRAPH_RE = re.compile(r"<(?:p|li|h[1-6]|blockquote|pre)(?=[\s>/])", re.IGNORECASE)


def rich_text_paragraphs(html: str) -> int:
    """Paragraphs in a rich-text value: its block elements (a list counts its items)."""
    return len(_PARAGRAPH_RE.findall(html or ""))


def body_json_bytes(raw_body: object) -> int:
    """The size a body is measured by: its stored JSON (as the StreamField's raw data) in
    UTF-8 bytes, whatever the language of its text."""
    return len(json.dumps(raw_body, ensure_ascii=False, default=str).encode("utf-8"))


def section_label(position: int, block_type: str, heading: str = "") -> str:
    """How a message names a body section: by its kind, or its position and heading."""
    if block_type == SYNOPSIS:
        return "The synopsis"
    if block_type == FINAL_STATEMENT:
        return "The final statement"
    heading = " ".join(str(heading or "").split())
    if len(heading) > 40:
        heading = heading[:39] + "…"
    return f"Section {position} (“{heading}”)" if heading else f"Section {position}"


def body_count_problems(
    paragraphs_by_section: Sequence[tuple[str, int]], caps: BodyCaps
) -> list[str]:
    """Why a body with these sections ((label, paragraphs) in order) is refused."""
    problems = []
    count = len(paragraphs_by_section)
    if caps.sections is not None and count > caps.sections:
        problems.append(f"The body has {count:,} sections: at most {caps.sections:,} are allowed.")
    if caps.paragraphs is not None:
        crowded = [(label, n) for label, n in paragraphs_by_section if n > caps.paragraphs]
        for label, n in crowded[:NAMED_SECTIONS]:
            problems.append(
                f"{label} has {n:,} paragraphs: at most {caps.paragraphs:,} are allowed in "
                "one section."
            )
        if len(crowded) > NAMED_SECTIONS:
            problems.append(
                f"{len(crowded) - NAMED_SECTIONS:,} more sections have more than "
                f"{caps.paragraphs:,} paragraphs."
            )
    return problems


def body_size_problem(size: int, caps: BodyCaps) -> str | None:
    if caps.bytes is not None and size > caps.bytes:
        return (
            f"The body is {size:,} bytes as stored: at most {caps.bytes:,} are allowed "
            "(shorten it, or split it into two reviews)."
        )
    return None


def raw_body_sections(raw_body: Iterable[dict]) -> list[tuple[str, int]]:
    """(label, paragraphs) of each section of a body's raw stream data."""
    sections = []
    for position, item in enumerate(raw_body, start=1):
        value = item.get("value") if isinstance(item, dict) else None
        value = value if isinstance(value, dict) else {}
        text = value.get("text")
        label = section_label(position, str(item.get("type", "")), value.get("heading", ""))
        sections.append((label, rich_text_paragraphs(text if isinstance(text, str) else "")))
    return sections


def body_cost_problems(raw_body: list[dict], caps: BodyCaps) -> list[str]:
    """Why a body (its raw stream data, as stored) costs more than the caps allow."""
    problems = body_count_problems(raw_body_sections(raw_body), caps)
    size_problem = body_size_problem(body_json_bytes(raw_body), caps)
    return problems + ([size_problem] if size_problem else [])
