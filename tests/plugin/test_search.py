"""Readers' search: reviews by headline, film, text and credited names; people and studios."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.factories import complete_body, credit, publish
from tests.support.search import needs_search_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_review, person_factory, studio_factory):
    director = person_factory(name="Maren Holt")
    actor = person_factory(name="Zoë Marchetti")
    studio = studio_factory(name="Harbourlight Pictures")
    lantern = make_review(
        title="'The Lantern Keeper' Review: A Slow Burn",
        film_title="The Lantern Keeper",
        intro="<p>A quiet coastal drama about a lighthouse.</p>",
        directors=[director],
        cast=[(actor, "Ada Venn")],
        companies=[studio],
    )
    tide = make_review(
        title="'Low Tide' Review: Salt and Silence",
        film_title="Low Tide",
        intro="<p>A fishing village keeps a secret.</p>",
        cast=[(actor, "Mira")],
        companies=[studio],
    )
    other = make_review(
        title="'Neon Alley' Review: Loud and Bright",
        film_title="Neon Alley",
        intro="<p>A city thriller.</p>",
        body=[
            {"type": "synopsis", "value": {"text": "<p>A courier outruns a syndicate.</p>"}},
            {
                "type": "critique",
                "value": {"heading": "Pace", "text": "<p>Relentless chromatic montage.</p>"},
            },
            {"type": "final_statement", "value": {"text": "<p>Go for the chases.</p>"}},
        ],
    )
    make_review(
        title="'Hidden Harbourlight' Review: Draft",
        film_title="Hidden Harbourlight",
        companies=[studio],
        live=False,
    )
    return {"lantern": lantern, "tide": tide, "other": other}


def _search(client, query, **extra):
    response = client.get("/search/", {"q": query, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_headline_film_title_intro_and_section_text(client, catalogue):
    assert "Neon Alley" in _search(client, "Loud Bright")  # headline
    assert "Low Tide" in _search(client, "low tide")  # film title
    html = _search(client, "coastal")  # intro
    assert "The Lantern Keeper" in html and "Low Tide" not in html
    html = _search(client, "chromatic")  # critique text
    assert "Neon Alley" in html and "The Lantern Keeper" not in html
    assert "courier" in _search(client, "syndicate")  # synopsis text, shown in the excerpt


@needs_search_index
def test_searching_a_person_finds_every_review_crediting_them(client, catalogue):
    html = _search(client, "Marchetti")
    assert "The Lantern Keeper" in html and "Low Tide" in html
    assert "Neon Alley" not in html
    # The person is listed apart, linking to the filmography.
    people = html[html.index('id="people-heading"') : html.index('id="reviews-heading"')]
    assert 'href="/people/zo%C3%AB-marchetti/"' in people


@needs_search_index
def test_searching_a_studio_lists_it_and_its_live_reviews(client, catalogue):
    html = _search(client, "Harbourlight Pictures")
    assert "The Lantern Keeper" in html and "Low Tide" in html
    assert "Hidden Harbourlight" not in html  # a draft is never found
    studios = html[html.index('id="studios-heading"') : html.index('id="reviews-heading"')]
    assert 'href="/studios/harbourlight-pictures/"' in studios
    # A prefix finds the studio too (autocomplete on name).
    assert 'href="/studios/harbourlight-pictures/"' in _search(client, "Harbour")


@needs_search_index
def test_excerpt_shows_and_marks_the_matching_passage(client, catalogue):
    html = _search(client, "chromatic")
    assert "Relentless <mark>chromatic</mark> montage." in html
    html = _search(client, "Marchetti")
    assert "Zoë <mark>Marchetti</mark> (Ada Venn)" in html


@needs_search_index
def test_credits_added_later_are_found_after_republishing(client, make_review, person_factory):
    review = make_review(film_title="Quiet Fields")
    newcomer = person_factory(name="Oluwaseun Adeyemi")
    assert "Quiet Fields" not in _search(client, "Adeyemi")
    credit(review, cast=[(newcomer, "The Farmer")])
    publish(review)
    html = _search(client, "Adeyemi")
    assert "Quiet Fields" in html
    assert 'href="/people/oluwaseun-adeyemi/"' in html


def test_unpublished_people_are_not_listed(client, catalogue, person_factory):
    person_factory(name="Marchetti Uncredited")
    html = _search(client, "Marchetti")
    assert "Marchetti Uncredited" not in html


def test_name_matches_are_the_people_and_studios_credited_on_a_live_review(
    client, make_review, person_factory, studio_factory
):
    critic = person_factory(name="Quillon Critic")
    writer = person_factory(name="Quillon Writer")
    drafted = person_factory(name="Quillon Drafted")
    person_factory(name="Quillon Nobody")
    distributor = studio_factory(name="Quillon Releasing")
    drafted_studio = studio_factory(name="Quillon Drafted Studio")
    make_review(film_title="Published", author=critic, writers=[writer], distributor=distributor)
    make_review(film_title="Draft", writers=[drafted], companies=[drafted_studio], live=False)

    html = _search(client, "Quillon")

    groups = dict(re.findall(r'<h2 id="(people|studios)-heading">.*?<ul>(.*?)</ul>', html, re.S))
    listed = {group: re.findall(r">([^<]+)</a></li>", items) for group, items in groups.items()}
    assert sorted(listed["people"]) == ["Quillon Critic", "Quillon Writer"]
    assert listed["studios"] == ["Quillon Releasing"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "Type a film title"),
        ("   ", "Type a film title"),
        ("!!! ??? ... ''' \"\" ()[]{} <> & * ^ % $", "no letters or digits"),
        ("<script>alert(1)</script>", "No review matches"),
        ("x" * 10_000, "only its first 200 characters were used"),
        ("lantern " * 2_000, "only its first 12 words"),
        ('"unbalanced AND (OR NOT', "No review matches"),
        ("NEAR(a b) * col:value", "No review matches"),
    ],
)
def test_empty_or_absurd_queries_give_a_helpful_page(client, catalogue, query, message):
    html = _search(client, query)
    assert message in html
    assert "<script>alert" not in html


def test_no_match_says_so(client, catalogue):
    assert "No review matches “zebrafish”" in _search(client, "zebrafish")


def test_results_are_paginated(client, make_review, settings):
    settings.REVIEW_PAGES = {"PER_PAGE": 2}
    for number in range(5):
        make_review(film_title=f"Paged Pelican {number}")
    first = _search(client, "pelican")
    assert first.count('<article class="review-card') == 2
    assert "Page 1 of 3" in first
    assert "?q=pelican&amp;page=2" in first
    third = _search(client, "pelican", page=3)
    assert third.count('<article class="review-card') == 1
    assert _search(client, "pelican", page="zzz").count('<article class="review-card') == 2


def test_search_queries_do_not_grow_with_results(client, make_review, person_factory):
    def count():
        client.get("/search/", {"q": "gannet"})
        with CaptureQueriesContext(connection) as queries:
            client.get("/search/", {"q": "gannet"})
        return len(queries)

    make_review(
        film_title="Gannet 0",
        directors=[person_factory()],
        body=complete_body(performer_ids=[person_factory().pk]),
    )
    few = count()
    for number in range(1, 8):
        make_review(
            film_title=f"Gannet {number}",
            directors=[person_factory()],
            cast=[(person_factory(), "Role")],
            body=complete_body(performer_ids=[person_factory().pk]),
        )
    assert count() == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_search_matches_title_and_body_through_an_index():
    """The backend matches `title || body`; without an index on it every search re-reads
    every indexed review (migration 0006)."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny test table: ask for the plan
        cursor.execute(
            "EXPLAIN SELECT id FROM wagtailsearch_indexentry "
            "WHERE (title || body) @@ to_tsquery('simple', 'zeppelin')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "wagtailsearch_indexentry_title_body_gin" in plan, plan
