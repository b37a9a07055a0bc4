"""The plugin's page models and the credit lists of a review."""

from .credits import (
    CREDIT_LISTS,
    PERSON_CREDITS,
    STUDIO_CREDITS,
    ReviewCastMember,
    ReviewDirector,
    ReviewProductionCompany,
    ReviewWriter,
)
from .genres import Genre, ReviewGenre
from .imports import ReviewImport, ReviewImportFile
from .index import ReviewIndexPage
from .previews import PageTakedown, PreviewGrant, PreviewRefused, Takedown, ending_takedown
from .review import (
    REVIEW_API_FIELDS,
    MPARating,
    ReviewPage,
    ReviewPageQuerySet,
    credited_names,
    load_credits,
    load_listing_data,
    load_still_images,
    performer_ids,
    performers_by_id,
    publicly_credited,
    publicly_credited_among,
    raw_performer_ids,
    restricted_sections,
    shown_genre_ids,
    shown_ids,
)
from .scheduling import ScheduleSweep
from .stills import ReviewStill
from .sync import SyncChange, SyncClock, SyncKind, SyncState
from .visibility import is_live_now, live_now, live_now_q
from .webhooks import EVENTS as WEBHOOK_EVENTS
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "CREDIT_LISTS",
    "MPARating",
    "PERSON_CREDITS",
    "PageTakedown",
    "PreviewGrant",
    "PreviewRefused",
    "REVIEW_API_FIELDS",
    "STUDIO_CREDITS",
    "Takedown",
    "ScheduleSweep",
    "SyncChange",
    "SyncClock",
    "SyncKind",
    "SyncState",
    "WEBHOOK_EVENTS",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Genre",
    "ReviewCastMember",
    "ReviewDirector",
    "ReviewGenre",
    "ReviewIndexPage",
    "ReviewImport",
    "ReviewImportFile",
    "ReviewPage",
    "ReviewPageQuerySet",
    "ReviewProductionCompany",
    "ReviewStill",
    "ReviewWriter",
    "is_live_now",
    "live_now",
    "live_now_q",
    "ending_takedown",
    "credited_names",
    "load_credits",
    "load_listing_data",
    "load_still_images",
    "performer_ids",
    "performers_by_id",
    "publicly_credited",
    "publicly_credited_among",
    "raw_performer_ids",
    "restricted_sections",
    "shown_genre_ids",
    "shown_ids",
]
