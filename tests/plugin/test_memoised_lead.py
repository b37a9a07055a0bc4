"""The front page's lead is read once per change of the reviews (memoised like the count and
the years): a publication or an unpublication that changes it shows at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _lead(client, index_page) -> tuple[str, int]:
    """(the lead card's text, the queries reading the featured reviews)."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(index_page.url).content.decode()
    lead = page.split("review-card--lead", 1)[1][:1500]
    # MySQL quotes names with backticks.
    reads = sum('"featured" IN' in q["sql"].replace("`", '"') for q in queries)
    return lead, reads


def test_the_lead_is_read_once_per_change_of_the_reviews(client, index_page, make_review):
    make_review(film_title="Older")
    newest = make_review(film_title="Newest")
    lead, reads = _lead(client, index_page)
    assert "Newest" in lead and reads == 1
    _lead(client, index_page)
    client.get(f"{index_page.url}?rating=R")  # a filtered page has no lead
    assert _lead(client, index_page)[1] == 0  # stored, not read again

    chosen = make_review(film_title="Chosen", featured=True)  # a publication
    lead, reads = _lead(client, index_page)
    assert "Chosen" in lead and reads == 1
    chosen.unpublish()
    lead, _reads = _lead(client, index_page)
    assert "Newest" in lead and newest.film_title in lead
