"""Production: every secret and host from the environment, DEBUG never on.

Starting without SECRET_KEY or ALLOWED_HOSTS is refused outright rather than running
with an unsafe fallback.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def env_flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


DEBUG = False

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in the environment for production (comma-separated)."
    )
if "*" in ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS='*' is refused in production; list the hosts.")

CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# HTTPS: on by default; a local `make serve` on plain HTTP turns these off explicitly.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# One machine without Redis (`make serve`): gunicorn's workers are separate processes, and a
# per-process cache would let each keep its own answers, so after a publish half of them
# showed the old page. The response cache's tag versions need a counter that every worker
# increments atomically: Redis's INCR does; Django's file and database caches read and
# write it in two steps across processes, so two changes could get one version and a stale
# answer could be stored as fresh. Without Redis the response cache is therefore off (every
# answer is made from the database, whichever worker makes it: correct at once), and the
# counts that must be shared (page-password attempts) go to the database cache, which every
# worker reads (`manage.py createcachetable`, run by scripts/serve.sh).
if not REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "reviewsite_cache",
        },
        "responses": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    REVIEW_PAGES = {**REVIEW_PAGES, "CACHE_SECONDS": 0, "CACHE_ALIAS": "responses"}  # noqa: F405

# Media: on one machine with local storage, the app serves /media/ itself (posters and
# photos, uploaded after start-up, so not whitenoise); with S3 the bucket or its CDN does.
# A scaled setup with local media puts nginx (or the load balancer) in front of /media/
# and sets SERVE_MEDIA=0.
SERVE_MEDIA = env_flag("SERVE_MEDIA", not os.environ.get("AWS_STORAGE_BUCKET_NAME"))

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
