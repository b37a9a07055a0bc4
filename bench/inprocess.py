"""In-process benchmark of one catalogue size: SQL queries and median time per endpoint.

Runs in its own process (the database is chosen when settings load):

    .venv/bin/python bench/inprocess.py --size 100 --db /tmp/bench-100.sqlite3 --out x.json

Every request goes through the whole middleware stack with Django's test `Client`, on
`bench.settings` (the test settings, DEBUG off, plus bench-only routes and templates).
"Uncached" requests start from an empty response cache; "cached" requests repeat a URL
that was just answered, and the X-Cache header of each answer is recorded.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

API_V2_LISTING = "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=20"
#: The GraphQL listing compared with the v3 listing (20 reviews): every field the v3 listing
#: answers with, credits, sections and poster renditions included.
GRAPHQL_LISTING_QUERY = " ".join(
    """{ reviews(limit: 20) { id slug title url firstPublishedAt lastPublishedAt filmTitle intro
    poster { id title url width height alt renditions { url width height format } }
    mpaRating mpaRatingReason runtimeMinutes releaseDate score readingMinutes featured imdbId
    tmdbId wikidataId author { id name slug url } directors { id name slug url }
    writers { id name slug url } cast { character person { id name slug url } }
    productionCompanies { id name slug url } distributor { id name slug url }
    genres { id name slug url } trailer { provider url embedUrl }
    stills { id url width height alt caption }
    body { __typename ... on SynopsisSection { id text }
      ... on PerformanceSection { id heading text performers { id name slug url } }
      ... on CritiqueSection { id heading text }
      ... on FinalStatementSection { id text } } } }""".split()
)
GRAPHQL_LISTING = "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_LISTING_QUERY})
STOCK_V2_LISTING = "/bench/stock-api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=20"


def endpoints(review, catalogue) -> list[tuple[str, str, bool]]:
    """(name, url, cached?) for each measured endpoint, references included."""
    return [
        ("floor (plain Django view)", "/bench/floor/", False),
        ("bare Wagtail page", "/bare-page/", False),
        ("review page, uncached", review.url, False),
        ("review page, cached", review.url, True),
        ("front page", "/", False),
        ("filmography", f"/people/{catalogue.bench_person_slug}/", False),
        ("search", f"/search/?q={catalogue.search_word}", False),
        ("API v2 listing (20, fields=*)", API_V2_LISTING, False),
        ("stock Wagtail v2 listing (20, fields=*)", STOCK_V2_LISTING, False),
        ("API v2 detail", f"/api/v2/pages/{review.pk}/", False),
        ("API v3 listing (20)", "/api/v3/reviews/?limit=20", False),
        ("API v3 detail", f"/api/v3/reviews/{review.pk}/", False),
        ("GraphQL listing (20, with credits)", GRAPHQL_LISTING, False),
    ]


def prepare_database(db_path: Path, template: Path | None) -> None:
    if db_path.exists():
        db_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    if template and template.exists():
        shutil.copyfile(template, db_path)


def forget_stored_answers(response_cache) -> None:
    """Forget the stored answers, keep the tag versions and other cached values (e.g. the
    front page's years): a steady-state miss, not a cold start."""
    keep = (":value:", ":tagv")
    store = getattr(response_cache, "_cache", None)
    if store is None:  # not a local-memory cache: forget everything
        response_cache.clear()
        return
    with response_cache._lock:
        for key in [k for k in store if not any(part in k for part in keep)]:
            del store[key]
            response_cache._expire_info.pop(key, None)


def wait_for_peers(folder: Path, size: int, peers: int, limit: float = 1800) -> None:
    """Start measuring when every catalogue is ready, so all sizes share the machine's load."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"ready-{size}").touch()
    deadline = time.time() + limit
    while len(list(folder.glob("ready-*"))) < peers:
        if time.time() > deadline:
            raise SystemExit("bench: the other catalogue never became ready")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--template-db", type=Path, default=None, help="a migrated database")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--studios", type=int, default=1_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--barrier", type=Path, default=None, help="folder where peers announce they are ready"
    )
    parser.add_argument("--peers", type=int, default=1, help="processes measuring together")
    args = parser.parse_args()

    prepare_database(args.db, args.template_db)
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")

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
    started = time.perf_counter()
    catalogue = generate(args.size, people=args.people, studios=args.studios)
    generation_seconds = time.perf_counter() - started
    print(f"[{args.size}] generated in {generation_seconds:.1f} s", flush=True)

    index = ReviewIndexPage.objects.get(pk=catalogue.index_id)
    index.add_child(instance=Page(title="A bare Wagtail page", slug="bare-page"))
    review = ReviewPage.objects.get(pk=catalogue.review_ids[len(catalogue.review_ids) // 2])
    response_cache = caches[settings.REVIEW_PAGES.get("CACHE_ALIAS", "default")]

    def empty_response_cache():
        forget_stored_answers(response_cache)

    client = Client()

    def fetch(url):
        response = client.get(url)
        return response

    measured = endpoints(review, catalogue)
    results = {}
    for name, url, cached in measured:
        empty_response_cache()
        with CaptureQueriesContext(connection) as queries:
            first = fetch(url)
        if first.status_code != 200:
            raise SystemExit(f"bench: {name} {url} answered {first.status_code}")
        cached_queries = None
        if cached:
            with CaptureQueriesContext(connection) as repeat:
                fetch(url)
            cached_queries = len(repeat)
        results[name] = {
            "url": url,
            "queries": cached_queries if cached else len(queries),
            "bytes": len(first.content),
            "times": [],
            "status": Counter(),
            "x_cache": Counter(),
        }
        for _ in range(3):  # warm-up
            fetch(url)

    # As the served site does (`gunicorn.conf.py` freezes what the preloaded application
    # made before the workers fork): the collector skips the long-lived objects.
    gc.collect()
    gc.freeze()
    if args.barrier:
        wait_for_peers(args.barrier, args.size, args.peers)
    per_round = max(1, args.requests // args.rounds)
    rounds = -(-args.requests // per_round)
    for _ in range(rounds):
        for name, url, cached in measured:
            entry = results[name]
            if cached:
                fetch(url)  # the answer the repeats should be served from
            for _ in range(per_round):
                if not cached:
                    empty_response_cache()
                began = time.perf_counter()
                response = fetch(url)
                entry["times"].append(time.perf_counter() - began)
                entry["status"][response.status_code] += 1
                entry["x_cache"][response.get("X-Cache", "none")] += 1

    output = {
        "size": args.size,
        "database": connection.vendor,
        "generation_seconds": generation_seconds,
        "requests_per_endpoint": rounds * per_round,
        "endpoints": {
            name: {
                "url": entry["url"],
                "queries": entry["queries"],
                "bytes": entry["bytes"],
                "median_ms": statistics.median(entry["times"]) * 1000,
                "p90_ms": statistics.quantiles(entry["times"], n=10)[-1] * 1000,
                "status": dict(entry["status"]),
                "x_cache": dict(entry["x_cache"]),
            }
            for name, entry in results.items()
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2))
    for name, data in output["endpoints"].items():
        print(
            f"[{args.size}] {name:42} {data['median_ms']:8.2f} ms {data['queries']:4} queries "
            f"x-cache={data['x_cache']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
