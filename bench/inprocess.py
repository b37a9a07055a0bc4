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
from dataclasses import dataclass
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
STOCK_TYPE = "stockbuild.StockReviewPage"
STOCK_V2_LISTING = f"/bench/stock-api/v2/pages/?type={STOCK_TYPE}&fields=*&limit=20"
CAREFUL_V2_LISTING = f"/bench/careful-api/v2/pages/?type={STOCK_TYPE}&fields=*&limit=20"

#: What every request of the bench accepts, as browsers and apps do: the response cache's
#: hits send the stored compressed bytes (without it, each hit decompresses its answer).
ACCEPT_ENCODING = "gzip, deflate, br"

#: The builds a compared page is measured in: the project, and the stock build's variants.
PROJECT, STOCK, CAREFUL = "project", "stock", "careful stock"
FLOOR = "floor (plain Django view)"
REVIEW_FLOOR = "review, plain Django view"
BARE = "bare Wagtail page"


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    cached: bool = False
    page: str = ""  # the compared page it is a build of ("" for references)
    build: str = ""


def with_variant(url: str) -> str:
    """The careful stock build answers `?variant=careful` (`bench.stockbuild.is_careful`)."""
    return url + ("&" if "?" in url else "?") + "variant=careful"


def compared_pages(review, stock_page, catalogue) -> list[tuple[str, str, str, str]]:
    """(page, project URL, stock URL, careful stock URL) of each page compared."""
    person, word = catalogue.bench_person_slug, catalogue.synopsis_word
    name = urllib.parse.quote_plus(catalogue.bench_person_name)
    ours = review.get_parent().url
    stock = stock_page.get_parent().url if stock_page else "/no-stock-build/"
    pages = [
        ("review page", review.url, stock_page.url if stock_page else stock),
        ("front page", ours, stock),
        ("filmography", f"{ours}people/{person}/", f"{stock}people/{person}/"),
        ("search (a cast name)", f"{ours}search/?q={name}", f"{stock}search/?q={name}"),
        ("search (a synopsis word)", f"{ours}search/?q={word}", f"{stock}search/?q={word}"),
    ]
    rows = [(page, ours, stock, with_variant(stock)) for page, ours, stock in pages]
    stock_id = stock_page.pk if stock_page else 0
    rows += [
        ("API v2 listing (20, fields=*)", API_V2_LISTING, STOCK_V2_LISTING, CAREFUL_V2_LISTING),
        (
            "API v2 detail",
            f"/api/v2/pages/{review.pk}/",
            f"/bench/stock-api/v2/pages/{stock_id}/",
            f"/bench/careful-api/v2/pages/{stock_id}/",
        ),
    ]
    return rows


