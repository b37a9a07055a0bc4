"""Share links that need no third-party script, and the reading time: on the review page
and in both APIs (`reading_minutes`), computed from the body already loaded."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders

from review_pages.models import ReviewPage
from review_pages.text import reading_minutes, word_count

pytestmark = pytest.mark.django_db


def _body(words: int) -> list[dict]:
    """A publishable body of exactly `words` words (headings included)."""
    critique_words = words - 2 - 2 - 2 - 2  # synopsis, heading, text, final statement
    return [
        {"type": "synopsis", "value": {"text": "<p>Two words.</p>"}},
        {"type": "critique", "value": {"heading": "A heading", "text": "<p>Two more.</p>"}},
        {
            "type": "critique",
            "value": {"heading": "", "text": "<p>" + " ".join(["word"] * critique_words) + "</p>"},
        },
        {"type": "final_statement", "value": {"text": "<p><b>Last</b> words.</p>"}},
    ]


@pytest.fixture
def review(make_review, person_factory):
    return make_review(
        title="'Night & Day' Review: Ships Pass",
        film_title="Night & Day",
        intro="<p>Two strangers meet.</p>",
        body=_body(1000),
        author=person_factory(name="Rae Reader"),
    )


def share_section(html: str) -> str:
    return re.search(r'<section class="share".*?</section>', html, re.S).group(0)


def test_the_review_shows_its_reading_time_under_the_headline(client, review):
    html = client.get(review.url).content.decode()
    header = re.search(r'<header class="review__header">.*?</header>', html, re.S).group(0)
    # 1,000 words at 230 a minute: 4.3, rounded up.
    assert '<span class="byline__reading-time">5 min read</span>' in header


def test_the_reading_speed_is_a_setting(client, review, settings):
    settings.REVIEW_PAGES = {
        **getattr(settings, "REVIEW_PAGES", {}),
        "READING_WORDS_PER_MINUTE": 250,
    }
    html = client.get(review.url).content.decode()
    assert "4 min read" in html  # 1,000 / 250, exactly


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 0), (1, 1), (229, 1), (230, 1), (231, 2), (2300, 10)]
)
def test_reading_minutes_round_up_to_whole_minutes(words, minutes):
    assert reading_minutes(words, 230) == minutes


def test_words_are_counted_as_a_reader_reads_them():
    assert word_count("<p>One <b>two</b></p><p>three&nbsp;four</p><ul><li>five</li></ul>") == 5
    assert word_count('<p>A <a linktype="page" id="3">link</a>.</p>') == 2
    assert word_count("") == word_count(None) == 0


def test_reading_time_reads_the_loaded_body_with_no_query(review, django_assert_num_queries):
    page = ReviewPage.objects.get(pk=review.pk)
    with django_assert_num_queries(0):
        assert page.reading_minutes == 5


def test_both_apis_give_the_reading_minutes(client, review):
    v2 = client.get(f"/api/v2/pages/{review.pk}/").json()
    v2_listing = client.get("/api/v2/pages/?type=review_pages.ReviewPage&fields=*").json()
    v3 = client.get(f"/api/v3/reviews/{review.pk}/").json()
    v3_listing = client.get("/api/v3/reviews/").json()
    wagtail_v3 = client.get(f"/api/v3/pages/{review.pk}/").json()

    assert v2["reading_minutes"] == v3["reading_minutes"] == wagtail_v3["reading_minutes"] == 5
    assert v2_listing["items"][0]["reading_minutes"] == 5
    assert v3_listing["items"][0]["reading_minutes"] == 5
    schema = client.get("/api/v3/openapi.json").json()["components"]["schemas"]["Review"]
    assert schema["properties"]["reading_minutes"]["type"] == "integer"
    assert "reading_minutes" in schema["required"]


def test_share_links_need_no_third_party_script(client, review):
    html = client.get(review.url).content.decode()
    share = share_section(html)
    page_url = f"http://localhost{review.url}"
    text = f"'Night & Day' Review: Ships Pass {page_url}"

    assert '<h2 id="share-heading" class="section-label">Share this review</h2>' in share
    # Email: the headline as the subject, the address in the body.
    email = re.search(r'href="(mailto:[^"]+)"', share).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(email).query)
    assert query == {
        "subject": ["'Night & Day' Review: Ships Pass"],
        "body": [f"'Night & Day' Review: Ships Pass\n\n{page_url}"],
    }
    # Bluesky's composer and a Mastodon share page that asks for the reader's instance.
    bluesky = re.search(r'href="(https://bsky\.app/intent/compose\?[^"]+)"', share).group(1)
    assert parse_qs(urlsplit(bluesky.replace("&amp;", "&")).query) == {"text": [text]}
    mastodon = re.search(r'href="(https://mastodonshare\.com/\?[^"]+)"', share).group(1)
    assert parse_qs(urlsplit(mastodon.replace("&amp;", "&")).query) == {"text": [text]}
    # Each link says where it goes; those opening a tab say so.
    assert 'Bluesky<span class="visually-hidden">: share this review (opens in a new tab)' in share
    assert 'rel="noopener noreferrer external"' in share
    # The copy and Web Share buttons wait for the script, which shows them where they work.
    assert (
        '<button type="button" class="share__item" data-share-copy hidden>Copy link</button>'
        in share
    )
    assert "data-share-native hidden>More ways to share" in share
    assert f'data-share-url="{page_url}"' in share
    assert 'value="' + page_url + '" readonly' in share  # the fallback: the link, to copy
    assert 'role="status"' in share  # the visible confirmation, announced
    # Every script the page runs is the site's own: the share script is a static file.
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert sources == ["/static/review_pages/share.js"]
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/ld\+json\"))", html)


def test_the_share_script_is_a_static_file_using_the_browser_apis_only():
    path = finders.find("review_pages/share.js")
    assert path, "review_pages/share.js is not among the static files"
    source = open(path, encoding="utf-8").read()
    assert "navigator.clipboard" in source and "navigator.share" in source
    code = source.split("*/", 1)[1]  # after the header comment
    for loads_something in ("://", "fetch(", "XMLHttpRequest", "import(", 'createElement("script'):
        assert loads_something not in code, loads_something


def test_share_links_work_in_a_host_base_without_head_tag(client, review, settings):
    """The stock `wagtail start` base (no `{% review_pages_head %}`): the links, the script
    and the stylesheets are still on the page."""
    from pathlib import Path

    stock = Path(__file__).parents[1] / "testproject" / "stock_templates"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [stock]}]
    html = client.get(review.url).content.decode()
    assert "Share this review" in html and "/static/review_pages/share.js" in html
    assert "/static/review_pages/discovery.css" in html
    assert "5 min read" in html
