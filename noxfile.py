"""The plugin's test matrix: its suite (tests/plugin on tests/testproject) across the Django
versions Wagtail 8.0 supports, installed from this checkout as a host would (`pip install .`).

    nox -s plugin            # every cell, SQLite
    nox -s "plugin(django='6.1')"
    DATABASE_URL=mysql://root@127.0.0.1:3306/test nox -s "plugin(django='5.2')"

Django 6 needs Python 3.12+; the interpreters are found on PATH or, on machines with pyenv,
among its installed versions.
"""

import glob
import os
import shutil

import nox

nox.options.sessions = ["plugin"]
nox.options.reuse_existing_virtualenvs = True

#: (Django, Python) cells of the matrix.
MATRIX = [("5.2", "3.11"), ("6.0", "3.13"), ("6.1", "3.13")]


def interpreter(version: str) -> str:
    """An interpreter for `version`: on PATH (a real one, not a pyenv shim without it), or in
    pyenv's versions."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    installed = sorted(
        glob.glob(os.path.join(pyenv_root, "versions", f"{version}*", "bin", f"python{version}"))
    )
    if installed:
        return installed[-1]
    found = shutil.which(f"python{version}")
    return found or f"python{version}"


@nox.session(name="plugin")
@nox.parametrize(
    ("django", "python"),
    [(django, interpreter(python)) for django, python in MATRIX],
    ids=[f"django-{django}" for django, _ in MATRIX],
)
def plugin(session, django):
    database_drivers = {"postgres": "psycopg[binary]", "mysql": "mysqlclient"}
    database = os.environ.get("DATABASE_URL", "")
    drivers = [driver for scheme, driver in database_drivers.items() if database.startswith(scheme)]
    session.install(f"Django~={django}.0", ".[test]", *drivers)
    session.run("python", "-c", "import django, wagtail; print(django.VERSION, wagtail.VERSION)")
    session.run(
        "pytest",
        "tests/plugin",
        "-q",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"DJANGO_SETTINGS_MODULE": "tests.testproject.settings"},
    )
