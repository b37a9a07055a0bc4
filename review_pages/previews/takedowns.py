"""Takedowns end share links and preview tokens: each one the plugin's events say
(`events.page_taken_down`) is recorded for the pages whose grants it ends, and
`PreviewGrant.from_token` refuses every token issued before it (`ending_takedown`).

Connected by `ReviewPagesConfig.ready()`.
"""

from __future__ import annotations

from .. import events
from ..models import PageTakedown


def taken_down(sender, page, reason: str, at, include_descendants: bool = False, **kwargs):
    PageTakedown.record(page, reason, at=at, include_descendants=include_descendants)


def connect() -> None:
    events.page_taken_down.connect(taken_down, dispatch_uid="review_pages.previews.takedowns")
