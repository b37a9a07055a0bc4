"""Critics: `critics/` lists everyone who wrote a public review (photo, bio, how many), each
links to `critics/<slug>/` (photo, bio, their reviews with scores, paginated, their feed,
their JSON-LD Person), linked from the review's byline; a fixed number of queries; in the
sitemap; refreshed in the response cache when one of theirs is published."""

# ruff: noqa: S314 - the XML parsed here is the site's own output under test

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import feedparser
import pytest

from tests.support.api_support import count_queries
from tests.support.images import make_image

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


def critic_names(html: str) -> list[str]:
    return re.findall(r'<h2 class="critic-card__name"><a href="[^"]+">([^<]+)</a></h2>', html)


@pytest.fixture
def critics(make_review, person_factory):
    """Ada (photo, bio, two reviews), Ben (one review), Cy (a draft only), Dee (cast only)."""
    ada = person_factory(name="Ada Critic", bio="<p>Writes about <b>noir</b>.</p>")
    ada.photo = make_image("Ada's photo", size=(400, 400), name="ada.png")
    ada.save()
    ben = person_factory(name="Ben Critic")
    cy = person_factory(name="Cy Drafts")
    dee = person_factory(name="Dee Actor")
    make_review(film_title="Ada One", author=ada, score=Decimal("3.5"))
    make_review(film_title="Ada Two", author=ada, score=Decimal("4.5"), cast=[(dee, "Lead")])
    make_review(film_title="Ben One", author=ben)
    make_review(film_title="Cy Unpublished", author=cy, live=False)
    return {"ada": ada, "ben": ben, "cy": cy, "dee": dee}


