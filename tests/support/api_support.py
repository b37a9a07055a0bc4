"""Shared pieces of the API tests: a review with every field filled, and expected shapes."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

ROOT = "http://localhost"
REVIEW_FIELDS = {
    "title",
    "film_title",
    "intro",
    "poster",
    "mpa_rating",
    "mpa_rating_reason",
    "runtime_minutes",
    "release_date",
    "score",
    "author",
    "directors",
    "writers",
    "cast",
    "production_companies",
    "distributor",
    "body",
    "reading_minutes",
    "featured",
    "imdb_id",
    "tmdb_id",
    "wikidata_id",
}


def person_ref(person):
    return {
        "id": person.pk,
        "name": person.name,
        "slug": person.slug,
        "url": f"{ROOT}/people/{quote(person.slug)}/",
    }


def studio_ref(studio):
    return {
        "id": studio.pk,
        "name": studio.name,
        "slug": studio.slug,
        "url": f"{ROOT}/studios/{quote(studio.slug)}/",
    }


def count_queries(client, url):
    """Database queries of one GET, once per-process caches (site root paths) are warm.

    The response cache is off here: this measures what an answer costs to make
    (tests/test_caching.py measures hits).
    """
    with override_settings(REVIEW_PAGES={"CACHE_SECONDS": 0}):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


@pytest.fixture
def full_review(make_review, person_factory, studio_factory, index_page):
    """A published review with every field of the design's review object filled."""
    people = {
        name: person_factory(name=name)
        for name in ("Len Wiseman", "Shay Hatten", "Ana de Armas", "Keanu Reeves", "Chloé Critic")
    }
    studios = {name: studio_factory(name=name) for name in ("Thunder Road", "Lionsgate")}
    link = f'<a linktype="page" id="{index_page.pk}">the front page</a>'
    body = [
        {"type": "synopsis", "value": {"text": f"<p>Eve trains. See {link}.</p>"}},
        {
            "type": "performance",
            "value": {
                "heading": "A fierce lead",
                "performers": [people["Ana de Armas"].pk, people["Keanu Reeves"].pk],
                "text": "<p>Ana de Armas commits.</p>",
            },
        },
        {"type": "critique", "value": {"heading": "Too long", "text": "<p>It drags.</p>"}},
        {"type": "critique", "value": {"heading": "Great fights", "text": "<p>They land.</p>"}},
        {"type": "final_statement", "value": {"text": "<p><b>Worth</b> seeing.</p>"}},
    ]
    review = make_review(
        film_title="Ballerina",
        title="'Ballerina' Review: John Wick Spin-off Fails to Twirl",
        intro=f"<p>A spin-off; {link}.</p>",
        mpa_rating="R",
        mpa_rating_reason="strong/bloody violence throughout",
        runtime_minutes=125,
        release_date=datetime.date(2025, 6, 6),
        score=Decimal("3.5"),
        author=people["Chloé Critic"],
        distributor=studios["Lionsgate"],
        imdb_id="tt9999001",
        tmdb_id="541671",
        wikidata_id="Q98765432",
        body=body,
        directors=[people["Len Wiseman"]],
        writers=[people["Shay Hatten"]],
        cast=[(people["Ana de Armas"], "Eve Macarro"), (people["Keanu Reeves"], "John Wick")],
        companies=[studios["Thunder Road"], studios["Lionsgate"]],
    )
    review.people = people
    review.studios = studios
    return review


def expected_review(review):
    """The design's review object for `full_review`, field by field."""
    people, studios = review.people, review.studios
    return {
        "title": "'Ballerina' Review: John Wick Spin-off Fails to Twirl",
        "film_title": "Ballerina",
        "intro": '<p>A spin-off; <a href="/">the front page</a>.</p>',
        "poster": None,
        "mpa_rating": "R",
        "mpa_rating_reason": "strong/bloody violence throughout",
        "runtime_minutes": 125,
        "release_date": "2025-06-06",
        "score": 3.5,
        "author": person_ref(people["Chloé Critic"]),
        "directors": [person_ref(people["Len Wiseman"])],
        "writers": [person_ref(people["Shay Hatten"])],
        "cast": [
            {"person": person_ref(people["Ana de Armas"]), "character": "Eve Macarro"},
            {"person": person_ref(people["Keanu Reeves"]), "character": "John Wick"},
        ],
        "production_companies": [
            studio_ref(studios["Thunder Road"]),
            studio_ref(studios["Lionsgate"]),
        ],
        "distributor": studio_ref(studios["Lionsgate"]),
        "featured": False,
        "reading_minutes": 1,  # 23 words, at 230 a minute, rounded up
        "imdb_id": "tt9999001",
        "tmdb_id": "541671",
        "wikidata_id": "Q98765432",
        "body": [
            {
                "type": "synopsis",
                "value": {"text": '<p>Eve trains. See <a href="/">the front page</a>.</p>'},
            },
            {
                "type": "performance",
                "value": {
                    "heading": "A fierce lead",
                    "performers": [
                        person_ref(people["Ana de Armas"]),
                        person_ref(people["Keanu Reeves"]),
                    ],
                    "text": "<p>Ana de Armas commits.</p>",
                },
            },
            {"type": "critique", "value": {"heading": "Too long", "text": "<p>It drags.</p>"}},
            {
                "type": "critique",
                "value": {"heading": "Great fights", "text": "<p>They land.</p>"},
            },
            {"type": "final_statement", "value": {"text": "<p><b>Worth</b> seeing.</p>"}},
        ],
    }


def review_fields(item):
    """The review-object fields of an API item, with the sections' block ids dropped."""
    fields = {key: item[key] for key in REVIEW_FIELDS}
    fields["body"] = [{"type": s["type"], "value": s["value"]} for s in item["body"]]
    return fields
