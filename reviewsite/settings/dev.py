"""Local development: DEBUG on, a development-only key, any localhost name."""

from .base import *  # noqa: F403

DEBUG = True
# Development only; production.py refuses to run without a real SECRET_KEY.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405, S105
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# `make run` runs the task worker beside the server: without Redis they share the database
# cache (`manage.py createcachetable`), so that a review the worker publishes at its
# scheduled time makes the server's cached pages stale at once.
if not REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "reviewsite_cache",
        }
    }
