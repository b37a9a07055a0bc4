"""The sync feed's record of what front ends were told (`review_pages.sync`).

- `SyncState`: one row per review, person or studio that was ever public: whether it is
  public as far as the feed has said, at which path, and (a review) whom it credits. It is
  what each change is compared with, so the feed writes a change only when something a
  front end shows did change.
- `SyncChange`: the log. One row per change a front end must apply (appeared, changed,
  withdrawn), with the state before and after it; its id is the feed's cursor. Rows are
  written under `SyncClock`'s lock, so their ids follow the order their transactions
  commit in: a reader never sees a row before one with a lower id.
- `SyncClock`: one row; the lock of the writers, and the time up to which go-lives were
  looked for (time passing changes what is public without any write).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone


class SyncKind(models.IntegerChoices):
    """In the feed's order: reviews first, then people, then studios."""

    REVIEW = 1, "review"
    PERSON = 2, "person"
    STUDIO = 3, "studio"


class SyncState(models.Model):
    kind = models.PositiveSmallIntegerField(choices=SyncKind.choices)
    object_id = models.PositiveBigIntegerField()
    public = models.BooleanField(help_text="Whether the feed last said it is public.")
    html_path = models.TextField(
        blank=True, help_text="Its path while public; once withdrawn, its last public path."
    )
    credits = models.JSONField(
        default=dict,
        blank=True,
        help_text='A public review\'s {"people": [ids], "studios": [ids]}.',
    )
    changed_at = models.DateTimeField(default=timezone.now)
    page_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="People and studios: when what their filmography page shows last changed.",
    )

    class Meta:
        verbose_name = "sync state"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="review_pages_sync_state")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}: {'public' if self.public else 'gone'}"


class SyncChange(models.Model):
    id = models.BigAutoField(primary_key=True)
    kind = models.PositiveSmallIntegerField(choices=SyncKind.choices)
    object_id = models.PositiveBigIntegerField()
    was_public = models.BooleanField()
    public = models.BooleanField()
    html_path = models.TextField(
        blank=True, help_text="Its path after the change (withdrawn: its last public path)."
    )
    previous_html_path = models.TextField(
        blank=True, help_text="Its path before the change, if it was public."
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "sync change"
        indexes = [
            models.Index(fields=["kind", "object_id", "id"], name="review_pages_sync_entity")
        ]

    def __str__(self) -> str:
        action = "upsert" if self.public else "remove"
        return f"#{self.pk} {action} {self.get_kind_display()} {self.object_id}"


class SyncClock(models.Model):
    started_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the log began: a cursor of an earlier log (a restored database) is "
        "refused.",
    )
    swept_until = models.DateTimeField(
        help_text="Go-lives up to this time are in the log (later ones are looked for)."
    )
    writes = models.PositiveBigIntegerField(default=0, help_text="Bumped to take the lock.")

    class Meta:
        verbose_name = "sync clock"

    def __str__(self) -> str:
        return f"sync clock at {self.swept_until}"


def filmography_lastmods() -> dict[tuple[int, int], datetime.datetime | None]:
    """When what each public person's and studio's filmography page shows last changed
    (a review listed on it published, changed or withdrawn, or they themselves), by
    (kind, id): one query. The sitemap's <lastmod>."""
    said = SyncState.objects.filter(kind__in=[SyncKind.PERSON, SyncKind.STUDIO], public=True)
    return {
        (kind, pk): changed_at
        for kind, pk, changed_at in said.values_list("kind", "object_id", "page_changed_at")
    }


def reviews_last_changed(path: str) -> datetime.datetime | None:
    """The latest change the log holds of a review under this path: published, changed or
    withdrawn (one query, from the newest change back)."""
    return (
        SyncChange.objects.filter(kind=SyncKind.REVIEW, html_path__startswith=path)
        .order_by("-id")
        .values_list("changed_at", flat=True)
        .first()
    )
