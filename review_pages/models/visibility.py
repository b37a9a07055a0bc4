""" "Public now": the one rule for what readers and apps may see, used by every surface.

A page is public now when it is live, its go-live time (if any) has been reached, its expiry
time (if any) has not, and no view restriction covers it. Wagtail withdraws an expired page
only when `publish_scheduled` (or the plugin's scheduled task) runs; until then the page is
still `live` in the database. Every reader surface (pages, filmographies, search, feeds,
sitemap, both APIs, images, the people and studios they credit, the response cache) reads
the clock itself through this module, so an expiry holds to the second whether or not a
worker is on time. The conditions are plain column comparisons: no query is added.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from wagtail.search import index

from .. import clock

#: The columns of the rule: a model whose `search_fields` filter by all of them can be
#: searched with the rule as it is (`ReviewPage` does).
RULE_FIELDS = {"live", "go_live_at", "expire_at"}


def live_now_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    """Live, go-live reached, not expired (`prefix`: a relation's path, e.g. "page__").

    Without `now`, the time is read when the query is compiled (`clock.Now`), so the same
    query keeps the same SQL (what memoised counts are keyed by)."""
    now = now or clock.Now()
    return (
        Q(**{f"{prefix}live": True})
        & (Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": now}))
        & (Q(**{f"{prefix}expire_at__isnull": True}) | Q(**{f"{prefix}expire_at__gt": now}))
    )


def expiry_passed_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    """Its expiry time has come (withdrawn by Wagtail or not yet): the other side of
    `live_now_q`'s expiry condition, for the editors' desk."""
    return Q(**{f"{prefix}expire_at__lte": now or clock.Now()})


def live_now(queryset, now: datetime.datetime | None = None):
    """`queryset` narrowed to pages live now, in a form its search can still filter by: the
    columns themselves when its model indexes them as filter fields, else the ids of the
    pages live now (Wagtail's `Page` indexes `id` and `live`, not the schedule's columns)."""
    model = queryset.model
    indexed = {
        field.field_name
        for field in model.get_search_fields()
        if isinstance(field, index.FilterField)
    }
    if RULE_FIELDS <= indexed:
        return queryset.filter(live_now_q(now))
    from wagtail.models import Page

    live_now_ids = Page.objects.filter(live_now_q(now)).values("pk")
    return queryset.filter(live=True, pk__in=live_now_ids)


def is_live_now(page, now: datetime.datetime | None = None) -> bool:
    """`live_now_q` for one page object."""
    now = now or timezone.now()
    return bool(
        page.live
        and (page.go_live_at is None or page.go_live_at <= now)
        and (page.expire_at is None or page.expire_at > now)
    )


class LiveNowPageMixin:
    """Page models served to readers only while live now: from its expiry time a page
    answers 404 and leaves the sitemap, even before Wagtail's scheduler withdraws it.
    (Previews are not served through here.)"""

    def serve(self, request, *args, **kwargs):
        if not getattr(request, "is_preview", False) and not is_live_now(self):
            raise Http404("This page is not published.")
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        if not is_live_now(self):
            return []
        return super().get_sitemap_urls(request)
