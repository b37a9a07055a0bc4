"""Parser for the plain-text review format (see DESIGN.md, "Plain-text review format").

Pure Python, standard library only: no Django or Wagtail imports, so it can be tested and
reused without a database. ``parse_review`` turns the text of one review into a frozen
``ParsedReview``; anything that is not a review raises ``ReviewFormatError`` (a ``ValueError``)
whose message says what is missing, and no other exception escapes.
"""

from __future__ import annotations

import datetime
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from people.identifiers import IMDB_TITLE

# The one matching key for names, shared with the snippet models (pure, no Django).
from people.naming import NBSP_FOLD, normalise_name

from ..ratings import MPA_RATINGS
from ..rules import FINAL_STATEMENT, SYNOPSIS, BodyCaps, body_count_problems, section_label
from ..trailers import TrailerURLError, normalise_trailer_url

__all__ = [
    "CastCredit",
    "ParsedReview",
    "ReviewFormatError",
    "ReviewTooLarge",
    "Section",
    "normalise_name",
    "paragraphs_to_html",
    "parse_release_date",
    "parse_rating",
    "parse_review",
    "parse_runtime",
    "parse_score",
]


class ReviewFormatError(ValueError):
    """The text is not a review in the plain-text format; ``str(err)`` says why."""


class ReviewTooLarge(ReviewFormatError):
    """The review's body has more sections, or a section more paragraphs, than the caps
    given to ``parse_review`` allow; raised before the body is built."""


@dataclass(frozen=True)
class CastCredit:
    name: str
    character: str = ""  # "" when unknown


@dataclass(frozen=True)
class Section:
    kind: str  # "performance" | "critique"
    heading: str
    paragraphs: tuple[str, ...]
    performers: tuple[str, ...] = ()  # cast names as written in the Cast line; () for critique


@dataclass(frozen=True)
class ParsedReview:
    headline: str
    film_title: str
    intro: tuple[str, ...]
    mpa_rating: str  # one of MPA_RATINGS
    mpa_rating_reason: str
    runtime_minutes: int | None
    release_date: datetime.date | None
    production_companies: tuple[str, ...]
    distributor: str | None
    directors: tuple[str, ...]
    writers: tuple[str, ...]
    cast: tuple[CastCredit, ...]
    synopsis: tuple[str, ...]
    sections: tuple[Section, ...]
    final_statement: tuple[str, ...]
    imdb_id: str = ""  # "tt…", from an optional `IMDb:` line
    critic: str = ""  # from an optional `Critic:` line
    score: Decimal | None = None  # 0 to 5 in halves, from an optional `Score:` line
    genres: tuple[str, ...] = ()  # from an optional `Genre:`/`Genres:` line, as written
    trailer_url: str = ""  # the trailer's page on YouTube or Vimeo, from a `Trailer:` line


MAX_HEADLINE_CHARS = 1000
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16
MAX_KEY_CHARS = 40
MAX_SHORT_VALUE_CHARS = 200  # runtime and release date values

# --------------------------------------------------------------------------------------------
# Text clean-up
# --------------------------------------------------------------------------------------------

# Control characters other than tab and newline, plus stray byte-order marks, are dropped.
_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_HSPACE_RE = re.compile(r"[^\S\n]+")


def _clean_text(text: str) -> str:
    if "\x00" in text:
        raise ReviewFormatError("binary content (NUL bytes): not a plain-text review")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = text.translate(NBSP_FOLD)
    text = _CONTROL_RE.sub("", text)
    return text


def _is_pictograph(char: str) -> bool:
    code = ord(char)
    if 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF:
        return True
    return unicodedata.category(char) == "So"


def _is_advert(paragraph: str) -> bool:
    stripped = paragraph.lstrip()
    return bool(stripped) and _is_pictograph(stripped[0])


def _paragraphs(text: str) -> list[list[str]]:
    """Split into paragraphs (lists of stripped, space-collapsed lines) at blank lines."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = _HSPACE_RE.sub(" ", raw).strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _join(lines: list[str]) -> str:
    return " ".join(lines)


# --------------------------------------------------------------------------------------------
# Headline
# --------------------------------------------------------------------------------------------

_OPEN_QUOTES = "'\"\u2018\u201c\u2019\u201d"
_CLOSE_QUOTES = "'\"\u2019\u201d"
_REVIEW_RE = re.compile(r"review(?![^\W\d_])", re.IGNORECASE)


def _review_positions(headline: str) -> list[int]:
    positions = []
    for match in _REVIEW_RE.finditer(headline):
        start = match.start()
        before = headline[start - 1] if start else ""
        if before and before.isalnum():  # "Preview", "FilmReview"
            continue
        positions.append(start)
    return positions


def _film_title(headline: str) -> str:
    positions = _review_positions(headline)
    if not positions:
        raise ReviewFormatError(
            "no headline: the first line should read like "
            "\"'Film Title' Review: ...\" (no 'Review' found in it)"
        )
    # Preferred: the quoted title, closed by the last quote right before "Review".
    for pos in positions:
        before = headline[:pos].rstrip()
        if len(before) < 2 or before[-1] not in _CLOSE_QUOTES:
            continue
        close = len(before) - 1
        open_at = next(
            (
                i
                for i, ch in enumerate(before[:close])
                if ch in _OPEN_QUOTES and (i == 0 or not before[i - 1].isalnum())
            ),
            None,
        )
        if open_at is None:
            continue
        title = before[open_at + 1 : close].strip()
        if title:
            return title
    # Fallback: whatever stands before "Review", without quotes.
    for pos in positions:
        title = headline[:pos].strip().strip(_OPEN_QUOTES + _CLOSE_QUOTES).strip()
        if title:
            return title
    raise ReviewFormatError(f"no film title before 'Review' in the headline {headline[:80]!r}")


# --------------------------------------------------------------------------------------------
# Metadata values
# --------------------------------------------------------------------------------------------

_HOURS = r"(?P<h>\d{1,2}(?:\.\d+)?) ?(?:h|hr|hrs|hour|hours)\.?"
_MINUTES = r"(?P<m>\d{1,4}) ?(?:m|min|mins|minute|minutes)\.?"
_RUNTIME_RE = re.compile(rf"{_HOURS}(?:(?: ?(?:,|and|&|, and) ?| )?{_MINUTES})?", re.ASCII)
_MINUTES_RE = re.compile(_MINUTES, re.ASCII)
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})(?::00)?", re.ASCII)


def parse_runtime(value: str) -> int:
    """Minutes in a runtime such as "2 Hours and 5 Minutes", "98 minutes", "1h 38m"."""
    original = value
    text = " ".join(str(value).casefold().split())
    if not text or len(text) > MAX_SHORT_VALUE_CHARS:
        raise ReviewFormatError(f"unreadable runtime {original[:80]!r}")
    minutes: float | None = None
    if text.isascii() and text.isdigit():
        minutes = int(text)
    elif clock := _CLOCK_RE.fullmatch(text):
        minutes = int(clock.group(1)) * 60 + int(clock.group(2))
    elif match := (_RUNTIME_RE.fullmatch(text) or _MINUTES_RE.fullmatch(text)):
        hours = float(match.groupdict().get("h") or 0)
        minutes = hours * 60 + int(match.group("m") or 0)
    if minutes is None or minutes != int(minutes) or not 0 < minutes < 10000:
        raise ReviewFormatError(
            f"unreadable runtime {original[:80]!r} "
            "(expected e.g. '2 Hours and 5 Minutes', '98 minutes' or '1h 38m')"
        )
    return int(minutes)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_MDY_RE = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", re.ASCII)
_DMY_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})", re.ASCII)
_TRAILING_PAREN_RE = re.compile(r" ?\([^()]*\)$")


def parse_release_date(value: str) -> datetime.date:
    """A date such as "June 6, 2025", "6 June 2025", "Jun 6, 2025" or "2025-06-06"."""
    original = value
    text = " ".join(str(value).casefold().split())
    if not text or len(text) > MAX_SHORT_VALUE_CHARS:
        raise ReviewFormatError(f"unreadable release date {original[:80]!r}")
    text = _TRAILING_PAREN_RE.sub("", text)  # "June 6, 2025 (United States)"
    year = month = day = None
    if match := _ISO_DATE_RE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif (match := _MDY_RE.fullmatch(text)) and match.group(1) in _MONTHS:
        month, day, year = _MONTHS[match.group(1)], int(match.group(2)), int(match.group(3))
    elif (match := _DMY_RE.fullmatch(text)) and match.group(2) in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    if year is not None:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise ReviewFormatError(
        f"unreadable release date {original[:80]!r} "
        "(expected e.g. 'June 6, 2025', '6 June 2025' or '2025-06-06')"
    )


_RATING_RE = re.compile(
    r"(?:mpaa? )?(?:rated )?"
    r"(?P<code>not rated|unrated|n/r|nr|nc-?17|nc 17|pg-?13|pg 13|pg|g|r)"
    r"(?![^\W_]|[- ]?\d)",
    re.IGNORECASE,
)


def parse_rating(value: str) -> tuple[str, str]:
    """("R", "strong/bloody violence ...") from "R (strong/bloody violence ...)".

    Also "PG-13 for intense action" -> ("PG-13", "intense action"), and "Not Rated",
    "Unrated", "NR" -> ("NR", ""). Anything else raises ReviewFormatError.
    """
    text = " ".join(str(value).split())
    match = _RATING_RE.match(text)
    if not match:
        raise ReviewFormatError(
            f"unreadable MPA rating {text[:80]!r} (expected {', '.join(MPA_RATINGS)}, "
            "optionally followed by the reason in parentheses)"
        )
    code = match.group("code").upper().replace(" ", "-")
    code = {"NC17": "NC-17", "PG13": "PG-13", "NOT-RATED": "NR", "UNRATED": "NR", "N/R": "NR"}.get(
        code, code
    )
    if code == "NR":
        return "NR", ""
    reason = text[match.end() :].strip()
    if reason.startswith("(") and reason.endswith(")"):
        reason = reason[1:-1].strip()
    reason = reason.lstrip(",;:-\u2013\u2014 ")
    if reason[:4].casefold() == "for ":
        reason = reason[4:].strip()
    return code, reason


_SCORE_RE = re.compile(
    r"(?P<value>\d{1,2}(?:[.,]\d{1,2})?) ?(?:(?:/|out of|of) ?(?P<scale>5|10)(?:\.0)?)?"
    r"(?: ?stars?)?",
    re.IGNORECASE | re.ASCII,
)


def parse_score(value: str) -> Decimal:
    """A score out of 5 in halves: "4.5/5", "4.5 / 5", "4.5 out of 5", "4.5", "9/10"."""
    text = " ".join(str(value).split())
    match = _SCORE_RE.fullmatch(text) if len(text) <= MAX_SHORT_VALUE_CHARS else None
    problem = f"unreadable score {text[:80]!r} (expected a score out of 5 in halves, e.g. '4.5/5')"
    if not match:
        raise ReviewFormatError(problem)
    try:
        score = Decimal(match.group("value").replace(",", "."))
    except InvalidOperation:
        raise ReviewFormatError(problem) from None
    if match.group("scale") == "10":
        score = score / 2
    if not 0 <= score <= 5 or score * 2 != int(score * 2):
        raise ReviewFormatError(problem)
    return score.quantize(Decimal("0.1"))


def parse_trailer(value: str) -> str:
    """A trailer's canonical address from any usual YouTube or Vimeo address."""
    try:
        return normalise_trailer_url(value)
    except TrailerURLError as error:
        raise ReviewFormatError(f"unreadable trailer: {error}") from None


