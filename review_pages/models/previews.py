"""Reading a draft without logging in: preview grants and their signed tokens.

A `PreviewGrant` lets whoever holds its token read one page's draft, for a while: the
editor's front-end Preview (its unsaved form state, `content`) or a share link (a
revision). The token is signed (Django's `Signer`, so the same grant always gives the same
token and a share link can be shown again) and names the grant, the page, the revision and
the expiry: tampering with any of them breaks the signature, and the grant row says
whether it was revoked. A token reads nothing but its own page; it can write nothing.

A takedown of the page ends every grant issued before it (`ending_takedown`, the one rule):
unpublishing it, its expiry, a view restriction on it or above it, moving it (each recorded
as a `PageTakedown` from the plugin's `events.page_taken_down`) or deleting it (its grants go
with it). An expiry counts from `expire_at` itself, whether or not a worker has unpublished
the page yet. Links made after the takedown work.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from wagtail.models import Page

TOKEN_SALT = "review_pages.previews"  # noqa: S105 - a namespace for the signature, not a secret


@dataclass
class PreviewRefused(Exception):
    """Why a token reads nothing: `status` (401 or 403, 404 when the page is gone) and a
    message for whoever holds it."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


# Takedowns: what ends a page's grants


@dataclass(frozen=True)
class Takedown:
    """One moment a page stopped being public: `reason` (`PageTakedown.REASONS`) and when
    (`at`: none for a deletion, which leaves no page to date it on)."""

    reason: str
    at: datetime.datetime | None

    @property
    def description(self) -> str:
        what = dict(PageTakedown.REASONS).get(self.reason, self.reason)
        return f"{what} on {self.at:%Y-%m-%d %H:%M} UTC" if self.at is not None else what

    @property
    def refusal(self) -> PreviewRefused:
        if self.reason == PageTakedown.DELETED:
            return PreviewRefused(
                403, "This preview link has ended: the page was taken down (deleted)."
            )
        return PreviewRefused(
            403,
            f"This preview link has ended: the page was taken down ({self.description}). "
            "Ask for a new link to its current draft.",
        )


def ending_takedown(issued_at: datetime.datetime, takedowns: Iterable[Takedown]) -> Takedown | None:
    """The rule, said once: a token issued before a takedown of its page is void. Answers
    the first takedown after `issued_at` (the one that ended it), or None."""
    after = [takedown for takedown in takedowns if takedown.at is None or issued_at < takedown.at]
    return min(after, key=lambda takedown: takedown.at or issued_at, default=None)


def page_takedowns(page, recorded: Iterable[Takedown] = (), now=None) -> list[Takedown]:
    """A page's takedowns: those recorded, and its expiry once `expire_at` has passed (from
    that moment, not from whenever a worker unpublishes it)."""
    now = now or timezone.now()
    takedowns = list(recorded)
    if page.expire_at is not None and page.expire_at <= now:
        takedowns.append(Takedown(PageTakedown.EXPIRED, page.expire_at))
    return sorted(takedowns, key=lambda takedown: takedown.at)


class PageTakedown(models.Model):
    """A takedown of a page that had grants which could still read: written for those pages
    only (a restriction on a section of 10,000 reviews writes a row per page with a link, not
    per page), so the table stays as small as the grants."""

    UNPUBLISHED = "unpublished"
    EXPIRED = "expired"
    RESTRICTED = "restricted"
    MOVED = "moved"
    DELETED = "deleted"
    REASONS = [
        (UNPUBLISHED, "unpublished"),
        (EXPIRED, "expired"),
        (RESTRICTED, "made private"),
        (MOVED, "moved"),
        (DELETED, "deleted"),
    ]

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=REASONS)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "page takedown"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["page", "-at"])]

    def __str__(self) -> str:
        return f"page {self.page_id} {self.reason} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls, page, reason: str, *, at=None, include_descendants: bool = False
    ) -> list[PageTakedown]:
        """End the grants of `page` (and of the pages under it: a restriction or a move
        takes down the whole section) issued before `at` (now by default)."""
        now = timezone.now()
        at = at or now
        grants = PreviewGrant.objects.filter(revoked_at=None, expires_at__gt=now, created_at__lt=at)
        if include_descendants:
            grants = grants.filter(page__path__startswith=page.path)
        else:
            grants = grants.filter(page_id=page.pk)
        page_ids = sorted(set(grants.values_list("page_id", flat=True)))
        return cls.objects.bulk_create([cls(page_id=pk, reason=reason, at=at) for pk in page_ids])

    @classmethod
    def of_page(cls, page, now=None) -> list[Takedown]:
        """Every takedown of the page, oldest first (one query)."""
        recorded = [
            Takedown(reason, at)
            for reason, at in cls.objects.filter(page_id=page.pk).values_list("reason", "at")
        ]
        return page_takedowns(page, recorded, now)


