"""Clients generated from the live OpenAPI document, and the document itself, against a live
server (pytest-django's, on a free port, the Site record on its address).

- The document passes openapi-spec-validator and Redocly's recommended rules for the
  plugin's operations.
- The official Python client (clients/python: generate.py, what `make python-client` runs)
  reads every plugin operation with a plain `Client` (tests/clients/python_client.py), and
  `mypy --strict` passes on that script.
- openapi-python-client with only the documented `--custom-template-path` parses a review;
  with its default options it still cannot (the `cast` property shadows `typing.cast` in
  the generated models): the probe that says when the shipped templates can go.
- openapi-typescript's types with openapi-fetch, compiled with `tsc --strict`, handle the 304
  and the errors by type (tests/clients/client.ts).

The npm tools come from tests/clients/package-lock.json (`make client-deps`); without them
(or without mypy) a test skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from review_pages.models import PreviewGrant

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "tests" / "clients"
PYTHON_CLIENT = ROOT / "clients" / "python"
BUILD = CLIENTS / "build"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.django_db(transaction=True)


def needed(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{what} is missing ({path}): run `make install client-deps`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run(args, *, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - the project's own tools
        [str(arg) for arg in args],
        cwd=kwargs.pop("cwd", CLIENTS),
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )
    if check:
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
    assert operations == 11  # reviews (4), people (3), studios (3), sync (1)
    assert totals["errors"] == 0 and totals["warnings"] == 0, totals


def test_the_shipped_python_client_reads_every_plugin_operation_with_a_plain_client(
    served, tmp_path
):
    """clients/python/generate.py (`make python-client`) from the live document, the
    distribution installed with pip; the script calls each plugin operation with `Client`
    (no token) and passes `mypy --strict`."""
    needed(BIN / "mypy", "mypy")
    base, token = served
    distribution, site = tmp_path / "film-reviews-client", tmp_path / "site"
    distribution.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PYTHON_CLIENT / name, distribution)
    run([sys.executable, PYTHON_CLIENT / "generate.py", "--url", f"{base}/api/v3/openapi.json",
         "--output", distribution])  # fmt: skip
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site,
         distribution])  # fmt: skip
    assert (site / "film_reviews_client" / "py.typed").exists()
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = run([sys.executable, CLIENTS / "python_client.py", base, token], env=env)
    print("\n" + result.stdout)  # noqa: T201
    assert "'Unfinished Draft' Review: A test headline" in result.stdout
    assert "again with If-None-Match: 304 Not Modified" in result.stdout
    assert "sync: " in result.stdout and "'Salt Road'" in result.stdout
    assert "review 999999: 404 Not Found" in result.stdout
    assert "tampered token: 403" in result.stdout

    typed = run(
        [BIN / "mypy", "--strict", "--cache-dir", tmp_path / ".mypy_cache",
         CLIENTS / "python_client.py"],
        env={**os.environ, "MYPYPATH": str(site)},
        check=False,
    )  # fmt: skip
    print(typed.stdout)  # noqa: T201
    assert typed.returncode == 0, typed.stdout + typed.stderr
    assert "Success: no issues found" in typed.stdout


PARSE_A_REVIEW = textwrap.dedent(
    """
    import sys
    from wagtail_api_client import Client
    from wagtail_api_client.api.reviews import reviews_list, reviews_detail

    client = Client(base_url=sys.argv[1], raise_on_unexpected_status=True)
    listing = reviews_list.sync(client=client)
    review = reviews_detail.sync(client=client, review_id=listing.items[0].id)
    print(type(review).__name__, review.film_title, [c.character for c in review.cast])
    """
)


def generate_with_options(base: str, output: Path, *options) -> subprocess.CompletedProcess:
    """`openapi-python-client generate --url <base>/api/v3/openapi.json [options]` (no
    config), into `output` (the only option added: where the tests' files go)."""
    needed(BIN / "openapi-python-client", "openapi-python-client")
    url = f"{base}/api/v3/openapi.json"
    project = output / "wagtail-api-client"
    run([BIN / "openapi-python-client", "generate", "--url", url, *options,
         "--output-path", project])  # fmt: skip
    return run(
        [sys.executable, "-c", PARSE_A_REVIEW, base],
        env={**os.environ, "PYTHONPATH": str(project)},
        check=False,
    )


def test_a_client_generated_with_only_the_documented_template_flag_parses_a_review(
    served, tmp_path
):
    base, _token = served
    parsed = generate_with_options(
        base, tmp_path, "--custom-template-path", PYTHON_CLIENT / "templates"
    )
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout.split(" ", 1)[0] == "ReviewDetail"
    assert "['Ada']" in parsed.stdout


def test_openapi_python_client_default_options_still_crash_on_a_review(served, tmp_path):
    """Why the client is shipped: with default options the generated `from_dict` of a model
    with a `cast` property keeps it in a local `cast`, which its other fields' parsers call as
    `typing.cast`. When a release fixes it, this fails: document the default options, drop
    clients/python/templates and test the default client instead."""
    base, _token = served
    parsed = generate_with_options(base, tmp_path)
    assert parsed.returncode != 0, (
        "openapi-python-client's default options parse a review now: drop the templates"
    )
    assert "NameError: cannot access free variable 'cast'" in parsed.stderr, parsed.stderr


def test_typescript_types_handle_the_304_and_errors_by_type_under_tsc_strict(served):
    """openapi-typescript + openapi-fetch: a 304 is its own typed case (reading `data` needs a
    check: a `@ts-expect-error` in client.ts fails the build otherwise), 404 and 403 are
    `ProblemDetail`s."""
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
    assert "again with If-None-Match: 304, kept the copy" in result.stdout
    assert "review 999999: 404 Not Found" in result.stdout
    assert "tampered token: 403" in result.stdout
