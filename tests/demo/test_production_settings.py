"""The demo site's production settings refuse unsafe values."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def run_check(settings_module, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check("reviewsite.settings.production", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check("reviewsite.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_wildcard_hosts():
    result = run_check("reviewsite.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "refused in production" in result.stderr


def test_production_runs_with_its_environment_and_never_debug():
    result = run_check(
        "reviewsite.settings.production", SECRET_KEY="k" * 50, ALLOWED_HOSTS="reviews.example"
    )
    assert result.returncode == 0, result.stderr
    from reviewsite.settings import base

    assert base.DEBUG is False
    assert "dev-only" not in Path(base.__file__).read_text()


def media_is_served(**env) -> bool:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "SERVE_MEDIA"}
    }
    environment.update(
        env,
        DJANGO_SETTINGS_MODULE="reviewsite.settings.production",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="reviews.example",
    )
    script = (
        "import django; django.setup()\n"
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/media/original_images/a.png')\n    print('served')\n"
        "except Resolver404:\n    print('not served')\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip() == "served"


def test_production_serves_local_uploads_unless_they_live_elsewhere():
    """On one machine with local media (`make serve`) the app serves /media/ (posters load);
    with a bucket, or SERVE_MEDIA=0 behind a web server that serves them, it does not."""
    assert media_is_served()
    assert media_is_served(SERVE_MEDIA="1")
    assert not media_is_served(SERVE_MEDIA="0")
    assert not media_is_served(AWS_STORAGE_BUCKET_NAME="posters")
