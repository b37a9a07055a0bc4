"""The publication's name, as link previews and JSON-LD give it."""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Site

from .conf import reviews_settings


def publication_name(request=None) -> str:
    """`REVIEW_PAGES["SITE_NAME"]`, else the Wagtail Site record's name, else
    WAGTAIL_SITE_NAME, else the site's host name."""
    configured = reviews_settings.SITE_NAME
    if configured:
        return str(configured)
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is not None and site.site_name:
        return site.site_name
    wagtail_name = getattr(settings, "WAGTAIL_SITE_NAME", "")
    if wagtail_name:
        return wagtail_name
    return site.hostname if site is not None else ""
