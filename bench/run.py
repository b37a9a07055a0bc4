"""`make bench`: in-process benchmarks at two catalogue sizes, an HTTP phase under wrk, and
`bench/results.md` + `bench/latency.png`.

    .venv/bin/python bench/run.py            # full: 100 and 10,000 reviews, 50 requests, 15 s
    .venv/bin/python bench/run.py --quick    # smoke: 100 and 1,000 reviews, 20 requests, 5 s

Timings are compared as ratios within one run (the machine is shared); absolute numbers
are only printed for context. Raw results go to bench/out/ (not committed).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import search_mix  # bench/search_mix.py, beside this script
import stampede  # bench/stampede.py, beside this script

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
PY = os.environ.get("PY", str(PROJECT_DIR / ".venv" / "bin" / "python"))
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
BIND = os.environ.get("BENCH_BIND", "127.0.0.1:8766")

FLOOR = "floor (plain Django view)"
BARE = "bare Wagtail page"
UNCACHED = "review page, uncached"
CACHED = "review page, cached"
V2_LIST = "API v2 listing (20, fields=*)"
STOCK_LIST = "stock Wagtail v2 listing (20, fields=*)"
SITE_ENDPOINTS = [
    UNCACHED,
    CACHED,
    "front page",
    "filmography",
    "search",
    V2_LIST,
    "API v2 detail",
    "API v3 listing (20)",
    "API v3 detail",
]


def step(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, **kwargs)  # noqa: S603 - our own commands


# -- in-process phase ------------------------------------------------------------------------


def template_database() -> Path:
    """A migrated SQLite file that each catalogue starts from (migrating once, not twice)."""
    path = Path(tempfile.gettempdir()) / "bench-template.sqlite3"
    path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env)
    return path


def in_process(sizes, requests: int, rounds: int, template: Path) -> list[dict]:
    """Both catalogue sizes at once, one process each: each generates its catalogue, then
    they measure side by side (a barrier), so a change in the machine's load (2 cores
    shared with other engineers) hits both sizes alike and their ratio stays meaningful."""
    barrier = Path(tempfile.mkdtemp(prefix="bench-barrier-"))
    processes = []
    for size in sizes:
        out = OUT_DIR / f"inprocess-{size}.json"
        out.unlink(missing_ok=True)
        command = [
            PY,
            str(BENCH_DIR / "inprocess.py"),
            f"--size={size}",
            f"--db={Path(tempfile.gettempdir()) / f'bench-{size}.sqlite3'}",
            f"--template-db={template}",
            f"--requests={requests}",
            f"--rounds={rounds}",
            f"--out={out}",
            f"--barrier={barrier}",
            f"--peers={len(sizes)}",
        ]
        processes.append((out, subprocess.Popen(command, cwd=PROJECT_DIR)))  # noqa: S603
    results = []
    for out, process in processes:
        if process.wait() != 0:
            for _, other in processes:
                other.kill()
            raise SystemExit(f"bench: in-process run failed ({out.name})")
        results.append(json.loads(out.read_text()))
    shutil.rmtree(barrier, ignore_errors=True)
    return results


# -- HTTP phase ------------------------------------------------------------------------------


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    step("wrk is missing: installing the Debian package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run([*sudo, "apt-get", "install", "-y", "wrk"])
    return shutil.which("wrk") or "wrk"


def psql(sql: str) -> None:
    base = PG_URL.rsplit("/", 1)[0] + "/postgres"
    run(["psql", base, "-q", "-c", sql])


def drain(base: str, limit: float = 60.0) -> None:
    """Wait until the server has worked off the requests wrk left queued when it stopped,
    so that each endpoint is measured on an idle server (not behind the previous backlog)."""
    deadline = time.time() + limit
    while time.time() < deadline:
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(base + "/robots.txt", timeout=limit):  # noqa: S310
                pass
        except OSError:
            pass
        if time.perf_counter() - began < 0.2:
            return
        time.sleep(0.5)


#: The search rows run this long in the quick run too: the hot-query slots fill during the
#: first seconds of the mix, and the row's target is the steady state (5 s measured mostly
#: the filling: 81 % hits and p99 600 ms, against 95 % and ~290 ms over 15 s).
SEARCH_SECONDS = 15


def http_phase(size: int, duration: int, connections: list[int]) -> dict:
    wrk = ensure_wrk()
    db_name = PG_URL.rsplit("/", 1)[1]
    step(f"HTTP phase: PostgreSQL database {db_name!r}, Redis {REDIS_URL}, {size} reviews")
    psql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db_name}"')
    run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], stdout=subprocess.DEVNULL)
    env = {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "bench",
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings.test",
    }
    generated = run(
        [PY, str(BENCH_DIR / "catalogue.py"), f"--size={size}"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
    )
    line = next(x for x in generated.stdout.splitlines() if x.startswith("CATALOGUE "))
    catalogue = json.loads(line[len("CATALOGUE ") :])
    step(f"catalogue on PostgreSQL written in {catalogue['seconds']:.0f} s")

    search_paths = OUT_DIR / "search-paths.txt"
    search_load = search_mix.write_paths(PG_URL, search_paths)
    step(
        f"search load: {search_load['distinct']:,} distinct queries, Zipf mix of "
        f"{search_load['requests']:,} (top 10: {search_load['top10_share']:.0%})"
    )
    review_id = catalogue["review_id"]
    urls = {
        CACHED: catalogue["review_path"],
        "front page": "/",
        "filmography": f"/people/{catalogue['person_slug']}/",
        "search": f"/search/?q={catalogue['search_word']}",
        V2_LIST: "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=20",
        "API v2 detail": f"/api/v2/pages/{review_id}/",
        "API v3 listing (20)": "/api/v3/reviews/?limit=20",
        "API v3 detail": f"/api/v3/reviews/{review_id}/",
    }
    serve_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GUNICORN_BIND": BIND,
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "WORKER": "0",  # no task worker beside gunicorn: it is not what is measured
        "GUNICORN_LOG_LEVEL": "warning",
        # Workers are not recycled during the bench: at cached rates 50,000 requests take a
        # worker about a minute, so recycling would replace every worker the RSS row watches
        # (and would hide a leak, which is what that row is for).
        "GUNICORN_MAX_REQUESTS": "0",
        "PY": PY,
    }
    log = (OUT_DIR / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - the project's own serve script
        [str(PROJECT_DIR / "scripts" / "serve.sh")],
        cwd=PROJECT_DIR,
        env=serve_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results: dict = {
        "size": size,
        "duration": duration,
        "endpoints": {},
        "search_load": search_load,
    }
    try:
        base = f"http://{BIND}"
        deadline = time.time() + 180
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit(f"bench: gunicorn did not start; see {log.name}")
            time.sleep(1)
        for name, path in urls.items():
            for _ in range(3):  # warm every worker's caches and the response cache
                with urllib.request.urlopen(base + path, timeout=30) as answer:  # noqa: S310
                    if answer.status != 200:
                        raise SystemExit(f"bench: {name} answered {answer.status}")
        results["stampede"] = stampede.over_http(base, urls[CACHED])
        rss = stampede.RssSampler(server.pid)
        rss.start()
        for name, path in urls.items():
            results["endpoints"][name] = {"url": path}
            for count in connections:
                out = run(
                    [
                        wrk,
                        "-t2",
                        f"-c{count}",
                        f"-d{SEARCH_SECONDS if name == 'search' else duration}s",
                        "--timeout=5s",
                        "-s",
                        str(BENCH_DIR / "wrk_report.lua"),
                        base + path,
                    ],
                    capture_output=True,
                    env={**os.environ, "WRK_PATHS": str(search_paths) if name == "search" else ""},
                ).stdout
                drain(base)
                line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
                figures = json.loads(line[len("WRKJSON ") :])
                results["endpoints"][name][str(count)] = figures
                step(
                    f"wrk {name} c={count}: {figures['rps']:.0f} req/s, "
                    f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
                    f"non-2xx {figures['non2xx']}, hits {figures['cache_hits']}"
                )
        results["worker_rss"] = rss.stop()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    return results


# -- report ----------------------------------------------------------------------------------


def ratio_row(target: str, value: float, limit: float, why: str = "") -> str:
    passed = value <= limit
    verdict = "pass" if passed else f"**miss** by {value / limit:.2f}x ({value:.2f}x vs {limit}x)"
    return f"| {target} | {value:.2f}x | ≤ {limit}x | {verdict} | {why} |"


def search_load_row(http: dict | None) -> str:
    """Search under load: req/s and p99 at 64 connections over the query mix."""
    target = "search under load (PostgreSQL, 64 connections)"
    limits = "≥ 300 req/s, p99 ≤ 300 ms"
    figures = ((http or {}).get("endpoints", {}).get("search") or {}).get("64")
    if not figures:
        return f"| {target} | not measured (HTTP phase skipped) | {limits} | — | |"
    passed = figures["rps"] >= 300 and figures["p99_ms"] <= 300
    mix = http.get("search_load") or {}
    hit_rate = figures["cache_hits"] / max(1, figures["answers"])
    return (
        f"| {target} | {figures['rps']:.0f} req/s, p99 {figures['p99_ms']:.0f} ms | {limits} | "
        f"{'pass' if passed else '**miss**'} | {http['size']:,} reviews; "
        f"{mix.get('distinct', 1):,} distinct queries, Zipf mix (top 10: "
        f"{mix.get('top10_share', 1):.0%}); hot-query cache (the response cache's search "
        f"slots) hits {hit_rate:.0%} of answers |"
    )


def report(small: dict, large: dict, http: dict | None, quick: bool, notes: str) -> str:
    s, big = small["endpoints"], large["endpoints"]
    kind = "quick smoke, BENCH_QUICK=1" if quick else "full"
    lines = [
        "# Benchmarks",
        "",
        f"Run: {datetime.datetime.now():%Y-%m-%d %H:%M} ({kind}), "
        f"`make bench{' BENCH_QUICK=1' if quick else ''}`. 2 shared cores: "
        "compare the **ratios**; absolute times are context only.",
        "",
        f"In-process: SQLite, Django test `Client` through the whole middleware stack, "
        f"median of {large['requests_per_endpoint']} requests per endpoint, interleaved rounds. "
        f"Catalogues of {small['size']:,} and {large['size']:,} reviews, each with 20,000 people "
        f"and 1,000 studios (generated in {small['generation_seconds']:.0f} s and "
        f"{large['generation_seconds']:.0f} s).",
        "",
        "## Targets",
        "",
        "| target | measured | limit | result | note |",
        "|---|---|---|---|---|",
    ]
    floor, bare = big[FLOOR]["median_ms"], big[BARE]["median_ms"]
    lines.append(
        ratio_row(
            "cached review page / floor",
            big[CACHED]["median_ms"] / floor,
            3,
            f"X-Cache on the repeats: {big[CACHED]['x_cache']}",
        )
    )
    lines.append(
        ratio_row(
            "uncached review page / bare Wagtail page", big[UNCACHED]["median_ms"] / bare, 1.5
        )
    )
    lines.append(
        ratio_row(
            "search in process / bare Wagtail page",
            big["search"]["median_ms"] / bare,
            3,
            f"{big['search']['median_ms']:.1f} ms; queries {big['search']['queries']} vs "
            f"{big[BARE]['queries']}",
        )
    )
    for name in ("front page", "filmography"):
        lines.append(
            ratio_row(
                f"{name} / bare Wagtail page",
                big[name]["median_ms"] / bare,
                2,
                f"queries {big[name]['queries']} vs {big[BARE]['queries']}",
            )
        )
    lines.append(
        ratio_row(
            "API v2 listing of 20 / stock Wagtail v2 listing",
            big[V2_LIST]["median_ms"] / big[STOCK_LIST]["median_ms"],
            0.25,
            f"queries {big[V2_LIST]['queries']} vs {big[STOCK_LIST]['queries']}",
        )
    )
    for name in SITE_ENDPOINTS:
        lines.append(
            ratio_row(
                f"{name}: {large['size']:,} / {small['size']:,} reviews",
                big[name]["median_ms"] / s[name]["median_ms"],
                1.3,
                f"queries {s[name]['queries']} → {big[name]['queries']}",
            )
        )
    lines.append(search_load_row(http))
    import_file = OUT_DIR / "import.json"
    if import_file.exists():
        from import_bench import report_rows

        lines += report_rows(json.loads(import_file.read_text()))
    if http:
        total = sum(
            figures["non2xx"] + figures["socket_errors"]
            for entry in http["endpoints"].values()
            for key, figures in entry.items()
            if key != "url"
        )
        lines.append(
            f"| non-2xx answers, socket errors and timeouts (> 5 s) under load | {total} | 0 | "
            f"{'pass' if total == 0 else '**miss**'} | see the HTTP phase |"
        )
    lines += stampede.rows(OUT_DIR, http)
    lines += ["", "## In-process figures", ""]
    lines.append(
        f"| endpoint | queries ({small['size']:,}) | median ms ({small['size']:,}) | "
        f"queries ({large['size']:,}) | median ms ({large['size']:,}) | ratio | × floor |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for name in big:
        lines.append(
            f"| {name} | {s[name]['queries']} | {s[name]['median_ms']:.2f} | "
            f"{big[name]['queries']} | {big[name]['median_ms']:.2f} | "
            f"{big[name]['median_ms'] / s[name]['median_ms']:.2f} | "
            f"{big[name]['median_ms'] / floor:.1f} |"
        )
    lines += ["", "![median latency per endpoint](latency.png)", ""]
    if http:
        lines += [
            "## HTTP phase",
            "",
            f"`make serve` stack: gunicorn (production settings, 2 workers × 4 threads) on "
            f"PostgreSQL and Redis, {http['size']:,} reviews, `wrk -t2`, {http['duration']} s "
            f"per endpoint and connection count (search: {SEARCH_SECONDS} s). wrk shares the 2 "
            "cores with the server.",
            "",
            "| endpoint | conns | answers | req/s | p50 ms | p99 ms | non-2xx | socket errors / "
            "timeouts (> 5 s) | X-Cache hits |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, entry in http["endpoints"].items():
            for key, f in entry.items():
                if key == "url":
                    continue
                lines.append(
                    f"| {name} | {key} | {f['answers']} | {f['rps']:.1f} | {f['p50_ms']:.1f} | "
                    f"{f['p99_ms']:.1f} | {f['non2xx']} | {f['socket_errors']} | "
                    f"{f['cache_hits']}/{f['answers']} |"
                )
        lines.append("")
    lines += ["## Method and notes", "", notes.strip(), ""]
    return "\n".join(lines)


def chart(small: dict, large: dict, path: Path) -> None:
    """Horizontal bars: median latency per endpoint at both sizes (Pillow, no new dependency)."""
    from PIL import Image, ImageDraw, ImageFont

    names = list(large["endpoints"])
    values = [
        (small["endpoints"][n]["median_ms"], large["endpoints"][n]["median_ms"]) for n in names
    ]
    top = max(max(pair) for pair in values) or 1.0
    label_w, bar_w, row_h, margin = 330, 520, 38, 20
    width = label_w + bar_w + 120
    height = margin * 2 + 50 + row_h * len(names) + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    title = ImageFont.load_default(size=16)
    colours = ("#4c78a8", "#f58518")
    draw.text(
        (margin, margin), "Median in-process latency per endpoint (ms)", fill="black", font=title
    )
    for index, (label, size) in enumerate(
        [(f"{small['size']:,} reviews", 0), (f"{large['size']:,} reviews", 1)]
    ):
        x = margin + index * 160
        draw.rectangle([x, margin + 26, x + 12, margin + 38], fill=colours[size])
        draw.text((x + 18, margin + 25), label, fill="black", font=font)
    y = margin + 50
    for name, pair in zip(names, values, strict=True):
        draw.text((margin, y + 10), name, fill="black", font=font)
        for offset, value in enumerate(pair):
            length = max(1, int(bar_w * value / top))
            y0 = y + 4 + offset * 15
            draw.rectangle([label_w, y0, label_w + length, y0 + 12], fill=colours[offset])
            draw.text((label_w + length + 4, y0 - 1), f"{value:.1f}", fill="black", font=font)
        y += row_h
    draw.line([label_w, margin + 50, label_w, y], fill="#888888")
    image.save(path)


NOTES = """
- **Floor**: `bench/urls.py` adds a plain Django view rendering a one-line template
  (`bench/templates/bench/floor.html`); only `bench.settings` (ROOT_URLCONF `bench.urls`) uses it.
