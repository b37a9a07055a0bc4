"""Clients generated from the live OpenAPI document work untouched, and the document passes
openapi-spec-validator and Redocly's recommended rules for the plugin's operations.

Against a live server (pytest-django's, on a free port, the Site record on its address):
openapi-python-client generates a Python package and tests/clients/python_client.py uses it;
openapi-typescript generates the types that tests/clients/client.ts uses with openapi-fetch,
compiled with `tsc --strict` and run with node. The npm tools come from
tests/clients/package-lock.json (`make client-deps`); without them the test skips, except
under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from review_pages.models import PreviewGrant

CLIENTS = Path(__file__).resolve().parents[1] / "clients"
BUILD = CLIENTS / "build"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.django_db(transaction=True)


def needed(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{what} is missing ({path}): run `make client-deps`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run(args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - the project's own tools
        [str(arg) for arg in args],
        cwd=kwargs.pop("cwd", CLIENTS),
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def npm_tool(name: str) -> Path:
    return CLIENTS / "node_modules" / ".bin" / name


@pytest.fixture
def served(live_server, make_review, person_factory, studio_factory):
    """Two published reviews, a draft and its preview token, the Site on the server's port."""
    from urllib.parse import urlsplit

    from wagtail.models import Site

    address = urlsplit(live_server.url)
    Site.objects.filter(is_default_site=True).update(hostname=address.hostname, port=address.port)
    director = person_factory(name="Mara Quist")
    lead = person_factory(name="Joss Ferrante")
    studio = studio_factory(name="Tideline Pictures")
    from wagtail_factories import ImageFactory

    for title in ("Salt Road", "The Cast Iron Sky"):
        make_review(
            film_title=title,
            directors=[director],
            cast=[(lead, "Ada")],
            companies=[studio],
            poster=ImageFactory(title=f"{title} poster", file__width=700, file__height=1050),
        )
    draft = make_review(film_title="Unfinished Draft", directors=[director], live=False)
    token = PreviewGrant.share(draft, seconds=600).token
    BUILD.mkdir(exist_ok=True)
    return live_server.url, token


def test_the_document_validates_and_passes_redocly_recommended(served):
    needed(npm_tool("redocly"), "@redocly/cli")
    base, _token = served
    document = requests.get(f"{base}/api/v3/openapi.json", timeout=30).json()
    validate(document)
    (BUILD / "openapi.json").write_text(json.dumps(document))

    run([npm_tool("redocly"), "bundle", "plugin", "--output", BUILD / "plugin.json"])
    plugin = run(
        [npm_tool("redocly"), "lint", BUILD / "plugin.json", "--format", "json"],
    )
    totals = json.loads(plugin.stdout[plugin.stdout.index("{") :])["totals"]
    bundled = json.loads((BUILD / "plugin.json").read_text())
    operations = sum(len(item) for item in bundled["paths"].values())
    print(f"\nRedocly recommended, plugin's {operations} operations: {totals}")  # noqa: T201
    assert operations == 10
    assert totals["errors"] == 0 and totals["warnings"] == 0, totals


def test_a_generated_python_client_works_untouched(served, tmp_path):
    needed(BIN / "openapi-python-client", "openapi-python-client")
    base, token = served
    document = tmp_path / "openapi.json"
    document.write_text(requests.get(f"{base}/api/v3/openapi.json", timeout=30).text)
    run(
        [
            BIN / "openapi-python-client", "generate", "--path", document,
            "--config", CLIENTS / "python-client.yaml", "--meta", "none",
            "--custom-template-path", CLIENTS / "python-templates",
            "--output-path", tmp_path / "client" / "film_reviews_client",
        ]
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "client")}
    result = run([sys.executable, CLIENTS / "python_client.py", base, token], env=env)
    print("\n" + result.stdout)  # noqa: T201
    assert "draft with a preview token: " in result.stdout
    assert "'Unfinished Draft' Review: A test headline" in result.stdout
    assert "review 999999: 404 Not Found" in result.stdout


def test_generated_typescript_types_work_with_openapi_fetch_under_tsc_strict(served):
    needed(npm_tool("openapi-typescript"), "openapi-typescript")
    node = shutil.which("node")
    if node is None:
        needed(Path("/usr/bin/node"), "node")
    base, token = served
    (BUILD / "openapi.json").write_text(
        requests.get(f"{base}/api/v3/openapi.json", timeout=30).text
    )
    # From build/: openapi-typescript would otherwise read redocly.yaml's "apis".
    run(
        [npm_tool("openapi-typescript"), BUILD / "openapi.json", "--output", BUILD / "api.d.ts"],
        cwd=BUILD,
    )
    run([npm_tool("tsc"), "--project", CLIENTS / "tsconfig.json"])
    result = run([node or "/usr/bin/node", BUILD / "js" / "client.js", base, token])
    print("\n" + result.stdout)  # noqa: T201
    assert "draft with a preview token: " in result.stdout
    assert "'Unfinished Draft' Review: A test headline" in result.stdout
    assert "review 999999: 404 Not Found" in result.stdout
