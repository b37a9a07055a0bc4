"""Settings shared by every environment.

Nothing secret lives here and DEBUG is off: dev.py and test.py opt in to conveniences,
production.py insists on real values from the environment.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS: list[str] = [
    host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()
]

INSTALLED_APPS = [
    "reviewsite",  # the demo's data migrations, commands and templates
    # The plugin, and the apps it needs (docs/installation.md).
    "review_pages",
    "review_pages.cache",  # opt-in: the tagged response cache (with its middleware below)
    "review_pages.contrib.postgres_search",  # opt-in: the PostgreSQL search index
    "review_pages.contrib.graphql",  # opt-in: GraphQL at /graphql/ (docs/graphql.md)
    "people",
    "wagtail_modeladmin",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.forms",
    "wagtail.api.v2",
    "wagtail.api.v3",
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
    "django_filters",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",  # the database task backend: webhook deliveries (docs/webhooks.md)
    "ninja",  # serves the API docs' Swagger UI from its own static files, not from a CDN
    "corsheaders",
    "axes",  # admin sign-in lockouts (settings below)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reviewsite.middleware.ContentSecurityPolicyMiddleware",
    "reviewsite.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # The response cache before sessions and authentication, so that a hit skips them.
    "review_pages.cache.middleware.TaggedResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reviewsite.urls"

# Security headers, in every environment (dev and tests see what production sends).
# The site runs no inline script except its JSON-LD, which carries the request's nonce;
# Wagtail's admin and Django's admin rely on inline scripts and styles, so they are left
# out of the policy (they still get nosniff, the referrer policy and X-Frame-Options).
from csp.constants import NONCE, NONE, SELF  # noqa: E402


def media_origins(environ=os.environ) -> list[str]:
    """Where posters and photos load from when media is not on this site: the media CDN
    (`AWS_S3_CUSTOM_DOMAIN`), else the bucket's endpoint (`AWS_S3_ENDPOINT_URL`, or AWS's
    address of the bucket). The CSP's `img-src` lets them in; nothing else is added."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return []
    custom = environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().rstrip("/")
    if custom:
        return [custom if "://" in custom else f"https://{custom}"]
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").strip().rstrip("/")
    if endpoint:
        return [endpoint]
    region = environ.get("AWS_S3_REGION_NAME", "").strip()
    host = f"{bucket}.s3.{region}.amazonaws.com" if region else f"{bucket}.s3.amazonaws.com"
    return [f"https://{host}"]


CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *media_origins()],
        "object-src": [NONE],
        # A review's trailer player, inserted only when the reader presses play (the plugin's
        # facade): the privacy-enhanced players, and nothing else (docs/templates.md).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview panel opts its own view back in (SAMEORIGIN)
# Powerful browser features the site never uses, refused to it and to anything it embeds
# (reviewsite.middleware.PermissionsPolicyMiddleware): an empty list allows no origin.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

WSGI_APPLICATION = "reviewsite.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, the test live server) write at once: wait for the lock
    # instead of failing, take it when a transaction starts, and let readers read meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set (shared by every app server); otherwise a per-process cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "reviewsite"),
            "OPTIONS": {
                # A cache outage must not take the site down: fall through to the database.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reviewsite",
        }
    }

# Sign-in guessing (Wagtail's admin login, Django's admin): django-axes counts failures per
# account and client address in the database (shared by every worker and server) and locks
# that pair out for a while after a few; a right password resets the count. An administrator
# lifts a lock with `manage.py axes_reset` (all), `axes_reset_username NAME` or
# `axes_reset_ip ADDRESS`. Behind a proxy, REMOTE_ADDR must be the client's address.
import datetime  # noqa: E402

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media on S3-compatible object storage (django-storages) when a bucket is named, so that
# several app servers share uploads; the local folder otherwise.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Backups (`make backup`): JSON that keeps datetimes to the microsecond.
SERIALIZATION_MODULES = {"fulljson": "reviewsite.fulljson"}

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "The Screening Room")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")

# Search: the database backend (SQLite FTS5 / PostgreSQL full text) unless SEARCH_BACKEND names
# a search engine, e.g. SEARCH_BACKEND=opensearch3 SEARCH_URL=https://search.internal:9200.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
SEARCH_ENGINES = {
    "elasticsearch8": "wagtail.search.backends.elasticsearch8",
    "elasticsearch9": "wagtail.search.backends.elasticsearch9",
    "opensearch2": "wagtail.search.backends.opensearch2",
    "opensearch3": "wagtail.search.backends.opensearch3",
}
if SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
elif SEARCH_BACKEND in SEARCH_ENGINES:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": SEARCH_ENGINES[SEARCH_BACKEND],
            "URLS": [url for url in os.environ.get("SEARCH_URL", "").split(",") if url],
            "INDEX": os.environ.get("SEARCH_INDEX", "reviewsite"),
            "TIMEOUT": 5,
            "AUTO_UPDATE": True,
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SEARCH_BACKEND={SEARCH_BACKEND!r} is not one of: database, {', '.join(SEARCH_ENGINES)}."
    )
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"webp": "webp", "avif": "avif"}
# Costly uploads are refused in the admin, with Wagtail's message ("This file has too many
# pixels ..."): each rendition decodes the whole original, so a 121-megapixel PNG (353 KB)
# took 20 s and 3 GB to render; at 10 megapixels the nine renditions the site and its APIs
# make of a poster take under 2 s here (bench/renditions.py). 10 MB at most per file.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(os.environ.get("WAGTAILIMAGES_MAX_IMAGE_PIXELS", "10000000"))
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(
    os.environ.get("WAGTAILIMAGES_MAX_UPLOAD_SIZE", str(10 * 1024 * 1024))
)
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# APIs: display HTML (resolved links, no internal markup), and pages big enough for apps.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_SEARCH_ENABLED = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# CORS for browser apps reading the API; origins from the environment, none by default.
CORS_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",")
    if origin.strip()
]
# The APIs and GraphQL's GET queries (GraphQL's POSTs stay same-origin: no POST here).
CORS_URLS_REGEX = r"^/(api|graphql)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Revalidation from another origin (docs/caching.md): an app may send the ETag back
# (If-None-Match) and read it in answers (ETag is not a CORS-safelisted header).
from corsheaders.defaults import default_headers  # noqa: E402

