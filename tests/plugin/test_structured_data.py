"""Each review carries schema.org JSON-LD, canonical, description and social card tags."""

import datetime
import json
import re
from decimal import Decimal

import pytest

from tests.support.images import make_poster

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(
    r'<script type="application/ld\+json"(?: nonce="[^"]+")?>(.*?)</script>', re.DOTALL
)


def _json_ld(html):
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def review(make_review, person_factory, studio_factory):
    return make_review(
        title="'Ballerina' Review: John Wick Spin-off Fails to Twirl",
        film_title="Ballerina",
        intro="<p>An assassin <b>pirouettes</b> through a revenge plot.</p>",
        mpa_rating="R",
        mpa_rating_reason="strong/bloody violence throughout, and language",
        runtime_minutes=125,
        release_date=datetime.date(2025, 6, 6),
        score=Decimal("2.5"),
        author=person_factory(name="Priya Anand"),
        directors=[person_factory(name="Len Wiseman")],
        writers=[person_factory(name="Shay Hatten")],
        cast=[
            (person_factory(name="Ana de Armas"), "Eve Macarro"),
            (person_factory(name="Keanu Reeves"), "John Wick"),
            (person_factory(name="Anjelica Huston"), ""),
        ],
        companies=[studio_factory(name="Thunder Road"), studio_factory(name="87Eleven")],
    )


def test_review_json_ld_describes_the_review_and_the_movie(client, review):
    data = _json_ld(client.get(review.url).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Review"
    assert data["name"] == "'Ballerina' Review: John Wick Spin-off Fails to Twirl"
    assert data["url"] == "http://localhost/ballerina-review-john-wick-spin-off-fails-to-twirl/"
    assert data["author"] == {
        "@type": "Person",
        "name": "Priya Anand",
        "url": "http://localhost/critics/priya-anand/",  # the critic's page, their Person
    }
    assert data["publisher"] == {"@type": "Organization", "name": "The Test Gazette"}
    assert datetime.datetime.fromisoformat(data["datePublished"]) == review.first_published_at
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2.5,
        "bestRating": 5,
        "worstRating": 0,
    }
    movie = data["itemReviewed"]
    assert movie["@type"] == "Movie"
    assert movie["name"] == "Ballerina"
    assert movie["duration"] == "PT2H5M"
    assert movie["contentRating"] == "MPA R"
    assert movie["dateCreated"] == "2025-06-06"
    assert [d["name"] for d in movie["director"]] == ["Len Wiseman"]
    assert movie["director"][0]["url"] == "http://localhost/people/len-wiseman/"
    assert [w["name"] for w in movie["author"]] == ["Shay Hatten"]
    assert movie["actor"][0] == {
        "@type": "PerformanceRole",
        "actor": {
            "@type": "Person",
            "name": "Ana de Armas",
            "url": "http://localhost/people/ana-de-armas/",
        },
        "characterName": "Eve Macarro",
    }
    assert movie["actor"][1]["characterName"] == "John Wick"
    assert "characterName" not in movie["actor"][2]  # no character, no empty string
    assert [c["name"] for c in movie["productionCompany"]] == ["Thunder Road", "87Eleven"]
    assert all(c["@type"] == "Organization" for c in movie["productionCompany"])


def test_review_without_score_or_facts_omits_them(client, make_review):
    bare = make_review(
        film_title="Bare Facts", mpa_rating="", mpa_rating_reason="", runtime_minutes=None
    )
    data = _json_ld(client.get(bare.url).content.decode())
    assert "reviewRating" not in data
    assert "duration" not in data["itemReviewed"]
    assert "contentRating" not in data["itemReviewed"]
    assert data["author"]["@type"] == "Organization"  # no critic: the publication


def test_hostile_text_cannot_break_out_of_the_script(client, make_review, person_factory):
    hostile = make_review(
        title='\'</script><script>alert("x")</script>\' Review: "Quotes" & <Tags>',
        film_title="</script><img src=x onerror=alert(1)> \"Q\" & 'A'",
        cast=[(person_factory(name="Evil </SCRIPT> Name"), "</script><!--")],
    )
    html = client.get(hostile.url).content.decode()
    script = JSON_LD.search(html).group(1)
    assert "<" not in script and ">" not in script and "&" not in script.replace("\\u0026", "")
    assert "\\u003C/script\\u003E" in script
    data = json.loads(script)  # escaping keeps the exact text
    assert data["itemReviewed"]["name"] == "</script><img src=x onerror=alert(1)> \"Q\" & 'A'"
    assert data["itemReviewed"]["actor"][0]["characterName"] == "</script><!--"
    # The JSON-LD and the share buttons' own script (a file): no other element.
    assert html.count("<script") == html.count("</script>") == 2
    assert html.count('<script type="application/ld+json"') == 1
    assert html.count('<script src="/static/review_pages/share.js" defer>') == 1


def test_canonical_description_and_open_graph(client, review):
    html = client.get(review.url).content.decode()
    url = "http://localhost/ballerina-review-john-wick-spin-off-fails-to-twirl/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert (
        '<meta name="description" content="An assassin pirouettes through a revenge plot.">' in html
    )
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert (
        '<meta property="og:title" content="&#x27;Ballerina&#x27; Review: '
        'John Wick Spin-off Fails to Twirl">' in html
    )
    assert '<meta property="og:description" content="An assassin pirouettes' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_poster_is_the_social_and_structured_data_image(client, make_review):
    review = make_review(film_title="Shorebirds", poster=make_poster("Shorebirds"))
    html = client.get(review.url).content.decode()
    image = _json_ld(html)["itemReviewed"]["image"]
    assert image.startswith("http://localhost/media/images/poster-shorebirds")
    assert image.endswith(".jpg")
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta property="og:image:alt" content="Poster for Shorebirds">' in html


def test_filmography_has_its_own_canonical(client, review):
    html = client.get("/people/ana-de-armas/").content.decode()
    assert '<link rel="canonical" href="http://localhost/people/ana-de-armas/">' in html
