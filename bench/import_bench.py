"""Benchmark: the review importer against bare Wagtail page creation (`make bench-import`).

Generates N reviews in the plain-text format (sharing a pool of people and studios) in a
temporary folder, imports them with `--publish` semantics into a fresh temporary SQLite
database (or, with `--database-url`, into the review index of an existing catalogue:
`make bench-scale`), then creates N equivalent pages the plain Wagtail way (`add_child`,
`save_revision`, `publish`, no credits). Prints both rates, their ratio (importer rate /
baseline rate; issue 15's target is >= 4x: the importer does more work per review, in
fewer queries) and the process's peak memory after 1,000 files (or a quarter of them) and
after all of them, to show it does not grow with the number of files. `make bench` runs it
(`--json`) and reports both as target rows (`report_rows`).

    .venv/bin/python bench/import_bench.py [--count 1000] [--baseline-count N] [--json PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

FIRST = "Ada Bram Cleo Dario Elif Femi Greta Hugo Ines Jonah Kaia Luca Mira Noor Otto Pia Quinn Rosa Sami Tove".split()  # noqa: E501
LAST = "Abara Brandt Castell Dunmore Eklund Farrow Galvan Hale Ivers Jansen Kerr Lindqvist Moreau Novak Okafor".split()  # noqa: E501
STUDIOS = [f"{word} Pictures" for word in "Harbour Ember Northgate Saltmarsh Tinder Quarry".split()]
STUDIOS += [f"{word} Films" for word in "Lantern Copper Orchard Static Meridian Halcyon".split()]


def review_text(number: int, rng: random.Random, people: list[str]) -> str:
    cast = rng.sample(people, 6)
    director, writer = rng.choice(people), rng.choice(people)
    companies = rng.sample(STUDIOS, 2)
    date = datetime.date(2020, 1, 1) + datetime.timedelta(days=number)
    return f"""'Film Number {number}' Review: A Generated Film With a Generated Headline

Some films are quiet. Film Number {number} is *quieter* still, and it knows it.

MPA Rating: PG-13 (intense sequences of action.)

Runtime: 1 Hour and {rng.randint(10, 59)} Minutes

Production Companies: {companies[0]}, {companies[1]}

Distributor: {rng.choice(STUDIOS)}

Director: {director}

Writer: {writer}

Cast: {", ".join(cast)}

Release Date: {date:%B} {date.day}, {date.year}

A keeper, Ada Finch ({cast[0]}), hears a voice in the lamp room, and her friend Tom \
({cast[1]}) does not believe her until the storm.

{cast[0]} carries it with ease

{cast[0]} is precise and warm; {cast[1]} matches her scene for scene.

🎥 Unlimited Entertainment! Try it FREE for 24 hours now

A middle that drags

The second act loses its nerve and the score does too much of the work.

FINAL STATEMENT

Worth the trip, once.

