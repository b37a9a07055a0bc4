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
    # The reading speed behind a review's reading time ("6 min read", `reading_minutes` in
    # the APIs): words of its body a minute, rounded up to whole minutes.
    "READING_WORDS_PER_MINUTE": 230,
    # What one review body may cost, refused alike by the editor's form and the importer
    # (None: no cap): its sections, the paragraphs of any one section, and its size as
    # stored (its JSON in UTF-8 bytes, markup and links included: what a render expands).
    "MAX_BODY_SECTIONS": 50,
    "MAX_SECTION_PARAGRAPHS": 60,
    "MAX_BODY_BYTES": 200_000,
    # The publication's name in link previews and JSON-LD; None: the Wagtail Site record's
    # name, then WAGTAIL_SITE_NAME, then the site's host name.
    "SITE_NAME": None,
    # The optional tagged response cache (`review_pages.cache`): seconds an answer may live
    # (0 turns it off), the cache alias it uses, and the paths it never serves.
    "CACHE_SECONDS": 600,
    "CACHE_ALIAS": "default",
    "CACHE_EXCLUDED_PATHS": ("/admin/", "/django-admin/", "/documents/"),
    # Stampede protection: while one request renders an address that is not stored, the
    # others wait up to this many seconds for its answer (0: no waiting), then render
    # themselves; its lock expires after CACHE_LOCK_SECONDS even if that render never ends.
    # Meanwhile they may be sent the stale answer if it was stored at most
    # CACHE_STALE_SECONDS ago (0: never a stale answer).
    "CACHE_RENDER_WAIT_SECONDS": 3.0,
    # Readers' searches kept by the response cache: at most SEARCH_CACHE_SLOTS answers (a
    # search takes the empty or older of two slots, two hashes of its address modulo the
    # slots), each of at most SEARCH_CACHE_MAX_BYTES as stored (compressed). Each answer
    # is exact like any other: a change to any review, person or studio makes every search
    # stale. 0 in either: searches are never kept.
    "SEARCH_CACHE_SLOTS": 2048,
    "SEARCH_CACHE_MAX_BYTES": 32 * 1024,
    "CACHE_LOCK_SECONDS": 10,
    "CACHE_STALE_SECONDS": 30,
    # Purge the filmographies, front page and feed from Wagtail's frontend cache (a CDN) when
    # a review changes; needs WAGTAILFRONTENDCACHE.
    "CDN_PURGE": False,
    # HTTP caching headers of public anonymous answers (`review_pages.http_caching`): how
    # long a browser (max-age) and a shared cache such as a CDN (s-maxage) may keep one, and
    # how long after that they may still serve it while fetching it again. With CDN_PURGE,
    # the addresses the purge names (the plugin's pages, feed and filmographies and the
    # sitemap, without a query string) may stay in the CDN HTTP_S_MAXAGE_PURGED. No age
    # reaches past the next expiry of a live review.
    "HTTP_MAX_AGE": 60,
    "HTTP_S_MAXAGE": 60,
    "HTTP_S_MAXAGE_PURGED": 6 * 3600,
    "HTTP_STALE_WHILE_REVALIDATE": 30,
    # Page passwords (Wagtail's password form): wrong passwords allowed per client address
    # and page before the form answers 429, and for how long (0 attempts: no limit).
    "PASSWORD_ATTEMPTS": 10,
    "PASSWORD_LOCKOUT_SECONDS": 300,
    # The base (scheme://host[:port]) of every absolute URL the plugin writes: API links,
    # html_url, filmographies, redirects, images, JSON-LD, sitemap, feed. None: the Wagtail
    # Site record of the request (or the default site). Set it to the front end's address
    # when pages are rendered elsewhere.
    "PUBLIC_BASE_URL": None,
    # Draft previews for front ends: a URL template with {token} (also {page_id}, {slug}),
    # or a dict of such templates by Site hostname ("default" for the others). None: the
    # editor's Preview is Wagtail's own, and share links open on the site itself.
    "FRONTEND_PREVIEW_URL": None,
    # Lifetime of the editor's front-end preview tokens, and the default and longest
    # lifetime of share links, in seconds.
    "PREVIEW_TOKEN_SECONDS": 3600,
    "SHARE_LINK_SECONDS": 24 * 3600,
    "SHARE_LINK_MAX_SECONDS": 30 * 24 * 3600,
    # Poster renditions in the API: the widths (px) and formats a client picks from (AVIF
    # only where Pillow can write it).
    "POSTER_WIDTHS": (320, 640, 960),
    "POSTER_FORMATS": ("avif", "webp", "jpeg"),
    # Webhooks: the django-tasks backend alias deliveries are enqueued on, how long a
    # receiver may take, how many attempts a delivery gets and the first retry's delay
    # (doubled at each attempt), and whether receivers on loopback, private or link-local
    # addresses are allowed.
    "WEBHOOKS_TASK_BACKEND": "review_pages_webhooks",
    "WEBHOOKS_TIMEOUT": 5,
    "WEBHOOKS_MAX_ATTEMPTS": 6,
    "WEBHOOKS_RETRY_SECONDS": 30,
    "WEBHOOKS_ALLOW_PRIVATE_HOSTS": False,
    # The most review paths a `person.updated` or `studio.updated` event names for front
    # ends to rebuild (newest first; `truncated: true` when there are more).
    "WEBHOOKS_REVIEW_PATHS_MAX": 100,
    # The django-tasks backend alias of the plugin's other background work (scheduled
    # go-live and expiry, large admin imports); None: the webhooks' alias above, so that one
    # TASKS entry and one worker serve everything.
    "TASK_BACKEND": None,
    # Scheduled go-live and expiry run as tasks at their exact time; a sweep publishes and
    # withdraws whatever is due this often too (seconds), so that nothing depends on one
    # task being delivered.
    "SCHEDULE_SWEEP_SECONDS": 60,
    # The admin's import (docs/importing.md): the most files one upload may hold (Django's
    # DATA_UPLOAD_MAX_NUMBER_FILES must allow as many); the largest upload imported while
    # the editor waits, in files and in bytes (a larger one runs as a background task on
    # TASK_BACKEND, with a progress page); the most bytes "Check" reads while they wait.
    "IMPORT_MAX_FILES": 100,
    "IMPORT_INLINE_MAX_FILES": 20,
    "IMPORT_INLINE_MAX_BYTES": 1024 * 1024,
    "IMPORT_CHECK_MAX_BYTES": 8 * 1024 * 1024,
    # The optional GraphQL endpoint (`review_pages.contrib.graphql`, docs/graphql.md): what
    # one operation may cost before it is refused with an error naming the limit (tokens
    # parsed, fields nested, aliases, objects the answer may hold), whether introspection
    # and GraphiQL are served, the most operations one batched POST may hold, and how long
    # a persisted query (Apollo's automatic persisted queries) is kept in the cache.
    "GRAPHQL_MAX_TOKENS": 2000,
    "GRAPHQL_MAX_DEPTH": 10,
    "GRAPHQL_MAX_ALIASES": 10,
    "GRAPHQL_MAX_COST": 25_000,
    "GRAPHQL_INTROSPECTION": True,
    "GRAPHQL_GRAPHIQL": True,
    "GRAPHQL_MAX_BATCH": 10,
    "GRAPHQL_PERSISTED_QUERY_SECONDS": 7 * 24 * 3600,
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
