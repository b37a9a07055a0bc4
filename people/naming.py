"""Name normalisation shared by the snippet models and the plain-text importer.

Pure standard library: the parser imports it without touching Django.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def normalise_name(name: str) -> str:
    """Key under which two spellings of one name match: NFC, case and spacing folded.

    "Zoe\u0308  Marchetti" and "zoë marchetti" give the same key; accents are kept, so
    "Zoë" and "Zoe" stay different people.
    """
    text = unicodedata.normalize("NFC", name).replace("\u00a0", " ").translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip().casefold()
