"""Film and people identities that no anchor models: IMDb, TMDB and Wikidata ids.

Pure standard library (the plain-text parser reads IMDb ids with it, without Django). Each
kind has its pattern, the way editors may paste it (a whole URL is accepted and reduced to
the id), and the page address that schema.org's `sameAs` points to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class IdentifierKind:
    label: str
    pattern: str  # the id alone, e.g. tt0111161
    example: str
    url_template: str
    url_prefix_re: str  # what a pasted address may carry before the id
    site: str  # the site's name, for a link to the page

    @property
    def regex(self) -> re.Pattern:
        return re.compile(rf"^{self.pattern}$")

    def clean(self, value: str) -> str:
        """The id in `value` (an id or its page address), or `value` itself, trimmed."""
        text = (value or "").strip()
        match = re.match(rf"^{self.url_prefix_re}({self.pattern})/?(?:[?#].*)?$", text)
        return match.group(1) if match else text

    def is_valid(self, value: str) -> bool:
        return bool(self.regex.match(value))

    def url(self, value: str) -> str:
        return self.url_template.format(id=value)

    @property
    def message(self) -> str:
        return f"Enter the {self.label} id, such as {self.example}, or its page address."


_IMDB_PREFIX = r"(?:https?://)?(?:(?:www|m)\.)?imdb\.com/(?:title|name)/"

IMDB_TITLE = IdentifierKind(
    "IMDb title",
    r"tt\d{7,10}",
    "tt0111161",
    "https://www.imdb.com/title/{id}/",
    _IMDB_PREFIX,
    "IMDb",
)
IMDB_NAME = IdentifierKind(
    "IMDb name", r"nm\d{7,10}", "nm0000151", "https://www.imdb.com/name/{id}/", _IMDB_PREFIX, "IMDb"
)
TMDB_MOVIE = IdentifierKind(
    "TMDB movie",
    r"[1-9]\d{0,9}",
    "278",
    "https://www.themoviedb.org/movie/{id}",
    r"(?:https?://)?(?:www\.)?themoviedb\.org/movie/",
    "TMDB",
)
WIKIDATA = IdentifierKind(
    "Wikidata",
    r"Q[1-9]\d{0,11}",
    "Q172241",
    "https://www.wikidata.org/wiki/{id}",
    r"(?:https?://)?(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/",
    "Wikidata",
)

#: What a TMDB address may carry after the id: "278-the-shawshank-redemption".
_TMDB_SLUG_RE = re.compile(r"^(.*/movie/[1-9]\d{0,9})-[^/?#]*(/?(?:[?#].*)?)$")


def clean_tmdb(value: str) -> str:
    text = (value or "").strip()
    return TMDB_MOVIE.clean(_TMDB_SLUG_RE.sub(r"\1\2", text))
