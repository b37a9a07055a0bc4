"""The review listings read their `first_published_at` index whatever else the page tree holds.

Issue 22: with as many other pages as reviews in the tree (any real host), SQLite after
`ANALYZE` read the front page's and the APIs' listings by scanning the review table and
sorting every review in a temporary B-tree (38.7 ms instead of 0.5 ms at 10,000 reviews).
These tests read SQLite's plan of the very queries the two listings run (captured from a
request) under the statistics `ANALYZE` wrote for the bench's catalogues (`bench/catalogue.py`,
with and without the stock build's pages beside the reviews), put in `sqlite_stat1`:
building 20,000 pages here would take minutes, and the plan depends on nothing else.
PostgreSQL was not affected, and its plans for a test's few rows say nothing of a
catalogue's: `make bench` measures both databases.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

FRONT_PAGE = "/"
API_V2_LISTING = "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=20"
API_V3_LISTING = "/api/v3/reviews/?limit=20"
GRAPHQL_LISTING = "/graphql/?query=%7B+reviews%28limit%3A+20%29+%7B+id+title+%7D+%7D"
LISTINGS = {
    "front page": FRONT_PAGE,
    "API v2": API_V2_LISTING,
    "API v3": API_V3_LISTING,
    "GraphQL": GRAPHQL_LISTING,
}
FIRST_PUBLISHED_INDEX = "wagtailcore_page_first_published_at"
PEOPLE = 20_000


def catalogue_statistics(reviews: int, others: int) -> dict[str, dict[str, str]]:
    """sqlite_stat1 as ANALYZE wrote it for a bench catalogue of `reviews` reviews with
    `others` other pages beside them (the stock build's copy: one per review, published at
    the same moments): table -> index -> "rows, rows per key"."""
    pages = reviews + others + 3  # the root, the home page, the index (and the stock index)
    per_time = 2 if others else 1
    return {
        "wagtailcore_page": {
            "wagtailcore_page_latest_revision_id_e60fef51": f"{pages} 1",
            "wagtailcore_page_alias_of_id_12945502": f"{pages} {pages}",
            "wagtailcore_page_locale_id_3c7e30a6": f"{pages} {pages}",
            "wagtailcore_page_locked_by_id_bcb86245": f"{pages} {pages}",
            "wagtailcore_page_live_revision_id_930bd822": f"{pages} 1",
            "wagtailcore_page_first_published_at_2b5dd637": f"{pages} {per_time}",
            "wagtailcore_page_owner_id_fbf7c332": f"{pages} {pages}",
            "wagtailcore_page_content_type_id_c28424df": f"{pages} {pages // (5 if others else 3)}",
            "wagtailcore_page_slug_e7c11b8f": f"{pages} {per_time}",
            "wagtailcore_page_translation_key_locale_id_9b041bad_uniq": f"{pages} 1 1",
            "sqlite_autoindex_wagtailcore_page_1": f"{pages} 1",
        },
        "review_pages_reviewpage": {
            "review_pages_reviewpage_release_date_d914ab27": f"{reviews} 1",
            "review_pages_reviewpage_wikidata_id_833b954b": f"{reviews} {reviews}",
            "review_pages_reviewpage_tmdb_id_b8954e44": f"{reviews} {reviews}",
            "review_pages_reviewpage_imdb_id_a8aeaae5": f"{reviews} {reviews}",
            "review_pages_reviewpage_featured_8d5e36da": f"{reviews} {reviews}",
            "review_pages_reviewpage_poster_id_248380c7": f"{reviews} {reviews}",
            "review_pages_reviewpage_distributor_id_cc452b2f": f"{reviews} {reviews // 1000 or 1}",
            "review_pages_reviewpage_author_id_d4803b5d": f"{reviews} {reviews // 20}",
        },
        "people_person": {
            "people_person_wikidata_id_9ced0934": f"{PEOPLE} {PEOPLE}",
            "people_person_imdb_id_6e6368b5": f"{PEOPLE} {PEOPLE}",
            "people_person_photo_id_6ad36ca2": f"{PEOPLE} {PEOPLE}",
            "people_person_match_name_bdac5d99": f"{PEOPLE} 1",
            "sqlite_autoindex_people_person_1": f"{PEOPLE} 1",
        },
        "wagtailcore_locale": {"sqlite_autoindex_wagtailcore_locale_1": "1 1"},
    }


SCENARIOS = {
    "10,000 reviews beside 10,000 other pages": (10_000, 10_000),
    "1,000 reviews beside 1,000 other pages": (1_000, 1_000),
    "10,000 reviews alone": (10_000, 0),
}


def listing_query(client, url: str) -> str:
    """The SQL of the request's query that reads a page of reviews newest first, for a full
    page of 20 (the test's few reviews make the front page's paginator ask for fewer, and
    SQLite plans a read of one or two rows otherwise)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    listings = []
    for query in queries.captured_queries:
        sql = query["sql"]
        ordering = sql.rsplit("ORDER BY", 1)[-1]
        if (
            'FROM "review_pages_reviewpage"' in sql
            and "first_published_at" in ordering
            and "LIMIT" in ordering
            and '"featured"' not in sql.rsplit("WHERE", 1)[-1]
        ):
            listings.append(sql)
    assert listings, f"no listing query in {url}"
    return re.sub(r"LIMIT \d+$", "LIMIT 20", listings[0])


def sqlite_plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def use_statistics(tables: dict[str, dict[str, str]]) -> None:
    """Replace what ANALYZE stored for these tables (indexes this schema lacks are left
    out), then have SQLite reload the statistics."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        indexes = {name for (name,) in cursor.fetchall()}
        for table, rows in tables.items():
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
            for index, stat in rows.items():
                if index in indexes:
                    cursor.execute(
                        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                        [table, index, stat],
                    )
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics


@pytest.fixture
def tree_with_other_pages(index_page, make_review, person_factory):
    """Reviews under the index and other pages beside them in the tree, their publication
    times interleaved with the reviews' (a host's other sections); analysed. (The plans are
    read under the catalogues' statistics: a few rows of each make the queries real.)"""
    critic = person_factory(name="Ada Critic")
    reviews = [make_review(film_title=f"Film {n}", author=critic) for n in range(2)]
    section = index_page.get_parent().add_child(instance=Page(title="News", slug="news"))
    for number in range(3):
        news = section.add_child(instance=Page(title=f"News {number}", slug=f"news-{number}"))
        published = reviews[number % 2].first_published_at + datetime.timedelta(seconds=number)
        Page.objects.filter(pk=news.pk).update(first_published_at=published)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return index_page


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's planner misread these listings; the bench measures the others' plans",
)
@pytest.mark.parametrize("url", LISTINGS.values(), ids=LISTINGS.keys())
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_listing_reads_the_first_published_index_without_sorting(
    client, tree_with_other_pages, url, scenario
):
    use_statistics(catalogue_statistics(*SCENARIOS[scenario]))
    plan = sqlite_plan(listing_query(client, url))
    assert any(FIRST_PUBLISHED_INDEX in step for step in plan), plan
    # No sort of the reviews found, and no pass over every review to filter them.
    assert not any("TEMP B-TREE" in step or "BLOOM FILTER" in step for step in plan), plan
