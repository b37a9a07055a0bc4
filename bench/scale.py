"""`make bench-scale`: the project at 100,000 reviews on PostgreSQL, against 1,000.

    .venv/bin/python bench/scale.py                  # 100,000 and 1,000 reviews
    .venv/bin/python bench/scale.py --size 20000     # a smaller large catalogue

Both catalogues hold the same 150,000 people and 1,000 studios (about 10 credits a review:
1,000,000 credits at 100,000), written by `bench/catalogue.py`'s bulk inserts into their own
PostgreSQL databases (`<bench>_scale_<size>`, made from one migrated template; the next run
drops them). Then:

1. every page in process at both sizes, uncached and cached (`bench/inprocess.py
   --no-stock`, side by side): each at 100,000 at most 1.3x its time at 1,000;
2. the site served as `make serve` serves it (gunicorn, production settings, Redis) on the
   large catalogue: search under load, 64 connections over the 1,000-query mix
   (`bench/search_mix.py`, after the same mix at 16 connections, as `make bench` runs it):
   at least 300 req/s, p99 at most 300 ms;
3. a publish's end-to-end time until every cached page showing the review is fresh again
   (`bench/publish_probe.py`, beside the served site);
4. the importer's rate into the large catalogue against the stock add_child + publish
   baseline (`bench/import_bench.py --database-url`): at least 4x.

Writes `bench/scale-results.md`; raw figures in bench/out/scale-*.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import run as bench  # bench/run.py, beside this script
import search_mix

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
SIZE_LIMIT = 1.3
SEARCH_RPS, SEARCH_P99_MS = 300, 300
IMPORT_TARGET = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--import-count", type=int, default=1_000)
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "scale-results.md")
    args = parser.parse_args()
    OUT_DIR.mkdir(exist_ok=True)
    sizes = (args.small, args.size)
    started = time.time()
    base = bench.PG_URL.rsplit("/", 1)[1] + "_scale"

    bench.step(f"PostgreSQL databases {base}_<size>: migrating a template")
    template = f"{base}_template"
    for name in [template, *(f"{base}_{n}" for n in sizes)]:
        bench.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    bench.psql(f'CREATE DATABASE "{template}"')
    env = {
        **os.environ,
        "DATABASE_URL": bench.pg_url(template),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    bench.run(
        [bench.PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=bench.PROJECT_DIR, env=env
    )
    urls = {}
    for size in sizes:
        bench.psql(f'CREATE DATABASE "{base}_{size}" TEMPLATE "{template}"')
        urls[size] = bench.pg_url(f"{base}_{size}")
    bench.psql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')

    bench.step(f"catalogues of {sizes[0]:,} and {sizes[1]:,} reviews, then every page in process")
    small, large = bench.in_process(
        "scale",
        sizes,
        args.requests,
        {
            size: [f"--database-url={url}", f"--people={args.people}", "--no-stock"]
            for size, url in urls.items()
        },
    )
    big_url = urls[args.size]
    http = served(big_url, args.size)
    bench.step(f"importer: {args.import_count:,} reviews into the {args.size:,}-review catalogue")
    import_json = OUT_DIR / "scale-import.json"
    bench.run(
        [
            bench.PY,
            str(BENCH_DIR / "import_bench.py"),
            f"--count={args.import_count}",
            f"--baseline-count={max(100, args.import_count // 3)}",
            f"--database-url={big_url}",
            f"--json={import_json}",
        ]
    )
    imported = json.loads(import_json.read_text())
    figures = {"small": small, "large": large, "http": http, "import": imported}
    (OUT_DIR / "scale.json").write_text(json.dumps(figures, indent=2))
    args.results.write_text(report(figures, time.time() - started))
    bench.step(f"done in {(time.time() - started) / 60:.1f} min: {args.results}")
    print(args.results.read_text())


def served(database_url: str, size: int) -> dict:
    """Search under load and a publish's freshness, against the served site."""
    wrk = bench.ensure_wrk()
    bench.run(["redis-cli", "-u", bench.REDIS_URL, "FLUSHDB"], stdout=subprocess.DEVNULL)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": bench.REDIS_URL,
        "CACHE_KEY_PREFIX": "bench-scale",
    }
    paths = OUT_DIR / "scale-search-paths.txt"
    mix = search_mix.write_paths(database_url, paths, index_url="/reviews/")
    bench.step(
        f"served: gunicorn on the {size:,}-review catalogue; search mix of {mix['distinct']}"
    )
    server, log = bench.start_server(env)
    base = f"http://{bench.BIND}"
    try:
        # As the HTTP phase (`make bench`): the mix at 16 connections first (the workers
        # warm, the hot-query slots filling), then measured at 64.
        warm = bench.wrk_run(wrk, base + "/reviews/", 16, bench.SEARCH_SECONDS, paths)
        bench.drain(base)
        search = bench.wrk_run(wrk, base + "/reviews/", 64, bench.SEARCH_SECONDS, paths)
        bench.step(
            f"search at 64 connections: {search['rps']:.0f} req/s, p99 {search['p99_ms']:.0f} ms"
        )
        bench.drain(base)
        probe = subprocess.run(  # noqa: S603 - the bench's own probe
            [bench.PY, str(BENCH_DIR / "publish_probe.py"), base],
            cwd=bench.PROJECT_DIR,
            env=bench.server_env(env),
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in probe.stdout.splitlines() if x.startswith("PUBLISHJSON "))
        publish = json.loads(line[len("PUBLISHJSON ") :])
    finally:
        bench.stop_server(server, log)
    return {"search": search, "search_warm": warm, "search_load": mix, "publish": publish}


