"""A typed TypeScript client generated from the live GraphQL schema, against a live server.

pytest-django's live server (the Site record on its address) serves two reviews and a
draft; the schema is read by introspection from the server itself, graphql-codegen's client
preset types the operations of tests/graphql-client/src/client.ts from it, `tsc --strict`
compiles them, and node runs a listing (GET, revalidated with its ETag), a detail, a preview
and a refused preview against the server.

The npm tools come from tests/graphql-client/package-lock.json (`make graphql-client-deps`);
without them (or node) the test skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from graphql import get_introspection_query

from review_pages.models import PreviewGrant

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "tests" / "graphql-client"
BUILD = CLIENT / "build"

pytestmark = pytest.mark.django_db(transaction=True)


def needed(path: Path | None, what: str) -> Path:
    if path is None or not path.exists():
        message = f"{what} is missing ({path}): run `make install graphql-client-deps`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - the project's own tools
        [str(arg) for arg in args],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def served(live_server, make_review, person_factory, studio_factory):
    """Two published reviews (one with a poster), a draft and its preview token."""
    from wagtail.models import Site
    from wagtail_factories import ImageFactory

    address = urlsplit(live_server.url)
    Site.objects.filter(is_default_site=True).update(hostname=address.hostname, port=address.port)
    director = person_factory(name="Mara Quist")
    lead = person_factory(name="Joss Ferrante")
    make_review(
        film_title="The Cast Iron Sky", directors=[director], cast=[(lead, "Ada")],
        companies=[studio_factory(name="Tideline Pictures")],
    )  # fmt: skip
    make_review(
        film_title="Salt Road",
        directors=[director],
        cast=[(lead, "Wren")],
        poster=ImageFactory(title="Salt Road poster", file__width=700, file__height=1050),
    )
    draft = make_review(film_title="Unfinished Draft", cast=[(lead, "Ghost")], live=False)
    token = PreviewGrant.share(draft, seconds=600).token
    return live_server.url, token


def test_the_generated_typescript_client_reads_a_listing_a_detail_and_a_preview(served):
    codegen = needed(CLIENT / "node_modules" / ".bin" / "graphql-codegen", "graphql-codegen")
    tsc = needed(CLIENT / "node_modules" / ".bin" / "tsc", "typescript")
    node = needed(Path(shutil.which("node") or "/usr/bin/node"), "node")
    base, token = served
    introspection = requests.post(
        f"{base}/graphql/", json={"query": get_introspection_query()}, timeout=30
    )
    assert introspection.status_code == 200
    assert "errors" not in introspection.json()
    BUILD.mkdir(exist_ok=True)
    (BUILD / "introspection.json").write_text(json.dumps(introspection.json()))
    shutil.rmtree(BUILD / "gql", ignore_errors=True)
    shutil.rmtree(BUILD / "js", ignore_errors=True)

    run([codegen, "--config", "codegen.yml"])
    run([tsc, "--project", "tsconfig.json"])  # strict, see tsconfig.json
    result = run([node, BUILD / "js" / "src" / "client.js", base, token])

    print("\n" + result.stdout)  # noqa: T201
    lines = result.stdout.splitlines()
    assert lines[0].startswith("listing: 200, Cache-Control: public, max-age=")
    assert "- Salt Road (2025-06-06) by Mara Quist; Wren: Joss Ferrante" in lines
    assert "- The Cast Iron Sky (2025-06-06) by Mara Quist; Ada: Joss Ferrante" in lines
    assert "again with If-None-Match: 304" in lines
    assert any(
        line.startswith("detail: Salt Road; poster widths 320, 320")
        and line.endswith(
            'synopsis, performance (), critique "Critique heading 1", final statement'
        )
        for line in lines
    ), lines
    assert "draft with a preview token: 'Unfinished Draft' Review: A test headline (Ghost)" in lines
    assert "tampered token: PREVIEW_REFUSED 403: This preview token is not valid." in lines
    assert "Unfinished Draft" not in "\n".join(lines[:4])