class PreviewGrant(models.Model):
    EDITOR = "editor"
    SHARE = "share"
    KINDS = [(EDITOR, "editor's preview"), (SHARE, "share link")]

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The revision it shows; none: the page as saved, or its unsaved content.",
    )
    content = models.JSONField(
        null=True,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="An editor's preview: the unsaved state of the edit form.",
    )
    kind = models.CharField(max_length=10, choices=KINDS, default=SHARE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "preview grant"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "kind"])]

    def __str__(self) -> str:
        until = f"{self.expires_at:%Y-%m-%d %H:%M}"
        return f"{self.get_kind_display()} of page {self.page_id} until {until}"

    # Making grants

    @classmethod
    def share(cls, page, *, seconds: int, user=None) -> PreviewGrant:
        """A share link to the page's latest revision (or the page as saved)."""
        return cls.objects.create(
            page=page,
            revision_id=page.latest_revision_id,
            kind=cls.SHARE,
            created_by=user if user is not None and user.is_authenticated else None,
            expires_at=timezone.now() + datetime.timedelta(seconds=seconds),
        )

    @classmethod
    def for_editor(cls, page, *, seconds: int, user=None) -> PreviewGrant:
        """The editor's preview of the unsaved form state: one grant per editor and page,
        renewed at each refresh of the preview."""
        now = timezone.now()
        values = {
            "revision_id": page.latest_revision_id,
            "content": page.serializable_data(),
            "created_at": now,  # issued again: a takedown before this refresh does not end it
            "expires_at": now + datetime.timedelta(seconds=seconds),
            "revoked_at": None,
        }
        if user is None or not user.is_authenticated:
            return cls.objects.create(page_id=page.pk, kind=cls.EDITOR, **values)
        grant, _ = cls.objects.update_or_create(
            page_id=page.pk, kind=cls.EDITOR, created_by=user, defaults=values
        )
        return grant

    # Tokens

    @property
    def token(self) -> str:
        payload = {
            "g": self.pk,
            "p": self.page_id,
            "r": self.revision_id,
            "e": int(self.expires_at.timestamp()),
        }
        return signing.Signer(salt=TOKEN_SALT).sign_object(payload, compress=False)

    @classmethod
    def from_token(cls, token: str | None) -> PreviewGrant:
        """The grant a token names, if it may still read; else `PreviewRefused`.

        One query (the grant, its page and revision, and the page's last recorded
        takedown), whatever the page's history; two when the grant is gone.
        """
        if not token:
            raise PreviewRefused(401, "A preview token is required (?token=...).")
        try:
            payload = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError, UnicodeError) as error:
            raise PreviewRefused(403, "This preview token is not valid.") from error
        if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
            raise PreviewRefused(403, "This preview token is not valid.")
        if payload["e"] <= timezone.now().timestamp():
            raise PreviewRefused(401, "This preview token has expired: ask for a new link.")
        last = PageTakedown.objects.filter(page_id=OuterRef("page_id")).order_by("-at", "-pk")
        grant = (
            cls.objects.filter(pk=payload.get("g"))
            .select_related("revision", "page")
            .annotate(
                last_takedown_at=Subquery(last.values("at")[:1]),
                last_takedown_reason=Subquery(last.values("reason")[:1]),
            )
            .first()
        )
        if grant is None:
            # The payload is signed: its page existed. Gone now, it was deleted (and its
            # grants with it); page ids are never reused.
            if not Page.objects.filter(pk=payload.get("p")).exists():
                raise Takedown(PageTakedown.DELETED, None).refusal
            raise PreviewRefused(403, "This preview link has been revoked.")
        if grant.revoked_at is not None:
            raise PreviewRefused(403, "This preview link has been revoked.")
        if (grant.page_id, grant.revision_id) != (payload.get("p"), payload.get("r")):
            raise PreviewRefused(403, "This preview token is not valid.")  # superseded
        if grant.expires_at <= timezone.now():
            raise PreviewRefused(401, "This preview token has expired: ask for a new link.")
        takedown = grant.ending_takedown()
        if takedown is not None:
            raise takedown.refusal
        return grant

    def ending_takedown(self, takedowns: Iterable[Takedown] | None = None) -> Takedown | None:
        """The takedown of the page that ended this grant, if one did. Without `takedowns`
        (the page's, from `PageTakedown.of_page`), the last one `from_token` read."""
        if takedowns is None:
            at = getattr(self, "last_takedown_at", None)
            recorded = [Takedown(self.last_takedown_reason, at)] if at is not None else []
            takedowns = page_takedowns(self.page, recorded)
        return ending_takedown(self.created_at, takedowns)

    # What it shows

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"

    def draft(self):
        """The page as the grant shows it (specific, unsaved: never `.save()` it)."""
        page = self.page.specific
        if self.content is not None:
            return page.with_content_json(self.content)
        if self.revision is not None:
            return self.revision.as_object()
        return page