def parse_imdb_id(value: str) -> str:
    """An IMDb title id from "tt0111161" or its IMDb address."""
    imdb_id = IMDB_TITLE.clean(value)
    if not IMDB_TITLE.is_valid(imdb_id):
        raise ReviewFormatError(
            f"unreadable IMDb id {value[:80]!r} (expected e.g. '{IMDB_TITLE.example}')"
        )
    return imdb_id


# --------------------------------------------------------------------------------------------
# Metadata block
# --------------------------------------------------------------------------------------------

_KEYS = {
    "rating": (
        "mpa rating",
        "mpaa rating",
        "mpa",
        "mpaa",
        "rating",
        "ratings",
        "rated",
        "mpa rated",
        "mpaa rated",
    ),
    "runtime": ("runtime", "run time", "running time", "runtimes", "length"),
    "companies": (
        "production company",
        "production companies",
        "production",
        "productions",
        "studio",
        "studios",
    ),
    "distributor": ("distributor", "distributors", "distributed by", "distribution"),
    "directors": ("director", "directors", "directed by"),
    "writers": (
        "writer",
        "writers",
        "written by",
        "screenplay",
        "screenplays",
        "screenplay by",
        "screenwriter",
        "screenwriters",
    ),
    "cast": ("cast", "starring", "stars", "main cast"),
    "release_date": ("release date", "release dates", "released", "release", "premiere"),
    "imdb": ("imdb", "imdb id", "imdb title"),
    "critic": ("critic", "reviewer", "reviewed by", "review by"),
    "score": ("score", "our score", "verdict score"),
    "genres": ("genre", "genres"),
    "trailer": ("trailer", "trailer url", "trailers", "official trailer"),
}
_KEY_LOOKUP = {alias: field for field, aliases in _KEYS.items() for alias in aliases}


