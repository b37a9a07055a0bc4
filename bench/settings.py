"""Settings for the in-process benchmarks: the test settings (DEBUG off) plus bench-only
routes (`bench.urls`) and templates (`bench/templates`, searched first).

Nothing here is used by the site itself.
"""

from pathlib import Path

from reviewsite.settings.test import *  # noqa: F403

# The stock build (`bench/stockbuild`): the same reviews built the way Wagtail's docs teach,
# which the project's pages are measured against. Installed here only.
INSTALLED_APPS = [*INSTALLED_APPS, "bench.stockbuild"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
TEMPLATES = [dict(TEMPLATES[0])]  # noqa: F405
TEMPLATES[0]["DIRS"] = [Path(__file__).resolve().parent / "templates", *TEMPLATES[0]["DIRS"]]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SERVE_MEDIA = False

# The response cache apart from Wagtail's own caches (site root paths, ...), so that an
# "uncached" measurement empties only the former.
CACHES = {
    **CACHES,  # noqa: F405
    "responses": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bench-responses",
    },
}
# 20 reviews a page, as the stock build lists (`bench.stockbuild.models.PER_PAGE`).
REVIEW_PAGES = {**REVIEW_PAGES, "CACHE_ALIAS": "responses", "PER_PAGE": 20}  # noqa: F405