CORS_ALLOW_HEADERS = [*default_headers, "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag"]

# django-tasks (Wagtail 8's task framework). Wagtail's own tasks (search and reference
# indexing) run at once on the default backend; webhook deliveries have their own alias: the
# database by default (`manage.py db_worker --backend review_pages_webhooks`, or
# `manage.py webhooks deliver` from cron), RQ on Redis with WEBHOOKS_QUEUE=rq (several app
# servers; `manage.py rqworker default --with-scheduler --job-class
# django_tasks_rq.backend.Job`).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "review_pages_webhooks": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
WEBHOOKS_QUEUE = os.environ.get("WEBHOOKS_QUEUE", "database")
if WEBHOOKS_QUEUE == "rq":
    from django.core.exceptions import ImproperlyConfigured

    if not REDIS_URL:
        raise ImproperlyConfigured("WEBHOOKS_QUEUE=rq needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}  # the deliveries' tasks use the default queue
    TASKS["review_pages_webhooks"] = {"BACKEND": "django_tasks_rq.RQBackend"}
elif WEBHOOKS_QUEUE != "database":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"WEBHOOKS_QUEUE={WEBHOOKS_QUEUE!r} is not one of: database, rq.")

# The reviews plugin (docs/settings.md). How long anonymous pages and API answers stay in the
# cache (invalidation makes them stale sooner, at once, when what they show changes); 0 turns
# the response cache off. The CDN is purged of what a change makes stale when one is set.
REVIEW_PAGES = {
    "PER_PAGE": 12,
    "FEED_LENGTH": 20,
    "CACHE_SECONDS": int(os.environ.get("REVIEWS_CACHE_SECONDS", "600")),
    "CDN_PURGE": bool(os.environ.get("FRONTEND_CACHE_BACKEND")),
    # Headless front ends: the public base of absolute URLs and the draft preview address.
    "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or None,
    "FRONTEND_PREVIEW_URL": os.environ.get("FRONTEND_PREVIEW_URL") or None,
    "WEBHOOKS_ALLOW_PRIVATE_HOSTS": os.environ.get("WEBHOOKS_ALLOW_PRIVATE_HOSTS") == "1",
}
if REVIEW_PAGES["PUBLIC_BASE_URL"]:  # Wagtail's own API links on the same base
    WAGTAILAPI_BASE_URL = REVIEW_PAGES["PUBLIC_BASE_URL"]

# A CDN in front of the site (Wagtail's frontend cache): purged on publish when configured.
# FRONTEND_CACHE_BACKEND=cloudflare (FRONTEND_CACHE_CLOUDFLARE_ZONEID + _BEARER_TOKEN),
# cloudfront (FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID; AWS credentials as for boto3) or
# http (FRONTEND_CACHE_LOCATION, e.g. Varnish); none by default.
FRONTEND_CACHE_BACKEND = os.environ.get("FRONTEND_CACHE_BACKEND", "")
FRONTEND_CACHE_BACKENDS = {
    "cloudflare": (
        "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        {
            "ZONEID": "FRONTEND_CACHE_CLOUDFLARE_ZONEID",
            "BEARER_TOKEN": "FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN",
        },
    ),
    "cloudfront": (
        "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        {"DISTRIBUTION_ID": "FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"},
    ),
    "http": (
        "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        {"LOCATION": "FRONTEND_CACHE_LOCATION"},
    ),
}
WAGTAILFRONTENDCACHE: dict = {}
if FRONTEND_CACHE_BACKEND:
    from django.core.exceptions import ImproperlyConfigured

    if FRONTEND_CACHE_BACKEND not in FRONTEND_CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE_BACKEND={FRONTEND_CACHE_BACKEND!r} is not one of: "
            f"{', '.join(FRONTEND_CACHE_BACKENDS)}."
        )
    _backend, _required = FRONTEND_CACHE_BACKENDS[FRONTEND_CACHE_BACKEND]
    _missing = [name for name in _required.values() if not os.environ.get(name)]
    if _missing:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE_BACKEND={FRONTEND_CACHE_BACKEND} needs {', '.join(_missing)}."
        )
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": _backend,
            **{key: os.environ[name] for key, name in _required.items()},
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
