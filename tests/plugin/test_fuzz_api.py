"""The APIs under generated and hostile requests: never a 5xx, always the documented shape.

API v3: schemathesis reads `/api/v3/openapi.json` and generates requests for every read
operation an anonymous app may call (the project's routers and Wagtail's public reads),
in process through Django's WSGI handler, against a database holding a few reviews.
Writes and token-only reads must answer 401 without a token.

API v2: hand-picked hostile query strings and hypothesis-generated ones; every answer is
JSON, 200 or 400 on listings (404 allowed for a detail or `find/`), never 500.
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

# Per read operation: generated valid requests, then requests that break the schema.
POSITIVE_EXAMPLES = 50
NEGATIVE_EXAMPLES = 12
MIN_V3_REQUESTS = 1000
PLUGIN_TAGS = {"reviews", "people", "studios"}
V3_CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
HYPOTHESIS = {
    "deadline": None,
    "database": None,  # no example database written into the project folder
    "derandomize": True,  # the same requests on every run, so CI failures reproduce
    "suppress_health_check": list(HealthCheck),
}


PLAIN = {"Accept-Encoding": "identity"}


@contextmanager
def in_process_app():
    """Django's WSGI handler, called in this thread and inside the test's transaction.

    As Django's test client does, requests must not close the database connection when
    they end (that would end the test's transaction). Not a fixture: the test client
    reconnects the signal after each of its own requests.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_site(make_review, person_factory, studio_factory):
    """Three live reviews with credits, a draft and a password-protected one."""
    from wagtail.models import PageViewRestriction

    people = [person_factory(name=n) for n in ["Ana Ruiz", "Björn Ødegaard", "Zoë Ng"]]
    studio = studio_factory(name="Lumen & Co")
    reviews = [
        make_review(
            film_title=f"Fuzz Film {n}",
            directors=[people[n % 3]],
            writers=[people[(n + 1) % 3]],
            cast=[(people[(n + 2) % 3], "Lead"), (people[n % 3], "Cameo")],
            companies=[studio],
            score="3.5",
        )
        for n in range(3)
    ]
    make_review(film_title="Fuzz Draft", live=False)
    private = make_review(film_title="Fuzz Private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    return {"reviews": reviews, "people": people, "studio": studio}


def load_v3_schema(client):
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json(), schemathesis.openapi.from_dict(response.json())


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def is_anonymous(raw_operation: dict) -> bool:
    """Anonymous apps may call it: no requirement (`[]`, or none of its own: the document's
    default is an optional token), or an empty (optional) one among them."""
    security = raw_operation.get("security")
    return not security or {} in security


def raw_operation(raw, operation) -> dict:
    return raw["paths"][operation.path][operation.method.lower()]


def describe(case, response) -> str:
    body = response.content[:300] if hasattr(response, "content") else b""
    return f"{case.method} {case.formatted_path} {case.query} -> {response.status_code} {body!r}"


def test_v3_reads_under_schemathesis(client, fuzz_site):
    raw, schema = load_v3_schema(client)
    with in_process_app() as app:
        run_v3_fuzz(raw, schema, app, fuzz_site)


def run_v3_fuzz(raw, schema, app, fuzz_site):
    reads = [
        op
        for op in operations(schema)
        if op.method == "get" and is_anonymous(raw_operation(raw, op))
    ]
    labels = {op.label for op in reads}
    # The project's routers and Wagtail's public reads are all exercised.
    for path in ["/reviews/", "/reviews/{review_id}/", "/people/", "/studios/", "/pages/"]:
        assert f"GET /api/v3{path}" in labels, (path, labels)
    sent: Counter = Counter()
    failures: list[str] = []

    def send(case, checks):
        # The WSGI call decodes no Content-Encoding, and a cached answer would be compressed
        # for the Accept-Encoding schemathesis sends.
        response = case.call(app=app, headers=PLAIN)
        sent[case.operation.label] += 1
        sent[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks)
        except (Exception, BaseExceptionGroup) as error:  # collected: one run reports all
            failures.append(f"{describe(case, response)}\n{error}")

    def fuzz(op, mode, examples, checks):
        @settings(max_examples=examples, **HYPOTHESIS)
        @given(case=op.as_strategy(generation_mode=mode))
        def run(case):
            send(case, checks)

        run()

    for op in reads:
        # The plugin's operations declare every answer they give, typed (their 4xx too).
        plugin = bool(PLUGIN_TAGS & set(raw_operation(raw, op).get("tags", [])))
        declared = [status_code_conformance] if plugin else []
        fuzz(op, GenerationMode.POSITIVE, POSITIVE_EXAMPLES, V3_CHECKS + declared)
        # Broken input must be refused (4xx), never crash; the plugin's refusals are typed.
        negative = [not_a_server_error] + (V3_CHECKS[1:] + declared if plugin else [])
        try:
            fuzz(op, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, negative)
        except Unsatisfiable:  # e.g. a free-form slug: no request breaks its schema
            pass

    # Real objects too: generated ids are almost never ones that exist.
    review = fuzz_site["reviews"][0]
    real = {
        "review_id": review.pk,
        "person_id": fuzz_site["people"][1].pk,
        "studio_id": fuzz_site["studio"].pk,
        "page_id": review.pk,
    }
    slugs = {"/reviews/": review.slug, "/people/": "björn-ødegaard", "/studios/": "lumen-co"}
    for op in reads:
        params = {}
        for name in re.findall(r"{(\w+)}", op.path):
            if name == "slug":
                params[name] = next(v for k, v in slugs.items() if k in op.path)
            elif name in real:
                params[name] = real[name]
        if params:
            case = op.Case(path_parameters=params)
            send(case, V3_CHECKS)
            if op.path.endswith("_id}/") and "pages" not in op.path:
                assert case.call(app=app, headers=PLAIN).status_code == 200, op.label

    total = sum(v for k, v in sent.items() if isinstance(k, str))
    by_status = dict(sorted((k, v) for k, v in sent.items() if isinstance(k, int)))
    print(f"\nAPI v3 fuzz: {total} requests, by status {by_status}")  # noqa: T201
    assert not failures, f"{len(failures)} failures; first ones:\n" + "\n\n".join(failures[:5])
    assert total >= MIN_V3_REQUESTS, total
    # Not all refused: valid requests reach the views and their answers were checked.
    assert sent[200] >= 150, by_status


def test_v3_writes_and_token_reads_need_a_token(client, fuzz_site):
    raw, schema = load_v3_schema(client)
    review = fuzz_site["reviews"][0]
    values = {"type": "people.person", "pk": "1", "revision_id": "1"}
    checked = []
    for op in operations(schema):
        if op.method == "get" and is_anonymous(raw_operation(raw, op)):
            continue
        path = re.sub(r"{(\w+)}", lambda m: str(values.get(m.group(1), review.pk)), op.full_path)
        for headers in [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-real-token"}]:
            response = client.generic(
                op.method.upper(), path, data="{}", content_type="application/json", **headers
            )
            assert response.status_code == 401, (op.method, path, headers, response.status_code)
        checked.append(op.label)
    assert len(checked) >= 30, checked
    review.refresh_from_db()
    assert review.live


# ------------------------------------------------------------------------------------------
# API v2: hostile query strings
# ------------------------------------------------------------------------------------------

REVIEWS = "/api/v2/pages/?type=review_pages.ReviewPage&"
LISTINGS = [
    "/api/v2/pages/?",
    REVIEWS,
    REVIEWS + "fields=*&",
    "/api/v2/people/?",
    "/api/v2/studios/?",
    "/api/v2/images/?",
]
HOSTILE_QUERIES = [
    "fields=nope",
    "fields=*,-nope",
    "fields=_,id",
    "fields=_",
    "fields=-id",
    "fields=-id,-meta",
    "fields=body(nope)",
    "fields=directors(*)",
    "fields=" + ",".join(["title"] * 500),
    "fields=" + "(" * 300,
    "unknown=1",
    "limit=-1",
    "limit=0",
    "limit=1000000000000000000000",
    "limit=9999999",
    "limit=abc",
    "offset=-5",
    "offset=99999999999999999999999",
    "offset=1e3",
    "order=nope",
    "order=-",
    "order=random&search=x",
    "order=title;DROP TABLE wagtailcore_page",
    "type=nope",
    "type=nope.Nope",
    "type=auth.User",
    "type=review_pages.ReviewPage,wagtailcore.Page",
    "child_of=abc",
    "child_of=-1",
    "child_of=99999999999999999999",
    "descendant_of=0",
    "ancestor_of=x",
    "translation_of=x",
    "locale=xx-nope",
    "site=%00",
    "id=abc",
    "id=1e9",
    "title=%00",
    "slug=%00",
    "slug=" + "x" * 10000,
    "person=%00",
    "person=../../etc/passwd",
    "person=" + "a" * 300,
    "studio=' OR 1=1 --",
    "mpa_rating=R' OR '1'='1",
    "mpa_rating=%00",
    "release_year=-1",
    "release_year=99999999999999999999",
    "release_year=%00",
    "search=%00",
    "search=' OR 1=1; --",
    'search=" ) UNION SELECT password FROM auth_user --',
    "search={{ settings.SECRET_KEY }}",
    "search={% debug %}",
    "search=${7*7}",
    "search=<script>alert(1)</script>",
    "search=" + "%F0%9F%8E%AC" * 400,
    "search=%E2%80%AE%CC%81%CC%81%CC%81",
    "search=AND OR NOT",
    "search=*",
    "search=%22%22%22",
    "search=" + "a " * 5000,
    "search_operator=xor&search=x",
    "search=x&order=title",
    "html_path=%00",
    "%00=%00",
    "fields=%FF%FE",
    "search=%FF%FE",
    "person=%ED%A0%80",
]


def get_v2(client, url):
    """One request in a savepoint: a query the database refused rolls back only itself."""
    with transaction.atomic():
        return client.get(url)


def check_v2_answer(response, url, allowed=(200, 400)):
    assert response.status_code in allowed, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), (url, response["Content-Type"])
    body = response.json()
    if response.status_code == 400:
        assert isinstance(body.get("message"), str) and body["message"], (url, body)
    return body


ENDPOINT_GROUPS = {
    "page listings": [(url, (200, 400)) for url in LISTINGS[:3]],
    "people, studios, images": [(url, (200, 400)) for url in LISTINGS[3:]],
    "detail and find": [
        ("/api/v2/pages/{review}/?", (200, 400, 404)),
        ("/api/v2/pages/find/?", (200, 302, 400, 404)),
        ("/api/v2/people/find/?", (200, 302, 400, 404)),
    ],
}


@pytest.mark.parametrize("group", list(ENDPOINT_GROUPS))
def test_v2_hostile_query_strings(client, fuzz_site, group):
    problems = []
    for endpoint, allowed in ENDPOINT_GROUPS[group]:
        for query in HOSTILE_QUERIES:
            url = endpoint.format(review=fuzz_site["reviews"][0].pk) + query
            try:
                check_v2_answer(get_v2(client, url), url, allowed)
            except Exception as error:  # collected: one run names every failing query
                problems.append(f"{url[:120]}: {str(error)[:200]}")
    assert not problems, f"{len(problems)} bad answers:\n" + "\n".join(problems[:20])


def test_v2_good_queries_still_answer(client, fuzz_site):
    """The hostile cases are refused for their hostility, not because everything is."""
    body = check_v2_answer(get_v2(client, REVIEWS + "fields=*&limit=2&offset=1"), "listing")
    assert body["meta"]["total_count"] == 3 and len(body["items"]) == 2
    body = check_v2_answer(get_v2(client, REVIEWS + "search=fuzz&person=ana-ruiz"), "search")
    assert body["items"]
    assert client.get(REVIEWS + "limit=-1").status_code == 400


QUERY_KEYS = [
    "fields",
    "type",
    "limit",
    "offset",
    "order",
    "search",
    "search_operator",
    "person",
    "studio",
    "mpa_rating",
    "release_year",
    "child_of",
    "descendant_of",
    "locale",
    "slug",
    "title",
    "id",
    "x",
]
odd_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(["*", "-1", "0", "1e999", "99999999999999999999", "%", "\x00", "{{x}}"])


@settings(max_examples=100, **HYPOTHESIS)
@given(
    listing=st.sampled_from(LISTINGS),
    params=st.lists(st.tuples(st.sampled_from(QUERY_KEYS), odd_text), min_size=1, max_size=4),
)
def test_v2_generated_query_strings(client, fuzz_site, listing, params):
    url = listing + urlencode(params)
    check_v2_answer(get_v2(client, url), url)


NUL_URLS = [
    "/api/v3/reviews/by-slug/a%00b/",
    "/api/v3/people/by-slug/%00/",
    "/api/v3/studios/by-slug/%00/",
    "/api/v3/reviews/?search=%00",
    "/api/v3/people/?search=a%00",
    "/api/v3/studios/?search=%00",
    "/api/v3/pages/?search=%00",
    "/api/v3/pages/find/?html_path=/%00/",
    "/api/v3/reviews/?person=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_v3_nul_bytes_are_refused_not_crashed(client, fuzz_site, url):
    """PostgreSQL refuses NUL in text: such a value can match nothing, and is not a 500."""
    with transaction.atomic():
        response = client.get(url)
    assert response.status_code in (200, 400, 404, 422), (url, response.status_code)
    assert "json" in response["Content-Type"]
    if response.status_code == 200:
        assert response.json()["items"] == []
