"""The API v3 docs page works offline and under the site's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_loads_from_the_site_itself(reading_list, live_server, open_page):
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
    response = page.goto(f"{live_server.url}/api/v3/docs/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI ran (its scripts were allowed) and read the OpenAPI document.
    expect(page.locator(".swagger-ui .opblock-tag", has_text="reviews")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v3/reviews/").first).to_be_visible()
    assert outside == []
    assert watch.problems == []
