"""What a feed reader gets from the feeds: the critic, the score, the poster with its size,
the genres, the standfirst; a feed per genre; every feed valid and linked from its page."""
# ruff: noqa: S314 - the XML parsed here is the site's own output under test

import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.support.api_support import count_queries
from tests.support.factories import GenreFactory, add_genres, publish
from tests.support.images import make_poster

pytestmark = pytest.mark.django_db

NS = {"dc": "http://purl.org/dc/elements/1.1/", "media": "http://search.yahoo.com/mrss/"}


def parsed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def rich_review(make_review, person_factory):
    review = make_review(
        title="'Night Run' Review: Breathless",
        film_title="Night Run",
        intro="<p>A <b>taut</b> chase &amp; a fine lead.</p>",
        author=person_factory(name="Cora Critic"),
        score="4.5",
        mpa_rating="R",
        poster=make_poster("Night Run"),
        live=False,
    )
    add_genres(review, [GenreFactory(name="Thriller"), GenreFactory(name="Drama")])
    return publish(review)


def test_a_main_feed_item_carries_critic_score_poster_genres_and_standfirst(client, rich_review):
    response = client.get("/feed/")
    feed = parsed(response)
    entry = feed.entries[0]
    assert entry.title == "'Night Run' Review: Breathless"
    assert entry.author == "Cora Critic"
    assert [tag.term for tag in entry.tags] == ["Thriller", "Drama"]
    assert entry.summary == "Score: 4.5/5. A taut chase & a fine lead."
    poster = entry.media_content[0]
    assert poster["medium"] == "image" and poster["type"] == "image/jpeg"
    assert poster["url"].startswith("http://localhost/") and poster["url"].endswith(".jpg")
    assert (poster["width"], poster["height"]) == ("600", "900")

    item = ET.fromstring(response.content).find("channel/item")
    assert item.findtext("dc:creator", namespaces=NS) == "Cora Critic"
    assert item.find("media:community/media:starRating", NS).attrib == {
        "average": "4.5",
        "min": "0",
        "max": "5",
    }
    assert item.findtext("media:rating", namespaces=NS) == "r"
    assert item.find("media:rating", NS).get("scheme") == "urn:mpaa"


def test_an_item_without_critic_score_poster_or_genres_is_still_valid(client, make_review):
    make_review(title="'Bare' Review: Plain", film_title="Bare", mpa_rating="NR")
    response = client.get("/feed/")
    entry = parsed(response).entries[0]
    assert entry.summary == "A short standfirst."
    assert "author" not in entry and "tags" not in entry and "media_content" not in entry
    assert b"media:rating" not in response.content  # "not rated" is no rating


def test_the_dublin_core_and_media_namespaces_are_declared_once_on_the_root(client, rich_review):
    content = client.get("/feed/").content.decode()
    root = content.split("<channel>", 1)[0]
    assert 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in root
    assert 'xmlns:media="http://search.yahoo.com/mrss/"' in root
    assert content.count("xmlns:dc=") == 1


def test_a_genre_has_its_own_valid_feed_linked_from_its_page(client, rich_review, make_review):
    make_review(title="'No Genre' Review: Elsewhere", film_title="No Genre")
    page = client.get("/genres/thriller/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Thriller reviews (RSS)" '
        'href="/genres/thriller/feed/">' in page
    )
    assert '<a href="/genres/thriller/feed/" type="application/rss+xml">' in page
    feed = parsed(client.get("/genres/thriller/feed/"))
    assert feed.feed.title.startswith("Thriller")
    assert feed.feed.link == "http://localhost/genres/thriller/"
    assert [entry.title for entry in feed.entries] == ["'Night Run' Review: Breathless"]


def test_the_main_feed_is_linked_from_the_front_page_and_reviews(client, rich_review):
    for url in ("/", rich_review.url, "/genres/thriller/"):
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Latest reviews (RSS)" '
            'href="/feed/">' in client.get(url).content.decode()
        ), url


def test_the_feed_costs_the_same_for_one_review_and_twenty(client, make_review, person_factory):
    def rich(number):
        review = make_review(
            film_title=f"Feed {number}",
            author=person_factory(),
            poster=make_poster(f"Feed {number}"),
            score="3",
            live=False,
        )
        add_genres(review, [GenreFactory()])
        publish(review)

    rich(0)
    one, _ = count_queries(client, "/feed/")
    for number in range(1, 20):
        rich(number)
    twenty, response = count_queries(client, "/feed/")
    assert len(parsed(response).entries) == 20
    assert one == twenty


def test_a_critics_feed_carries_the_same_rich_items(client, rich_review):
    feed = parsed(client.get("/critics/cora-critic/feed/"))
    entry = feed.entries[0]
    assert feed.feed.title.startswith("Reviews by Cora Critic")
    assert entry.author == "Cora Critic"
    assert [tag.term for tag in entry.tags] == ["Thriller", "Drama"]
    assert entry.media_content[0]["type"] == "image/jpeg"
    assert entry.summary.startswith("Score: 4.5/5.")
