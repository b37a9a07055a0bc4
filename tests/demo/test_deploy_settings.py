"""Production settings resolve from the environment: cache, search engine, media storage,
CDN purging; `check --deploy` is clean. Each case imports the settings in a fresh process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "reviewsite.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "reviews.example.com",
}
# Variables of the machine running the tests that would change what is resolved.
CLEARED = (
    "DATABASE_URL",
    "REDIS_URL",
    "SEARCH_BACKEND",
    "SEARCH_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "SERVE_MEDIA",
    "FRONTEND_CACHE_BACKEND",
    "REVIEWS_CACHE_SECONDS",
    "WEBHOOKS_ALLOW_PRIVATE_HOSTS",
    "WEBHOOKS_QUEUE",
    "PUBLIC_BASE_URL",
    "FRONTEND_PREVIEW_URL",
    # Set by tests/browser/conftest.py for Playwright when the whole suite runs; a deployment
    # never has it, and `check --deploy` rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
PRINT_SETTINGS = """
import json
import reviewsite.settings.production as s
print(json.dumps({
    "caches": s.CACHES["default"],
    "search": s.WAGTAILSEARCH_BACKENDS["default"],
    "media": s.STORAGES["default"],
    "frontend_cache": s.WAGTAILFRONTENDCACHE,
    "cache_seconds": s.REVIEW_PAGES["CACHE_SECONDS"],
    "cache_alias": s.REVIEW_PAGES.get("CACHE_ALIAS", "default"),
    "response_cache": s.CACHES.get(s.REVIEW_PAGES.get("CACHE_ALIAS", "default")),
    "middleware": s.MIDDLEWARE,
    "img_src": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "serve_media": s.SERVE_MEDIA,
    "permissions_policy": s.PERMISSIONS_POLICY,
    "review_pages": {k: v for k, v in s.REVIEW_PAGES.items() if k != "CACHE_EXCLUDED_PATHS"},
    "tasks": s.TASKS,
    "api_base": getattr(s, "WAGTAILAPI_BASE_URL", None),
}))
"""


def run(code_or_args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(PRODUCTION)
    environment.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def resolved(**env) -> dict:
    result = run(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(**env) -> str:
    result = run(PRINT_SETTINGS, **env)
    assert result.returncode != 0
    return result.stderr


def test_defaults_are_one_machine():
    settings = resolved()
    # The workers share the database cache; with no atomic shared counter for the response
    # cache's tag versions, answers are not cached (README "Deploying").
    assert settings["caches"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["cache_seconds"] == 0
    assert settings["response_cache"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"
    assert settings["search"] == {"BACKEND": "wagtail.search.backends.database"}
    assert settings["media"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert settings["serve_media"] is True  # posters load on one machine
    assert settings["img_src"] == ["'self'", "data:"]
    assert settings["frontend_cache"] == {}
    middleware = settings["middleware"]
    cors = middleware.index("corsheaders.middleware.CorsMiddleware")
    assert middleware[cors + 1] == "review_pages.cache.middleware.TaggedResponseCacheMiddleware"
    assert middleware.index("review_pages.cache.middleware.TaggedResponseCacheMiddleware") < (
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    )


def test_redis_and_cache_lifetime_from_the_environment():
    settings = resolved(REDIS_URL="redis://cache.internal:6379/2", REVIEWS_CACHE_SECONDS="120")
    assert settings["caches"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings["caches"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert settings["caches"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert settings["cache_seconds"] == 120
    assert settings["cache_alias"] == "default"  # the response cache on Redis


@pytest.mark.parametrize(
    "env, origin",
    [
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example-cdn.net"}, "https://media.example-cdn.net"),
        ({"AWS_S3_ENDPOINT_URL": "https://s3.eu.example.org/"}, "https://s3.eu.example.org"),
        ({"AWS_S3_REGION_NAME": "eu-west-3"}, "https://posters.s3.eu-west-3.amazonaws.com"),
        ({}, "https://posters.s3.amazonaws.com"),
    ],
)
def test_the_csp_lets_posters_load_from_s3_or_the_media_cdn(env, origin):
    settings = resolved(AWS_STORAGE_BUCKET_NAME="posters", **env)
    assert settings["img_src"] == ["'self'", "data:", origin]
    assert settings["serve_media"] is False  # the bucket or its CDN serves media


def test_a_permissions_policy_refuses_every_powerful_feature():
    policy = resolved()["permissions_policy"]
    assert {"camera", "microphone", "geolocation", "payment"} <= set(policy)
    assert all(allowed == [] for allowed in policy.values())


@pytest.mark.parametrize(
    "engine, module",
    [
        ("elasticsearch8", "wagtail.search.backends.elasticsearch8"),
        ("elasticsearch9", "wagtail.search.backends.elasticsearch9"),
        ("opensearch2", "wagtail.search.backends.opensearch2"),
        ("opensearch3", "wagtail.search.backends.opensearch3"),
    ],
)
def test_search_engine_from_the_environment(engine, module):
    settings = resolved(
        SEARCH_BACKEND=engine, SEARCH_URL="https://s1.internal:9200,https://s2.internal:9200"
    )
    assert settings["search"]["BACKEND"] == module
    assert settings["search"]["URLS"] == ["https://s1.internal:9200", "https://s2.internal:9200"]
    assert settings["search"]["INDEX"] == "reviewsite"


def test_an_unknown_search_engine_is_refused_by_name():
    assert "SEARCH_BACKEND='solr' is not one of" in refused(SEARCH_BACKEND="solr")


def test_s3_media_when_a_bucket_is_named():
    settings = resolved(
        AWS_STORAGE_BUCKET_NAME="reviews-media",
        AWS_S3_ENDPOINT_URL="https://s3.internal",
        AWS_S3_REGION_NAME="eu-west-1",
    )
    assert settings["media"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = settings["media"]["OPTIONS"]
    assert options["bucket_name"] == "reviews-media"
    assert options["endpoint_url"] == "https://s3.internal"
    assert options["region_name"] == "eu-west-1"
    assert options["querystring_auth"] is False


@pytest.mark.parametrize(
    "env, expected",
    [
        (
            {
                "FRONTEND_CACHE_BACKEND": "cloudflare",
                "FRONTEND_CACHE_CLOUDFLARE_ZONEID": "zone1",
                "FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN": "token1",
            },
            {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
                "ZONEID": "zone1",
                "BEARER_TOKEN": "token1",
            },
        ),
        (
            {
                "FRONTEND_CACHE_BACKEND": "cloudfront",
                "FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID": "E123",
            },
            {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
                "DISTRIBUTION_ID": "E123",
            },
        ),
        (
            {"FRONTEND_CACHE_BACKEND": "http", "FRONTEND_CACHE_LOCATION": "http://varnish:8000"},
            {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": "http://varnish:8000",
            },
        ),
    ],
    ids=["cloudflare", "cloudfront", "http"],
)
def test_cdn_purging_from_the_environment(env, expected):
    assert resolved(**env)["frontend_cache"] == {"default": expected}


def test_cdn_settings_missing_a_credential_are_refused_by_name():
    message = refused(FRONTEND_CACHE_BACKEND="cloudflare", FRONTEND_CACHE_CLOUDFLARE_ZONEID="z")
    assert "needs FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN" in message
    assert "is not one of" in refused(FRONTEND_CACHE_BACKEND="akamai")


def test_check_deploy_prints_no_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_webhooks_and_front_end_settings_from_the_environment():
    defaults = resolved()
    assert defaults["review_pages"]["WEBHOOKS_ALLOW_PRIVATE_HOSTS"] is False
    assert defaults["tasks"]["default"]["BACKEND"].endswith("ImmediateBackend")
    assert (
        defaults["tasks"]["review_pages_webhooks"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    )
    assert defaults["review_pages"]["PUBLIC_BASE_URL"] is None and defaults["api_base"] is None

    chosen = resolved(
        WEBHOOKS_ALLOW_PRIVATE_HOSTS="1",
        WEBHOOKS_QUEUE="rq",
        REDIS_URL="redis://cache.internal:6379/4",
        PUBLIC_BASE_URL="https://app.example.com",
        FRONTEND_PREVIEW_URL="https://app.example.com/preview?token={token}",
    )
    assert chosen["review_pages"]["WEBHOOKS_ALLOW_PRIVATE_HOSTS"] is True
    assert chosen["tasks"]["review_pages_webhooks"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert chosen["tasks"]["default"]["BACKEND"].endswith("ImmediateBackend")
    assert chosen["review_pages"]["PUBLIC_BASE_URL"] == chosen["api_base"]
    assert "WEBHOOKS_QUEUE=rq needs REDIS_URL" in refused(WEBHOOKS_QUEUE="rq")
