"""Names and slugs, shared by the snippet models and the plain-text importer.

Pure standard library: the plain-text parser imports it without touching Django.
"""

import unicodedata
from collections.abc import Callable, Iterable

#: Non-breaking and figure spaces, read as plain spaces everywhere a name or text is read.
NBSP_FOLD = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'"}
_HYPHENS = {"\u2010": "-", "\u2011": "-"}
_NAME_FOLD = str.maketrans({**_APOSTROPHES, **_HYPHENS})


def normalise_name(name: str) -> str:
    """Key under which two spellings of one name match.

    NFC, non-breaking spaces to spaces, curly/straight apostrophes folded to ``'``, Unicode
    hyphens to ``-``, case folded, whitespace collapsed and trimmed: "Zoe\u0308  MARCHETTI" and
    "zoë marchetti" match; accents are kept, so "Zoë" and "Zoe" stay different people.
    """
    text = unicodedata.normalize("NFC", name).translate(NBSP_FOLD).translate(_NAME_FOLD)
    text = unicodedata.normalize("NFC", text.casefold())
    return " ".join(text.split())


def accent_and_case_folded(text: str) -> str:
    """`text` as MySQL's default collations compare it: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class FreeSlugs:
    """Hands out slugs not in use: `base`, else `base-2`, `base-3`, ...

    `key` says how the database compares slugs (None: exactly), so that a slug it would
    take for one already in use is never handed out.
    """

    def __init__(self, used: Iterable[str] = (), key: Callable[[str], str] | None = None):
        self.key = key or (lambda slug: slug)
        self._used = {self.key(slug) for slug in used}

    def take(self, base: str) -> str:
        slug, counter = base, 2
        while self.key(slug) in self._used:
            slug, counter = f"{base}-{counter}", counter + 1
        self._used.add(self.key(slug))
        return slug
