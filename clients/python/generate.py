"""Generate the official Python client, `film_reviews_client`, from a site's live OpenAPI
document (`make python-client`; then `pip install ./clients/python`).

    python clients/python/generate.py [--url URL | --path FILE] [--output DIR]

It runs openapi-python-client (0.29.x: requirements-dev.txt, the plugin's `test` extra) with
this folder's configuration (the package's name) and templates (`templates/`: the fix that
makes the generated models parse a review, whose `cast` property otherwise shadows
`typing.cast`; see README.md). The package is written to DIR/film_reviews_client (DIR:
this folder), with its `py.typed` marker.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "film_reviews_client"
CONFIG = HERE / "openapi-python-client.yaml"
TEMPLATES = HERE / "templates"
DEFAULT_URL = "http://127.0.0.1:8000/api/v3/openapi.json"


def read_document(url: str | None, path: Path | None) -> bytes:
    if path is not None:
        return path.read_bytes()
    with urllib.request.urlopen(url or DEFAULT_URL, timeout=60) as answer:  # noqa: S310 - the user's site
        return answer.read()


def generate(document: bytes, output: Path = HERE) -> Path:
    """Write the client generated from `document` (the OpenAPI JSON) to output/PACKAGE and
    return that folder; the generator's messages go to stderr, a failure raises."""
    package = output / PACKAGE
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "openapi.json"
        source.write_bytes(document)
        built = Path(scratch) / PACKAGE
        result = subprocess.run(  # noqa: S603 - the project's own generator
            [
                sys.executable, "-m", "openapi_python_client", "generate",
                "--path", str(source),
                "--config", str(CONFIG),
                "--custom-template-path", str(TEMPLATES),
                "--meta", "none",
                "--output-path", str(built),
            ],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        sys.stderr.write(result.stdout + result.stderr)
        if result.returncode != 0 or not (built / "client.py").exists():
            raise SystemExit(f"openapi-python-client failed (exit {result.returncode})")
        (built / "py.typed").write_text("# Marker file for PEP 561\n")
        shutil.rmtree(package, ignore_errors=True)
        output.mkdir(parents=True, exist_ok=True)
        shutil.move(str(built), package)
    return package


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--url", help=f"the site's /api/v3/openapi.json (default {DEFAULT_URL})")
    source.add_argument("--path", type=Path, help="a saved copy of the document")
    parser.add_argument("--output", type=Path, default=HERE, help="where the package goes")
    args = parser.parse_args(argv)
    package = generate(read_document(args.url, args.path), args.output)
    print(f"Generated {package}")  # noqa: T201


if __name__ == "__main__":
    main()
