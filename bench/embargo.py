"""How late scheduled reviews go live under `make run`'s stack (scripts/run.sh: the
development server and the task worker; SQLite, no Redis).

    python bench/embargo.py [--reviews 20] [--spacing 0.7]

Makes a throwaway database, starts scripts/run.sh, schedules N drafts a few seconds ahead
(SPACING seconds apart), polls each review's page every 50 ms and prints, per review and in
summary (median, worst), the seconds between its go-live time and its first 200. `make
bench-embargo` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

SCHEDULE = """
import datetime, json
from django.utils import timezone
from review_pages.models import ReviewIndexPage, ReviewPage
index = ReviewIndexPage.objects.get()
body = [
    {"type": "synopsis", "value": {"text": "<p>Synopsis.</p>"}},
    {"type": "final_statement", "value": {"text": "<p>Final.</p>"}},
]
first = timezone.now() + datetime.timedelta(seconds=%(lead)s)
scheduled = []
for number in range(%(reviews)s):
    page = index.add_child(instance=ReviewPage(
        title=f"'Embargo {number}' Review: Lifted", slug=f"embargo-{number}",
        film_title=f"Embargo {number}", mpa_rating="PG", runtime_minutes=90, body=body,
        live=False,
    ))
    page.go_live_at = first + datetime.timedelta(seconds=number * %(spacing)s)
    page.save_revision().publish()
    scheduled.append({"url": page.url, "at": page.go_live_at.timestamp()})
print(json.dumps(scheduled))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args) -> str:
    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=0.7)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-embargo-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="reviewsite.settings.dev",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        PY=sys.executable,
        HOST="127.0.0.1",
        PORT=str(port),
    )
    print("setting up a throwaway database ...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "setup_site", "--no-demo", "--hostname", "127.0.0.1", "--port", str(port))
    log = (folder / "run.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - the project's own script
        ["bash", str(ROOT / "scripts" / "run.sh")],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(base + "/robots.txt", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.3)
        lead = 6 + args.reviews * 0.15  # the scheduling itself takes a moment per review
        code = SCHEDULE % {"lead": lead, "reviews": args.reviews, "spacing": args.spacing}
        scheduled = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
        pending = {item["url"]: item["at"] for item in scheduled}
        late: dict[str, float] = {}
        give_up = max(pending.values()) + 30
        session = requests.Session()
        while pending and time.time() < give_up:
            for url, at in list(pending.items()):
                if time.time() < at - 0.5:
                    continue
                if session.get(base + url, timeout=5).status_code == 200:
                    late[url] = time.time() - at
                    del pending[url]
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()

    print("\n| review | seconds late |\n|---|---|")
    for url, seconds in sorted(late.items(), key=lambda item: item[1]):
        print(f"| {url} | {seconds:.2f} |")
    if pending:
        print(f"\nNEVER LIVE within 30 s: {sorted(pending)}")
    values = list(late.values())
    if values:
        print(
            f"\n{len(values)} scheduled publishes: median {statistics.median(values):.2f} s "
            f"late, worst {max(values):.2f} s (limit 5 s)"
        )
    return 1 if pending or not values or max(values) > 5 else 0


if __name__ == "__main__":
    sys.exit(main())
