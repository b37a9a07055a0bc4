"""What is due now, done once (the work of Wagtail's `publish_scheduled`, for the plugin's
page types, claim by claim)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision

logger = logging.getLogger(__name__)

PUBLISHED = "published"
EXPIRED = "expired"


def scheduled_page_models() -> list[type[Page]]:
    from ..models import ReviewIndexPage, ReviewPage

    return [ReviewPage, ReviewIndexPage]


def is_scheduled_type(page) -> bool:
    """Whether the plugin schedules this page (one of its page types)."""
    specific_class = getattr(page, "specific_class", None) or type(page)
    return issubclass(specific_class, tuple(scheduled_page_models()))


def _content_type_ids() -> list[int]:
    return [ct.pk for ct in ContentType.objects.get_for_models(*scheduled_page_models()).values()]


def due_revisions(now=None):
    """Scheduled revisions of the plugin's pages whose go-live time has come."""
    return Revision.objects.filter(
        approved_go_live_at__lte=now or timezone.now(), content_type_id__in=_content_type_ids()
    ).order_by("approved_go_live_at", "pk")


def expired_pages(now=None):
    """Live pages of the plugin's types whose expiry time has come."""
    return Page.objects.filter(
        live=True, expire_at__lte=now or timezone.now(), content_type_id__in=_content_type_ids()
    ).order_by("expire_at", "pk")


def publish_due_revisions(page_ids: Iterable[int] | None = None, now=None) -> list[int]:
    """Publish every scheduled revision whose go-live time has come; the pages' ids.

    Each revision is claimed by clearing its `approved_go_live_at` in the transaction that
    publishes it: of two workers (or a worker and `publish_scheduled`) only one claims it,
    and a failed publication gives it back. The revision's own go-live time is in its
    content, so Wagtail publishes it as live now, logged as a scheduled publication.
    """
    due = due_revisions(now)
    if page_ids is not None:
        due = due.filter(object_id__in=[str(pk) for pk in page_ids])
    published = []
    for revision in due:
        try:
            with transaction.atomic():
                claimed = Revision.objects.filter(
                    pk=revision.pk, approved_go_live_at=revision.approved_go_live_at
                ).update(approved_go_live_at=None)
                if not claimed:
                    continue  # another worker has it, or it was rescheduled or cancelled
                revision.publish(log_action="wagtail.publish.scheduled")
        except Exception:
            logger.exception("Could not publish scheduled revision %s", revision.pk)
            continue
        published.append(int(revision.object_id))
    return published


def withdraw_expired_pages(page_ids: Iterable[int] | None = None, now=None) -> list[int]:
    """Unpublish every live page whose expiry time has come, as Wagtail's scheduler does
    (`expired` set, logged as a scheduled unpublication); the pages' ids.

    Each page is re-read locked (`select_for_update` where the database has it) and
    checked again in the transaction that unpublishes it, so it is withdrawn once.
    """
    now = now or timezone.now()
    due = expired_pages(now)
    if page_ids is not None:
        due = due.filter(pk__in=list(page_ids))
    withdrawn = []
    for pk in list(due.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                page = (
                    Page.objects.select_for_update()
                    .filter(pk=pk, live=True, expire_at__lte=now)
                    .first()
                )
                if page is None:
                    continue
                page.specific.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        except Exception:
            logger.exception("Could not withdraw expired page %s", pk)
            continue
        withdrawn.append(pk)
    return withdrawn


def run_due(page_ids: Iterable[int] | None = None, now=None) -> dict[str, list[int]]:
    """Expiries first, then go-lives (as `publish_scheduled`): {"expired": [...],
    "published": [...]}."""
    page_ids = list(page_ids) if page_ids is not None else None
    return {
        EXPIRED: withdraw_expired_pages(page_ids, now),
        PUBLISHED: publish_due_revisions(page_ids, now),
    }
