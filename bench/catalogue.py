"""Bulk catalogue generator for the benchmarks: people, studios and published reviews.

`add_child` + `save_revision` + `publish` costs three saves and three index updates per
page (about 8 pages/s here). This writes the same rows in bulk instead:

- people and studios with `bulk_create` (slug and match_name filled in, as `save()` would);
- the reviews' `wagtailcore_page` rows with `bulk_create`, their tree paths computed with
  treebeard's own `MP_Node._get_path` (consecutive children of the index), then their
  `review_pages_reviewpage` rows with a batched raw insert of the child table (Django's
  `bulk_create` refuses multi-table models);
- credits with `bulk_create`; one revision per page (`serializable_data()`, as Wagtail
  stores it), set as both `latest_revision` and `live_revision`;
- the search index with the backend's `add_bulk`, reviews read with their credits prefetched.

Deterministic for a seed. Three things are held constant whatever the catalogue size, so the
benchmarks compare like with like: `BENCH_PERSON_SLUG` is credited (cast) on exactly
`FIXED_CREDITS` reviews, `SEARCH_WORD` appears in exactly `FIXED_CREDITS` film titles and
`SYNOPSIS_WORD` in exactly `FIXED_CREDITS` synopses.

`bench.stockbuild.catalogue` copies the reviews written here into the stock build (same
films, credits and sections) beside them in the same tree, with the helpers below.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

FIXED_CREDITS = 10
BENCH_PERSON_NAME = "Benchmark Fixedcredit"
BENCH_PERSON_SLUG = "benchmark-fixedcredit"
SEARCH_WORD = "Zeppelin"
#: In exactly FIXED_CREDITS synopses (and nowhere else): the search row for a word of a text.
SYNOPSIS_WORD = "Marigold"
CRITICS = 20
CAST_SIZE = 6
BATCH = 500

FIRST = (
    "Ada Bram Cleo Dario Elif Femi Greta Hugo Ines Jonah Kaia Luca Mira Noor Otto Pia Quinn "
    "Rosa Sami Tove Uma Viggo Wren Xavi Yara Zane Aino Bodil Cyrus Dagny"
).split()
LAST = (
    "Abara Brandt Castell Dunmore Eklund Farrow Galvan Hale Ivers Jansen Kerr Lindqvist Moreau "
    "Novak Okafor Petrov Quist Rahman Sato Tanaka Umber Varga Wolff Yilmaz Zorin"
).split()
WORDS = (
    "Harbour Ember Northgate Saltmarsh Tinder Quarry Lantern Copper Orchard Static Meridian "
    "Halcyon Ashes Borrowed Crossing Drift Echo Fathom Glass Hollow Iron Juniper Kestrel "
    "Lowland Marrow Nightjar Oxbow Pale Quiet Rivet Shale Thaw Undertow Vesper Willow"
).split()
RATINGS = ["G", "PG", "PG-13", "R", "NC-17", "NR"]
GENRES = (
    "Drama Thriller Comedy Horror Romance Documentary Animation Western Musical Crime War "
    "Mystery Fantasy Adventure Biography Family History Sport Noir Satire"
).split()


@dataclass
class Catalogue:
    index_id: int
    review_ids: list[int]
    person_count: int
    studio_count: int
    bench_person_slug: str = BENCH_PERSON_SLUG
    bench_person_name: str = BENCH_PERSON_NAME
    search_word: str = SEARCH_WORD
    synopsis_word: str = SYNOPSIS_WORD


def _people(count: int):
    from people.models import Person
    from people.naming import normalise_name

    people = [Person(name=BENCH_PERSON_NAME)]
    for number in range(1, count):
        first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST)) % len(LAST)]
        people.append(Person(name=f"{first} {last} {number}"))
    for person in people:
        person.match_name = normalise_name(person.name)
        person.slug = person.match_name.replace(" ", "-")
    return people


def _studios(count: int):
    from people.models import Studio
    from people.naming import normalise_name

    studios = []
    for number in range(count):
        name = f"{WORDS[number % len(WORDS)]} Pictures {number}"
        studios.append(Studio(name=name, match_name=normalise_name(name)))
    for studio in studios:
        studio.slug = studio.match_name.replace(" ", "-")
    return studios


def _genres():
    from people.naming import normalise_name
    from review_pages.models import Genre

    genres = [Genre(name=name, match_name=normalise_name(name)) for name in GENRES]
    for genre in genres:
        genre.slug = genre.match_name.replace(" ", "-")
    return genres


def _body(number: int, performer_ids: list[int], place: str) -> list[dict]:
    def block(kind, value):
        return {"type": kind, "value": value, "id": str(uuid.UUID(int=number * 8 + len(kinds)))}

    kinds: list[str] = []
    sections = []
    for kind, value in [
        (
            "synopsis",
            {
                "text": f"<p>A keeper hears a voice in the {place} lamp room {number}; "
                "nobody believes her.</p>"
            },
        ),
        (
            "performance",
            {
                "heading": "A quiet, commanding lead",
                "performers": performer_ids,
                "text": "<p>The lead is precise and warm; the partner matches her.</p>",
            },
        ),
        (
            "critique",
            {"heading": "A middle that drags", "text": "<p>The second act loses its nerve.</p>"},
        ),
        ("final_statement", {"text": "<p>Worth the trip, once.</p>"}),
    ]:
        sections.append(block(kind, value))
        kinds.append(kind)
    return sections


#: Release dates fall within a century, as a publication's do, at every size: spread with a
#: stride coprime to the span, so 1,000 reviews cover its years as 100,000 do. (One every
#: three days from 1990 gave 100,000 reviews 822 release years, and the front page's year
#: filter as many options: half of its time at that size was that dropdown.)
RELEASE_DATES_FROM = datetime.date(1925, 1, 1)
RELEASE_DATES_SPAN_DAYS = 36_890  # about 101 years
RELEASE_DATE_STRIDE = 7_919  # a prime that does not divide the span


def release_date(number: int) -> datetime.date:
    days = (number * RELEASE_DATE_STRIDE) % RELEASE_DATES_SPAN_DAYS
    return RELEASE_DATES_FROM + datetime.timedelta(days=days)


def generate(
    count: int,
    *,
    people: int = 20_000,
    studios: int = 1_000,
    seed: int = 7,
    index_page=None,
    progress=None,
) -> Catalogue:
    """Write `count` published reviews (and the people/studio pools) under the review index."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backends

    from people.models import Person, Studio
    from review_pages.importing.writer import refresh_query_statistics
    from review_pages.models import (
        Genre,
        ReviewCastMember,
        ReviewDirector,
        ReviewGenre,
        ReviewIndexPage,
        ReviewPage,
        ReviewProductionCompany,
        ReviewWriter,
    )
    from review_pages.sync import log as sync_log

    say = progress or (lambda message: None)
    rng = random.Random(seed)
    index = index_page or ReviewIndexPage.objects.order_by("path").first()
    index = Page.objects.get(pk=index.pk)  # fresh numchild
    review_type = ContentType.objects.get_for_model(ReviewPage)
    backends = list(get_search_backends(with_auto_update=True))

    with transaction.atomic():
        person_rows = _people(people)
        Person.objects.bulk_create(person_rows, batch_size=BATCH)
        studio_rows = _studios(studios)
        Studio.objects.bulk_create(studio_rows, batch_size=BATCH)
        genre_rows = _genres()
        Genre.objects.bulk_create(genre_rows)
        genre_ids = [genre.pk for genre in genre_rows]
        if connection.vendor != "postgresql" and person_rows[0].pk is None:  # pragma: no cover
            raise RuntimeError("bulk_create did not return primary keys")
        person_ids = [p.pk for p in person_rows]
        studio_ids = [s.pk for s in studio_rows]
        bench_person_id, ordinary = person_ids[0], person_ids[1:]
        critic_ids = ordinary[:CRITICS]
        say(f"{len(person_ids)} people, {len(studio_ids)} studios")

        # Which reviews credit the benchmark person, and which carry the search word:
        # FIXED_CREDITS of each, spread over the catalogue.
        step = max(1, count // FIXED_CREDITS)
        fixed = set(range(0, count, step)[:FIXED_CREDITS])

        start = timezone.now() - datetime.timedelta(minutes=count)
        first_child = index.numchild
        review_ids: list[int] = []
        for batch_start in range(0, count, BATCH):
            numbers = range(batch_start, min(count, batch_start + BATCH))
            pages, credit_rows = [], []
            for number in numbers:
                word = SEARCH_WORD if number in fixed else rng.choice(WORDS)
                film = f"{word} {rng.choice(WORDS)} {number}"
                slug = f"film-{number}"
                published = start + datetime.timedelta(minutes=number)
                cast = rng.sample(ordinary, CAST_SIZE)
                if number in fixed:
                    cast[CAST_SIZE - 1] = bench_person_id
                page = ReviewPage(
                    title=f"'{film}' Review: A Generated Film With a Generated Headline",
                    draft_title=f"'{film}' Review: A Generated Film With a Generated Headline",
                    slug=slug,
                    content_type=review_type,
                    locale_id=index.locale_id,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    url_path=f"{index.url_path}{slug}/",
                    path=Page._get_path(index.path, index.depth + 1, first_child + number + 1),
                    depth=index.depth + 1,
                    numchild=0,
                    film_title=film,
                    intro=f"<p>Some films are quiet. {film} is <i>quieter</i> still.</p>",
                    mpa_rating=RATINGS[number % len(RATINGS)],
                    mpa_rating_reason="intense sequences of action",
                    runtime_minutes=80 + number % 70,
                    release_date=release_date(number),
                    distributor_id=rng.choice(studio_ids),
                    author_id=critic_ids[number % len(critic_ids)],
                    score=Decimal(number % 11) / 2,
                    body=_body(
                        number, cast[:2], SYNOPSIS_WORD if number in fixed else rng.choice(WORDS)
                    ),
                )
                pages.append(page)
                credit_rows.append(
                    (
                        [rng.choice(ordinary)],
                        [rng.choice(ordinary)],
                        cast,
                        rng.sample(studio_ids, 2),
                        rng.sample(genre_ids, 1 + number % 2),
                    )
                )
            insert_pages(pages)
            directors, writers, cast_rows, companies, genre_links = [], [], [], [], []
            for page, (dirs, wrts, cast, comps, kinds) in zip(pages, credit_rows, strict=True):
                page.directors = [
                    ReviewDirector(page_id=page.pk, person_id=pk, sort_order=i)
                    for i, pk in enumerate(dirs)
                ]
                page.writers = [
                    ReviewWriter(page_id=page.pk, person_id=pk, sort_order=i)
                    for i, pk in enumerate(wrts)
                ]
                page.cast = [
                    ReviewCastMember(
                        page_id=page.pk, person_id=pk, character=f"Character {i + 1}", sort_order=i
                    )
                    for i, pk in enumerate(cast)
                ]
                page.production_companies = [
                    ReviewProductionCompany(page_id=page.pk, studio_id=pk, sort_order=i)
                    for i, pk in enumerate(comps)
                ]
                page.genres = [
                    ReviewGenre(page_id=page.pk, genre_id=pk, sort_order=i)
                    for i, pk in enumerate(kinds)
                ]
                directors += page.directors.all()
                writers += page.writers.all()
                cast_rows += page.cast.all()
                companies += page.production_companies.all()
                genre_links += page.genres.all()
            for model, rows in [
                (ReviewDirector, directors),
                (ReviewWriter, writers),
                (ReviewCastMember, cast_rows),
                (ReviewProductionCompany, companies),
                (ReviewGenre, genre_links),
            ]:
                model.objects.bulk_create(rows, batch_size=BATCH)

            insert_revisions(pages)
            review_ids += [page.pk for page in pages]
            say(f"{len(review_ids)}/{count} reviews")

        Page.objects.filter(pk=index.pk).update(numchild=first_child + count)

    # The search index, once per object, reviews read with their credits prefetched.
    for backend in backends:
        for model, rows in [(Person, person_rows), (Studio, studio_rows)]:
            for start_at in range(0, len(rows), BATCH * 4):
                backend.add_bulk(model, rows[start_at : start_at + BATCH * 4])
        for start_at in range(0, len(review_ids), BATCH):
            chunk = review_ids[start_at : start_at + BATCH]
            reviews = list(ReviewPage.objects.filter(pk__in=chunk).with_credits())
            backend.add_bulk(ReviewPage, reviews)
        say("search index updated")
    # What `import_reviews` does after a bulk load: fresh planner statistics.
    refresh_query_statistics()
    # The sync feed's log, begun as a site's first publication begins it (the bulk inserts
    # send no signal): a catalogue stands for a site that has been running, so the bench's
    # publications and imports reconcile their own changes, not the whole catalogue.
    sync_log.reconcile()
    say("sync log begun")
    return Catalogue(index.pk, review_ids, len(person_ids), len(studio_ids))


def host_tree():
    """A host's tree: a home page as the site root, the review index moved under it (where
    the stock build's index goes beside it). Returns the home page.

    The demo makes the review index the site root; a host typically has a home page with
    sections under it, so that neither build's pages are routed through the other's index.
    """
    from wagtail.models import Page, Site

    from review_pages.models import ReviewIndexPage

    site = Site.objects.get(is_default_site=True)
    index = ReviewIndexPage.objects.order_by("path").first()
    if site.root_page_id != index.pk:
        return site.root_page
    home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home"))
    Page.objects.get(pk=index.pk).move(home, pos="last-child")
    site.root_page = home
    site.save()
    return Page.objects.get(pk=home.pk)


def insert_pages(pages) -> None:
    """Write unsaved specific pages (tree paths set): their `wagtailcore_page` rows with
    `bulk_create`, then the child table's rows with the same primary keys (Django's
    `bulk_create` refuses multi-table models)."""
    from wagtail.models import Page

    model = type(pages[0])
    base_rows = [Page(**_base_fields(page)) for page in pages]
    Page.objects.bulk_create(base_rows)
    for page, base in zip(pages, base_rows, strict=True):
        page.pk = page.page_ptr_id = page.id = base.pk
    local_fields = list(model._meta.local_concrete_fields)
    model._base_manager._insert(pages, fields=local_fields, using="default")


def insert_revisions(pages) -> None:
    """One revision per page, as Wagtail stores it (`serializable_data()`, child relations
    included), set as both the latest and the live revision."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Revision

    page_type = ContentType.objects.get_for_model(Page)
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type=page_type,
            object_id=str(page.pk),
            object_str=page.title,
            content=page.serializable_data(),
            created_at=page.last_published_at,
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision_id = page.live_revision_id = revision.pk
    Page.objects.bulk_update(pages, ["latest_revision", "live_revision"])


def _base_fields(page) -> dict:
    """The wagtailcore_page columns of an unsaved specific page, as keyword arguments."""
    from wagtail.models import Page

    return {
        field.attname: getattr(page, field.attname)
        for field in Page._meta.concrete_fields
        if not field.primary_key
    }


def main() -> None:
    """Migrate the database DATABASE_URL names and write a catalogue into it (HTTP phase)."""
    import argparse
    import json
    import os
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings.test")
    parser = argparse.ArgumentParser(description="Write a benchmark catalogue.")
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from review_pages.models import ReviewPage

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    catalogue = generate(args.size)
    review = ReviewPage.objects.get(pk=catalogue.review_ids[len(catalogue.review_ids) // 2])
    print(
        "CATALOGUE "
        + json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "review_id": review.pk,
                "review_path": review.url_path[len("/" + review.url_path.split("/")[1]) :],
                "person_slug": catalogue.bench_person_slug,
                "search_word": catalogue.search_word,
            }
        )
    )


if __name__ == "__main__":
    main()
