"""Query counts stay the same however many reviews, credits and performers there are."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from people.models import Person, Studio
from review_pages.importing.indexing import deferred_indexing
from review_pages.models import ReviewPage
from tests.support.api_support import count_queries
from tests.support.factories import complete_body

V2_LISTING = "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit={limit}"
V3_LISTING = "/api/v3/reviews/?limit={limit}"


def _add_reviews(make_review, person_factory, studio_factory, number):
    """Reviews with their own director, writer, two cast members, studios and performers.

    Not search-indexed: these tests count the API's queries, and indexing 900 objects one
    save at a time is most of their set-up time (on PostgreSQL, over a minute per test).
    """
    with deferred_indexing(ReviewPage, Person, Studio):
        for _ in range(number):
            _add_review(make_review, person_factory, studio_factory)


def _add_review(make_review, person_factory, studio_factory):
    director, writer, lead, support = (person_factory() for _ in range(4))
    make_review(
        directors=[director],
        writers=[writer],
        cast=[(lead, "Lead"), (support, "Support")],
        companies=[studio_factory()],
        distributor=studio_factory(),
        author=person_factory(),
        body=complete_body([lead.pk, support.pk], critiques=2),
    )


@pytest.mark.parametrize("listing", [V2_LISTING, V3_LISTING], ids=["v2", "v3"])
def test_listing_costs_the_same_for_1_20_and_100_reviews(
    client, make_review, person_factory, studio_factory, listing
):
    counts, made = {}, 0
    for limit in (1, 20, 100):
        _add_reviews(make_review, person_factory, studio_factory, limit - made)
        made = limit
        counts[limit], response = count_queries(client, listing.format(limit=limit))
        items = response.json()["items"]
        assert len(items) == limit
        assert all(len(item["body"][1]["value"]["performers"]) == 2 for item in items)
        assert all(len(item["cast"]) == 2 and item["distributor"] for item in items)

    assert counts[1] == counts[20] == counts[100], counts


@pytest.mark.parametrize(
    "detail",
    ["/api/v2/pages/{pk}/", "/api/v3/reviews/{pk}/", "/api/v3/pages/{pk}/"],
    ids=["v2", "v3", "wagtail-v3"],
)
def test_detail_costs_the_same_for_2_and_40_cast_members(
    client, make_review, person_factory, detail
):
    def review_with_cast(size):
        cast = [person_factory() for _ in range(size)]
        return make_review(
            cast=[(person, f"Part {n}") for n, person in enumerate(cast)],
            body=complete_body([person.pk for person in cast]),
        )

    small, large = review_with_cast(2), review_with_cast(40)

    small_count, small_response = count_queries(client, detail.format(pk=small.pk))
    large_count, large_response = count_queries(client, detail.format(pk=large.pk))

    assert len(large_response.json()["cast"]) == 40
    assert len(large_response.json()["body"][1]["value"]["performers"]) == 40
    assert small_count == large_count


def test_performers_of_a_whole_listing_cost_no_query_of_their_own(
    client, make_review, person_factory, studio_factory
):
    """v3: they come in the credits' one query, for a listing of reviews naming performers
    as for one naming none."""
    _add_reviews(make_review, person_factory, studio_factory, 3)
    with_performers, response = count_queries(client, V3_LISTING.format(limit=3))
    assert all(item["body"][1]["value"]["performers"] for item in response.json()["items"])
    make_review(body=complete_body([]))
    # The newest review names no performer; the listing of 1 shows only it.
    none, _ = count_queries(client, V3_LISTING.format(limit=1))
    assert none == with_performers


@pytest.mark.parametrize("kind", ["listing", "detail"])
def test_v2_reads_the_view_restrictions_once_and_not_joined_to_pages(client, make_review, kind):
    """Wagtail reads them twice per request, joined to their pages: on SQLite, a read of
    every page whatever the number of restrictions (0.9 ms each at 10,000 reviews)."""
    review = make_review()
    url = V2_LISTING.format(limit=20) if kind == "listing" else f"/api/v2/pages/{review.pk}/"
    with override_settings(REVIEW_PAGES={"CACHE_SECONDS": 0}):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200
    restriction_reads = [
        query["sql"]
        for query in queries.captured_queries
        if "wagtailcore_pageviewrestriction" in query["sql"]  # quoted "" or `` by backend
    ]
    assert len(restriction_reads) == 1, restriction_reads
    assert "JOIN" not in restriction_reads[0]


@pytest.mark.parametrize("kind", ["listing", "detail"])
def test_v2_reads_the_performers_with_the_credits(client, make_review, person_factory, kind):
    """The people named in the performance sections come in the credits' query: a review
    naming performers costs the same queries as one naming none."""
    lead = person_factory(name="Ada Performer")

    def cost(review):
        if kind == "listing":
            return count_queries(client, V2_LISTING.format(limit=1))
        return count_queries(client, f"/api/v2/pages/{review.pk}/")

    without, _ = cost(make_review(body=complete_body([])))
    # The newest: the listing of 1 now shows it.
    with_performer, response = cost(make_review(body=complete_body([lead.pk])))

    body = response.json()["items"][0]["body"] if kind == "listing" else response.json()["body"]
    assert body[1]["value"]["performers"][0]["name"] == "Ada Performer"
    assert with_performer == without
