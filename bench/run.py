"""`make bench`: in-process benchmarks at two catalogue sizes on SQLite and on PostgreSQL,
each page against the stock build of the same reviews (`bench/stockbuild`), an HTTP phase
under wrk, and `bench/results.md` + `bench/latency.png`.

    .venv/bin/python bench/run.py            # full: 1,000 and 10,000 reviews, 50 requests, 15 s
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
from inprocess import ACCEPT_ENCODING  # bench/inprocess.py, beside this script

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
PY = os.environ.get("PY", str(PROJECT_DIR / ".venv" / "bin" / "python"))
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
BIND = os.environ.get("BENCH_BIND", "127.0.0.1:8766")

FLOOR = "floor (plain Django view)"
REVIEW_FLOOR = "review, plain Django view"
BARE = "bare Wagtail page"
UNCACHED = "review page"
CACHED = "review page, cached"
V2_LIST = "API v2 listing (20, fields=*)"
PROJECT, STOCK, CAREFUL = "project", "stock", "careful stock"
#: Each page of the project uncached against the careful stock build: at most this.
STOCK_LIMIT = 0.7
#: The uncached review page against the plain Django view rendering the same review.
FLOOR_LIMIT = 1.3
#: Every cached answer, in process.
CACHED_LIMIT_MS = 0.5
#: A page at the large catalogue against the small one.
SIZE_LIMIT = 1.3
#: The listings read by the `first_published_at` order, with the stock pages in the tree
#: after ANALYZE (the planner bug of issue 22): large catalogue against the small one.
PLANNER_LIMIT = 1.2
PLANNER_ROWS = ("front page", V2_LIST)
#: The GraphQL listing of 20 with credits against the API v3 listing of 20, uncached (issue 24).
GRAPHQL_LISTING, V3_LISTING = "GraphQL listing (20, with credits)", "API v3 listing (20)"
GRAPHQL_LIMIT = 1.5
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


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


def pg_url(name: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def pg_databases(sizes) -> dict[int, str]:
    """A PostgreSQL database per catalogue size, each a copy of one migrated template (the
    bench creates and drops them: `<bench database>_template`, `<bench database>_<size>`)."""
    base = PG_URL.rsplit("/", 1)[1]
    template = f"{base}_template"
    for name in [template, *(f"{base}_{size}" for size in sizes)]:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{template}"')
    env = {
        **os.environ,
        "DATABASE_URL": pg_url(template),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env)
    urls = {}
    for size in sizes:
        psql(f'CREATE DATABASE "{base}_{size}" TEMPLATE "{template}"')
        urls[size] = pg_url(f"{base}_{size}")
    psql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    return urls


def drop_pg_databases(sizes) -> None:
    base = PG_URL.rsplit("/", 1)[1]
    for size in sizes:
        psql(f'DROP DATABASE IF EXISTS "{base}_{size}" WITH (FORCE)')


def in_process(label: str, sizes, requests: int, where: dict[int, list[str]]) -> list[dict]:
    """Every catalogue size at once, one process each: each generates its catalogue (and the
    stock build's copy), then they measure side by side (a barrier), so a change in the
    machine's load (2 cores shared with other engineers) hits both sizes alike and their
    ratio stays meaningful. `where`: each size's database arguments for `inprocess.py`."""
    barrier = Path(tempfile.mkdtemp(prefix="bench-barrier-"))
    processes = []
    for size in sizes:
        out = OUT_DIR / f"inprocess-{label}-{size}.json"
        out.unlink(missing_ok=True)
        command = [
            PY,
            str(BENCH_DIR / "inprocess.py"),
            f"--size={size}",
            *where[size],
            f"--requests={requests}",
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


def sqlite_where(sizes, template: Path) -> dict[int, list[str]]:
    return {
        size: [
            f"--db={Path(tempfile.gettempdir()) / f'bench-{size}.sqlite3'}",
            f"--template-db={template}",
        ]
        for size in sizes
    }


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
    server, log = start_server(env)
    results: dict = {
        "size": size,
        "duration": duration,
        "endpoints": {},
        "search_load": search_load,
    }
    try:
        base = f"http://{BIND}"
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
                figures = wrk_run(
                    wrk,
                    base + path,
                    count,
                    SEARCH_SECONDS if name == "search" else duration,
                    search_paths if name == "search" else None,
                )
                drain(base)
                results["endpoints"][name][str(count)] = figures
                step(
                    f"wrk {name} c={count}: {figures['rps']:.0f} req/s, "
                    f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
                    f"non-2xx {figures['non2xx']}, hits {figures['cache_hits']}"
                )
        results["worker_rss"] = rss.stop()
    finally:
        stop_server(server, log)
    return results


def server_env(env: dict) -> dict:
    """The environment of `scripts/serve.sh` for the bench: production settings on the
    bench's database and Redis, 2 workers, no task worker, workers never recycled."""
    return {
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
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PY": PY,
    }


def start_server(env: dict):
    """gunicorn (`scripts/serve.sh`) on `env`'s database, answering at BIND: (process, log)."""
    log = (OUT_DIR / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - the project's own serve script
        [str(PROJECT_DIR / "scripts" / "serve.sh")],
        cwd=PROJECT_DIR,
        env=server_env(env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://{BIND}"
    deadline = time.time() + 180
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, log
        except OSError:
            pass
        if server.poll() is not None or time.time() > deadline:
            stop_server(server, log)
            raise SystemExit(f"bench: gunicorn did not start; see {log.name}")
        time.sleep(1)


def stop_server(server, log) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    log.close()


def wrk_run(wrk: str, url: str, connections: int, seconds: int, paths: Path | None) -> dict:
    """One wrk run (`wrk_report.lua`): its figures."""
    out = run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout=5s",
            "-s",
            str(BENCH_DIR / "wrk_report.lua"),
            url,
        ],
        capture_output=True,
        env={**os.environ, "WRK_PATHS": str(paths) if paths else ""},
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line[len("WRKJSON ") :])


# -- report ----------------------------------------------------------------------------------


def ratio_row(target: str, value: float, limit: float, why: str = "") -> str:
    passed = value <= limit
    verdict = "pass" if passed else f"**miss** by {value / limit:.2f}x ({value:.2f}x vs {limit}x)"
    return f"| {target} | {value:.2f}x | ≤ {limit}x | {verdict} | {why} |"


def ms(entry: dict, vendor: str) -> float:
    """The median a row compares: the bench process's CPU time where the request's whole
    work is in that process (on SQLite, which answers inside it; a cached answer, which
    reads no database), so that unlike the wall time it does not grow while other work
    takes the shared cores; on PostgreSQL otherwise the wall time (the database works in
    its own processes)."""
    in_process = vendor == "sqlite" or (entry.get("cached") and entry["queries"] == 0)
    if in_process and "cpu_median_ms" in entry:
        return entry["cpu_median_ms"]
    return entry["median_ms"]


METRIC = {"sqlite": "CPU", "postgresql": "wall"}


def metric(entry: dict, vendor: str) -> str:
    return "CPU" if ms(entry, vendor) != entry["median_ms"] else METRIC[vendor]


def figures(entry: dict, vendor: str) -> str:
    return f"{ms(entry, vendor):.1f} ms {metric(entry, vendor)}, {entry['queries']} queries"


def stock_rows(runs: dict[str, tuple[dict, dict]]) -> list[str]:
    """Each compared page uncached against the careful stock build, at the large size, on
    each database; then the review page against the plain Django view of the review."""
    lines = []
    for vendor, (_small, large) in runs.items():
        big, db = large["endpoints"], DATABASES[vendor]
        pages = [name for name, e in big.items() if e.get("build") == PROJECT and not e["cached"]]
        for page in pages:
            careful = big.get(f"{page}: {CAREFUL}")
            if careful is None:
                continue
            naive = big[f"{page}: {STOCK}"]
            lines.append(
                ratio_row(
                    f"{page}: project / careful stock build ({db}, {large['size']:,})",
                    ms(big[page], vendor) / ms(careful, vendor),
                    STOCK_LIMIT,
                    f"project {figures(big[page], vendor)}; careful stock "
                    f"{figures(careful, vendor)}; stock as the docs teach "
                    f"{figures(naive, vendor)} "
                    f"({ms(big[page], vendor) / ms(naive, vendor):.2f}x)",
                )
            )
        lines.append(
            ratio_row(
                f"review page / plain Django view of the review (floor; {db}, {large['size']:,})",
                ms(big[UNCACHED], vendor) / ms(big[REVIEW_FLOOR], vendor),
                FLOOR_LIMIT,
                f"review {figures(big[UNCACHED], vendor)}; plain view "
                f"{figures(big[REVIEW_FLOOR], vendor)}",
            )
        )
    return lines


def graphql_rows(runs: dict[str, tuple[dict, dict]]) -> list[str]:
    """The GraphQL listing (every field the v3 listing answers with, credits, sections and
    poster renditions) against the v3 listing, uncached, at the large size."""
    lines = []
    for vendor, (_small, large) in runs.items():
        big = large["endpoints"]
        if GRAPHQL_LISTING not in big or V3_LISTING not in big:
            continue
        lines.append(
            ratio_row(
                f"{GRAPHQL_LISTING} / {V3_LISTING} ({DATABASES[vendor]}, {large['size']:,})",
                ms(big[GRAPHQL_LISTING], vendor) / ms(big[V3_LISTING], vendor),
                GRAPHQL_LIMIT,
                f"GraphQL {figures(big[GRAPHQL_LISTING], vendor)}; v3 "
                f"{figures(big[V3_LISTING], vendor)}",
            )
        )
    return lines


def cached_rows(runs: dict[str, tuple[dict, dict]]) -> list[str]:
    """Every cached answer in process: at most CACHED_LIMIT_MS and no query."""
    lines = []
    for vendor, (_small, large) in runs.items():
        cached = {n: e for n, e in large["endpoints"].items() if e["cached"]}
        if not cached:
            continue
        worst = max(cached, key=lambda n: ms(cached[n], vendor))
        queries = sum(e["queries"] for e in cached.values())
        hits = sum(e["x_cache"].get("hit", 0) for e in cached.values())
        answers = sum(sum(e["x_cache"].values()) for e in cached.values())
        passed = ms(cached[worst], vendor) <= CACHED_LIMIT_MS and queries == 0
        lines.append(
            f"| every cached answer in process ({len(cached)} addresses; "
            f"{DATABASES[vendor]}, {large['size']:,}) | slowest {ms(cached[worst], vendor):.2f} "
            f"ms ({worst}), {queries} queries | ≤ {CACHED_LIMIT_MS} ms, 0 queries | "
            f"{'pass' if passed else '**miss**'} | X-Cache hit on {hits} of {answers} repeats; "
            "each in the in-process tables |"
        )
    return lines


def size_rows(runs: dict[str, tuple[dict, dict]]) -> list[str]:
    """The project's pages at the large catalogue against the small one; on SQLite the
    listings also against the planner-bug limit (the stock pages are in the tree)."""
    lines = []
    for vendor, (small, large) in runs.items():
        s, big, db = small["endpoints"], large["endpoints"], DATABASES[vendor]
        for name, entry in big.items():
            if entry.get("build") != PROJECT:
                continue
            ratio = ms(entry, vendor) / ms(s[name], vendor)
            why = f"queries {s[name]['queries']} → {entry['queries']}"
            limit = SIZE_LIMIT
            if vendor == "sqlite" and name in PLANNER_ROWS:
                limit = PLANNER_LIMIT
                why += "; the listing's index whatever else the tree holds (planner, ANALYZE)"
            lines.append(
                ratio_row(
                    f"{name}: {large['size']:,} / {small['size']:,} reviews ({db})",
                    ratio,
                    limit,
                    why,
                )
            )
    return lines


def information_rows(runs: dict[str, tuple[dict, dict]]) -> list[str]:
    lines = []
    for vendor, (_small, large) in runs.items():
        big, db = large["endpoints"], DATABASES[vendor]
        lines.append(
            f"| information: uncached review page / bare Wagtail page ({db}) | "
            f"{ms(big[UNCACHED], vendor) / ms(big[BARE], vendor):.2f}x | — | — | a title-only "
            f"page under the same index: {figures(big[BARE], vendor)}; the one-line plain view "
            f"{figures(big[FLOOR], vendor)} |"
        )
    return lines


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


def report(runs: dict[str, tuple[dict, dict]], http: dict | None, quick: bool, notes: str) -> str:
    first_small, first_large = next(iter(runs.values()))
    kind = "quick smoke, BENCH_QUICK=1" if quick else "full"
    generated = "; ".join(
        f"{DATABASES[vendor]}: {small['generation_seconds'] + small['stock_seconds']:.0f} s and "
        f"{large['generation_seconds'] + large['stock_seconds']:.0f} s"
        for vendor, (small, large) in runs.items()
    )
    lines = [
        "# Benchmarks",
        "",
        f"Run: {datetime.datetime.now():%Y-%m-%d %H:%M} ({kind}), "
        f"`make bench{' BENCH_QUICK=1' if quick else ''}`. 2 shared cores: "
        "compare the **ratios**; absolute times are context only.",
        "",
        f"In-process: {' and '.join(DATABASES[v] for v in runs)}, Django test `Client` through "
        f"the whole middleware stack (`Accept-Encoding: {ACCEPT_ENCODING}`, as browsers send), "
        f"median of {first_large['requests_per_endpoint']} requests per endpoint, one request "
        f"per endpoint in turn. Catalogues of {first_small['size']:,} and "
        f"{first_large['size']:,} reviews, each with 20,000 people and 1,000 studios, and the "
        "stock build's copy of the same reviews beside them in the same page tree (written "
        f"in {generated}).",
        "",
        "## Targets",
        "",
        "| target | measured | limit | result | note |",
        "|---|---|---|---|---|",
    ]
    lines += stock_rows(runs)
    lines += graphql_rows(runs)
    lines += cached_rows(runs)
    lines += size_rows(runs)
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
    lines += information_rows(runs)
    for vendor, (small, large) in runs.items():
        lines += in_process_table(vendor, small, large)
    lines += ["![median latency per endpoint](latency.png)", ""]
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


def in_process_table(vendor: str, small: dict, large: dict) -> list[str]:
    s, big = small["endpoints"], large["endpoints"]
    label = METRIC[vendor]
    lines = [
        "",
        f"## In-process figures, {DATABASES[vendor]}",
        "",
        f"Medians of {label} time"
        + (" (wall time beside it)" if vendor == "sqlite" else " (cached answers: CPU time)")
        + "; the ratios are of these.",
        "",
        f"| endpoint | queries ({small['size']:,}) | {label} ms ({small['size']:,}) | "
        f"queries ({large['size']:,}) | {label} ms ({large['size']:,}) | "
        f"{large['size']:,} / {small['size']:,} | / careful stock ({large['size']:,}) |",
        "|---|---|---|---|---|---|---|",
    ]

    def wall(e: dict) -> str:
        return (
            f" ({e['median_ms']:.2f} wall)" if vendor == "sqlite" and "cpu_median_ms" in e else ""
        )

    for name, entry in big.items():
        careful = big.get(f"{entry.get('page')}: {CAREFUL}")
        versus = (
            f"{ms(entry, vendor) / ms(careful, vendor):.2f}"
            if careful and entry.get("page") and not entry["cached"]
            else ""
        )
        lines.append(
            f"| {name} | {s[name]['queries']} | {ms(s[name], vendor):.2f}{wall(s[name])} | "
            f"{entry['queries']} | {ms(entry, vendor):.2f}{wall(entry)} | "
            f"{ms(entry, vendor) / ms(s[name], vendor):.2f} | {versus} |"
        )
    lines.append("")
    return lines


def chart(runs: dict[str, tuple[dict, dict]], path: Path) -> None:
    """Horizontal bars: each compared page's median at the large catalogue, uncached, in the
    project and in both stock variants, per database (Pillow, no new dependency)."""
    from PIL import Image, ImageDraw, ImageFont

    builds = [(PROJECT, "#4c78a8"), (CAREFUL, "#f58518"), (STOCK, "#b0b0b0")]
    groups = []
    for vendor, (_small, large) in runs.items():
        big = large["endpoints"]
        for name, entry in big.items():
            if entry.get("build") == PROJECT and not entry["cached"] and f"{name}: {STOCK}" in big:
                values = [ms(big[name], vendor)]
                values += [ms(big[f"{name}: {build}"], vendor) for build, _ in builds[1:]]
                groups.append((f"{name} ({DATABASES[vendor]})", values))
    if not groups:
        return
    size = next(iter(runs.values()))[1]["size"]
    top = max(max(values) for _, values in groups) or 1.0
    label_w, bar_w, row_h, margin = 330, 520, 52, 20
    width = label_w + bar_w + 120
    height = margin * 2 + 50 + row_h * len(groups) + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    title = ImageFont.load_default(size=16)
    draw.text(
        (margin, margin),
        f"Median in-process time, uncached, {size:,} reviews (ms: SQLite CPU, PostgreSQL wall)",
        fill="black",
        font=title,
    )
    for index, (label, colour) in enumerate(builds):
        x = margin + index * 160
        draw.rectangle([x, margin + 26, x + 12, margin + 38], fill=colour)
        draw.text((x + 18, margin + 25), label, fill="black", font=font)
    y = margin + 50
    for name, values in groups:
        draw.text((margin, y + 16), name, fill="black", font=font)
        for offset, (value, (_, colour)) in enumerate(zip(values, builds, strict=True)):
            length = max(1, int(bar_w * value / top))
            y0 = y + 4 + offset * 15
            draw.rectangle([label_w, y0, label_w + length, y0 + 12], fill=colour)
            draw.text((label_w + length + 4, y0 - 1), f"{value:.1f}", fill="black", font=font)
        y += row_h
    draw.line([label_w, margin + 50, label_w, y], fill="#888888")
    image.save(path)


NOTES = """
- **The stock build** (`bench/stockbuild`, a Django app installed by `bench.settings` only):
  the same reviews built the way Wagtail's documentation teaches, copied from the project's
  catalogue into the same page tree (`bench/stockbuild/catalogue.py`); *careful stock* is the
  same code with the obvious `select_related` / `prefetch_related` (`?variant=careful` on
  its pages, `/bench/careful-api/v2/` for its API), *stock* is without them
  (`/bench/stock-api/v2/`: Wagtail's `PagesAPIViewSet` as it comes). What each does and does
  not do: "The stock build" in the findings below.
- **Floor**: `bench/urls.py` adds plain Django views: `/bench/floor/review/<id>/` renders a
  review with the project's own template and context from one read of the review plus the
  credits' one query (and the performers' one, from the body's chooser block): what the
  review page costs without Wagtail's routing. `/bench/floor/` renders a one-line template.
  Only `bench.settings` (ROOT_URLCONF `bench.urls`) uses them.
- **Bare Wagtail page**: a plain `wagtailcore.Page` created under the same review index and
  served by Wagtail (site lookup, routing through the routable index, view restrictions,
  `serve`), rendered with a title-only template: `bench/templates/wagtailcore/page.html`,
  searched first by `bench.settings` only. Information only.
- **Times**: on SQLite, and for cached answers (which read no database), the rows compare
  the bench process's CPU time (the request's whole work is in that process, and unlike the
  wall time it does not grow while other engineers' work takes the 2 shared cores); the
  SQLite tables give the wall time beside it. On PostgreSQL, where the database works in
  its own processes, the wall time.
- **Uncached** requests start from an empty response cache (the bench keeps that cache in its
  own alias, `REVIEW_PAGES["CACHE_ALIAS"] = "responses"`, so Wagtail's own caches stay warm,
  and memoised values such as a listing's count stay: a steady-state miss); a cached request
  repeats the URL just answered and records the `X-Cache` header. The stock build's pages
  record nothing the response cache could key them by, so it never stores them: they are
  measured uncached only.
- **Catalogues** (`bench/catalogue.py`): bulk inserts (people, studios, pages with treebeard
  paths, credits), one revision per page set live and latest, search index with `add_bulk`,
  `ANALYZE` after the stock build's copy. A "benchmark person" is credited on exactly 10
  reviews (the filmography, and the cast-name search for "Benchmark Fixedcredit"), a word is
  in exactly 10 film titles and another in exactly 10 synopses (the synopsis-word search for
  "Marigold"), at every size, so those pages show the same amount at every size.
- **PostgreSQL**: each size gets its own database (`<bench>_<size>`, made from one migrated
  template and dropped by the next run) on 127.0.0.1:5432; PostgreSQL runs on the same 2
  cores as the bench.
"""


def write_outputs(
    runs: dict[str, tuple[dict, dict]], http: dict | None, quick: bool, path: Path
) -> None:
    chart(runs, BENCH_DIR / "latency.png")
    findings = BENCH_DIR / "findings.md"
    notes = NOTES + ("\n" + findings.read_text() if findings.exists() else "")
    path.write_text(report(runs, http, quick, notes))


def load_runs(sizes, vendors) -> dict[str, tuple[dict, dict]]:
    runs = {}
    for vendor in vendors:
        files = [OUT_DIR / f"inprocess-{vendor}-{n}.json" for n in sizes]
        if all(f.exists() for f in files):
            small, large = (json.loads(f.read_text()) for f in files)
            runs[vendor] = (small, large)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--skip-postgresql", action="store_true", help="the in-process phase on SQLite only"
    )
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite results.md and the chart from the last run's bench/out/*.json",
    )
    args = parser.parse_args()
    quick = args.quick
    sizes = (100, 1_000) if quick else (1_000, 10_000)
    requests = 30 if quick else 60
    duration = 5 if quick else 15
    vendors = ["sqlite"] if args.skip_postgresql else ["sqlite", "postgresql"]
    OUT_DIR.mkdir(exist_ok=True)

    if args.report_only:
        http_file = OUT_DIR / "http.json"
        http = json.loads(http_file.read_text()) if http_file.exists() else None
        write_outputs(load_runs(sizes, vendors), http, quick, args.results)
        return
    started = time.time()
    for stale in OUT_DIR.glob("inprocess-*.json"):
        stale.unlink()
    step("migrating a template SQLite database")
    template = template_database()
    step(
        f"in-process, SQLite: {' and '.join(f'{n:,}' for n in sizes)} reviews, {requests} requests"
    )
    in_process("sqlite", sizes, requests, sqlite_where(sizes, template))
    if "postgresql" in vendors:
        step("in-process, PostgreSQL: migrating a template database")
        urls = pg_databases(sizes)
        step(f"in-process, PostgreSQL: {' and '.join(f'{n:,}' for n in sizes)} reviews")
        try:
            in_process(
                "postgresql",
                sizes,
                requests,
                {size: [f"--database-url={url}"] for size, url in urls.items()},
            )
        finally:
            drop_pg_databases(sizes)
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
    write_outputs(load_runs(sizes, vendors), http, quick, args.results)
    step(f"done in {(time.time() - started) / 60:.1f} min: {args.results} and bench/latency.png")
    print(args.results.read_text())


if __name__ == "__main__":
    main()
