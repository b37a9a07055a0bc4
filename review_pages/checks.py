"""System checks: what a host must have for the plugin to work, each named in the message."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core import checks

from .conf import reviews_settings

REQUIRED_APPS = {
    "people": "the people and studios the reviews credit",
    "wagtail_modeladmin": "the editors' Reviews desk",
    "wagtail.contrib.routable_page": "the review index's routes (filmographies, feed, search)",
    "wagtail.api.v2": "the API v2 endpoints",
    "rest_framework": "the API v2 endpoints (Django REST framework)",
    "wagtail.images": "posters and portraits",
    "wagtail.snippets": "the people and studios libraries",
}
CACHE_APP = "review_pages.cache"
#: "Whenever": what is scheduled at all, due or not.
FAR_FUTURE = datetime.datetime.max.replace(tzinfo=datetime.UTC)
CACHE_MIDDLEWARE = "review_pages.cache.middleware.TaggedResponseCacheMiddleware"


@checks.register()
def check_required_apps(app_configs=None, **kwargs):
    return [
        checks.Error(
            f"review_pages needs {app!r} in INSTALLED_APPS ({purpose}).",
            hint=f"Add {app!r} to INSTALLED_APPS (see docs/installation.md).",
            id="review_pages.E001",
        )
        for app, purpose in REQUIRED_APPS.items()
        if not apps.is_installed(app)
    ]


@checks.register()
def check_settings(app_configs=None, **kwargs):
    unknown = reviews_settings.unknown_keys()
    if not unknown:
        return []
    return [
        checks.Warning(
            f"REVIEW_PAGES has keys the plugin does not know: {', '.join(unknown)}.",
            hint="See docs/settings.md for the settings and their names.",
            id="review_pages.W002",
        )
    ]


@checks.register()
def check_cache_wiring(app_configs=None, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if CACHE_MIDDLEWARE in middleware and not apps.is_installed(CACHE_APP):
        return [
            checks.Error(
                f"{CACHE_MIDDLEWARE} is in MIDDLEWARE but {CACHE_APP!r} is not installed: "
                "nothing would make its answers stale.",
                hint=f"Add {CACHE_APP!r} to INSTALLED_APPS (docs/caching.md).",
                id="review_pages.E003",
            )
        ]
    return []


@checks.register()
def check_v3_schema(app_configs=None, **kwargs):
    from .api import wiring

    if wiring.registered_too_late:
        return [
            checks.Error(
                "Wagtail's v3 pages router was imported before the models were loaded, so "
                "/api/v3/pages/<id>/ would show reviews without their credits.",
                hint="Do not import wagtail.api.v3.api (or its routers) from settings or from "
                "a models module; importing it from an app's ready() is fine.",
                id="review_pages.E004",
            )
        ]
    return []


def _is_absolute_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@checks.register()
def check_public_urls(app_configs=None, **kwargs):
    """The public base and the front-end preview templates must be usable addresses."""
    problems = []
    base = reviews_settings.PUBLIC_BASE_URL
    if base and not _is_absolute_http(str(base)):
        problems.append(
            checks.Error(
                f"REVIEW_PAGES['PUBLIC_BASE_URL'] = {base!r} is not an absolute http(s) URL.",
                hint="e.g. 'https://app.example.com' (scheme, host and port only).",
                id="review_pages.E006",
            )
        )
    templates = reviews_settings.FRONTEND_PREVIEW_URL or {}
    if isinstance(templates, str):
        templates = {"default": templates}
    for site, template in templates.items():
        if not (_is_absolute_http(str(template)) and "{token}" in str(template)):
            problems.append(
                checks.Error(
                    f"REVIEW_PAGES['FRONTEND_PREVIEW_URL'] for {site!r} = {template!r} is not "
                    "an absolute http(s) URL containing {token}.",
                    hint="e.g. 'https://app.example.com/preview?token={token}'.",
                    id="review_pages.E006",
                )
            )
    api_base = getattr(settings, "WAGTAILAPI_BASE_URL", None)
    if base and _is_absolute_http(str(base)):
        wanted = urlsplit(str(base))
        if api_base is None or urlsplit(str(api_base))[:2] != wanted[:2]:
            problems.append(
                checks.Warning(
                    f"REVIEW_PAGES['PUBLIC_BASE_URL'] is {base!r} but WAGTAILAPI_BASE_URL is "
                    f"{api_base!r}: the links of Wagtail's own API routers use another base.",
                    hint=f"Set WAGTAILAPI_BASE_URL = {base!r} too.",
                    id="review_pages.W005",
                )
            )
    return problems


@checks.register(checks.Tags.database)
def check_webhook_backend(app_configs=None, **kwargs):
    """Endpoints exist but no task backend would send to them (only `webhooks deliver`)."""
    from django.db import DatabaseError

    from .models import WebhookEndpoint
    from .webhooks.delivery import backend_alias

    if backend_alias() is not None:
        return []
    try:
        if not WebhookEndpoint.objects.filter(active=True).exists():
            return []
    except DatabaseError:  # not migrated yet
        return []
    alias = reviews_settings.WEBHOOKS_TASK_BACKEND
    return [
        checks.Warning(
            f"Webhook endpoints exist but TASKS has no backend {alias!r}: deliveries wait "
            "for `manage.py webhooks deliver`.",
            hint=f"Add TASKS[{alias!r}] (the database backend: docs/webhooks.md), or run "
            "`manage.py webhooks deliver` from cron.",
            id="review_pages.W007",
        )
    ]


@checks.register(checks.Tags.database)
def check_schedule_backend(app_configs=None, **kwargs):
    """Reviews are scheduled but no task backend can run the go-live or expiry at its time."""
    from django.db import DatabaseError

    from . import background
    from .scheduling import due

    if background.can_run_later():
        return []
    try:
        scheduled = due.expired_pages(FAR_FUTURE).exists() or due.due_revisions(FAR_FUTURE).exists()
        if not scheduled:
            return []
    except DatabaseError:  # not migrated yet
        return []
    return [
        checks.Warning(
            f"Reviews are scheduled to go live or expire, but TASKS has no backend "
            f"{background.configured_alias()!r} that can run a task at a given time: they "
            "wait for `manage.py sweep_schedule` (or Wagtail's publish_scheduled).",
            hint="Add the database backend (django_tasks_db.DatabaseBackend) under that alias "
            "and run its worker (docs/scheduling.md).",
            id="review_pages.W008",
        )
    ]
