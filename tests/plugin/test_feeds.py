"""RSS feed, sitemap and robots.txt: how feed readers and search engines find reviews."""
# ruff: noqa: S314 - the XML parsed here is the site's own output under test

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_feed_is_rss_2_with_the_latest_live_reviews(client, make_review):
    make_review(
        title="'Older' Review: Still Good",
        film_title="Older",
        intro="<p>An <b>older</b> film &amp; its fans.</p>",
    )
    make_review(title="'Newer' Review: Fresh", film_title="Newer")
    make_review(title="'Draft' Review: Unseen", film_title="Draft", live=False)
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("link") == "http://localhost/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "'Newer' Review: Fresh",
        "'Older' Review: Still Good",
    ]
    older = items[1]
    assert older.findtext("link") == "http://localhost/older-review-still-good/"
    assert older.findtext("guid") == "http://localhost/older-review-still-good/"
    assert older.find("guid").get("isPermaLink") == "true"
    assert older.findtext("description") == "An older film & its fans."
    published = parsedate_to_datetime(older.findtext("pubDate"))
    assert abs(published - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(hours=1)


def test_feed_holds_at_most_twenty_reviews(client, make_review):
    for number in range(22):
        make_review(film_title=f"Feed Film {number}")
    root = ET.fromstring(client.get("/feed/").content)
    items = root.find("channel").findall("item")
    assert len(items) == 20
    assert items[0].findtext("title").startswith("'Feed Film 21'")


def test_empty_feed_is_still_valid(client, index_page):
    root = ET.fromstring(client.get("/feed/").content)
    assert root.find("channel").findall("item") == []


def test_pages_advertise_the_feed(client, make_review):
    review = make_review(film_title="Linked")
    for url in ["/", review.url, "/search/?q=linked"]:
        html = client.get(url).content.decode()
        assert (
            '<link rel="alternate" type="application/rss+xml" '
            'title="Latest reviews (RSS)" href="/feed/">' in html
        ), url


def test_sitemap_lists_live_reviews_and_credited_filmographies(
    client, make_review, person_factory, studio_factory
):
    actor = person_factory(name="Inés Valdés")
    studio = studio_factory(name="Kestrel Works")
    person_factory(name="Uncredited Person")
    hidden = person_factory(name="Only In Drafts")
    make_review(
        title="'Mapped' Review: Found",
        film_title="Mapped",
        cast=[(actor, "Ruiz")],
        distributor=studio,
    )
    make_review(
        title="'Unmapped' Review: Draft", film_title="Unmapped", live=False, directors=[hidden]
    )
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert "http://localhost/" in locations
    assert "http://localhost/mapped-review-found/" in locations
    assert "http://localhost/people/in%C3%A9s-vald%C3%A9s/" in locations
    assert "http://localhost/studios/kestrel-works/" in locations
    assert not any("unmapped" in loc for loc in locations)
    assert not any("uncredited" in loc or "only-in-drafts" in loc for loc in locations)
    assert len(locations) == len(set(locations))
