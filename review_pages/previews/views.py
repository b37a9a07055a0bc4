"""The admin's share links of a review's draft: list (who made each, until when, and which
ones a takedown of the page ended), make one with a chosen lifetime, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.models import Page

from ..conf import reviews_settings
from ..links import preview_url
from ..models import PageTakedown, PreviewGrant
from . import describe_seconds, is_review

LIFETIMES = (3600, 24 * 3600, 7 * 24 * 3600, 30 * 24 * 3600)


class ShareLinkForm(forms.Form):
    lifetime = forms.TypedChoiceField(coerce=int, label="Expires after")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = reviews_settings.SHARE_LINK_MAX_SECONDS
        default = min(reviews_settings.SHARE_LINK_SECONDS, longest)
        choices = sorted({*[s for s in LIFETIMES if s <= longest], default})
        self.fields["lifetime"].choices = [(s, describe_seconds(s)) for s in choices]
        self.fields["lifetime"].initial = default


def _editable_review(request, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id)
    if not is_review(page):
        raise Http404("Share links are for reviews.")
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page.specific


def share_links(request, page_id: int):
    page = _editable_review(request, page_id)
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = PreviewGrant.share(page, seconds=form.cleaned_data["lifetime"], user=request.user)
        messages.success(
            request, f"Share link made; it expires {grant.expires_at:%Y-%m-%d %H:%M} UTC."
        )
        return redirect(reverse("review_pages_share_links", args=(page.pk,)))
    grants = PreviewGrant.objects.filter(page=page, kind=PreviewGrant.SHARE).select_related(
        "created_by"
    )
    takedowns = PageTakedown.of_page(page)
    rows = [
        (grant, preview_url(page, grant.token, request), grant.ending_takedown(takedowns))
        for grant in grants
    ]
    return TemplateResponse(
        request,
        "review_pages/admin/share_links.html",
        {
            "page": page,
            "form": form,
            "rows": rows,
            # Said above the list when it ended links that would still work otherwise.
            "last_takedown": takedowns[-1]
            if any(takedown and grant.status == "active" for grant, _, takedown in rows)
            else None,
            "now": timezone.now(),
        },
    )


@require_POST
def revoke_share_link(request, grant_id: int):
    grant = get_object_or_404(PreviewGrant, pk=grant_id, kind=PreviewGrant.SHARE)
    page = _editable_review(request, grant.page_id)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        messages.success(request, "Share link revoked: it no longer opens the draft.")
    return redirect(reverse("review_pages_share_links", args=(page.pk,)))
