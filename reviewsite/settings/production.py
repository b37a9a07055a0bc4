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

# One machine without object storage (`make serve`): Django serves the uploaded posters
# itself. Off by default: behind a real deployment media come from S3 or a CDN.
SERVE_MEDIA = env_flag("SERVE_MEDIA", False)

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
