"""The plugin's test project: a minimal Wagtail site, set up as docs/installation.md says.

No `reviewsite` here: the plugin's suite proves it works in a host of its own. The database
comes from DATABASE_URL (SQLite by default; CI also runs PostgreSQL and MariaDB), the cache
from REDIS_URL (a per-process cache by default).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

HERE = Path(__file__).resolve().parent

DEBUG = False
SECRET_KEY = "plugin-tests-only"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    # The plugin and what it needs (docs/installation.md)
    "people",
    "review_pages",
    "wagtail_modeladmin",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "rest_framework",
    # The database task backend that delivers webhooks (docs/webhooks.md)
    "django_tasks",
    "django_tasks_db",
    # Opt-in parts the suite covers too
    "review_pages.cache",
    "review_pages.contrib.postgres_search",
    "review_pages.contrib.graphql",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    # What `wagtail start` gives a site
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

#: The plugin's six apps (docs/installation.md). Hosts list them anywhere: the suite checks
#: the project with them appended too (REVIEW_PAGES_TEST_APP_ORDER=appended), after Wagtail's
#: own apps, as most people add apps and as `wagtail start`'s list then reads.
PLUGIN_APPS = [
    "people",
    "review_pages",
    "wagtail_modeladmin",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "rest_framework",
]
if os.environ.get("REVIEW_PAGES_TEST_APP_ORDER") == "appended":
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in PLUGIN_APPS] + PLUGIN_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "review_pages.cache.middleware.TaggedResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.testproject.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{Path(tempfile.gettempdir()) / 'review-pages-tests.sqlite3'}"
    )
}
_engine = DATABASES["default"]["ENGINE"]
if _engine == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"review-pages-test-{os.getpid()}.sqlite3")
    }
elif _engine == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"charset": "utf8mb4"})
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"review-pages-tests-{os.getpid()}",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = Path(tempfile.gettempdir()) / "review-pages-static"
MEDIA_ROOT = tempfile.mkdtemp(prefix="review-pages-test-media-")
MEDIA_URL = "/media/"

WAGTAIL_SITE_NAME = "The Test Gazette"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if _engine == "django.db.backends.mysql":
    # InnoDB's full-text index sees only committed rows, and each test runs in a transaction
    # that is rolled back: on MySQL/MariaDB the suite searches with the database backend's
    # portable fallback (LIKE) instead, which sees them.
    WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "modelsearch.backends.database.fallback"
WAGTAILAPI_LIMIT_MAX = 100

# django-tasks: Wagtail's own tasks (search and reference indexing) run at once on the
# default backend; webhook deliveries go to the database, for a worker or `webhooks deliver`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "review_pages_webhooks": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# The suite's webhook receivers listen on 127.0.0.1.
REVIEW_PAGES = {"WEBHOOKS_ALLOW_PRIVATE_HOSTS": True}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
