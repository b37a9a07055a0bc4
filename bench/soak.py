"""`make soak`: the production stack under load while a writer publishes and services fail.

gunicorn (production settings, 2 workers) on 127.0.0.1, PostgreSQL database `soak`
(created and dropped here) and Redis DB 3, loaded by `wrk` (64 connections) with a mix
of the front page, a review, a filmography and an API listing. Meanwhile:

- a writer process (Django ORM, same DATABASE_URL) revises and publishes reviews with
  `save_revision().publish()`, retrying while the database is unreachable;
- a probe thread asks for a page and an API listing every 0.2 s and files each answer
  under the phase it happened in;
- with faults on (the default), PostgreSQL is restarted once and Redis is stopped for
  10 seconds.

At the end every review the writer touched must show, in its HTML page and in API v3,
exactly the last text it saved. The script prints the figures and exits non-zero when a
publish was lost, the final content is wrong, or errors happened outside the fault phases.

    .venv/bin/python bench/soak.py [--faults 0|1] [--duration 60] [--port 8765]

Loopback only; nothing here talks to another host.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = "soak"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_DB = 3
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
MARKER = "Soak revision"

# The writer: a separate process with its own Django and database connection.
WRITER = r"""
import json, os, signal, sys, time
import django
django.setup()
from django.db import OperationalError, InterfaceError, close_old_connections, connection
from review_pages.models import ReviewPage

stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)

def live_ids():
    # The writer may start (or the database restart) at any moment: retry this read too.
    for _ in range(600):
        try:
            return list(ReviewPage.objects.live().order_by("pk").values_list("pk", flat=True))
        except (OperationalError, InterfaceError):
            connection.close()
            time.sleep(0.1)
    raise SystemExit("the database did not come back within 60 s")


ids = live_ids()
last = {}
ok = retried = attempts_failed = 0
number = 0
while not stop:
    number += 1
    pk = ids[number % len(ids)]
    text = f"<p>{os.environ['SOAK_MARKER']} {number} of review {pk}.</p>"
    tries = 0
    while True:
        try:
            page = ReviewPage.objects.get(pk=pk)
            page.intro = text
            page.save_revision().publish()
            break
        except (OperationalError, InterfaceError) as error:
            tries += 1
            attempts_failed += 1
            connection.close()  # a dead connection is dropped, the next try reconnects
            if tries > 600:
                raise
            time.sleep(0.1)
    if tries:
        retried += 1
    ok += 1
    last[str(pk)] = text
    time.sleep(float(os.environ.get("SOAK_WRITE_PAUSE", "0.2")))
json.dump({"ok": ok, "retried": retried, "failed_attempts": attempts_failed, "last": last},
          open(os.environ["SOAK_RESULT"], "w"))
"""

WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command, env=None, check=True, **kwargs):
    return subprocess.run(command, env=env, check=check, cwd=ROOT, **kwargs)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing the Debian package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "wrk"], env=env)
    return shutil.which("wrk") or "wrk"


def psql(sql: str) -> None:
    run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql])


def app_env(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "soak",
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
        "SOAK_MARKER": MARKER,
        # A fresh connection after the restart rather than a dead pooled one.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
    }


def fetch(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError, TimeoutError):
        return 0, b""


class Phases:
    """The phase the run is in, for filing the probe's answers."""

    def __init__(self):
        self.name = "baseline"
        self.lock = threading.Lock()

    def set(self, name: str) -> None:
        with self.lock:
            self.name = name
        log(f"phase: {name}")

    def get(self) -> str:
        with self.lock:
            return self.name


def probe(base: str, paths: list[str], phases: Phases, stop: threading.Event, results):
    n = 0
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        status, _ = fetch(base + path, timeout=10)  # as wrk's timeout: 0 means no answer
        results[phases.get()][status] += 1
        stop.wait(0.2)


