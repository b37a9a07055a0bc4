"""Markup in names and titles stays text: escaped in HTML, RSS and the sitemap, exact
strings in JSON-LD and both APIs, never evaluated as a template."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.html import escape

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(\"x\")</script> </script> 'q' {{ 7|add:1 }} {% now 'Y' %}"
FILM = "Film " + PAYLOAD
HEADLINE = "'Film' Review: " + PAYLOAD
PERSON = "Person " + PAYLOAD
STUDIO = "Studio " + PAYLOAD
CHARACTER = "Character " + PAYLOAD
ALL_TEXTS = [FILM, HEADLINE, PERSON, STUDIO, CHARACTER]
ESCAPED_HTML = (
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;/script&gt; &#x27;q&#x27; "
    "{{ 7|add:1 }} {% now &#x27;Y&#x27; %}"
)


@pytest.fixture
def hostile(make_review, person_factory, studio_factory):
    person = person_factory(name=PERSON)
    studio = studio_factory(name=STUDIO)
    review = make_review(
        film_title=FILM,
        title=HEADLINE,
        slug="hostile",
        directors=[person],
        cast=[(person, CHARACTER)],
        companies=[studio],
        author=person,  # the critic too: the feed's dc:creator
    )
    return review, person, studio


def assert_inert_html(html: str, texts=ALL_TEXTS):
    # The JSON-LD holds the exact strings (checked apart, below): take it out first.
    html = re.sub(r'<script type="application/ld\+json"[^>]*>.*?</script>', "", html, flags=re.S)
    assert "<script>alert" not in html
    assert "</script> '" not in html
    assert "{% now" not in html.replace("{% now &#x27;Y&#x27; %}", "")
    assert " 8 " not in html  # {{ 7|add:1 }} was not evaluated
    for text in texts:
        escaped = text.split(" <")[0].replace("'", "&#x27;") + " " + ESCAPED_HTML
        assert escaped == escape(text)
        assert escaped in html, text[:20]


def test_html_pages_escape_names_and_titles(client, hostile):
    review, person, studio = hostile
    assert_inert_html(client.get(review.url).content.decode())
    assert_inert_html(client.get("/").content.decode(), texts=[FILM, HEADLINE])
    filmography = client.get(f"/people/{person.slug}/").content.decode()
    assert_inert_html(filmography, texts=[PERSON, FILM, HEADLINE, CHARACTER])
    studio_page = client.get(f"/studios/{studio.slug}/").content.decode()
    assert_inert_html(studio_page, texts=[STUDIO, FILM, HEADLINE])
    search = client.get("/search/?q=film").content.decode()
    assert_inert_html(search, texts=[HEADLINE])
    by_name = client.get("/search/?q=person").content.decode()
    assert_inert_html(by_name, texts=[PERSON])


def test_html_scripts_are_only_the_json_ld(client, hostile):
    """...and the share buttons' script, a static file of the plugin (no inline code)."""
    review = hostile[0]
    html = client.get(review.url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert html.count("<script") == len(scripts) == 2
    assert scripts[1] == (' src="/static/review_pages/share.js" defer', "")
    scripts = [scripts[0][1]]
    data = json.loads(scripts[0])
    assert "<" not in scripts[0] and "\\u003Cscript\\u003E" in scripts[0]
    assert data["name"] == HEADLINE
    assert data["itemReviewed"]["name"] == FILM
    assert data["itemReviewed"]["director"][0]["name"] == PERSON
    assert data["itemReviewed"]["actor"][0]["characterName"] == CHARACTER
    assert data["itemReviewed"]["productionCompany"][0]["name"] == STUDIO


def test_feed_and_sitemap_are_well_formed_with_escaped_text(client, hostile):
    feed = client.get("/feed/").content.decode()
    assert "<script>" not in feed
    assert "&lt;script&gt;alert(" in feed
    item = ET.fromstring(feed).find("channel/item")  # noqa: S314 - our own answer
    assert item.findtext("title") == HEADLINE
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == PERSON
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<script" not in sitemap
    root = ET.fromstring(sitemap)  # noqa: S314 - our own answer
    locations = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc.endswith("/hostile/") for loc in locations)
    assert all(re.fullmatch(r"http://[\w.:/%-]+", loc) for loc in locations), locations


def assert_exact_json(response, expected: dict):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    raw = response.content.decode()
    assert "{{ 7|add:1 }}" in raw and " 8 " not in raw
    for path, value in expected.items():
        found = response.json()
        for key in path:
            found = found[key]
        assert found == value, (path, found)


def test_both_apis_return_the_exact_strings(client, hostile):
    review, person, studio = hostile
    v2 = client.get(f"/api/v2/pages/{review.pk}/")
    assert_exact_json(
        v2,
        {
            ("title",): HEADLINE,
            ("film_title",): FILM,
            ("directors", 0, "name"): PERSON,
            ("cast", 0, "character"): CHARACTER,
            ("production_companies", 0, "name"): STUDIO,
        },
    )
    listing = client.get("/api/v2/pages/?type=review_pages.ReviewPage&fields=*")
    assert_exact_json(listing, {("items", 0, "film_title"): FILM})
    v3 = client.get(f"/api/v3/reviews/{review.pk}/")
    assert_exact_json(
        v3,
        {
            ("title",): HEADLINE,
            ("film_title",): FILM,
            ("directors", 0, "name"): PERSON,
            ("cast", 0, "character"): CHARACTER,
            ("production_companies", 0, "name"): STUDIO,
        },
    )
    assert_exact_json(client.get(f"/api/v3/people/{person.pk}/"), {("name",): PERSON})
    assert_exact_json(client.get(f"/api/v2/studios/{studio.pk}/"), {("name",): STUDIO})
