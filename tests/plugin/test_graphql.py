"""The optional GraphQL endpoint (`review_pages.contrib.graphql`, mounted at /graphql/ in the
test project): its schema, its visibility (the REST APIs' rule), its query counts, its cost
limits, its caching, persisted queries, batches and GraphiQL."""

from __future__ import annotations

import datetime
import hashlib
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from people.models import Person, Studio
from review_pages.importing.indexing import deferred_indexing
from review_pages.models import PreviewGrant, ReviewPage
from tests.support import api_support
from tests.support.factories import complete_body, publish

full_review = api_support.full_review  # the fixture, shared

ENDPOINT = "/graphql/"
ISSUE_QUERY = "{ reviews(limit: 5) { filmTitle cast { character person { name } } } }"


def post(client, query, variables=None, **extra):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post(ENDPOINT, body, content_type="application/json", **extra)


def get(client, query=None, **params):
    if query is not None:
        params["query"] = query
    return client.get(ENDPOINT, {key: _param(value) for key, value in params.items()})


def _param(value):
    return value if isinstance(value, str) else json.dumps(value)


def data_of(response):
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def errors_of(response) -> list[dict]:
    body = response.json()
    assert body.get("errors"), body
    return body["errors"]


# The schema


def test_the_issue_query_answers_the_sample_reviews_cast_with_characters(client, full_review):
    answer = post(client, ISSUE_QUERY)

    assert answer["Content-Type"].startswith("application/json")
    assert data_of(answer) == {
        "reviews": [
            {
                "filmTitle": "Ballerina",
                "cast": [
                    {"character": "Eve Macarro", "person": {"name": "Ana de Armas"}},
                    {"character": "John Wick", "person": {"name": "Keanu Reeves"}},
                ],
            }
        ]
    }


def test_a_review_says_what_the_v3_review_object_says_with_credits_as_objects(client, full_review):
    v3 = client.get(f"/api/v3/reviews/{full_review.pk}/").json()
    query = """
    query One($id: ID) {
      review(id: $id) {
        id slug title filmTitle intro url path mpaRating mpaRatingReason runtimeMinutes
        releaseDate score readingMinutes featured imdbId tmdbId wikidataId firstPublishedAt
        author { id name slug url }
        directors { id name slug url }
        writers { name }
        cast { character person { id name slug url } }
        productionCompanies { id name slug url }
        distributor { name url }
        genres { name }
        poster { url }
        stills { url }
        trailer { url }
        body {
          __typename
          ... on SynopsisSection { id text }
          ... on PerformanceSection { id heading text performers { id name slug url } }
          ... on CritiqueSection { id heading text }
          ... on FinalStatementSection { id text }
        }
      }
    }"""
    review = data_of(post(client, query, {"id": str(full_review.pk)}))["review"]

    ref = {"id": int, "name": str, "slug": str, "url": str}

    def as_ref(person):
        return {key: kind(person[key]) for key, kind in ref.items()}

    assert review["id"] == str(v3["id"]) and review["slug"] == v3["meta"]["slug"]
    assert review["url"] == v3["meta"]["html_url"]
    assert review["path"] == "/ballerina-review-john-wick-spin-off-fails-to-twirl/"
    for graphql, rest in [
        ("title", "title"),
        ("filmTitle", "film_title"),
        ("intro", "intro"),
        ("mpaRating", "mpa_rating"),
        ("mpaRatingReason", "mpa_rating_reason"),
        ("runtimeMinutes", "runtime_minutes"),
        ("releaseDate", "release_date"),
        ("score", "score"),
        ("readingMinutes", "reading_minutes"),
        ("featured", "featured"),
        ("imdbId", "imdb_id"),
        ("tmdbId", "tmdb_id"),
        ("wikidataId", "wikidata_id"),
        ("poster", "poster"),
        ("genres", "genres"),
        ("stills", "stills"),
        ("trailer", "trailer"),
    ]:
        assert review[graphql] == v3[rest], graphql
    assert as_ref(review["author"]) == v3["author"]
    assert [as_ref(p) for p in review["directors"]] == v3["directors"]
    assert [p["name"] for p in review["writers"]] == [p["name"] for p in v3["writers"]]
    assert [
        {"person": as_ref(c["person"]), "character": c["character"]} for c in review["cast"]
    ] == (v3["cast"])
    assert [as_ref(s) for s in review["productionCompanies"]] == v3["production_companies"]
    assert review["distributor"] == {
        "name": v3["distributor"]["name"],
        "url": v3["distributor"]["url"],
    }
    kinds = {
        "SynopsisSection": "synopsis",
        "PerformanceSection": "performance",
        "CritiqueSection": "critique",
        "FinalStatementSection": "final_statement",
    }
    assert [kinds[s["__typename"]] for s in review["body"]] == [s["type"] for s in v3["body"]]
    performance = review["body"][1]
    assert [as_ref(p) for p in performance["performers"]] == v3["body"][1]["value"]["performers"]
    assert performance["heading"] == "A fierce lead"
    assert review["body"][0]["text"] == v3["body"][0]["value"]["text"]
    assert review["body"][0]["id"] == v3["body"][0]["id"]