def parse_wrk(output: str) -> dict[str, int | float]:
    figures: dict[str, int | float] = {"requests": 0, "non_2xx_3xx": 0, "socket_errors": 0}
    match = re.search(r"(\d+) requests in", output)
    if match:
        figures["requests"] = int(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match:
        figures["non_2xx_3xx"] = int(match.group(1))
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if match:
        figures["socket_errors"] = sum(int(x) for x in match.groups())
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match:
        figures["requests_per_second"] = float(match.group(1))
    match = re.search(r"99%\s+([\d.]+\w+)", output)
    if match:
        figures["p99_latency"] = match.group(1)
    return figures


def inject_faults(phases: Phases, duration: int, started: float) -> None:
    """PostgreSQL restarted at a quarter of the run, Redis down for 10 s at half of it."""
    time.sleep(max(0, started + duration * 0.25 - time.time()))
    phases.set("postgres restart")
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"])
    for _ in range(60):
        if run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0:
            break
        time.sleep(0.5)
    time.sleep(2)
    phases.set("after postgres")
    time.sleep(max(0, started + duration * 0.5 - time.time()))
    phases.set("redis down")
    run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)
    time.sleep(10)
    run(REDIS_START)
    time.sleep(1)
    phases.set("after redis")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", type=int, default=1, choices=(0, 1))
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()

    wrk = ensure_wrk()
    env = app_env(args.port)
    base = f"http://127.0.0.1:{args.port}"
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    env["MEDIA_ROOT"] = str(workdir / "media")
    gunicorn = writer = None
    failures: list[str] = []
    try:
        log(f"database {DB_NAME}: recreated")
        psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DB_NAME}"')
        run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], stdout=subprocess.DEVNULL)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        run([PY, "manage.py", "setup_site"], env=env, stdout=subprocess.DEVNULL)
        run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)

        gunicorn = subprocess.Popen([GUNICORN, "-c", "gunicorn.conf.py"], env=env, cwd=ROOT)
        for _ in range(100):
            if fetch(base + "/")[0] == 200:
                break
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer")
        listing = json.loads(fetch(base + "/api/v3/reviews/?limit=100")[1])
        reviews = listing["items"]
        review_path = urllib.parse.urlsplit(reviews[0]["meta"]["html_url"]).path
        person = reviews[0]["directors"][0]["slug"]
        paths = [
            "/",
            review_path,
            urllib.parse.quote(f"/people/{person}/"),
            "/api/v3/reviews/",
            "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
        ]
        log(f"{len(reviews)} reviews; load mix: {', '.join(paths)}")
        lua = workdir / "mix.lua"
        lua.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))

        phases = Phases()
        stop = threading.Event()
        probed: dict[str, Counter] = defaultdict(Counter)
        prober = threading.Thread(target=probe, args=(base, paths, phases, stop, probed))
        prober.start()
        writer_result = workdir / "writer.json"
        writer = subprocess.Popen(
            [PY, "-c", WRITER],
            env={**env, "SOAK_RESULT": str(writer_result)},
            cwd=ROOT,
        )
        started = time.time()
        faults = None
        if args.faults:
            faults = threading.Thread(
                target=inject_faults, args=(phases, args.duration, started), daemon=True
            )
            faults.start()
        log(f"wrk: {args.connections} connections for {args.duration} s")
        load = run(
            [
                wrk,
                "-t2",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(lua),
                base,
            ],
            capture_output=True,
            text=True,
        )
        if faults:
            faults.join(timeout=30)
        phases.set("end")
        writer.send_signal(signal.SIGTERM)
        writer.wait(timeout=120)
        stop.set()
        prober.join()
        written = json.loads(writer_result.read_text())

        # Every review shows exactly the last text the writer saved: HTML and API v3.
        wrong = []
        for pk, text in written["last"].items():
            status, body = fetch(f"{base}/api/v3/reviews/{pk}/")
            api_intro = json.loads(body)["intro"] if status == 200 else None
            html_url = json.loads(body)["meta"]["html_url"] if status == 200 else ""
            html_path = urllib.parse.urlsplit(html_url).path  # the site's own host name aside
            html_status, html = fetch(base + html_path) if html_url else (0, b"")
            sentence = re.sub(r"</?p>", "", text)
            if api_intro != text:
                wrong.append(f"review {pk}: API intro {api_intro!r}, expected {text!r}")
            if html_status != 200 or sentence.encode() not in html:
                wrong.append(f"review {pk}: HTML page lacks {sentence!r}")
            other = set(re.findall(rf"{MARKER} (\d+) of review {pk}\.".encode(), html))
            if len(other) > 1:
                wrong.append(f"review {pk}: several revisions shown {other}")
        figures = parse_wrk(load.stdout)
        print("\n== soak results" + (" (with faults)" if args.faults else " (no faults)"))
        print(f"duration                {args.duration} s, {args.connections} connections")
        for key, value in figures.items():
            print(f"{key:<23} {value}")
        print(f"publishes ok            {written['ok']}")
        print(f"publishes retried       {written['retried']}")
        print(f"failed publish attempts {written['failed_attempts']}")
        print(f"reviews checked at end  {len(written['last'])} (HTML and API v3)")
        print("probe answers by phase:")
        for phase, counts in probed.items():
            errors = sum(n for status, n in counts.items() if not 200 <= status < 400)
            total = sum(counts.values())
            print(f"  {phase:<20} {total:>5} answers, {errors:>4} errors {dict(counts)}")
        if load.returncode != 0:
            failures.append(f"wrk failed: {load.stderr.strip()}")
        failures += wrong
        for phase in ("baseline", "after postgres", "after redis", "end"):
            errors = sum(n for s, n in probed.get(phase, {}).items() if not 200 <= s < 400)
            if phase != "after postgres" and errors:  # the first seconds back may still fail
                failures.append(f"{errors} errors in phase {phase!r}")
        if not args.faults and figures["non_2xx_3xx"]:
            failures.append(f"{figures['non_2xx_3xx']} non-2xx answers without faults")
        if written["ok"] == 0:
            failures.append("the writer published nothing")
    finally:
        if writer and writer.poll() is None:
            writer.kill()
        if gunicorn:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=False, stdout=subprocess.DEVNULL)
        psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(
        "\nOK: no publish lost, final content as last saved, errors only while a service was down"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
