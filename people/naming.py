"""Names and slugs, shared by the snippet models and the plain-text importer.

Pure standard library: the plain-text parser imports it without touching Django.
"""

import unicodedata

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


def free_slug(base: str, used: set[str]) -> str:
    """`base`, or the first of `base-2`, `base-3`, ... not in `used`."""
    slug, counter = base, 2
    while slug in used:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug
