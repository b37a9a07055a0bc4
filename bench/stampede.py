"""The response cache under a stampede, compressed hits, and the workers' memory.

- **Stampede**: 64 simultaneous first requests (a barrier, one thread each) for one review
  address that is not stored (a fresh query string each time, so nothing else is emptied):
  how many rendered it (the `X-Cache: miss` answers; the target: one), and, as information,
  their p99 against one uncached render of the same page alone (the median of 9).
- **Compressed hits**: the bytes of a hit with `Accept-Encoding: gzip, br` against the
  plain ones, and, in process, that hits do no compression work (gzip, zlib and brotli's
  compressors are made to raise, and every hit must still answer).
- **Worker RSS** (HTTP phase only): VmRSS of each gunicorn worker, read from /proc every
  5 s while wrk runs; the first minute's mean against the last minute's.

In process (BENCH_QUICK too), on a catalogue the in-process phase left behind:

    .venv/bin/python bench/stampede.py --db /tmp/bench-1000.sqlite3 --out bench/out/stampede.json

`over_http` and `RssSampler` are used by `bench/run.py`'s HTTP phase (gunicorn, PostgreSQL,
Redis), `rows` writes the report's targets rows.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
STAMPEDE = 64
ACCEPT = "gzip, deflate, br"
RSS_EVERY_SECONDS = 5


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[-1] if len(values) > 1 else values[0]


def stampede(prepare, count: int = STAMPEDE) -> dict:
    """`count` simultaneous requests: renders and p99. Each thread first calls `prepare()`
    (a client, a connection), which returns the request: a call -> (X-Cache, status)."""
    barrier = threading.Barrier(count)
    answers: list = [None] * count

    def one(index: int) -> None:
        fetch = prepare()
        barrier.wait()
        began = time.perf_counter()
        label, status = fetch()
        answers[index] = (label, status, (time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done = [answer for answer in answers if answer is not None]
    labels = Counter(label for label, _, _ in done)
    return {
        "requests": count,
        "renders": labels.get("miss", 0),
        "x_cache": dict(labels),
        "status": dict(Counter(str(status) for _, status, _ in done)),
        "p99_ms": p99([ms for _, _, ms in done]),
        "p50_ms": statistics.median(ms for _, _, ms in done),
        "render_answer_ms": [round(ms, 1) for label, _, ms in done if label == "miss"],
    }


def one_render_ms(fetch_fresh, times: int = 9) -> float:
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        fetch_fresh()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


# -- in process ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a catalogue (bench/inprocess.py)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--unprotected",
        action="store_true",
        help="CACHE_RENDER_WAIT_SECONDS=0: every request renders",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from review_pages.cache import encoding
    from review_pages.models import ReviewPage

    if args.unprotected:
        settings.REVIEW_PAGES = {**settings.REVIEW_PAGES, "CACHE_RENDER_WAIT_SECONDS": 0}
    reviews = ReviewPage.objects.live().order_by("pk")
    review = reviews[reviews.count() // 2]
    fresh = iter(range(10**9))

    # One client for every thread: its handler loads the middleware once (whitenoise scans
    # the static files when it starts, which 64 fresh clients would each do).
    shared = Client()

    def fetch(url: str, accept: str | None = ACCEPT):
        headers = {"HTTP_ACCEPT_ENCODING": accept} if accept else {}
        try:
            return shared.get(url, **headers)
        finally:
            connections.close_all()  # each thread its own SQLite connection, closed

    def fresh_url() -> str:
        return f"{review.url}?stampede={next(fresh)}"

    for _ in range(3):  # warm Wagtail's own caches
        fetch(fresh_url())
    single = one_render_ms(lambda: fetch(fresh_url()))
    url = fresh_url()

    crowd = stampede(lambda: lambda: _label(fetch(url)))
    where = "in process (SQLite, locmem)" + (", unprotected" if args.unprotected else "")
    result = {"where": where, "one_render_ms": single, **crowd}
    # The same crowd once the answer is stored: what 64 hits at once cost on their own.
    result["hits_only_p99_ms"] = stampede(lambda: lambda: _label(fetch(url)))["p99_ms"]
    result["compression"] = {
        name: compressed_hit(fetch, address, encoding)
        for name, address in (
            ("review page", url),
            ("API v3 detail", f"/api/v3/reviews/{review.pk}/"),
        )
    }
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


def _label(response) -> tuple[str, int]:
    return response.get("X-Cache", "none"), response.status_code


def compressed_hit(fetch, url: str, encoding) -> dict:
    """A hit's bytes per encoding, with every compressor made to raise."""
    fetch(url)  # stored
    plain = fetch(url, accept=None)

    def refuse(*args, **kwargs):
        raise AssertionError("compression work on a hit")

    saved = (encoding.gzip.compress, encoding.zlib.compressobj, encoding.brotli)
    encoding.gzip.compress = encoding.zlib.compressobj = refuse
    if encoding.brotli is not None:
        encoding.brotli = type("Refusing", (), {"compress": staticmethod(refuse)})
    try:
        sizes, hits = {}, 0
        for accept in (ACCEPT, "gzip", None):
            response = fetch(url, accept=accept)
            hits += response.get("X-Cache") == "hit" and response.status_code == 200
            sizes[response.get("Content-Encoding", "identity")] = len(response.content)
        zipped = fetch(url, accept="gzip")
        same = _blank_nonce(gzip.decompress(zipped.content)) == _blank_nonce(plain.content)
    finally:
        encoding.gzip.compress, encoding.zlib.compressobj, encoding.brotli = saved
    return {
        "bytes": sizes,
        "plain_bytes": len(plain.content),
        "hits_without_compression": hits == 3,
        "gzip_decodes_to_the_plain_page": same,
    }


def _blank_nonce(content: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', content)


def in_process(py: str, db: Path, out: Path) -> dict | None:
    """Run `main` in its own process (settings load once); None if it failed."""
    out.unlink(missing_ok=True)
    command = [py, str(Path(__file__).resolve()), f"--db={db}", f"--out={out}"]
    done = subprocess.run(command, cwd=PROJECT_DIR, check=False)  # noqa: S603 - our own script
    return json.loads(out.read_text()) if done.returncode == 0 and out.exists() else None


# -- over HTTP -------------------------------------------------------------------------------


def over_http(base: str, path: str) -> dict:
    """The stampede and the compressed hit against a running server."""
    fresh = iter(range(10**9))

    def fetch(url: str, accept: str | None = ACCEPT):
        headers = {"Accept-Encoding": accept} if accept else {}
        request = urllib.request.Request(base + url, headers=headers)  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
            return answer.headers, answer.status, answer.read()

    def fresh_url() -> str:
        return f"{path}?stampede={next(fresh)}"

    for _ in range(3):
        fetch(fresh_url())
    single = one_render_ms(lambda: fetch(fresh_url()))
    url = fresh_url()

    host, port = urllib.parse.urlsplit(base).netloc.split(":")

    def prepare():
        """A connection open before the barrier: the requests, not the connects, meet."""
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        connection.connect()

        def labelled():
            connection.request("GET", url, headers={"Accept-Encoding": ACCEPT})
            answer = connection.getresponse()
            answer.read()
            connection.close()
            return answer.headers.get("X-Cache", "none"), answer.status

        return labelled

    result = {"where": "HTTP (gunicorn, PostgreSQL, Redis)", "one_render_ms": single}
    result.update(stampede(prepare))
    # The same crowd once the answer is stored: what 64 hits at once cost on their own.
    result["hits_only_p99_ms"] = stampede(prepare)["p99_ms"]
    headers, _, zipped = fetch(url)
    _, _, plain = fetch(url, accept=None)
    result["compression"] = {
        "review page": {
            "bytes": {headers.get("Content-Encoding", "identity"): len(zipped)},
            "plain_bytes": len(plain),
        }
    }
    return result


class RssSampler(threading.Thread):
    """VmRSS (KiB) of each child of the gunicorn master, every few seconds."""

    def __init__(self, master_pid: int):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.samples: list[tuple[float, int, int]] = []  # (seconds, pid, KiB)
        self.stopping = threading.Event()

    @staticmethod
    def processes() -> list[tuple[int, int, bytes]]:
        """(pid, parent pid, command line) of every process still there when read."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    cmdline = (entry / "cmdline").read_bytes()
                except OSError:  # it ended meanwhile
                    continue
                found.append((int(entry.name), int(stat[1]), cmdline))
        return found

    def workers(self) -> list[int]:
        """The gunicorn workers: children of the serve script's gunicorn master (the script
        itself when it exec'd gunicorn, or its gunicorn child)."""
        processes = self.processes()
        command = {pid: cmdline for pid, _, cmdline in processes}
        if b"gunicorn" in command.get(self.master_pid, b""):  # the script exec'd gunicorn
            masters = {self.master_pid}
        else:
            masters = {
                pid
                for pid, parent, cmdline in processes
                if parent == self.master_pid and b"gunicorn" in cmdline
            }
        return [
            pid
            for pid, parent, cmdline in processes
            if parent in masters and b"gunicorn" in cmdline
        ]

    def run(self) -> None:
        began = time.monotonic()
        while not self.stopping.is_set():
            for pid in self.workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        self.samples.append((time.monotonic() - began, pid, int(line.split()[1])))
            self.stopping.wait(RSS_EVERY_SECONDS)

    def stop(self) -> dict:
        """Each worker's mean RSS over the first and the last minute, and the growth."""
        self.stopping.set()
        self.join(30)
        if not self.samples:
            return {"workers": {}}
        end = max(seconds for seconds, _, _ in self.samples)
        workers = {}
        for pid in sorted({pid for _, pid, _ in self.samples}):
            mine = [(s, kib) for s, p, kib in self.samples if p == pid]
            first = [kib for s, kib in mine if s <= 60]
            last = [kib for s, kib in mine if s >= end - 60]
            if first and last and mine[-1][0] >= end - RSS_EVERY_SECONDS * 2:
                workers[str(pid)] = {
                    "first_minute_kib": statistics.mean(first),
                    "last_minute_kib": statistics.mean(last),
                    "growth": statistics.mean(last) / statistics.mean(first) - 1,
                }
        return {"seconds": end, "workers": workers}


# -- report ----------------------------------------------------------------------------------


def rows(out_dir: Path, http: dict | None) -> list[str]:
    """The targets rows: stampede (HTTP if measured, else in process), compressed hits,
    worker RSS."""
    found = out_dir / "stampede.json"
    measures = [json.loads(found.read_text())] if found.exists() else []
    if http and http.get("stampede"):
        measures.append(http["stampede"])
    lines = []
    for m in measures:
        # The target is one render per address; the crowd's p99 is information (on 2 cores
        # the same 64 requests as hits, no render at all, take about as long: findings.md).
        passed = m["renders"] <= 1
        lines.append(
            f"| 64 simultaneous first requests for one uncached address, {m['where']} | "
            f"renders {m['renders']} | ≤ 1 render per address | "
            f"{'pass' if passed else '**miss**'} | information: p99 {m['p99_ms']:.0f} ms vs "
            f"one render {m['one_render_ms']:.0f} ms; the render's own answer after "
            f"{max(m.get('render_answer_ms') or [0]):.0f} ms; the same 64 once stored (all "
            f"hits): p99 {m.get('hits_only_p99_ms', 0):.0f} ms; X-Cache {m['x_cache']}, "
            f"status {m['status']} |"
        )
    if measures:
        checks = measures[0]["compression"]
        sizes = "; ".join(
            f"{name}: {', '.join(f'{k} {v:,} B' for k, v in c['bytes'].items())} "
            f"(plain {c['plain_bytes']:,} B)"
            for name, c in checks.items()
        )
        passed = all(
            c.get("hits_without_compression", True)
            and c.get("gzip_decodes_to_the_plain_page", True)
            and any(k != "identity" and v < c["plain_bytes"] for k, v in c["bytes"].items())
            for c in checks.values()
        )
        lines.append(
            f"| cached answers compressed | {sizes} | stored compressed once, hits do no "
            f"compression work | {'pass' if passed else '**miss**'} | compressors made to raise "
            "during the hits (in process) |"
        )
    rss = (http or {}).get("worker_rss")
    if rss and rss["workers"]:
        growth = max(w["growth"] for w in rss["workers"].values())
        detail = ", ".join(
            f"{w['first_minute_kib'] / 1024:.0f} → {w['last_minute_kib'] / 1024:.0f} MiB"
            for w in rss["workers"].values()
        )
        # Under two minutes the first and the last minute overlap: no verdict.
        verdict = "pass" if growth <= 0.10 else "**miss**"
        verdict = verdict if rss["seconds"] >= 120 else "not measured (phase < 2 min)"
        lines.append(
            f"| RSS of each gunicorn worker, first vs last minute of the HTTP phase | "
            f"+{growth * 100:.1f} % at most ({detail}) | ≤ 10 % | "
            f"{verdict} | VmRSS every {RSS_EVERY_SECONDS} s, "
            f"{rss['seconds']:.0f} s |"
        )
    elif rss is not None:
        lines.append(
            "| RSS of each gunicorn worker, first vs last minute of the HTTP phase | no worker "
            f"sampled in {rss['seconds']:.0f} s | ≤ 10 % | **not measured** | the sampler found "
            "no gunicorn worker under the server's process |"
        )
    return lines


if __name__ == "__main__":
    main()
