"""A search whose first page is not full is counted from that page (one full-text query
instead of two); longer results are counted and paged as before; excerpts read no further
than the passage that matches."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from review_pages import refs, search
from review_pages.links import IndexLinks
from review_pages.models import ReviewPage, credited_names, load_credits

#: The tests that count full-text queries; on MySQL/MariaDB the test project searches with
#: the database backend's LIKE fallback (tests/testproject/settings.py), which runs none.
counts_full_text = pytest.mark.skipif(
    connection.vendor == "mysql", reason="MySQL/MariaDB: the suite's search runs no full-text query"
)


def _review_searches(queries) -> int:
    """The full-text queries over reviews a request ran (its results, its count)."""
    return sum(
        "review_pages_reviewpage" in q["sql"] and "wagtailsearch_indexentry" in q["sql"]
        for q in queries.captured_queries
    )


@counts_full_text
def test_a_short_result_is_counted_from_its_first_page(client, index_page, make_review):
    for number in range(3):
        make_review(film_title=f"Zeppelin {number}")
    make_review(film_title="Harbour")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{index_page.url}search/?q=Zeppelin")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'Reviews <span class="count">(3)</span>' in page
    assert page.count("review-card__title") == 3
    assert _review_searches(queries) == 1


@counts_full_text
@override_settings(REVIEW_PAGES={**getattr(settings, "REVIEW_PAGES", {}), "PER_PAGE": 2})
def test_a_longer_result_is_counted_and_paged(client, index_page, make_review):
    for number in range(3):
        make_review(film_title=f"Zeppelin {number}")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(f"{index_page.url}search/?q=Zeppelin").content.decode()
    assert 'Reviews <span class="count">(3)</span>' in first
    assert first.count("review-card__title") == 2
    assert "Page 1 of 2" in first
    assert _review_searches(queries) == 2  # the page, and the count
    second = client.get(f"{index_page.url}search/?q=Zeppelin&page=2").content.decode()
    assert second.count("review-card__title") == 1 and "Page 2 of 2" in second


def test_the_excerpt_is_the_first_matching_passage(make_review, person_factory):
    lead = person_factory(name="Ada Lantern")
    review = make_review(film_title="Quiet", cast=[(lead, "Keeper")])
    review = ReviewPage.objects.get(pk=review.pk)
    load_credits([review])
    words = search.SearchQuery(raw="lantern", terms=["lantern"])
    assert "<mark>Lantern</mark>" in search.review_excerpt(review, words)
    assert "Credits:" in search.review_excerpt(review, words)
    standfirst = search.SearchQuery(raw="standfirst", terms=["standfirst"])
    assert search.review_excerpt(review, standfirst).startswith("A short <mark>standfirst")
    # As review_text gives them, passage by passage.
    nothing = search.SearchQuery(raw="zzz", terms=["zzz"])
    passages = search.review_text(review, refs.review_credits(review, IndexLinks(None)))
    assert search.review_excerpt(review, nothing) == search.excerpt(passages, nothing)


def _credit_reads(queries) -> int:
    """The reads of reviews' cast with their people's names (`read_credits`,
    `credited_names`), not of which people are credited (the name matches)."""
    return sum(
        "reviewcastmember" in q["sql"] and "people_person" in q["sql"] and "JOIN" in q["sql"]
        for q in queries.captured_queries
    )


@counts_full_text
def test_credits_are_read_only_for_hits_whose_text_does_not_match(
    client, index_page, make_review, person_factory
):
    lead = person_factory(name="Ada Lantern")
    for number in range(3):
        make_review(film_title=f"Zeppelin {number}", cast=[(lead, "Keeper")])
    with CaptureQueriesContext(connection) as by_text:  # the synopsis says "lighthouse"
        page = client.get(f"{index_page.url}search/?q=lighthouse").content.decode()
    assert page.count("<mark>lighthouse</mark>") == 3
    assert _credit_reads(by_text) == 0  # the text matched: no credits needed
    with CaptureQueriesContext(connection) as by_cast:
        page = client.get(f"{index_page.url}search/?q=Lantern").content.decode()
    assert page.count("<mark>Lantern</mark>") == 3  # each excerpt from the credits
    assert _credit_reads(by_cast) == 1  # all three hits' credits in one query


@pytest.mark.parametrize(
    "word",
    [
        "robert",  # split by a tag in the standfirst: "<b>Ro</b>bert"
        "café",  # written as an entity: "caf&eacute;"
        "lighthouse",  # the synopsis
        "lantern",  # the credits alone
        "zzz",  # nowhere: the first passage
    ],
)
def test_hit_excerpts_are_each_review_excerpt(word, make_review, person_factory):
    """The search page's excerpts skip rich text that cannot match without making it plain;
    they are exactly `review_excerpt`'s, whatever markup or entity a word sits in."""
    lead = person_factory(name="Ada Lantern")
    made = make_review(
        film_title="Quiet",
        intro="<p>A <b>Ro</b>bert piece, read at the caf&eacute;.</p>",
        cast=[(lead, "Keeper")],
    )
    review = ReviewPage.objects.get(pk=made.pk)
    query = search.SearchQuery(raw=word, terms=[word])
    load_credits([review])
    expected = search.review_excerpt(review, query)
    fresh = ReviewPage.objects.get(pk=made.pk)
    excerpts = search.hit_excerpts([fresh], query, credited_names)
    assert excerpts == {review.pk: expected}
    assert word in expected.casefold() or word == "zzz"
