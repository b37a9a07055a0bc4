"""Draft previews outside the admin: share links (made in the page's admin menu or with
`manage.py preview_link`), read with their token by front ends at the API's preview
endpoints, or on the site itself at the review index's `preview/` route.

The grants and their tokens are `review_pages.models.PreviewGrant`; where a token opens the
draft is `review_pages.links.preview_url`.
"""

from __future__ import annotations

import re

from django.utils.translation import ngettext

from ..conf import reviews_settings

DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_lifetime(text: str) -> int:
    """ "24h", "30m", "7d" or seconds, within `SHARE_LINK_MAX_SECONDS`; ValueError with a
    message otherwise."""
    match = DURATION.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a lifetime: use e.g. 30m, 24h or 7d.")
    seconds = int(match.group(1)) * UNIT_SECONDS[match.group(2)]
    longest = reviews_settings.SHARE_LINK_MAX_SECONDS
    if not 0 < seconds <= longest:
        raise ValueError(f"A share link lives from 1 second to {describe_seconds(longest)}.")
    return seconds


def describe_seconds(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {ngettext(unit, unit + 's', count)}"
    return f"{seconds} {ngettext('second', 'seconds', seconds)}"


def is_review(page) -> bool:
    from ..models import ReviewPage

    return issubclass(page.specific_class or type(page), ReviewPage)
