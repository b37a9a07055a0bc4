"""A listing's memoised count is keyed by what it counts (its FROM and WHERE), not by the
columns it shows: the same reviews read with other columns share it, other filters do not,
and a publication gives every key a new count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from review_pages import shown
from review_pages.models import ReviewPage

REVIEWS = shown.Shown(lists={shown.REVIEWS})


def _count(queryset) -> tuple[int, int]:
    """(the count, how many COUNT queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        count = shown.with_memoised_count(queryset, REVIEWS).count()
    return count, sum("COUNT(" in q["sql"] for q in queries)


def test_a_count_is_shared_by_listings_of_the_same_reviews(make_review, person_factory):
    critic = person_factory()
    make_review(film_title="First", author=critic, mpa_rating="R")
    make_review(film_title="Second", mpa_rating="PG")
    listing = ReviewPage.objects.public_now().newest_first()

    assert _count(listing.with_listing_data()) == (2, 1)
    assert _count(listing.select_related("distributor")) == (2, 0)  # other columns, same rows
    assert _count(listing.filter(mpa_rating="R")) == (1, 1)  # another filter, its own count
    assert _count(listing.filter(author=critic).with_listing_data()) == (1, 1)

    make_review(film_title="Third", mpa_rating="R")  # its publication bumps the reviews' tag
    assert _count(listing.with_listing_data()) == (3, 1)
    assert _count(listing.filter(mpa_rating="R")) == (2, 1)