def test_people_and_studios_carry_their_public_credits(client, full_review, make_review):
    lead = full_review.people["Ana de Armas"]
    make_review(
        film_title="Knives Out",
        release_date=datetime.date(2019, 11, 27),
        cast=[(lead, "Marta Cabrera")],
    )
    query = """query Q($critic: String!) {
      person(slug: "ana-de-armas") {
        name url credits { role character review { filmTitle } }
      }
      critic: person(slug: $critic) { credits { role review { filmTitle } } }
      studio(slug: "lionsgate") { name website credits { role review { filmTitle } } }
    }"""
    data = data_of(post(client, query, {"critic": full_review.people["Chloé Critic"].slug}))

    assert data["person"]["url"] == "http://localhost/people/ana-de-armas/"
    assert data["person"]["credits"] == [
        {"role": "cast", "character": "Eve Macarro", "review": {"filmTitle": "Ballerina"}},
        {"role": "cast", "character": "Marta Cabrera", "review": {"filmTitle": "Knives Out"}},
    ]
    assert data["critic"]["credits"] == [{"role": "critic", "review": {"filmTitle": "Ballerina"}}]
    assert data["studio"]["credits"] == [
        {"role": "production company", "review": {"filmTitle": "Ballerina"}},
        {"role": "distributor", "review": {"filmTitle": "Ballerina"}},
    ]


def test_reviews_are_filtered_ordered_and_sliced_as_the_v3_listing(
    client, make_review, person_factory, studio_factory
):
    director, studio = person_factory(name="Mara Quist"), studio_factory(name="Tideline")
    make_review(film_title="Alpha", release_date=datetime.date(2021, 1, 1), mpa_rating="R")
    make_review(
        film_title="Beta",
        release_date=datetime.date(2023, 1, 1),
        directors=[director],
        companies=[studio],
    )
    make_review(film_title="Gamma", release_date=datetime.date(2023, 5, 1), mpa_rating="G")

    def titles(arguments):
        data = data_of(post(client, f"{{ reviews({arguments}) {{ filmTitle }} }}"))
        return [review["filmTitle"] for review in data["reviews"]]

    assert titles("limit: 5") == ["Gamma", "Beta", "Alpha"]  # newest published first
    assert titles("limit: 1, offset: 1") == ["Beta"]
    assert titles("year: 2023, order: RELEASE_DATE_ASC") == ["Beta", "Gamma"]
    assert titles('rating: "r"') == ["Alpha"]
    assert titles('person: "mara-quist"') == ["Beta"]
    assert titles('studio: "tideline"') == ["Beta"]
    assert titles("order: TITLE_DESC") == ["Gamma", "Beta", "Alpha"]
    assert data_of(post(client, "{ reviewCount(year: 2023) }")) == {"reviewCount": 2}
    by_slug = data_of(post(client, '{ review(slug: "nobody-wrote-this") { id } }'))
    assert by_slug == {"review": None}


