"""The built distribution (`make dist` builds it into dist/ first): the plugin's packages
with their templates, static files, migrations and commands, and nothing of the demo."""

import re
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parents[2] / "dist"
PACKAGES = ("people/", "review_pages/")
NOT_SHIPPED = ("reviewsite/", "tests/", "bench/", "samples/", "templates/", "scripts/")


def _one(pattern: str) -> Path:
    found = sorted(DIST.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in {DIST}: run `make dist`")
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def wheel_names() -> list[str]:
    with zipfile.ZipFile(_one("wagtail_film_reviews-*.whl")) as wheel:
        return wheel.namelist()


@pytest.fixture(scope="module")
def sdist_names() -> list[str]:
    with tarfile.open(_one("wagtail_film_reviews-*.tar.gz")) as sdist:
        return [name.split("/", 1)[1] for name in sdist.getnames() if "/" in name]


def test_the_wheel_holds_the_plugin_and_nothing_else(wheel_names):
    top_level = {name.split("/", 1)[0] for name in wheel_names}
    assert {"people", "review_pages"} <= top_level
    assert top_level - {"people", "review_pages"} == {
        name for name in top_level if name.endswith(".dist-info")
    }


def test_the_wheel_holds_templates_static_files_migrations_and_commands(wheel_names):
    names = set(wheel_names)
    for expected in [
        "review_pages/templates/review_pages/review_page.html",
        "review_pages/templates/review_pages/review_index_page.html",
        "review_pages/templates/review_pages/filmography.html",
        "review_pages/templates/review_pages/search_results.html",
        "review_pages/templates/review_pages/head.html",
        "review_pages/templates/review_pages/blocks/performance.html",
        "review_pages/templates/review_pages/includes/review_card.html",
        "review_pages/static/review_pages/review_pages.css",
        "review_pages/migrations/0001_initial.py",
        "review_pages/migrations/0006_search_index_title_body.py",
        "review_pages/contrib/postgres_search/migrations/0001_title_body_gin_index.py",
        "review_pages/management/commands/import_reviews.py",
        "review_pages/api/urls.py",
        "people/migrations/0001_initial.py",
        "people/templates/people/admin/confirm_delete.html",
    ]:
        assert expected in names, expected


def test_the_wheel_declares_its_dependencies_and_version(wheel_names):
    import review_pages

    with zipfile.ZipFile(_one("wagtail_film_reviews-*.whl")) as wheel:
        metadata_name = next(name for name in wheel_names if name.endswith("/METADATA"))
        metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    assert metadata["Name"] == "wagtail-film-reviews"
    assert metadata["Version"] == review_pages.__version__
    requires = [line for line in metadata.get_all("Requires-Dist") if "extra ==" not in line]
    names = {re.split(r"[<>=!~ \[]", line, maxsplit=1)[0] for line in requires}
    assert {"wagtail", "Django", "wagtail-modeladmin", "Pillow"} <= names
    assert all(re.search(r"[<>=]", line) for line in requires), "every dependency has a range"
    assert metadata["License-Expression"] == "BSD-3-Clause"


def test_the_sdist_holds_the_plugin_its_docs_and_no_demo(sdist_names):
    assert "pyproject.toml" in sdist_names
    assert "LICENSE" in sdist_names
    assert "review_pages/templates/review_pages/review_page.html" in sdist_names
    assert "people/models.py" in sdist_names
    shipped_demo = [name for name in sdist_names if name.startswith(NOT_SHIPPED)]
    assert shipped_demo == []
    assert not any(name.endswith((".sqlite3", ".pyc")) for name in sdist_names)
