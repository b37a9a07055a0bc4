"""Reading a draft without logging in: preview grants and their signed tokens.

A `PreviewGrant` lets whoever holds its token read one page's draft, for a while: the
editor's front-end Preview (its unsaved form state, `content`) or a share link (a
revision). The token is signed (Django's `Signer`, so the same grant always gives the same
token and a share link can be shown again) and names the grant, the page, the revision and
the expiry: tampering with any of them breaks the signature, and the grant row says
whether it was revoked. A token reads nothing but its own page; it can write nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

TOKEN_SALT = "review_pages.previews"  # noqa: S105 - a namespace for the signature, not a secret


@dataclass
class PreviewRefused(Exception):
    """Why a token reads nothing: `status` (401 or 403, 404 when the page is gone) and a
    message for whoever holds it."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


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
        values = {
            "revision_id": page.latest_revision_id,
            "content": page.serializable_data(),
            "expires_at": timezone.now() + datetime.timedelta(seconds=seconds),
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
        """The grant a token names, if it may still read; else `PreviewRefused`."""
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
        grant = cls.objects.filter(pk=payload.get("g")).select_related("revision").first()
        if grant is None or grant.revoked_at is not None:
            raise PreviewRefused(403, "This preview link has been revoked.")
        if (grant.page_id, grant.revision_id) != (payload.get("p"), payload.get("r")):
            raise PreviewRefused(403, "This preview token is not valid.")  # superseded
        if grant.expires_at <= timezone.now():
            raise PreviewRefused(401, "This preview token has expired: ask for a new link.")
        return grant

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