Need Help?
"""


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="reviews to import")
    parser.add_argument("--baseline-count", type=int, default=None, help="default: --count")
    parser.add_argument("--people", type=int, default=150, help="size of the people pool")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--database-url",
        default=None,
        help="import into this database's review index (a catalogue: `make bench-scale`); "
        "default: a fresh SQLite file",
    )
    args = parser.parse_args()
    baseline_count = args.baseline_count or args.count

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "reviewsite.settings.test"  # DEBUG off

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from review_pages.importing.writer import IMPORTED, INDEX_BATCH, ReviewImporter
    from review_pages.models import ReviewIndexPage, ReviewPage

    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']} ({connection.vendor})")

    rng = random.Random(1)
    people = sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(args.people * 3)})
    people = people[: args.people]
    files = []
    texts_dir = workdir / "reviews"
    texts_dir.mkdir()
    for number in range(1, args.count + 1):
        path = texts_dir / f"review-{number:05d}.txt"
        path.write_text(review_text(number, rng, people), encoding="utf-8")
        files.append(path)
    print(f"generated {len(files)} reviews sharing {len(people)} people in {texts_dir}")

    index = ReviewIndexPage.objects.order_by("path").first()
    checkpoints = {min(1000, max(1, len(files) // 4)), len(files)}
    memory = []
    started = time.perf_counter()
    # As `manage.py import_reviews` does: indexed in batches, the last one on leaving.
    with ReviewImporter(index, publish=True, index_batch=INDEX_BATCH) as importer:
        for done, path in enumerate(files, start=1):
            outcome = importer.import_path(path)
            if outcome.status != IMPORTED:
                raise SystemExit(f"bench: {outcome}")
            if done in checkpoints:
                memory.append((done, peak_rss_mib()))
    import_seconds = time.perf_counter() - started

    # The baseline: the same pages (no credits) the plain Wagtail way, under a sibling index.
    root = index.get_parent()
    baseline_index = root.add_child(instance=ReviewIndexPage(title="Baseline", slug="baseline"))
    sample = ReviewPage.objects.live().order_by("pk").first()
    started = time.perf_counter()
    for number in range(1, baseline_count + 1):
        page = ReviewPage(
            title=f"'Film Number {number}' Review: A Generated Film With a Generated Headline",
            slug=f"film-number-{number}",
            film_title=f"Film Number {number}",
            intro=sample.intro,
            mpa_rating=sample.mpa_rating,
            mpa_rating_reason=sample.mpa_rating_reason,
            runtime_minutes=sample.runtime_minutes,
            release_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
            body=sample.body.raw_data,
        )
        baseline_index.add_child(instance=page)
        page.save_revision().publish()
    baseline_seconds = time.perf_counter() - started

    import_rate = len(files) / import_seconds
    baseline_rate = baseline_count / baseline_seconds
    print()
    rows = [
        ("importer (credits, publish)", len(files), import_seconds, import_rate),
        ("wagtail baseline (no credits)", baseline_count, baseline_seconds, baseline_rate),
    ]
    print(f"{'':34}{'reviews':>9}{'seconds':>10}{'reviews/s':>11}")
    for label, count, seconds, rate in rows:
        print(f"{label:34}{count:>9}{seconds:>10.1f}{rate:>11.1f}")
    print(f"ratio importer/baseline: {import_rate / baseline_rate:.2f}x (target >= {TARGET}x)")
    print()
    print("peak memory (max RSS) during the import:")
    for done, mib in memory:
        print(f"  after {done:>5} files: {mib:7.1f} MiB")
    from people.models import Person, Studio

    print(
        f"rows: {ReviewPage.objects.descendant_of(index).count()} reviews under the index, "
        f"{Person.objects.count()} people, {Studio.objects.count()} studios"
    )
    if args.json:
        figures = {
            "count": len(files),
            "baseline_count": baseline_count,
            "import_rate": import_rate,
            "baseline_rate": baseline_rate,
            "memory": memory,
        }
        args.json.write_text(json.dumps(figures, indent=2))


#: Issue 15: importer rate / baseline rate, at least; peak RSS growth from the first
#: checkpoint to the last, at most.
TARGET = 4
MEMORY_GROWTH_LIMIT = 1.1


def report_rows(figures: dict) -> list[str]:
    """The two target rows of `bench/results.md` (`bench/run.py`) from `--json`'s figures."""
    ratio = figures["import_rate"] / figures["baseline_rate"]
    verdict = "pass" if ratio >= TARGET else f"**miss** by {TARGET / ratio:.2f}x"
    (first, first_mib), (last, last_mib) = figures["memory"][0], figures["memory"][-1]
    growth = last_mib / first_mib
    memory_verdict = "pass" if growth <= MEMORY_GROWTH_LIMIT else "**miss**"
    return [
        f"| importer / bare add_child+save_revision+publish (reviews/s) | {ratio:.2f}x | "
        f"≥ {TARGET}x | {verdict} | {figures['import_rate']:.1f} vs "
        f"{figures['baseline_rate']:.1f} reviews/s ({figures['count']:,} imported, "
        f"{figures['baseline_count']:,} baseline pages) |",
        f"| importer peak RSS after {last:,} / after {first:,} files | {growth:.2f}x | "
        f"≤ {MEMORY_GROWTH_LIMIT}x | {memory_verdict} | {first_mib:.0f} → {last_mib:.0f} MiB |",
    ]


if __name__ == "__main__":
    main()
