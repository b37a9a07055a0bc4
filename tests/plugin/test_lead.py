"""The front page's lead: the featured review, else the newest with a poster and a score;
one without them never leads while one with them exists."""

import pytest
from django.test import override_settings

from tests.support.api_support import count_queries
from tests.support.images import make_poster

pytestmark = pytest.mark.django_db


def lead_of(client, url="/") -> str:
    html = client.get(url).content.decode()
    if "review-card--lead" not in html:
        return ""
    lead = html.split("review-card--lead", 1)[1].split("</article>", 1)[0]
    return lead.split('class="film-title">', 1)[1].split("<", 1)[0]


@pytest.fixture
def worthy(make_review):
    def make(film_title, **fields):
        return make_review(
            film_title=film_title, poster=make_poster(film_title), score="4", **fields
        )

    return make


def test_the_newest_review_with_a_poster_and_a_score_leads(client, make_review, worthy):
    worthy("Older Worthy")
    worthy("Worthy")
    make_review(film_title="Poster Only", poster=make_poster("Poster Only"))
    make_review(film_title="Score Only", score="5")
    make_review(film_title="Neither")
    html = client.get("/").content.decode()
    assert lead_of(client) == "Worthy"
    assert '<h2 id="lead-heading" class="section-label">Latest review</h2>' in html
    # Listed once: the newest without them stays first in the list below.
    below = html.split('id="list-heading"', 1)[1]
    assert below.index("Neither") < below.index("Score Only") < below.index("Older Worthy")
    assert "Worthy</span>" not in below.replace("Older Worthy", "")


def test_a_featured_review_leads_even_without_poster_or_score(client, make_review, worthy):
    make_review(film_title="Chosen", featured=True)
    worthy("Newer Worthy")
    html = client.get("/").content.decode()
    assert lead_of(client) == "Chosen"
    assert '<h2 id="lead-heading" class="section-label">Featured review</h2>' in html


def test_of_two_featured_reviews_the_newer_leads(client, worthy, make_review):
    worthy("Old Featured", featured=True)
    make_review(film_title="New Featured", featured=True)
    worthy("Newest Worthy")
    assert lead_of(client) == "New Featured"


def test_without_a_review_with_both_the_newest_leads(client, make_review):
    make_review(film_title="First", score="3")
    make_review(film_title="Second", poster=make_poster("Second"))
    assert lead_of(client) == "Second"


@override_settings(REVIEW_PAGES={"PER_PAGE": 2})
def test_the_lead_is_found_beyond_the_first_page_of_reviews(client, make_review, worthy):
    worthy("Deep Worthy")
    for number in range(4):
        make_review(film_title=f"Plain {number}")
    assert lead_of(client) == "Deep Worthy"
    # Only the first page of the unfiltered front page has a lead.
    assert lead_of(client, "/?page=2") == ""
    assert lead_of(client, "/?rating=PG-13") == ""


def test_a_draft_or_expired_review_with_both_does_not_lead(client, make_review, worthy):
    worthy("Unseen", live=False)
    make_review(film_title="Public")
    assert lead_of(client) == "Public"


def test_the_lead_costs_the_same_queries_whichever_review_it_is(client, make_review, worthy):
    worthy("Worthy")
    make_review(film_title="Plain")
    lead_listed, response = count_queries(client, "/")
    assert "Worthy" in response.content.decode().split("review-card--lead", 1)[1][:1500]
    make_review(film_title="Featured", featured=True)
    featured, _ = count_queries(client, "/")
    assert lead_listed == featured
