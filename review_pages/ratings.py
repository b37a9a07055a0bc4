"""The MPA's film ratings: code -> label, in order of strictness.

Pure Python, so the plain-text parser reads them without Django; the model's choices
(`review_pages.models.MPARating`) are made from them.
"""

MPA_RATINGS = {
    "G": "G",
    "PG": "PG",
    "PG-13": "PG-13",
    "R": "R",
    "NC-17": "NC-17",
    "NR": "not rated",
}