def test_critics_lists_each_critic_with_photo_bio_and_review_count(client, critics):
    response = client.get("/critics/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Critics</h1>" in html
    assert critic_names(html) == ["Ada Critic", "Ben Critic"]  # by name; no draft, no cast
    assert '<a href="/critics/ada-critic/">Ada Critic</a>' in html
    assert "2 reviews" in html and "1 review<" in html
    assert "Writes about <b>noir</b>." in html
    ada_card = html[html.index("Ada Critic") - 600 : html.index("Ben Critic")]
    assert "<picture>" in ada_card and 'alt=""' in ada_card  # the name beside it says who
    assert '<link rel="canonical" href="http://localhost/critics/">' in html


def test_a_critics_page_shows_photo_bio_reviews_with_scores_and_feed(client, critics):
    response = client.get("/critics/ada-critic/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Ada Critic</h1>" in html
    assert 'alt="Photo of Ada Critic"' in html
    assert "Writes about <b>noir</b>." in html
    assert "Reviews by Ada Critic" in html and '<span class="count">(2)</span>' in html
    assert re.findall(r'<span class="film-title">([^<]+)</span>', html) == ["Ada Two", "Ada One"]
    assert "4.5 out of 5" in html and "3.5 out of 5" in html
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Reviews by Ada Critic (RSS)" '
        'href="/critics/ada-critic/feed/">' in html
    )
    assert 'href="/critics/ada-critic/feed/" type="application/rss+xml">RSS feed' in html


def test_a_critics_reviews_are_paginated(client, critics, make_review, settings):
    settings.REVIEW_PAGES = {**getattr(settings, "REVIEW_PAGES", {}), "PER_PAGE": 2}
    make_review(film_title="Ada Three", author=critics["ada"])

    first = client.get("/critics/ada-critic/").content.decode()
    second = client.get("/critics/ada-critic/?page=2").content.decode()

    assert re.findall(r'class="film-title">([^<]+)<', first) == ["Ada Three", "Ada Two"]
    assert re.findall(r'class="film-title">([^<]+)<', second) == ["Ada One"]
    assert "Page 1 of 2" in first and 'rel="next" href="?page=2"' in first


@pytest.mark.parametrize(
    "path",
    [
        "/critics/cy-drafts/",  # only a draft
        "/critics/dee-actor/",  # credited, but never the critic
        "/critics/nobody/",
        "/critics/cy-drafts/feed/",
        "/critics/nobody/feed/",
    ],
)
def test_someone_without_a_public_review_has_no_critics_page(client, critics, path):
    assert client.get(path).status_code == 404


def test_a_critics_feed_is_valid_rss_of_their_reviews_newest_first(client, critics):
    response = client.get("/critics/ada-critic/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Reviews by Ada Critic · Latest reviews"
    assert parsed.feed.link == "http://localhost/critics/ada-critic/"
    assert parsed.feed.description == "Writes about noir."
    assert [entry.title for entry in parsed.entries] == [
        "'Ada Two' Review: A test headline",
        "'Ada One' Review: A test headline",
    ]
    channel = ET.fromstring(response.content).find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == "http://localhost/critics/ada-critic/feed/"


def test_the_byline_and_json_ld_lead_to_the_critics_page_and_its_person(client, critics):
    review_url = critics["ada"].authored_reviews.get(title__contains="Ada One").url
    review_html = client.get(review_url).content.decode()
    assert '<a href="/critics/ada-critic/" rel="author">Ada Critic</a>' in review_html
    author = json.loads(JSON_LD.search(review_html).group(1))["author"]

    html = client.get("/critics/ada-critic/").content.decode()
    (script,) = JSON_LD.findall(html)
    data = json.loads(script)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == "Ada Critic"
    assert person["url"] == data["url"] == author["url"] == "http://localhost/critics/ada-critic/"
    assert person["description"] == "Writes about noir."
    assert person["image"].startswith("http://localhost/media/images/")
    assert '<link rel="canonical" href="http://localhost/critics/ada-critic/">' in html


def test_the_sitemap_lists_the_critics_and_their_pages(client, critics):
    sitemap = client.get("/sitemap.xml").content.decode()
    for url in ("/critics/", "/critics/ada-critic/", "/critics/ben-critic/"):
        assert f"<loc>http://localhost{url}</loc>" in sitemap
    assert "/critics/cy-drafts/" not in sitemap and "/critics/dee-actor/" not in sitemap


def test_the_critics_pages_cost_the_same_queries_for_one_or_many(
    client, make_review, person_factory
):
    """1 critic with 1 review, then 15 critics (with photos and bios) and 15 reviews."""
    critics, counts = [], {}
    for size in (1, 15):
        while len(critics) < size:
            critic = person_factory(name=f"Critic {len(critics):02d}", bio="<p>Bio.</p>")
            critic.photo = make_image(f"photo {len(critics)}", size=(300, 300))
            critic.save()
            make_review(author=critic, poster=make_image(f"poster {len(critics)}"))
            critics.append(critic)
        while critics[0].authored_reviews.count() < size:
            make_review(author=critics[0], poster=make_image("another poster"))
        listing, response = count_queries(client, "/critics/")
        assert len(critic_names(response.content.decode())) == size
        page, response = count_queries(client, f"/critics/{critics[0].slug}/")
        assert response.content.decode().count('<article class="review-card') == min(size, 12)
        feed, _ = count_queries(client, f"/critics/{critics[0].slug}/feed/")
        counts[size] = (listing, page, feed)
    assert counts[1] == counts[15], counts


def test_a_new_review_by_a_critic_refreshes_their_pages_and_no_other_critics(
    client, critics, make_review
):
    for path in ("/critics/", "/critics/ada-critic/", "/critics/ben-critic/"):
        client.get(path)
        assert client.get(path)["X-Cache"] == "hit"

    make_review(film_title="Ada Fresh", author=critics["ada"])

    listing = client.get("/critics/")
    assert listing["X-Cache"] == "miss" and "3 reviews" in listing.content.decode()
    page = client.get("/critics/ada-critic/")
    assert page["X-Cache"] == "miss" and "Ada Fresh" in page.content.decode()
    assert client.get("/critics/ben-critic/")["X-Cache"] == "hit"


def test_a_stock_wagtail_base_still_gets_the_critics_json_ld_in_the_body(client, critics, settings):
    from pathlib import Path

    stock = Path(__file__).parents[1] / "testproject" / "stock_templates"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [stock]}]
    html = client.get("/critics/ada-critic/").content.decode()
    head, body = html.split("</head>", 1)
    assert JSON_LD.findall(head) == []
    (script,) = JSON_LD.findall(body)
    assert json.loads(script)["mainEntity"]["name"] == "Ada Critic"
    assert "review_pages/discovery.css" in body
    assert critic_names(client.get("/critics/").content.decode()) == ["Ada Critic", "Ben Critic"]