def test_genres_and_related_reviews_are_in_the_schema(client, make_review, person_factory):
    from tests.support.factories import GenreFactory, add_genres

    thriller = GenreFactory(name="Thriller")
    director = person_factory(name="Mara Quist")
    first = make_review(film_title="First", directors=[director])
    second = make_review(film_title="Second", directors=[director])
    add_genres(first, [thriller])
    add_genres(second, [thriller])
    publish(first)
    publish(second)
    query = """query Q($slug: String) {
      reviews(genre: "thriller") { filmTitle genres { name slug url } }
      review(slug: $slug) { related { filmTitle } moreByCritic { filmTitle } }
    }"""
    data = data_of(post(client, query, {"slug": first.slug}))

    assert [r["filmTitle"] for r in data["reviews"]] == ["Second", "First"]
    assert data["reviews"][0]["genres"] == [
        {"name": "Thriller", "slug": "thriller", "url": "http://localhost/genres/thriller/"}
    ]
    assert data["review"]["related"] == [{"filmTitle": "Second"}]


def test_a_review_is_found_by_id_slug_or_path_and_by_exactly_one(client, full_review):
    found = []
    for argument in (
        f'id: "{full_review.pk}"',
        f'slug: "{full_review.slug}"',
        f'path: "/{full_review.slug}/"',
        f'path: "http://localhost/{full_review.slug}/"',
    ):
        found.append(data_of(post(client, f"{{ review({argument}) {{ filmTitle }} }}")))
    assert found == [{"review": {"filmTitle": "Ballerina"}}] * 4

    both = post(client, f'{{ review(id: "{full_review.pk}", slug: "x") {{ id }} }}')
    assert errors_of(both)[0]["message"] == "review takes exactly one of id, slug or path."
    assert post(client, '{ review(slug: "a\\u0000b") { id } }').status_code == 200


def test_bad_arguments_are_errors_with_the_rest_apis_messages(client, full_review):
    rating = errors_of(post(client, '{ reviews(rating: "X") { id } }'))
    limit = errors_of(post(client, "{ reviews(limit: 100000) { id } }"))
    search = errors_of(post(client, '{ search(query: "!!!") { reviews { id } } }'))

    assert rating[0]["message"].startswith("Unknown rating 'X'; use one of G, PG")
    assert limit[0]["message"] == "limit must be from 1 to 100 (WAGTAILAPI_LIMIT_MAX)."
    assert search[0]["message"].startswith("search has no letters or digits")


def test_search_finds_reviews_people_and_studios(client, full_review):
    query = '{ search(query: "Ana") { reviews { filmTitle } people { name } studios { name } } }'
    data = data_of(post(client, query))["search"]

    assert data["people"] == [{"name": "Ana de Armas"}]
    assert data["reviews"] == [{"filmTitle": "Ballerina"}]
    assert data["studios"] == []


def test_introspection_lists_review_person_and_studio(client, full_review):
    names = {
        t["name"]
        for t in data_of(post(client, "{ __schema { types { name } } }"))["__schema"]["types"]
    }

    assert {"Review", "Person", "Studio", "Genre", "ReviewSection", "Credit"} <= names


def test_introspection_can_be_switched_off(db, client, settings):
    settings.REVIEW_PAGES = {"GRAPHQL_INTROSPECTION": False}

    refused = post(client, "{ __schema { types { name } } }")

    assert refused.status_code == 200
    assert "introspection" in errors_of(refused)[0]["message"].lower()
    assert refused.json()["data"] is None


# Visibility: one rule, the REST APIs'


