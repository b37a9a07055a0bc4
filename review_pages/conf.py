"""The plugin's settings: one dict, `REVIEW_PAGES`, read through `reviews_settings`.

Every read goes to `django.conf.settings`, so `override_settings(REVIEW_PAGES=...)` applies
at once. A host sets only the keys it changes; `docs/settings.md` lists every key:

    REVIEW_PAGES = {"PER_PAGE": 20, "SITE_NAME": "The Daily Reel"}
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

SETTING_NAME = "REVIEW_PAGES"

DEFAULTS: dict[str, Any] = {
    # Reviews on a page of the front page, of search results and of the API's default listing.
    "PER_PAGE": 12,
    # Items in the RSS feed.
    "FEED_LENGTH": 20,
    # The publication's name in link previews and JSON-LD; None: the Wagtail Site record's
    # name, then WAGTAIL_SITE_NAME, then the site's host name.
    "SITE_NAME": None,
    # The optional tagged response cache (`review_pages.cache`): seconds an answer may live
    # (0 turns it off), the cache alias it uses, and the paths it never serves.
    "CACHE_SECONDS": 600,
    "CACHE_ALIAS": "default",
    "CACHE_EXCLUDED_PATHS": ("/admin/", "/django-admin/", "/documents/"),
    # Purge the filmographies, front page and feed from Wagtail's frontend cache (a CDN) when
    # a review changes; needs WAGTAILFRONTENDCACHE.
    "CDN_PURGE": False,
    # Page passwords (Wagtail's password form): wrong passwords allowed per client address
    # and page before the form answers 429, and for how long (0 attempts: no limit).
    "PASSWORD_ATTEMPTS": 10,
    "PASSWORD_LOCKOUT_SECONDS": 300,
}


class ReviewPagesSettings:
    """`reviews_settings.PER_PAGE`: the host's value, or the default."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"{SETTING_NAME} has no setting {name!r}")
        return self.user_settings().get(name, DEFAULTS[name])

    @staticmethod
    def user_settings() -> dict[str, Any]:
        value = getattr(settings, SETTING_NAME, None)
        return value if isinstance(value, dict) else {}

    def unknown_keys(self) -> list[str]:
        return sorted(set(self.user_settings()) - set(DEFAULTS))


reviews_settings = ReviewPagesSettings()
