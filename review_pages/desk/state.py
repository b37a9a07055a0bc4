"""Where each review stands, read from Wagtail's own state in the listing's one query.

Wagtail keeps a review's standing in several places: the page's `live`,
`has_unpublished_changes`, `expired` and `expire_at`, a revision approved to go live
(`Revision.approved_go_live_at`, what `scheduled_revision` reads), and an in-progress
`WorkflowState`. The desk folds them into one status per review, as SQL annotations, so that
a page of the list (and each status filter) costs the same queries however long it is; the
column and the filter read the same annotation, so a filter shows exactly the reviews
wearing its status.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from wagtail.models import Revision, WorkflowState
from wagtail.utils.timestamps import render_timestamp

from ..models.visibility import expiry_passed_q, is_live_now

#: Filter value -> what the filter is called (the status column says the same, with the
#: go-live time of a scheduled review and "live + " before a live review's pending change).
STATUSES = {
    "scheduled": "scheduled",
    "moderation": "in moderation",
    "expired": "expired",
    "live": "live",
    "live-draft": "live + draft",
    "draft": "draft",
}


def _page_id():
    """The review's id as the text Wagtail keeps in revisions' and workflows' object_id."""
    return Cast(OuterRef("pk"), output_field=CharField())


def expired_q(now: datetime.datetime) -> Q:
    """Withdrawn by Wagtail at its expiry, or live with its expiry time passed (Wagtail's
    `publish_scheduled` has not run yet, but readers no longer see it)."""
    return Q(expired=True) | (Q(live=True) & expiry_passed_q(now))


def with_desk_state(queryset: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Reviews annotated with `desk_scheduled_at` (the go-live of the revision approved to go
    live), `desk_in_moderation`, `desk_go_live` (that go-live, else the page's own
    `go_live_at`) and `desk_status` (a key of STATUSES); and with Wagtail's own
    `_approved_schedule`, so that its locks and permission checks read no more per row."""
    now = now or timezone.now()
    scheduled_at = Subquery(
        Revision.page_revisions.filter(object_id=_page_id(), approved_go_live_at__isnull=False)
        .order_by("-created_at")
        .values("approved_go_live_at")[:1]
    )
    in_moderation = Exists(
        WorkflowState.objects.filter(
            base_content_type__app_label="wagtailcore",
            base_content_type__model="page",
            object_id=_page_id(),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
    )
    return queryset.annotate(
        desk_scheduled_at=scheduled_at,
        desk_in_moderation=in_moderation,
    ).annotate(
        _approved_schedule=ExpressionWrapper(
            Q(desk_scheduled_at__isnull=False), output_field=BooleanField()
        ),
        desk_go_live=Coalesce("desk_scheduled_at", "go_live_at"),
        desk_status=Case(
            When(desk_scheduled_at__isnull=False, then=Value("scheduled")),
            When(expired_q(now), then=Value("expired")),
            When(desk_in_moderation=True, then=Value("moderation")),
            When(live=True, has_unpublished_changes=True, then=Value("live-draft")),
            When(live=True, then=Value("live")),
            default=Value("draft"),
            output_field=CharField(),
        ),
    )


def with_workflow_states(queryset: QuerySet) -> QuerySet:
    """Wagtail's `prefetch_workflow_states` (the active workflow state of each page, read by
    `current_workflow_state`, `workflow_in_progress` and the workflow locks), for a queryset
    of ReviewPage itself.

    Wagtail prefetches through `_specific_workflow_states` (matched on the state's specific
    content type) only for a `.specific()` queryset; for `ReviewPage.objects` it takes
    `_workflow_states`, whose match on the base content type finds nothing for a ReviewPage
    instance, so every review looked out of moderation.
    """
    states = WorkflowState.objects.active().select_related("current_task_state__task")
    return queryset.prefetch_related(
        Prefetch("_specific_workflow_states", queryset=states, to_attr="_current_workflow_states")
    )


def status_label(review, now: datetime.datetime | None = None) -> str:
    """What the status column says of a review annotated by `with_desk_state`."""
    now = now or timezone.now()
    status = review.desk_status
    label = STATUSES[status]
    if status == "scheduled":
        label = f"scheduled ({render_timestamp(review.desk_scheduled_at)})"
    if status in ("scheduled", "moderation") and _live_now(review, now):
        label = f"live + {label}"
    return label


def _live_now(review, now: datetime.datetime) -> bool:
    return is_live_now(review, now)
