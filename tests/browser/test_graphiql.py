"""GraphiQL at /graphql/ works offline and under the site's Content-Security-Policy: its
scripts and styles come from the plugin's static files, and it runs a query."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_graphiql_loads_from_the_site_itself_and_runs_a_query(reading_list, live_server, open_page):
    page, watch = open_page("desktop")
    outside = []
    page.on(
        "request",
        lambda request: (
            not request.url.startswith(live_server.url)
            and not request.url.startswith("data:")
            and outside.append(request.url)
        ),
    )
    response = page.goto(f"{live_server.url}/graphql/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # GraphiQL ran (its scripts were allowed) and read the schema by introspection.
    run = page.locator(".graphiql-execute-button")
    expect(run).to_be_visible()
    run.click()
    result = page.locator(".graphiql-response")
    expect(result).to_contain_text('"filmTitle"', timeout=15_000)
    expect(result).to_contain_text('"character"')
    assert outside == []
    assert watch.problems == []