def endpoints(review, stock_page, catalogue) -> list[Endpoint]:
    """Every measured endpoint: the references, then each compared page in the project
    (uncached and cached) and in both stock variants (without `stock_page`, the project's
    alone), then the project's API v3."""
    measured = [
        Endpoint(FLOOR, "/bench/floor/"),
        Endpoint(REVIEW_FLOOR, f"/bench/floor/review/{review.pk}/"),
        Endpoint(BARE, f"{review.get_parent().url}bare-page/"),
    ]
    for page, ours, stock, careful in compared_pages(review, stock_page, catalogue):
        measured += [
            Endpoint(page, ours, page=page, build=PROJECT),
            Endpoint(f"{page}, cached", ours, cached=True, page=page, build=PROJECT),
        ]
        if stock_page is not None:
            measured += [
                Endpoint(f"{page}: {CAREFUL}", careful, page=page, build=CAREFUL),
                Endpoint(f"{page}: {STOCK}", stock, page=page, build=STOCK),
            ]
    for page, url in [
        ("API v3 listing (20)", "/api/v3/reviews/?limit=20"),
        ("API v3 detail", f"/api/v3/reviews/{review.pk}/"),
        ("GraphQL listing (20, with credits)", GRAPHQL_LISTING),
    ]:
        measured += [
            Endpoint(page, url, page=page, build=PROJECT),
            Endpoint(f"{page}, cached", url, cached=True, page=page, build=PROJECT),
        ]
    return measured


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
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="a SQLite file (replaced)")
    where.add_argument("--database-url", help="an empty or migrated PostgreSQL database")
    parser.add_argument("--template-db", type=Path, default=None, help="a migrated database")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--studios", type=int, default=1_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--barrier", type=Path, default=None, help="folder where peers announce they are ready"
    )
    parser.add_argument("--peers", type=int, default=1, help="processes measuring together")
    parser.add_argument(
        "--no-stock", action="store_true", help="the project's pages alone (no stock build)"
    )
    args = parser.parse_args()

    if args.db:
        prepare_database(args.db, args.template_db)
        os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    else:
        os.environ["DATABASE_URL"] = args.database_url
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

    from bench.catalogue import generate, host_tree
    from bench.stockbuild.catalogue import copy_reviews
    from bench.stockbuild.models import StockReviewPage
    from review_pages.models import ReviewIndexPage, ReviewPage

    label = f"{connection.vendor} {args.size}"
    call_command("migrate", verbosity=0)
    home = host_tree()
    started = time.perf_counter()
    catalogue = generate(args.size, people=args.people, studios=args.studios)
    generation_seconds = time.perf_counter() - started
    print(f"[{label}] generated in {generation_seconds:.1f} s", flush=True)
    index = ReviewIndexPage.objects.get(pk=catalogue.index_id)
    # The stock build's copy of the same reviews, beside them under the site's home page.
    started = time.perf_counter()
    stock = None if args.no_stock else copy_reviews(home)
    stock_seconds = time.perf_counter() - started
    if stock is not None:
        print(f"[{label}] stock build copied in {stock_seconds:.1f} s", flush=True)

    index.add_child(instance=Page(title="A bare Wagtail page", slug="bare-page"))
    review = ReviewPage.objects.get(pk=catalogue.review_ids[len(catalogue.review_ids) // 2])
    stock_page = stock and StockReviewPage.objects.get(pk=stock.page_for_review[review.pk])
    response_cache = caches[settings.REVIEW_PAGES.get("CACHE_ALIAS", "default")]

    def empty_response_cache():
        forget_stored_answers(response_cache)

    client = Client(HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)

    def fetch(url):
        return client.get(url)

    measured = endpoints(review, stock_page, catalogue)
    results = {}
    for endpoint in measured:
        empty_response_cache()
        with CaptureQueriesContext(connection) as queries:
            first = fetch(endpoint.url)
        if first.status_code != 200:
            raise SystemExit(f"bench: {endpoint.name} {endpoint.url} answered {first.status_code}")
        cached_queries = None
        if endpoint.cached:
            with CaptureQueriesContext(connection) as repeat:
                fetch(endpoint.url)
            cached_queries = len(repeat)
        results[endpoint.name] = {
            "url": endpoint.url,
            "page": endpoint.page,
            "build": endpoint.build,
            "cached": endpoint.cached,
            "queries": cached_queries if endpoint.cached else len(queries),
            "bytes": len(first.content),
            "times": [],
            "cpu": [],
            "status": Counter(),
            "x_cache": Counter(),
        }
        for _ in range(3):  # warm-up
            fetch(endpoint.url)

    # As the served site does (`gunicorn.conf.py` freezes what the preloaded application
    # made before the workers fork): the collector skips the long-lived objects.
    gc.collect()
    gc.freeze()
    if args.barrier:
        wait_for_peers(args.barrier, args.size, args.peers)
    # One request per endpoint in turn (a cached one first answers once more, the answer its
    # repeat is served from): a change of the machine's load hits every endpoint alike.
    for _ in range(args.requests):
        for endpoint in measured:
            entry = results[endpoint.name]
            if endpoint.cached:
                fetch(endpoint.url)
            else:
                empty_response_cache()
            began, began_cpu = time.perf_counter(), time.process_time()
            response = fetch(endpoint.url)
            entry["times"].append(time.perf_counter() - began)
            entry["cpu"].append(time.process_time() - began_cpu)
            entry["status"][response.status_code] += 1
            entry["x_cache"][response.get("X-Cache", "none")] += 1

    output = {
        "size": args.size,
        "database": connection.vendor,
        "generation_seconds": generation_seconds,
        "stock_seconds": stock_seconds,
        "requests_per_endpoint": args.requests,
        "endpoints": {
            name: {
                **{key: entry[key] for key in ("url", "page", "build", "cached", "queries")},
                "bytes": entry["bytes"],
                "median_ms": statistics.median(entry["times"]) * 1000,
                # This process's own time: the whole of a request on SQLite (which answers
                # inside it), and unlike the wall time not lengthened by other work on the
                # shared cores.
                "cpu_median_ms": statistics.median(entry["cpu"]) * 1000,
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
            f"[{label}] {name:48} {data['median_ms']:8.2f} ms (CPU {data['cpu_median_ms']:6.2f}) "
            f"{data['queries']:4} queries "
            f"x-cache={data['x_cache']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