def report(figures: dict, seconds: float) -> str:
    small, large, http = figures["small"], figures["large"], figures["http"]
    s, big = small["endpoints"], large["endpoints"]
    lines = [
        "# Benchmarks at scale",
        "",
        f"Run: {datetime.datetime.now():%Y-%m-%d %H:%M}, `make bench-scale` "
        f"({seconds / 60:.0f} min in all). 2 shared cores: compare the **ratios**; absolute "
        "times are context only.",
        "",
        f"PostgreSQL catalogues of {small['size']:,} and {large['size']:,} reviews, the same "
        f"people and studios in both, written in {small['generation_seconds']:.0f} s and "
        f"{large['generation_seconds'] / 60:.1f} min (`bench/catalogue.py`: bulk inserts, the "
        "search index in bulk, ANALYZE). In process: the Django test `Client` through the "
        f"whole middleware stack, median of {large['requests_per_endpoint']} requests per "
        "endpoint, one request per endpoint in turn, both sizes measured side by side.",
        "",
        "## Targets",
        "",
        "| target | measured | limit | result | note |",
        "|---|---|---|---|---|",
    ]
    for name, entry in big.items():
        if entry.get("build") != bench.PROJECT:
            continue
        lines.append(
            bench.ratio_row(
                f"{name}: {large['size']:,} / {small['size']:,} reviews",
                entry["median_ms"] / s[name]["median_ms"],
                SIZE_LIMIT,
                f"{s[name]['median_ms']:.2f} → {entry['median_ms']:.2f} ms; queries "
                f"{s[name]['queries']} → {entry['queries']}",
            )
        )
    search, mix = http["search"], http["search_load"]
    passed = search["rps"] >= SEARCH_RPS and search["p99_ms"] <= SEARCH_P99_MS
    lines.append(
        f"| search under load at {large['size']:,} reviews (64 connections) | "
        f"{search['rps']:.0f} req/s, p99 {search['p99_ms']:.0f} ms | ≥ {SEARCH_RPS} req/s, "
        f"p99 ≤ {SEARCH_P99_MS} ms | {'pass' if passed else '**miss**'} | "
        f"{mix['distinct']:,} distinct queries, Zipf mix, after {bench.SEARCH_SECONDS} s of it at "
        f"16 connections; {search['non2xx']} non-2xx, hot-query cache hits "
        f"{search['cache_hits']}/{search['answers']} |"
    )
    imported = figures["import"]
    ratio = imported["import_rate"] / imported["baseline_rate"]
    lines.append(
        f"| importer into {large['size']:,} reviews / stock add_child+save_revision+publish | "
        f"{ratio:.2f}x | ≥ {IMPORT_TARGET}x | "
        f"{'pass' if ratio >= IMPORT_TARGET else '**miss**'} | "
        f"{imported['import_rate']:.1f} vs {imported['baseline_rate']:.1f} reviews/s "
        f"({imported['count']:,} imported, {imported['baseline_count']:,} baseline pages) |"
    )
    publish = http["publish"]
    stale = publish["stale"]
    verdict = "all fresh" if not stale else "**stale: " + ", ".join(stale) + "**"
    fresh = "; ".join(f"{k} {v * 1000:.0f} ms" for k, v in publish["fresh_seconds"].items())
    lines.append(
        f"| a publish until every cached page showing the review is fresh | "
        f"{(publish['slowest_seconds'] or 0) * 1000:.0f} ms | information | "
        f"{verdict} | the publish itself {publish['publish_seconds'] * 1000:.0f} ms; then {fresh} |"
    )
    lines += [
        "",
        "## In-process figures",
        "",
        f"| endpoint | queries ({small['size']:,}) | median ms ({small['size']:,}) | "
        f"queries ({large['size']:,}) | median ms ({large['size']:,}) | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, entry in big.items():
        lines.append(
            f"| {name} | {s[name]['queries']} | {s[name]['median_ms']:.2f} | "
            f"{entry['queries']} | {entry['median_ms']:.2f} | "
            f"{entry['median_ms'] / s[name]['median_ms']:.2f} |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
