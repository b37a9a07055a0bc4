"""Settings safety, and the people/studio snippet models."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from people.models import Person, Studio
from people.naming import normalise_name

PROJECT = Path(__file__).resolve().parent.parent


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


@pytest.mark.django_db
def test_slugs_are_unique_and_keep_unicode():
    first = Person.objects.create(name="Zoë  Marchetti")
    second = Person.objects.create(name="Zoë Marchetti")
    assert first.name == "Zoë Marchetti"
    assert first.slug == "zoë-marchetti"
    assert second.slug == "zoë-marchetti-2"
    studio = Studio.objects.create(name="87North Productions")
    assert studio.slug == "87north-productions"


@pytest.mark.django_db
def test_match_name_folds_case_spacing_and_composition():
    person = Person.objects.create(name="Zoe\u0308 MARCHETTI")
    assert person.match_name == normalise_name("zoë marchetti")
    assert normalise_name("Ana\u00a0de  Armas") == normalise_name("ana de armas")
    assert normalise_name("D’Arcy") == normalise_name("D'Arcy")
    assert normalise_name("Zoë") != normalise_name("Zoe")


@pytest.mark.django_db
def test_people_are_ordered_by_name():
    for name in ["Carla", "Abe", "Bo"]:
        Person.objects.create(name=name)
    assert list(Person.objects.values_list("name", flat=True)) == ["Abe", "Bo", "Carla"]