@pytest.fixture
def hidden(make_review, person_factory, index_page):
    """A draft, a review under a password, an expired one and a scheduled one, each crediting
    someone credited nowhere else; and a public review crediting someone they share."""
    shared = person_factory(name="Shared Person")
    hidden_people = {}
    for kind in ("draft", "private", "expired", "scheduled"):
        only_here = person_factory(name=f"Only {kind.title()}")
        hidden_people[kind] = only_here
        review = make_review(
            film_title=f"Secret {kind.title()} Film",
            cast=[(shared, "Twin"), (only_here, "Ghost")],
            live=kind != "draft",
        )
        if kind == "private":
            PageViewRestriction.objects.create(
                page=Page.objects.get(pk=review.pk), restriction_type="password", password="x"
            )
        elif kind == "expired":
            Page.objects.filter(pk=review.pk).update(
                expire_at=timezone.now() - datetime.timedelta(minutes=1)
            )
        elif kind == "scheduled":
            Page.objects.filter(pk=review.pk).update(
                go_live_at=timezone.now() + datetime.timedelta(days=1)
            )
    make_review(film_title="Public Film", cast=[(shared, "Twin")])
    return hidden_people


def test_no_answer_shows_a_review_that_is_not_public_nor_those_only_it_credits(client, hidden):
    slugs = {kind: person.slug for kind, person in hidden.items()}
    queries = [
        "{ reviews(limit: 50) { filmTitle cast { person { name } } } reviewCount }",
        '{ reviews(search: "Secret") { filmTitle } }',
        '{ search(query: "Secret") { reviews { filmTitle } people { name } } }',
        '{ search(query: "Only") { reviews { filmTitle } people { name } } }',
        '{ person(slug: "shared-person") { credits { review { filmTitle } } } }',
        *(f'{{ person(slug: "{slug}") {{ name }} }}' for slug in slugs.values()),
        '{ review(slug: "secret-draft-film-review-a-test-headline") { filmTitle } }',
        '{ review(path: "/secret-private-film-review-a-test-headline/") { filmTitle } }',
    ]
    for review in ReviewPage.objects.filter(film_title__startswith="Secret"):
        queries.append(f'{{ review(id: "{review.pk}") {{ filmTitle }} }}')

    answers = [post(client, query) for query in queries] + [get(client, q) for q in queries]

    for answer in answers:
        assert answer.status_code == 200
        assert "errors" not in answer.json(), answer.json()
        text = answer.content.decode()
        assert "Secret" not in text and "Only " not in text, text
    listing = json.loads(answers[0].content)["data"]
    assert [r["filmTitle"] for r in listing["reviews"]] == ["Public Film"]
    assert listing["reviewCount"] == 1


# Previews: the REST preview's tokens and refusals


@pytest.fixture
def draft(make_review, person_factory):
    return make_review(
        film_title="Unfinished Draft", cast=[(person_factory(name="Joss Ferrante"), "Ada")],
        live=False,
    )  # fmt: skip


PREVIEW = "query P($token: String!) { preview(token: $token) { filmTitle cast { character } } }"


def test_a_preview_token_reads_the_draft_never_cached(client, draft):
    token = PreviewGrant.share(draft, seconds=600).token

    by_post = post(client, PREVIEW, {"token": token})
    by_get = get(client, PREVIEW, variables={"token": token})
    again = get(client, PREVIEW, variables={"token": token})

    expected = {"preview": {"filmTitle": "Unfinished Draft", "cast": [{"character": "Ada"}]}}
    assert data_of(by_post) == data_of(by_get) == expected
    assert by_get["Cache-Control"] == "private, no-store"
    assert "ETag" not in by_get
    assert again["X-Cache"] != "hit"


def _tampered(draft):
    return PreviewGrant.share(draft, seconds=600).token + "x"


def _revoked(draft):
    grant = PreviewGrant.share(draft, seconds=600)
    PreviewGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    return grant.token


def _expired(draft):
    grant = PreviewGrant.share(draft, seconds=600)
    PreviewGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    return grant.token


