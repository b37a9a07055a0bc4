"""`make fuzz`: schemathesis, all its phases, against a live gunicorn; fails on any 5xx.

For each database asked for (SQLite, PostgreSQL), on a database of its own (SQLite file in a
temporary folder; PostgreSQL database FUZZ_PG_DB, created and dropped): migrate, load the
demo reviews and posters, start gunicorn on the production settings (2 workers, 127.0.0.1
only), then

- schemathesis over `/api/v3/openapi.json`: phases examples, coverage, fuzzing and
  stateful, positive and negative data, every operation (writes without a token must be
  refused, not crash), check `not_a_server_error`;
- the hand-picked hostile API v2 query strings of tests/plugin/test_fuzz_api.py on every v2
  listing, detail and `find/`.

The figures come from gunicorn's access log (every request it answered, by status), so
they count what the server saw. Fails when schemathesis fails, when any answer is a 5xx,
or when fewer than FUZZ_MIN_REQUESTS (15,000) requests were made.

Not part of `make test` (a few minutes per database); `make test` keeps the quick
in-process run (tests/plugin/test_fuzz_api.py).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STATUS = re.compile(r'" (\d{3}) ')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(env, *args) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def fetch(url: str) -> int:
    import requests

    return requests.get(url, timeout=30, allow_redirects=False).status_code


def wait_until_up(base: str, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited before answering")
        try:
            fetch(base + "/robots.txt")
            return
        except OSError:  # requests' ConnectionError is one
            time.sleep(0.3)
    sys.exit(f"{base} did not start in 60 s")


def postgres(name: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            db.execute(f'CREATE DATABASE "{name}"')


def v2_hostile_urls(base: str, review_id: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tests.plugin.test_fuzz_api import ENDPOINT_GROUPS, HOSTILE_QUERIES

    endpoints = [url for group in ENDPOINT_GROUPS.values() for url, _ in group]
    return [
        base + endpoint.format(review=review_id) + query
        for endpoint in endpoints
        for query in HOSTILE_QUERIES
    ]


def fuzz(database: str, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{database}-"))
    access_log = work / "access.log"
    if database == "sqlite":
        database_url = f"sqlite:///{work / 'db.sqlite3'}"
    else:
        postgres(args.pg_db, create=True)
        database_url = f"postgres://postgres@127.0.0.1:5432/{args.pg_db}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "FRONTEND_CACHE", "SEARCH_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="reviewsite.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(work / "media"),
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG=str(access_log),
        GUNICORN_LOG_LEVEL="warning",
        CACHE_KEY_PREFIX=f"fuzz-{secrets.token_hex(4)}",
    )
    env.pop("REDIS_URL", None)
    if database == "postgresql" and args.redis_url:
        env["REDIS_URL"] = args.redis_url
    python = str(BIN / "python")
    print(f"== {database}: migrate, demo reviews and posters", flush=True)
    run(env, python, "manage.py", "migrate", "--noinput")
    run(env, python, "manage.py", "createcachetable")
    run(env, python, "manage.py", "collectstatic", "--noinput", "-v0")
    run(env, python, "manage.py", "setup_site")
    run(env, python, "manage.py", "make_demo_posters")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )
    started = time.monotonic()
    try:
        wait_until_up(base, server)
        print(f"== {database}: schemathesis, every phase, against {base}", flush=True)
        schemathesis = subprocess.run(  # noqa: S603
            [
                str(BIN / "schemathesis"),
                "run",
                f"{base}/api/v3/openapi.json",
                "--phases=examples,coverage,fuzzing,stateful",
                "--checks=not_a_server_error",
                "--mode=all",
                f"--max-examples={args.max_examples}",
                "--workers=2",
                f"--seed={args.seed}",
                "--suppress-health-check=all",
                "--request-timeout=30",
                "--no-color",
                # Wagtail 8.0.1 declares the snippet type as `const: ""` when no snippet
                # is registered for v3 (an empty path segment cannot be sent); these need a
                # token anyway, and the in-process suite checks every token-only call
                # answers 401.
                "--exclude-path-regex=/snippets/\\{type\\}",
            ],
            cwd=work,
            env=env,
        )
        print(f"== {database}: hostile API v2 query strings", flush=True)
        import requests

        listing = requests.get(f"{base}/api/v2/pages/?type=review_pages.ReviewPage", timeout=30)
        review_id = listing.json()["items"][0]["id"]
        for url in v2_hostile_urls(base, review_id):
            fetch(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if database == "postgresql":
            postgres(args.pg_db, create=False)
    statuses = collections.Counter(
        int(match.group(1))
        for line in access_log.read_text().splitlines()
        if (match := STATUS.search(line))
    )
    shutil.rmtree(work, ignore_errors=True)
    return {
        "database": database,
        "requests": sum(statuses.values()),
        "server errors": sum(n for status, n in statuses.items() if status >= 500),
        "by status": dict(sorted(statuses.items())),
        "schemathesis": schemathesis.returncode,
        "seconds": round(time.monotonic() - started),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", default=os.environ.get("FUZZ_DATABASES", "sqlite,postgresql")
    )
    parser.add_argument("--pg-db", default=os.environ.get("FUZZ_PG_DB", "fuzz"))
    parser.add_argument("--redis-url", default=os.environ.get("FUZZ_REDIS_URL", ""))
    parser.add_argument(
        "--max-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "250"))
    )
    parser.add_argument(
        "--min-requests", type=int, default=int(os.environ.get("FUZZ_MIN_REQUESTS", "15000"))
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "13")))
    args = parser.parse_args()
    results = [fuzz(database.strip(), args) for database in args.databases.split(",")]
    print("\n| database | requests | 5xx | by status | schemathesis exit | seconds |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    failed = False
    for result in results:
        print(
            f"| {result['database']} | {result['requests']:,} | {result['server errors']} | "
            f"{result['by status']} | {result['schemathesis']} | {result['seconds']} |"
        )
        failed |= bool(result["server errors"] or result["schemathesis"])
        failed |= result["requests"] < args.min_requests
    if failed:
        sys.exit(
            f"fuzz failed: a 5xx, a schemathesis failure or under {args.min_requests:,} requests"
        )


if __name__ == "__main__":
    main()
