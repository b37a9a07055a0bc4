"""The reader pages uncached, against a bare Wagtail page: ratios, queries, a profile, the HTML.

    .venv/bin/python bench/render_profile.py --size 1000 --db /tmp/render.sqlite3
    .venv/bin/python bench/render_profile.py --size 1000 --db /tmp/render.sqlite3 \\
        --profile review --html-dir /tmp/html-before

Same conditions as `bench/inprocess.py` (SQLite, the test Client through the whole middleware
stack, the response cache emptied before each request), but only the pages whose rendering
issue 15 point 1 is about, measured in interleaved rounds. `--profile NAME` prints the
cProfile of that page's renders (cumulative time); `--html-dir` writes each page's HTML, to
compare the bytes readers get before and after a change.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.inprocess import forget_stored_answers, prepare_database  # noqa: E402

PAGES = ("bare", "review", "front", "filmography")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", choices=PAGES, default=None)
    parser.add_argument("--html-dir", type=Path, default=None)
    parser.add_argument("--stats-out", type=Path, default=None, help="the profile, for pstats")
    args = parser.parse_args()

    prepare_database(args.db, None)
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from bench.catalogue import generate
    from review_pages.models import ReviewIndexPage, ReviewPage

    call_command("migrate", verbosity=0)
    catalogue = generate(args.size)
    index = ReviewIndexPage.objects.get(pk=catalogue.index_id)
    index.add_child(instance=Page(title="A bare Wagtail page", slug="bare-page"))
    review = ReviewPage.objects.get(pk=catalogue.review_ids[len(catalogue.review_ids) // 2])
    response_cache = caches[settings.REVIEW_PAGES.get("CACHE_ALIAS", "default")]
    urls = {
        "bare": "/bare-page/",
        "review": review.url,
        "front": "/",
        "filmography": f"/people/{catalogue.bench_person_slug}/",
    }
    client = Client()

    def fetch(url):
        forget_stored_answers(response_cache)
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"render_profile: {url} answered {response.status_code}")
        return response

    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = fetch(url)
        print(f"{name:12} {len(queries):3} queries {len(response.content):6} bytes  {url}")
        if args.html_dir:
            args.html_dir.mkdir(parents=True, exist_ok=True)
            (args.html_dir / f"{name}.html").write_bytes(response.content)
        for _ in range(5):
            fetch(url)

    # Wall time, and this process's CPU time: SQLite answers inside the process, so the CPU
    # time is the whole cost of a request, and it hardly moves when other work shares the
    # two cores (the wall time does).
    wall: dict[str, list[float]] = {name: [] for name in urls}
    cpu: dict[str, list[float]] = {name: [] for name in urls}
    rounds = 10
    gc.collect()
    gc.freeze()  # as bench/inprocess.py and the served site (gunicorn.conf.py) do
    for _ in range(rounds):
        for name, url in urls.items():
            for _ in range(args.requests // rounds):
                began, began_cpu = time.perf_counter(), time.process_time()
                fetch(url)
                wall[name].append(time.perf_counter() - began)
                cpu[name].append(time.process_time() - began_cpu)
    bare_wall, bare_cpu = statistics.median(wall["bare"]), statistics.median(cpu["bare"])
    for name in urls:
        median_wall, median_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        print(
            f"{name:12} wall {median_wall * 1000:7.2f} ms {median_wall / bare_wall:5.2f}x bare"
            f"   cpu {median_cpu * 1000:7.2f} ms {median_cpu / bare_cpu:5.2f}x bare"
        )

    if args.profile:
        profiler = cProfile.Profile()
        url = urls[args.profile]
        profiler.enable()
        for _ in range(args.requests):
            fetch(url)
        profiler.disable()
        if args.stats_out:
            profiler.dump_stats(args.stats_out)
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