def _metadata_key(line: str) -> tuple[str, str] | None:
    """(field, value) when the line is a recognised `Key: value` line, else None."""
    key, sep, value = line.partition(":")
    if not sep or len(key) > MAX_KEY_CHARS:
        return None
    key = (
        key.casefold()
        .replace("(s)", "")
        .replace("(es)", "")
        .replace("(ies)", "")
        .lstrip("-*\u2022\u00b7 ")
    )
    key = " ".join(key.split())
    field = _KEY_LOOKUP.get(key)
    if field is None:
        return None
    return field, value.strip()


def _split_top_level(value: str, separators: str) -> list[str]:
    """Split at any char in ``separators`` that is not inside parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(value):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif ch in separators and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


_AND_RE = re.compile(r" (?:and|&) ", re.IGNORECASE)
_LEADING_AND_RE = re.compile(r"^(?:and|&) ", re.IGNORECASE)


def _split_list(value: str, *, split_and: bool) -> tuple[str, ...]:
    items: dict[str, None] = {}  # ordered, and a repeat costs no scan (100,000 names)
    for raw in _split_top_level(value, ",;"):
        part = _LEADING_AND_RE.sub("", raw.strip()).strip()
        pieces = _AND_RE.split(part) if split_and and "(" not in part else [part]
        for piece in pieces:
            piece = piece.strip().rstrip(".").strip()
            if piece:
                items.setdefault(piece)
    return tuple(items)


_CAST_PAREN_RE = re.compile(r"(?P<name>[^()]+?) ?\((?:as )?(?P<char>[^()]*)\)$", re.IGNORECASE)
_CAST_AS_RE = re.compile(r"(?P<name>.+?) as (?P<char>.+)$")


def _parse_cast(value: str) -> list[list[str]]:
    credits: list[list[str]] = []
    seen: set[str] = set()
    for item in _split_list(value, split_and=True):
        name, character = item, ""
        if match := _CAST_PAREN_RE.match(item):
            name, character = match.group("name"), match.group("char")
        elif match := _CAST_AS_RE.match(item):
            name, character = match.group("name"), match.group("char")
        name, character = name.strip(), character.strip()
        key = normalise_name(name)
        if name and key not in seen:
            seen.add(key)
            credits.append([name, character])
    return credits


class _Metadata:
    def __init__(self) -> None:
        self.rating: tuple[str, str] = ("NR", "")
        self.runtime: int | None = None
        self.release_date: datetime.date | None = None
        self.companies: tuple[str, ...] = ()
        self.distributor: str | None = None
        self.directors: tuple[str, ...] = ()
        self.writers: tuple[str, ...] = ()
        self.cast: list[list[str]] = []
        self.imdb_id = ""
        self.critic = ""
        self.score: Decimal | None = None
        self.genres: tuple[str, ...] = ()
        self.trailer_url = ""

    def set(self, field: str, value: str) -> None:
        if not value:  # "Distributor:" with nothing after it: treated as absent
            return
        if field == "rating":
            self.rating = parse_rating(value)
        elif field == "runtime":
            self.runtime = parse_runtime(value)
        elif field == "release_date":
            self.release_date = parse_release_date(value)
        elif field == "companies":
            self.companies = _split_list(value, split_and=False)
        elif field == "distributor":
            distributors = _split_list(value, split_and=False)
            self.distributor = distributors[0] if distributors else None
        elif field == "directors":
            self.directors = _split_list(value, split_and=True)
        elif field == "writers":
            self.writers = _split_list(value, split_and=True)
        elif field == "cast":
            self.cast = _parse_cast(value)
        elif field == "imdb":
            self.imdb_id = parse_imdb_id(value)
        elif field == "critic":
            critics = _split_list(value, split_and=False)
            self.critic = critics[0] if critics else ""
        elif field == "score":
            self.score = parse_score(value)
        elif field == "genres":
            genres: dict[str, str] = {}  # one per normalised name, first spelling kept
            for name in _split_list(value, split_and=False):
                genres.setdefault(normalise_name(name), name)
            self.genres = tuple(genres.values())
        elif field == "trailer":
            self.trailer_url = parse_trailer(value)


def _read_metadata(paragraphs: list[list[str]]) -> _Metadata:
    entries: list[list[str]] = []  # [field, value] with continuation lines appended
    for paragraph in paragraphs:
        for line in paragraph:
            if _is_advert(line):
                continue
            found = _metadata_key(line)
            if found:
                entries.append(list(found))
            elif entries:  # a wrapped value continues on the next line
                entries[-1][1] = f"{entries[-1][1]} {line}".strip()
    metadata = _Metadata()
    for field, value in entries:
        metadata.set(field, value)
    return metadata


# --------------------------------------------------------------------------------------------
# Characters named in the text: "Winston (Ian McShane)"
# --------------------------------------------------------------------------------------------

_PAREN_RE = re.compile(r"\(([^()\n]{1,120})\)")
_NAME_CONNECTORS = {
    "de",
    "del",
    "della",
    "der",
    "den",
    "van",
    "von",
    "la",
    "le",
    "du",
    "da",
    "di",
    "dos",
    "das",
    "of",
    "y",
    "al",
    "bin",
    "st.",
}
_LEADING_NOISE = {
    "the",
    "a",
    "an",
    "and",
    "but",
    "as",
    "when",
    "while",
    "then",
    "later",
    "meanwhile",
    "with",
    "by",
    "to",
    "her",
    "his",
    "their",
    "its",
}
_WORD_TRAIL = "\u2019'\""
_MAX_CHARACTER_WORDS = 5


def _capitalised(word: str) -> bool:
    core = word.strip(_WORD_TRAIL)
    if not core or not core[0].isalpha() or not core[0].isupper():
        return False
    if core.endswith("."):  # initials and titles: "J.", "Dr.", "Mrs."
        return len(core) <= 4 and all(ch.isalpha() for ch in core[:-1])
    return all(ch.isalpha() or ch in "-'\u2019." or unicodedata.combining(ch) for ch in core)


def _character_before(text: str) -> str:
    """The capitalised name run at the end of ``text`` ("... refuge with Winston" -> Winston)."""
    tail = text[-200:]
    words = tail.split()
    if len(text) > 200 and tail[:1].strip():
        words = words[1:]  # the first word may have been cut
    run: list[str] = []
    for word in reversed(words):
        if len(run) >= _MAX_CHARACTER_WORDS:
            break
        if _capitalised(word) or (run and word.casefold() in _NAME_CONNECTORS):
            run.append(word)
        else:
            break
    run.reverse()
    # A connector opens a name only when capitalised ("Van Helsing", a ghost called "Van");
    # in lower case it belongs to the words before ("... de la Cruz" -> "Cruz").
    while run and (run[0].casefold() in _LEADING_NOISE or run[0] in _NAME_CONNECTORS):
        run.pop(0)
    return " ".join(run)


def _find_characters(text: str, cast: list[list[str]]) -> None:
    wanted = {normalise_name(credit[0]): credit for credit in cast if not credit[1]}
    if not wanted:
        return
    for match in _PAREN_RE.finditer(text):
        credit = wanted.get(normalise_name(match.group(1)))
        if credit is None or credit[1]:
            continue
        character = _character_before(text[max(0, match.start() - 400) : match.start()])
        if character:
            credit[1] = character


def _mentions(haystack_key: str, name: str) -> bool:
    needle = normalise_name(name)
    if not needle:
        return False
    start = 0
    while (at := haystack_key.find(needle, start)) != -1:
        end = at + len(needle)
        before_ok = at == 0 or not haystack_key[at - 1].isalnum()
        after_ok = end == len(haystack_key) or not haystack_key[end].isalnum()
        if before_ok and after_ok:
            return True
        start = at + 1
    return False


def _family_name(name: str) -> str:
    """The last word of a name ("Ashgrove" of "Callum Ashgrove"), or "" for a one-word
    name (which only its full form names)."""
    words = name.split()
    return words[-1] if len(words) > 1 else ""


def _names_cast_member(text: str, key: str, name: str) -> bool:
    """Whether `text` (its normalised form: `key`) names the cast member: the full name in
    any case, or the family name capitalised as a name ("Ashgrove's Joel", not "the ash")."""
    if _mentions(key, name):
        return True
    family = _family_name(name)
    if len(family) < 3 or not family[0].isupper():
        return False
    family_re = re.compile(rf"(?<![\w\-]){re.escape(family)}(?![\w\-])")
    return bool(family_re.search(unicodedata.normalize("NFC", text)))


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------

_HEADING_END_PUNCTUATION = ".!?:;,\u2026\u201d\"\u2019')"
_FINAL_MARKERS = {
    "final statement",
    "final verdict",
    "verdict",
    "the verdict",
    "final thoughts",
}


def _is_final_marker(paragraph: list[str]) -> bool:
    """A heading line naming the verdict, with at most a colon after it: "Verdict." is a
    sentence of the critique (headings have no closing punctuation), "Verdict:" a heading."""
    if len(paragraph) != 1 or len(paragraph[0]) > 40:
        return False
    return " ".join(paragraph[0].casefold().rstrip().removesuffix(":").split()) in _FINAL_MARKERS


def _is_heading(paragraph: list[str]) -> bool:
    if len(paragraph) != 1:
        return False
    line = paragraph[0]
    if len(line) > MAX_HEADING_CHARS or len(line.split()) > MAX_HEADING_WORDS:
        return False
    if line[-1] in _HEADING_END_PUNCTUATION or _metadata_key(line) or _is_advert(line):
        return False
    return any(ch.isalpha() for ch in line)


def _is_footer(paragraph: list[str]) -> bool:
    return paragraph[0].casefold().startswith("need help?")


def _drop_noise(paragraphs: list[list[str]]) -> list[list[str]]:
    kept = [p for p in paragraphs if not _is_advert(p[0])]
    # The trailing "Need Help?" footer, and any short footer lines after it.
    rest = 0
    cut = len(kept)
    for index in range(len(kept) - 1, -1, -1):
        rest += sum(len(line) for line in kept[index])
        if rest > 600:
            break
        if _is_footer(kept[index]):
            cut = index
    kept = kept[:cut]
    return [p for p in kept if _join(p).casefold() != "need help?"]


# --------------------------------------------------------------------------------------------
# The review
# --------------------------------------------------------------------------------------------


def parse_review(text: str, caps: BodyCaps | None = None) -> ParsedReview:
    """Parse one review; raise ReviewFormatError (only) when it is not one.

    With `caps`, a body with more sections or paragraphs than they allow raises
    ReviewTooLarge as soon as the sections are counted (before characters, performers and
    sections are worked out, the costly part of a long body).
    """
    if not isinstance(text, str):
        raise ReviewFormatError("not text")
    try:
        return _parse_review(text, caps)
    except ReviewFormatError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, RecursionError) as error:  # safety net
        raise ReviewFormatError(f"unreadable review ({type(error).__name__})") from error


def _parse_review(text: str, caps: BodyCaps | None) -> ParsedReview:
    if text.startswith("\ufeff"):
        text = text[1:]
    paragraphs = _paragraphs(_clean_text(text))
    if not paragraphs:
        raise ReviewFormatError("empty file: no headline and no metadata block")

    first = paragraphs.pop(0)
    headline = first[0]
    if first[1:]:
        paragraphs.insert(0, first[1:])
    if len(headline) > MAX_HEADLINE_CHARS:
        raise ReviewFormatError(
            f"no headline: the first line is {len(headline)} characters long, "
            "not a headline such as \"'Film Title' Review: ...\""
        )
    film_title = _film_title(headline)

    paragraphs = _drop_noise(paragraphs)

    meta_start = next((i for i, p in enumerate(paragraphs) if _metadata_key(p[0])), None)
    if meta_start is None:
        raise ReviewFormatError(
            "no metadata block (expected lines such as 'MPA Rating: R (...)', "
            "'Runtime: ...', 'Cast: ...')"
        )
    meta_end = meta_start
    while meta_end < len(paragraphs) and _metadata_key(paragraphs[meta_end][0]):
        meta_end += 1
    intro = [_join(p) for p in paragraphs[:meta_start]]
    metadata = _read_metadata(paragraphs[meta_start:meta_end])
    body = paragraphs[meta_end:]

    synopsis: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    final: list[str] = []
    in_final = False
    for paragraph in body:
        if in_final:
            final.append(_join(paragraph))
        elif _is_final_marker(paragraph):
            in_final = True
        elif _is_heading(paragraph):
            sections.append((paragraph[0], []))
        elif sections:
            sections[-1][1].append(_join(paragraph))
        else:
            synopsis.append(_join(paragraph))
    if caps is not None:
        _check_body_counts(synopsis, sections, final, caps)

    cast = metadata.cast
    _find_characters("\n".join(synopsis), cast)
    everything = "\n".join(
        [*intro, *synopsis, *(s for h, ps in sections for s in (h, *ps)), *final]
    )
    _find_characters(everything, cast)
    for credit in cast:
        if credit[1][:4].casefold() == "the ":
            credit[1] = credit[1][4:].strip()

    # The first section is the performance section only when it names a credited cast
    # member (full or family name); otherwise it is a critique like every later one.
    built: list[Section] = []
    for index, (heading, section_paragraphs) in enumerate(sections):
        performers: tuple[str, ...] = ()
        if index == 0:
            text = "\n".join([heading, *section_paragraphs])
            key = normalise_name(text)
            performers = tuple(name for name, _ in cast if _names_cast_member(text, key, name))
        if performers:
            built.append(Section("performance", heading, tuple(section_paragraphs), performers))
        else:
            built.append(Section("critique", heading, tuple(section_paragraphs), ()))

    return ParsedReview(
        headline=headline,
        film_title=film_title,
        intro=tuple(intro),
        mpa_rating=metadata.rating[0],
        mpa_rating_reason=metadata.rating[1],
        runtime_minutes=metadata.runtime,
        release_date=metadata.release_date,
        production_companies=metadata.companies,
        distributor=metadata.distributor,
        directors=metadata.directors,
        writers=metadata.writers,
        cast=tuple(CastCredit(name, character) for name, character in cast),
        synopsis=tuple(synopsis),
        sections=tuple(built),
        final_statement=tuple(final),
        imdb_id=metadata.imdb_id,
        critic=metadata.critic,
        score=metadata.score,
        genres=metadata.genres,
        trailer_url=metadata.trailer_url,
    )


def _check_body_counts(
    synopsis: list[str], sections: list[tuple[str, list[str]]], final: list[str], caps: BodyCaps
) -> None:
    """ReviewTooLarge when the body's sections, as the page will have them (the synopsis
    and final statement are sections too), exceed the caps."""
    counted = [(section_label(1, SYNOPSIS), len(synopsis))] if synopsis else []
    first = len(counted) + 1
    counted += [
        (section_label(position, "critique", heading), len(paragraphs))
        for position, (heading, paragraphs) in enumerate(sections, start=first)
    ]
    if final:
        counted.append((section_label(len(counted) + 1, FINAL_STATEMENT), len(final)))
    problems = body_count_problems(counted, caps)
    if problems:
        raise ReviewTooLarge(" ".join(problems))


# --------------------------------------------------------------------------------------------
# Rich text
# --------------------------------------------------------------------------------------------

_EMPHASIS_RE = re.compile(r"\*(?=[^\s*])([^*\n]*?[^\s*])\*")


def paragraphs_to_html(paragraphs: Iterable[str] | str) -> str:
    """Wagtail rich-text HTML: one <p> per paragraph, escaped, `*emphasis*` as <i>."""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    parts = []
    for paragraph in paragraphs:
        text = " ".join(str(paragraph).split())
        if not text:
            continue
        escaped = html.escape(text, quote=False)
        parts.append("<p>" + _EMPHASIS_RE.sub(r"<i>\1</i>", escaped) + "</p>")
    return "".join(parts)
