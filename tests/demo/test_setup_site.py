"""`manage.py setup_site`: the demo's site root, demo reviews and admin login, once."""

import io

from django.core.management import call_command
from wagtail.models import Page

from review_pages.models import ReviewPage
from tests.support.importing import row_counts


def test_setup_site_loads_the_samples_once(index_page, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-test-password-1234")
    call_command("setup_site", stdout=io.StringIO())
    assert ReviewPage.objects.live().child_of(index_page).count() == 4
    assert ReviewPage.objects.live().search("Copper Saints")
    before = row_counts()
    out = io.StringIO()
    call_command("setup_site", stdout=out)
    assert "0 imported, 0 updated, 4 unchanged, 0 refused" in out.getvalue()
    assert row_counts() == before


def test_index_page_is_the_site_root(index_page):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_page_id == index_page.pk
    assert Page.objects.get(pk=index_page.pk).depth == 2


def test_every_demo_review_is_eligible_for_the_review_snippet(index_page, monkeypatch, client):
    """Google's review snippet needs the item's name, a Person author and a reviewRating
    with its best and worst ratings: every demo review has them."""
    import json
    import re

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-test-password-1234")
    call_command("setup_site", stdout=io.StringIO())
    reviews = ReviewPage.objects.live().child_of(index_page)
    assert reviews.count() == 4
    for review in reviews:
        html = client.get(review.url).content.decode()
        script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
        data = json.loads(script.group(1))
        assert data["itemReviewed"]["name"] == review.film_title
        assert data["author"]["@type"] == "Person" and data["author"]["name"]
        rating = data["reviewRating"]
        assert (rating["bestRating"], rating["worstRating"]) == (5, 0)
        assert 0 <= rating["ratingValue"] <= 5


def test_setup_site_makes_the_site_record_match_the_served_address(index_page, monkeypatch):
    from wagtail.models import Site

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-test-password-1234")
    out = io.StringIO()
    call_command("setup_site", "--no-demo", "--hostname", "127.0.0.1", "--port", "8123", stdout=out)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == ("127.0.0.1", 8123, index_page.pk)
    assert "Admin login for http://127.0.0.1:8123/admin/" in out.getvalue()