def _taken_down(draft):
    publish(ReviewPage.objects.get(pk=draft.pk))
    grant = PreviewGrant.share(ReviewPage.objects.get(pk=draft.pk), seconds=600)
    ReviewPage.objects.get(pk=draft.pk).unpublish()
    return grant.token


@pytest.mark.parametrize(
    "make_token", [_tampered, _revoked, _expired, _taken_down, lambda draft: ""],
    ids=["invalid", "revoked", "expired", "taken down", "missing"],
)  # fmt: skip
def test_a_refused_token_is_an_error_with_the_rest_previews_message(client, draft, make_token):
    token = make_token(draft)
    rest = client.get("/api/v3/reviews/preview/", {"token": token})

    answer = post(client, PREVIEW, {"token": token})

    (error,) = errors_of(answer)
    assert error["message"] == rest.json()["detail"]
    assert error["extensions"] == {"code": "PREVIEW_REFUSED", "status": rest.status_code}
    assert answer.json()["data"] is None
    assert "Unfinished Draft" not in answer.content.decode()


# Query counts


def _add_reviews(make_review, person_factory, studio_factory, number):
    """Reviews with their own director, writer, two cast members (performers), studios, a
    distributor and a critic; not search-indexed (set-up time)."""
    with deferred_indexing(ReviewPage, Person, Studio):
        for _ in range(number):
            director, writer, lead, support = (person_factory() for _ in range(4))
            make_review(
                directors=[director],
                writers=[writer],
                cast=[(lead, "Lead"), (support, "Support")],
                companies=[studio_factory()],
                distributor=studio_factory(),
                author=person_factory(),
                body=complete_body([lead.pk, support.pk], critiques=2),
            )


LISTING = """query Listing($limit: Int!) {
  reviews(limit: $limit) {
    filmTitle
    author { name }
    directors { name slug url }
    writers { name }
    cast { character person { name url } }
    productionCompanies { name }
    distributor { name }
    body {
      __typename
      ... on SynopsisSection { text }
      ... on PerformanceSection { heading text performers { name } }
      ... on CritiqueSection { heading text }
      ... on FinalStatementSection { text }
    }
  }
}"""


def _count(client, query, variables) -> tuple[int, dict]:
    post(client, query, variables)  # per-process caches (site root paths) warm
    with CaptureQueriesContext(connection) as queries:
        data = data_of(post(client, query, variables))
    return len(queries), data


def test_100_reviews_with_credits_and_sections_cost_the_queries_of_1(
    client, make_review, person_factory, studio_factory, django_assert_max_num_queries
):
    _add_reviews(make_review, person_factory, studio_factory, 1)
    at_one, data = _count(client, LISTING, {"limit": 1})
    assert len(data["reviews"]) == 1
    _add_reviews(make_review, person_factory, studio_factory, 99)

    with django_assert_max_num_queries(at_one):
        data = data_of(post(client, LISTING, {"limit": 100}))

    reviews = data["reviews"]
    assert len(reviews) == 100
    assert all(len(r["cast"]) == 2 and r["distributor"] and r["author"] for r in reviews)
    assert all(len(r["body"][1]["performers"]) == 2 for r in reviews)
    print(f"\nGraphQL listing with credits and sections: {at_one} queries at 1 and at 100")  # noqa: T201


def test_nested_filmographies_are_read_per_batch_not_per_person(
    client, make_review, person_factory, studio_factory, django_assert_max_num_queries, settings
):
    settings.REVIEW_PAGES = {"GRAPHQL_MAX_COST": 100_000}
    query = """query Nested($limit: Int!) {
      reviews(limit: $limit) {
        cast { person { photo { url } credits { role review { filmTitle directors { name } } } } }
        productionCompanies { credits { review { filmTitle } } }
      }
    }"""
    _add_reviews(make_review, person_factory, studio_factory, 1)
    at_one, _ = _count(client, query, {"limit": 1})
    _add_reviews(make_review, person_factory, studio_factory, 19)

    with django_assert_max_num_queries(at_one):
        data = data_of(post(client, query, {"limit": 20}))

    assert all(
        c["person"]["credits"][0]["review"]["directors"] for r in data["reviews"] for c in r["cast"]
    )