- **Bare Wagtail page**: a plain `wagtailcore.Page` created under the same review index and
  served by Wagtail (site lookup, routing through the routable index, view restrictions,
  `serve`), rendered with a title-only template: `bench/templates/wagtailcore/page.html`,
  searched first by `bench.settings` only. No model or migration is needed, and the request
  takes exactly the path a review takes up to `serve`.
- **Stock v2**: `wagtail.api.v2.views.PagesAPIViewSet` registered on a bench-only router at
  `/bench/stock-api/v2/pages/`, same query (`type=review_pages.ReviewPage&fields=*&limit=20`).
- **Uncached** requests start from an empty response cache (the bench keeps that cache in its
  own alias, `REVIEW_PAGES["CACHE_ALIAS"] = "responses"`, so Wagtail's own caches stay warm); a
  cached request repeats the URL just answered and records the `X-Cache` header.
- **Catalogues** (`bench/catalogue.py`): bulk inserts (people, studios, pages with treebeard
  paths, credits), one revision per page set live and latest, search index with `add_bulk`.
  A "benchmark person" is credited on exactly 10 reviews and the search word appears in
  exactly 10 film titles at every size, so the filmography and search pages show the same
  amount at 100 and 10,000 reviews.
"""


def write_outputs(small: dict, large: dict, http: dict | None, quick: bool, path: Path) -> None:
    chart(small, large, BENCH_DIR / "latency.png")
    findings = BENCH_DIR / "findings.md"
    notes = NOTES + ("\n" + findings.read_text() if findings.exists() else "")
    path.write_text(report(small, large, http, quick, notes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite results.md and the chart from the last run's bench/out/*.json",
    )
    args = parser.parse_args()
    quick = args.quick
    sizes = (100, 1_000) if quick else (100, 10_000)
    requests, rounds = (20, 2) if quick else (50, 5)
    duration = 5 if quick else 15
    OUT_DIR.mkdir(exist_ok=True)

    if args.report_only:
        small, large = (json.loads((OUT_DIR / f"inprocess-{n}.json").read_text()) for n in sizes)
        http_file = OUT_DIR / "http.json"
        http = json.loads(http_file.read_text()) if http_file.exists() else None
        write_outputs(small, large, http, quick, args.results)
        return
    started = time.time()
    step("migrating a template SQLite database")
    template = template_database()
    step(f"in-process: {' and '.join(f'{n:,}' for n in sizes)} reviews, {requests} requests")
    small, large = in_process(sizes, requests, rounds, template)
    step("stampede and compressed hits, in process")
    stampede.in_process(
        PY, Path(tempfile.gettempdir()) / f"bench-{sizes[1]}.sqlite3", OUT_DIR / "stampede.json"
    )
    step("importer: " + ("300 reviews" if quick else "10,000 reviews, baseline of 1,000"))
    counts = ["--count=300"] if quick else ["--count=10000", "--baseline-count=1000"]
    run([PY, str(BENCH_DIR / "import_bench.py"), *counts, f"--json={OUT_DIR / 'import.json'}"])
    http = None
    if not args.skip_http:
        http = http_phase(sizes[1], duration, [16, 64])
        (OUT_DIR / "http.json").write_text(json.dumps(http, indent=2))
    write_outputs(small, large, http, quick, args.results)
    step(f"done in {(time.time() - started) / 60:.1f} min: {args.results} and bench/latency.png")
    print(args.results.read_text())


if __name__ == "__main__":
    main()
