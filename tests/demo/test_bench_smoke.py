"""The benchmark catalogue generator (bench/catalogue.py) writes reviews the site can serve.

It bypasses Wagtail's page-creation path for speed, so this keeps it honest: tree, revisions,
credits and search index must be what Wagtail itself would have written.
"""

from wagtail.models import Page, Revision

from bench.catalogue import BENCH_PERSON_SLUG, CAST_SIZE, SEARCH_WORD, SYNOPSIS_WORD, generate
from review_pages.models import ReviewPage


def test_generated_reviews_are_consistent_and_served(client, index_page):
    catalogue = generate(5, people=40, studios=8, index_page=index_page)

    reviews = list(ReviewPage.objects.filter(pk__in=catalogue.review_ids).order_by("path"))
    assert len(reviews) == 5
    index = Page.objects.get(pk=index_page.pk)
    assert index.numchild == index.get_children().count() == 5
    assert [r.get_parent().pk for r in reviews] == [index_page.pk] * 5
    problems = Page.find_problems()
    assert all(not group for group in problems), problems

    for review in reviews:
        assert review.live and not review.has_unpublished_changes
        assert review.latest_revision_id == review.live_revision_id
        assert Revision.objects.filter(object_id=str(review.pk)).count() == 1
        stored = review.latest_revision.as_object()
        assert stored.film_title == review.film_title
        assert stored.cast.count() == CAST_SIZE
        assert review.directors.count() == review.writers.count() == 1
        assert review.cast.count() == CAST_SIZE
        assert review.production_companies.count() == 2
        assert 1 <= review.genres.count() <= 2

        page = client.get(review.url)
        assert page.status_code == 200
        assert review.film_title in page.content.decode()
        assert client.get(f"/api/v3/reviews/{review.pk}/").json()["film_title"] == review.film_title

    listing = client.get("/api/v2/pages/?type=review_pages.ReviewPage&fields=*").json()
    assert {item["id"] for item in listing["items"]} == set(catalogue.review_ids)
    assert all(len(item["cast"]) == CAST_SIZE for item in listing["items"])

    # At 5 reviews every one credits the benchmark person and carries both search words.
    filmography = client.get(f"/people/{BENCH_PERSON_SLUG}/").content.decode()
    assert all(review.film_title in filmography for review in reviews)
    found = client.get(f"/search/?q={SEARCH_WORD}").content.decode()
    assert all(review.film_title in found for review in reviews)
    in_synopses = client.get(f"/search/?q={SYNOPSIS_WORD}").content.decode()
    assert all(review.film_title in in_synopses for review in reviews)