# Cost limits


def _nested(levels: int) -> str:
    """A query `levels` fields deep: reviews > cast > person > credits > review > cast > …,
    the last one a scalar."""
    cycle = ["cast", "person", "credits", "review"]
    fields = ["reviews(limit: 1)"] + [cycle[n % 4] for n in range(levels - 2)]
    scalar = {"cast": "character", "person": "name", "credits": "role"}.get(fields[-1], "id")
    return "{ " + " { ".join(fields) + " { " + scalar + " }" * len(fields) + " }"


def test_a_query_nested_20_levels_deep_is_a_graphql_error_not_a_500(client, full_review):
    with CaptureQueriesContext(connection) as queries:
        answer = post(client, _nested(20))

    assert answer.status_code == 200
    (error,) = errors_of(answer)
    assert error["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
    assert error["extensions"]["limit"] == 10 and error["extensions"]["measured"] == 20
    assert "GRAPHQL_MAX_DEPTH" in error["message"]
    assert answer.json()["data"] is None
    assert len(queries) == 0  # refused before anything is read
    assert data_of(post(client, _nested(10)))["reviews"]


def test_a_thousand_nested_levels_are_refused_too(db, client):
    query = (
        "{ reviews { cast { person { credits { review " * 200 + "{ id }" + " } } } }" * 200 + "}"
    )

    answer = post(client, query)

    assert answer.status_code == 200
    assert errors_of(answer)[0]["extensions"]["code"] in {
        "MAX_DEPTH_EXCEEDED",
        "MAX_TOKENS_EXCEEDED",
    }


def test_too_many_aliases_are_refused_naming_the_limit(db, client, settings):
    settings.REVIEW_PAGES = {"GRAPHQL_MAX_ALIASES": 3}
    query = "{ " + " ".join(f"a{n}: reviewCount" for n in range(4)) + " }"

    (error,) = errors_of(post(client, query))

    assert error["extensions"] == {
        "code": "MAX_ALIASES_EXCEEDED",
        "setting": "GRAPHQL_MAX_ALIASES",
        "limit": 3,
        "measured": 4,
    }
    assert "REVIEW_PAGES['GRAPHQL_MAX_ALIASES']" in error["message"]
    settings.REVIEW_PAGES = {"GRAPHQL_MAX_ALIASES": 4}
    assert data_of(post(client, query))["a3"] == 0


def test_the_cost_budget_counts_list_sizes_from_arguments_and_variables(db, client, settings):
    query = "query Q($n: Int!) { reviews(limit: $n) { cast { person { name } } } }"
    settings.REVIEW_PAGES = {"GRAPHQL_MAX_COST": 2_100}
    within = post(client, query, {"n": 100})  # 100 + 100 x 10 + 100 x 10 = 2,100
    settings.REVIEW_PAGES = {"GRAPHQL_MAX_COST": 2_099}
    beyond = post(client, query, {"n": 100})
    smaller = post(client, query, {"n": 99})
    related = post(client, "{ reviews(limit: 100) { related { id } } }")

    assert data_of(within) == data_of(smaller) == {"reviews": []}
    assert errors_of(beyond)[0]["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "setting": "GRAPHQL_MAX_COST",
        "limit": 2_099,
        "measured": 2_100,
    }
    assert "REVIEW_PAGES['GRAPHQL_MAX_COST']" in errors_of(beyond)[0]["message"]
    # What a reader may read next reads three queries per review: it weighs 30 an item.
    assert errors_of(related)[0]["extensions"]["measured"] == 100 + 100 * 10 * 30


def test_an_overlong_query_is_refused_by_the_token_limit(db, client, settings):
    settings.REVIEW_PAGES = {"GRAPHQL_MAX_TOKENS": 50}

    (error,) = errors_of(post(client, "{ " + "reviewCount " * 60 + "}"))

    assert error["extensions"]["code"] == "MAX_TOKENS_EXCEEDED"
    assert "GRAPHQL_MAX_TOKENS" in error["message"]


def test_batches_answer_each_operation_and_are_bounded(client, full_review, settings):
    batch = [{"query": "{ reviewCount }"}, {"query": ISSUE_QUERY}]
    answer = client.post(ENDPOINT, batch, content_type="application/json")

    assert answer.status_code == 200
    first, second = answer.json()
    assert first == {"data": {"reviewCount": 1}}
    assert second["data"]["reviews"][0]["filmTitle"] == "Ballerina"
    assert answer["Cache-Control"] == "no-store"

    settings.REVIEW_PAGES = {"GRAPHQL_MAX_BATCH": 1}
    refused = client.post(ENDPOINT, batch, content_type="application/json")
    assert refused.status_code == 400
    (error,) = errors_of(refused)
    assert error["extensions"]["code"] == "MAX_BATCH_EXCEEDED"
    assert "GRAPHQL_MAX_BATCH" in error["message"]


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        ("{not json", "application/json", "The body is not valid JSON."),
        ("query=x", "application/x-www-form-urlencoded", "Send the operation as application/json"),
        ("[]", "application/json", "Send one operation (a JSON object) or a batch"),
        ('{"query": 5}', "application/json", "query must be a string or null."),
        ('{"query": "mutation { x }"}', "application/json", "Only queries are served here"),
    ],
)
def test_malformed_requests_are_400s_with_a_graphql_error(db, client, body, content_type, message):
    answer = client.post(ENDPOINT, body, content_type=content_type)

    assert answer.status_code == 400
    assert errors_of(answer)[0]["message"].startswith(message)


