"""The stock build's catalogue: the project's generated reviews copied into stock pages.

`copy_reviews` reads every review under the project's index (in batches, with their credits)
and writes the same film as a `StockReviewPage` under a `StockReviewIndexPage` in the same
site tree: same headline, text, facts, critic, distributor, sections, credits in the same
order, same publication times (so the two builds' pages interleave in every index of the
page table, as a host's other pages would). Bulk writes as `bench.catalogue` makes them:
page rows with treebeard paths, one live revision each, the search index with `add_bulk`.
"""

from __future__ import annotations

from dataclasses import dataclass

BATCH = 500

#: The project review's own fields copied as they are (everything but the page's).
COPIED = (
    "film_title",
    "intro",
    "poster_id",
    "mpa_rating",
    "mpa_rating_reason",
    "runtime_minutes",
    "release_date",
    "distributor_id",
    "author_id",
    "score",
    "featured",
    "imdb_id",
    "tmdb_id",
    "wikidata_id",
    "trailer_url",
)
PAGE_COPIED = (
    "title",
    "draft_title",
    "slug",
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "locale_id",
)


@dataclass
class StockCatalogue:
    index_id: int
    index_path: str
    #: The project review's id -> the stock page of the same film.
    page_for_review: dict[int, int]


def copy_reviews(parent, *, slug: str = "stock", progress=None) -> StockCatalogue:
    """Copy every review under the first review index into a stock index under `parent`."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backends

    from bench.catalogue import insert_pages, insert_revisions
    from review_pages.importing.writer import refresh_query_statistics
    from review_pages.models import ReviewIndexPage, ReviewPage

    from .models import (
        StockCastMember,
        StockDirector,
        StockGenre,
        StockProductionCompany,
        StockReviewIndexPage,
        StockReviewPage,
        StockWriter,
        credit_prefetches,
    )

    say = progress or (lambda message: None)
    source = ReviewIndexPage.objects.order_by("path").first()
    stock_type = ContentType.objects.get_for_model(StockReviewPage)
    mapping: dict[int, int] = {}
    with transaction.atomic():
        parent = Page.objects.get(pk=parent.pk)
        index = parent.add_child(
            instance=StockReviewIndexPage(title="Reviews, the stock build", slug=slug)
        )
        index.save_revision().publish()
        index = Page.objects.get(pk=index.pk)
        reviews = (
            ReviewPage.objects.child_of(source)
            .order_by("path")
            .with_credits()
            .prefetch_related("genres")
        )
        ids = list(reviews.values_list("pk", flat=True))
        position = 0
        for start in range(0, len(ids), BATCH):
            batch = list(reviews.filter(pk__in=ids[start : start + BATCH]))
            pages = []
            for review in batch:
                position += 1
                page = StockReviewPage(
                    **{name: getattr(review, name) for name in PAGE_COPIED + COPIED},
                    body=list(review.body.raw_data),
                    content_type=stock_type,
                    url_path=f"{index.url_path}{review.slug}/",
                    path=Page._get_path(index.path, index.depth + 1, position),
                    depth=index.depth + 1,
                    numchild=0,
                )
                pages.append(page)
            insert_pages(pages)
            credits: dict[type, list] = {}
            for review, page in zip(batch, pages, strict=True):
                mapping[review.pk] = page.pk
                page.directors = [
                    StockDirector(page_id=page.pk, person_id=c.person_id, sort_order=c.sort_order)
                    for c in review.directors.all()
                ]
                page.writers = [
                    StockWriter(page_id=page.pk, person_id=c.person_id, sort_order=c.sort_order)
                    for c in review.writers.all()
                ]
                page.cast = [
                    StockCastMember(
                        page_id=page.pk,
                        person_id=c.person_id,
                        character=c.character,
                        sort_order=c.sort_order,
                    )
                    for c in review.cast.all()
                ]
                page.production_companies = [
                    StockProductionCompany(
                        page_id=page.pk, studio_id=c.studio_id, sort_order=c.sort_order
                    )
                    for c in review.production_companies.all()
                ]
                page.genres = [
                    StockGenre(page_id=page.pk, genre_id=g.genre_id, sort_order=g.sort_order)
                    for g in review.genres.all()
                ]
                for relation in ("directors", "writers", "cast", "production_companies", "genres"):
                    rows = list(getattr(page, relation).all())
                    if rows:
                        credits.setdefault(type(rows[0]), []).extend(rows)
            for model, rows in credits.items():
                model.objects.bulk_create(rows, batch_size=BATCH)
            insert_revisions(pages)
            say(f"stock build: {len(mapping)}/{len(ids)} pages")
        Page.objects.filter(pk=index.pk).update(numchild=position)

    for backend in get_search_backends(with_auto_update=True):
        stock_ids = list(mapping.values())
        for start in range(0, len(stock_ids), BATCH):
            chunk = StockReviewPage.objects.filter(pk__in=stock_ids[start : start + BATCH])
            backend.add_bulk(
                StockReviewPage,
                list(
                    chunk.select_related("author", "distributor").prefetch_related(
                        *credit_prefetches()
                    )
                ),
            )
    # Fresh planner statistics with both builds' pages in the tables, as after an import.
    refresh_query_statistics()
    return StockCatalogue(index.pk, index.path, mapping)
