"""The publication as readers see it: a lead review, cards with verdicts, the review's
verdict and byline, filmographies with each film once, critics' pages, valid times and
descriptions that read as prose."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review_pages.text import plain_text
from tests.support.images import make_poster

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)
# The HTML standard's valid global date-and-time: at most 3 digits of a second.
VALID_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$"
)


def cards(html: str) -> list[str]:
    return re.findall(r'<article class="review-card.*?</article>', html, re.S)


def test_the_newest_review_leads_the_front_page_and_is_not_listed_again(client, make_review):
    make_review(film_title="Older Film")
    make_review(film_title="Newest Film")
    html = client.get("/").content.decode()
    lead = re.search(r'<section class="front-lead".*?</section>', html, re.S).group(0)
    assert "Latest review" in lead and "Newest Film" in lead
    listed = re.search(r'<section class="review-list-section".*?</section>', html, re.S).group(0)
    assert "Older Film" in listed and "Newest Film" not in listed


def test_a_featured_review_leads_instead_of_the_newest(client, make_review):
    make_review(film_title="Chosen Film", featured=True)
    make_review(film_title="Newest Film")
    html = client.get("/").content.decode()
    lead = re.search(r'<section class="front-lead".*?</section>', html, re.S).group(0)
    assert "Featured review" in lead and "Chosen Film" in lead and "Newest Film" not in lead


def test_the_newest_featured_review_leads_even_from_beyond_the_first_page(
    client, make_review, settings
):
    settings.REVIEW_PAGES = {**getattr(settings, "REVIEW_PAGES", {}), "PER_PAGE": 3}
    make_review(film_title="Featured Long Ago", featured=True)
    make_review(film_title="Featured Lately", featured=True)
    for number in range(4):
        make_review(film_title=f"Recent {number}")
    html = client.get("/").content.decode()
    lead = re.search(r'<section class="front-lead".*?</section>', html, re.S).group(0)
    assert "Featured Lately" in lead and "Featured Long Ago" not in lead
    listed = re.search(r'<section class="review-list-section".*?</section>', html, re.S).group(0)
    assert [title for title in ("Recent 3", "Recent 2", "Recent 1") if title in listed] == [
        "Recent 3",
        "Recent 2",
        "Recent 1",
    ]
    assert "Featured Lately" not in listed and "Recent 0" not in listed


def test_filtered_lists_and_later_pages_have_no_lead(client, make_review):
    make_review(film_title="Rated R", mpa_rating="R")
    assert 'class="front-lead"' not in client.get("/?rating=R").content.decode()
    assert 'class="front-lead"' in client.get("/").content.decode()


def test_a_card_shows_film_headline_critic_verdict_rating_and_publication_date(
    client, make_review, person_factory
):
    review = make_review(
        film_title="Carded",
        title="'Carded' Review: Every Fact on the Card",
        mpa_rating="PG-13",
        release_date=datetime.date(1999, 1, 2),
        author=person_factory(name="Ada Critic"),
        score=Decimal("3.5"),
    )
    make_review(film_title="Newer")  # so that "Carded" is an ordinary card
    card = next(c for c in cards(client.get("/").content.decode()) if "Carded" in c)
    assert "&#x27;Carded&#x27; Review: Every Fact on the Card" in card
    assert "By Ada Critic" in card
    assert '<span class="rating" title="MPA rating">PG-13</span>' in card
    assert 'class="stars stars--7"' in card and "3.5 out of 5" in card
    published = review.first_published_at.strftime("%B %-d, %Y")
    assert published in card and "January 2, 1999" not in card  # publication, not release
    assert re.search(r'<time datetime="([^"]+)"', card).group(1) == (
        review.first_published_at.replace(microsecond=0).isoformat()
    )


def test_every_time_element_has_a_valid_datetime(client, make_review):
    review = make_review(film_title="Timed")
    for url in ("/", review.url):
        html = client.get(url).content.decode()
        values = re.findall(r'<time datetime="([^"]+)"', html)
        assert values
        for value in values:
            assert (
                VALID_DATETIME.match(value)
                or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
                or re.fullmatch(r"PT(\d+H)?(\d+M)?", value)
            ), value


def test_the_review_shows_its_verdict_and_links_the_critic(client, make_review, person_factory):
    critic = person_factory(name="Ada Critic")
    review = make_review(film_title="Judged", author=critic, score=Decimal("4.5"))
    html = client.get(review.url).content.decode()
    header = re.search(r'<header class="review__header">.*?</header>', html, re.S).group(0)
    assert "verdict--large" in header and "4.5 out of 5" in header
    # The byline names the critic and links their page (critics/<slug>/).
    assert '<a href="/critics/ada-critic/" rel="author">Ada Critic</a>' in header
    # The compact facts line (shown on phones) under the standfirst.
    facts_line = re.search(r'<p class="review__facts-line">.*?</p>', header, re.S).group(0)
    assert "PG-13" in facts_line and "1 h 38 min" in facts_line and "2025" in facts_line
    # The final statement is set apart as the verdict, with the stars again.
    final = re.search(r'<section class="section section--final".*?</section>', html, re.S)
    assert "Verdict" in final.group(0) and "4.5 out of 5" in final.group(0)
    # The full facts box follows the review body (a phone reads the review first).
    assert html.index('class="review__body"') < html.index('<aside class="facts"')


def test_a_review_without_a_score_shows_no_stars(client, make_review):
    html = client.get(make_review(film_title="Unscored").url).content.decode()
    assert 'class="stars' not in html and "out of 5" not in html


def test_a_filmography_lists_each_film_once_with_all_its_roles(client, make_review, person_factory):
    person = person_factory(name="Rhea Multitask", bio="<p>Directs, writes and acts.</p>")
    person.photo = make_poster("Rhea")
    person.save()
    make_review(
        film_title="All Hands",
        release_date=datetime.date(2024, 5, 1),
        directors=[person],
        writers=[person],
        cast=[(person, "Winston")],
        poster=make_poster("All Hands"),
    )
    make_review(film_title="Newer Role", release_date=datetime.date(2025, 5, 1), writers=[person])
    html = client.get("/people/rhea-multitask/").content.decode()
    assert html.count("&#x27;All Hands&#x27; Review") == 1
    assert "Director, Writer · as Winston" in html
    assert html.index("Newer Role") < html.index("All Hands")  # newest first
    assert "Directs, writes and acts." in html
    assert 'alt="Photo of Rhea Multitask"' in html
    assert 'alt="Poster for All Hands"' in html


def test_a_critics_page_lists_the_reviews_they_wrote(client, make_review, person_factory):
    critic = person_factory(name="Ada Critic")
    make_review(film_title="First Take", author=critic)
    make_review(film_title="Second Take", author=critic)
    html = client.get("/people/ada-critic/").content.decode()
    assert "Reviews by Ada Critic" in html and "Filmography" not in html
    assert html.index("Second Take") < html.index("First Take")  # newest first
    assert '<meta name="description" content="Film reviews by Ada Critic' in html


def test_a_studio_page_lists_each_film_once(client, make_review, studio_factory):
    studio = studio_factory(name="Both Ways Films")
    make_review(film_title="Made And Sold", companies=[studio], distributor=studio)
    html = client.get("/studios/both-ways-films/").content.decode()
    assert html.count("&#x27;Made And Sold&#x27; Review") == 1
    assert "Production company, Distributor" in html


def test_filmography_queries_stay_constant_with_posters_and_critics(
    client, make_review, person_factory
):
    person = person_factory(name="Busy Critic")
    make_review(directors=[person], author=person_factory(), poster=make_poster("a"))

    def queries():
        client.get("/people/busy-critic/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/people/busy-critic/")
        return len(captured)

    few = queries()
    for number in range(5):
        make_review(directors=[person], author=person, poster=make_poster(f"p{number}"))
    assert queries() == few


def test_descriptions_keep_a_space_between_paragraphs(client, make_review):
    review = make_review(film_title="Spaced", intro="<p>It has nowhere to go.</p><p>This is.</p>")
    assert plain_text(review.intro) == "It has nowhere to go. This is."
    html = client.get(review.url).content.decode()
    assert '<meta name="description" content="It has nowhere to go. This is.">' in html
    data = json.loads(JSON_LD.findall(html)[0])
    assert data["description"] == "It has nowhere to go. This is."
    feed = client.get("/feed/").content.decode()
    assert "It has nowhere to go. This is." in feed


def test_a_film_not_rated_has_no_content_rating(client, make_review):
    review = make_review(film_title="Unrated", mpa_rating="NR", mpa_rating_reason="")
    data = json.loads(JSON_LD.findall(client.get(review.url).content.decode())[0])
    assert "contentRating" not in data["itemReviewed"]


def test_the_front_page_has_a_meta_description(client, make_review):
    make_review(film_title="Any")
    html = client.get("/").content.decode()
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