def test_a_server_error_is_told_without_its_details(client, full_review, monkeypatch):
    from review_pages.contrib.graphql import types

    def broken(self):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(types.ReviewBatch, "credits", broken)

    answer = post(client, ISSUE_QUERY)

    assert answer.status_code == 200
    assert "secret internals" not in answer.content.decode()
    assert errors_of(answer)[0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


# Caching


def test_a_get_carries_an_etag_and_the_rest_apis_cache_control(client, full_review):
    rest = client.get("/api/v3/reviews/")
    first = get(client, ISSUE_QUERY)
    again = client.get(ENDPOINT, {"query": ISSUE_QUERY}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"] == rest["Cache-Control"]
    assert first["Cache-Control"].startswith("public, max-age=")
    assert again.status_code == 304


def test_post_answers_are_never_cached(client, full_review):
    first = post(client, ISSUE_QUERY)
    second = post(client, ISSUE_QUERY)

    assert first["Cache-Control"] == second["Cache-Control"] == "no-store"
    assert second["X-Cache"] == "bypass"
    assert "ETag" not in second


def test_a_kept_review_answer_is_made_stale_exactly_by_what_it_shows(client, full_review):
    """One review's answer carries the tags of the review, people and studios it shows: a
    change to someone else leaves it kept; renaming its lead makes it stale."""
    fields = "filmTitle cast { character person { name } }"
    query = f'{{ review(slug: "{full_review.slug}") {{ {fields} }} }}'
    get(client, query)
    hit = get(client, query)
    unrelated = Person.objects.create(name="Nobody Shown")
    unrelated.name = "Still Nobody"
    unrelated.save()
    still = get(client, query)
    lead = Person.objects.get(pk=full_review.people["Ana de Armas"].pk)
    lead.name = "Ana de Armas Renamed"
    lead.save()
    after = get(client, query)

    assert hit["X-Cache"] == "hit" and still["X-Cache"] == "hit"
    assert after["X-Cache"] == "miss"
    assert data_of(after)["review"]["cast"][0]["person"]["name"] == "Ana de Armas Renamed"


def test_a_kept_listing_is_made_stale_by_any_change_to_its_lists(client, full_review):
    """A listing is tagged with the lists it shows (`cache.tags.of_shown`: a few tags to
    check on each hit instead of one per person), so a renamed lead shows at once, and any
    saved person makes it stale too."""
    get(client, ISSUE_QUERY)
    assert get(client, ISSUE_QUERY)["X-Cache"] == "hit"
    lead = Person.objects.get(pk=full_review.people["Ana de Armas"].pk)
    lead.name = "Ana de Armas Renamed"
    lead.save()
    after = get(client, ISSUE_QUERY)

    assert after["X-Cache"] == "miss"
    assert data_of(after)["reviews"][0]["cast"][0]["person"]["name"] == "Ana de Armas Renamed"
    assert get(client, ISSUE_QUERY)["X-Cache"] == "hit"


def test_a_missing_review_stays_missing_only_until_it_is_published(client, make_review):
    query = '{ review(slug: "late-film-review-a-test-headline") { filmTitle } }'
    assert data_of(get(client, query)) == {"review": None}
    assert get(client, query)["X-Cache"] == "hit"

    make_review(film_title="Late Film")

    answer = get(client, query)
    assert answer["X-Cache"] == "miss"
    assert data_of(answer) == {"review": {"filmTitle": "Late Film"}}


def test_searches_and_errors_are_not_kept(client, full_review):
    search = '{ search(query: "Ana") { people { name } } }'
    get(client, search)
    again = get(client, search)
    get(client, "{ nope }")
    error = get(client, "{ nope }")

    assert again["X-Cache"] == "miss" and again["Cache-Control"].startswith("public")
    assert error["X-Cache"] == "miss" and error["Cache-Control"] == "no-store"


def _persisted(query: str) -> dict:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def test_persisted_queries_by_hash_are_kept_and_cached(client, full_review):
    extensions = _persisted(ISSUE_QUERY)

    unknown = get(client, extensions=extensions)
    registered = get(client, ISSUE_QUERY, extensions=extensions)
    by_hash = get(client, extensions=extensions)
    by_hash_again = get(client, extensions=extensions)

    (error,) = errors_of(unknown)
    assert error == {
        "message": "PersistedQueryNotFound",
        "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
    }
    assert unknown["Cache-Control"] == "no-store"
    assert data_of(registered) == data_of(by_hash)
    assert by_hash["ETag"] and by_hash["Cache-Control"].startswith("public")
    assert by_hash_again["X-Cache"] == "hit"


def test_a_persisted_query_must_match_its_hash_and_only_valid_ones_are_kept(db, client):
    mismatch = get(client, "{ reviewCount }", extensions=_persisted("{ other }"))
    invalid = "{ nope }"
    get(client, invalid, extensions=_persisted(invalid))
    still_unknown = get(client, extensions=_persisted(invalid))

    assert mismatch.status_code == 400
    assert errors_of(mismatch)[0]["message"] == "provided sha does not match query"
    assert errors_of(still_unknown)[0]["message"] == "PersistedQueryNotFound"


# GraphiQL


def test_graphiql_is_served_from_the_plugins_static_files(db, client, settings):
    page = client.get(ENDPOINT, HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', html) if a != "data:,"]
    assert len(assets) == 6
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset
    assert "<script>" not in html  # no inline script: a strict CSP allows the page
    for name in ("graphiql/graphiql.min.js", "graphiql/graphiql.min.css"):
        text = open(finders.find(f"review_pages_graphql/{name}"), encoding="utf-8").read()
        assert "unpkg.com" not in text and "cdn.jsdelivr" not in text
        assert "sourceMappingURL" not in text
        assert "data:font" not in text  # the fonts are files: `font-src 'self'` allows them


def test_graphiql_can_be_switched_off(db, client, settings):
    settings.REVIEW_PAGES = {"GRAPHQL_GRAPHIQL": False}

    answer = client.get(ENDPOINT, HTTP_ACCEPT="text/html")

    assert answer.status_code == 400
    assert errors_of(answer)[0]["message"].startswith("No GraphQL query")
