"""A review's related reviews are ranked once per change of the reviews (memoised like the
front page's count): the ranking query runs again after a publication, never between."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _rankings(client, url) -> tuple[str, int]:
    """(the page, how many ranking queries it ran)."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return page, sum("'related' AS kind" in q["sql"] for q in queries)


def test_the_ranking_is_read_once_per_change_of_the_reviews(client, make_review, person_factory):
    director = person_factory(name="Ada Director")
    review = make_review(film_title="First", directors=[director])
    make_review(film_title="Second", directors=[director])
    page, ranked = _rankings(client, review.url)
    assert "Second" in page.split("Related reviews", 1)[1] and ranked == 1
    client.get(f"{review.url}?again")  # another address of the same page: not stored yet
    assert _rankings(client, f"{review.url}?once-more")[1] == 0

    make_review(film_title="Third", directors=[director])  # a publication
    page, ranked = _rankings(client, f"{review.url}?after")
    assert "Third" in page.split("Related reviews", 1)[1] and ranked == 1
