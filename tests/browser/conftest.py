"""Chromium (Debian's, never downloaded) driven by Playwright against pytest-django's live server.

Shared by the readers' and the editors' browser tests.

Locally the browser tests skip with a reason when Chromium or axe-core is missing; under
CI=true they fail instead, so CI cannot pass without running them.
"""

import datetime
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.waiting import settle_requests
from tests.support.baseline import ensure_demo_baseline

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright inside pytest-django

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "test-artifacts" / "screenshots")
)
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def _missing(what: str, how: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing and CI=true: {how}")
    pytest.skip(f"{what} is missing ({how})")


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.glob("*.png")):
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"Browser screenshots ({count}): {SCREENSHOTS}")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        _missing("Chromium at /usr/bin/chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        _missing("axe-core", "run `npm ci --prefix tests/browser` (or `make browser-deps`)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class PageWatch:
    """Collects what a reader would never want to see: console errors and failed requests."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.problems.append(f"console error: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.problems.append(
                f"request failed: {request.url} ({request.failure})"
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.problems.append(f"HTTP {response.status}: {response.url}")
            ),
        )


@pytest.fixture
def open_page(browser):
    """`open_page("phone")` -> (page, watch): a fresh browser context at that viewport."""
    contexts = []

    def make(viewport: str = "desktop"):
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        contexts.append(context)
        page = context.new_page()
        return page, PageWatch(page)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def reading_list(live_server):
    """Three live reviews with posters, credits and studios, served by the live server."""
    from reviewsite.posters import make_poster_image
    from tests.support.factories import (
        PersonFactory,
        ReviewPageFactory,
        StudioFactory,
        complete_body,
        credit,
        publish,
    )

    index = ensure_demo_baseline()
    harbourlight = StudioFactory(name="Harbourlight Pictures")
    neon = StudioFactory(name="Neon Yard Films")
    zoe = PersonFactory(name="Zoë Marchetti")
    idris = PersonFactory(name="Idris Calloway")
    maren = PersonFactory(name="Maren Holt")
    critic = PersonFactory(name="Priya Anand")
    specs = [
        (
            "The Lantern Keeper",
            "A Slow Burn That Earns Its Glow",
            "PG-13",
            datetime.date(2025, 3, 14),
            [(zoe, "Ada Venn"), (idris, "the Harbourmaster")],
            [harbourlight],
        ),
        (
            "Neon Alley",
            "Loud, Bright and Oddly Tender",
            "R",
            datetime.date(2024, 11, 1),
            [(idris, "Courier"), (zoe, "Dispatcher")],
            [neon],
        ),
        (
            "Low Tide",
            "Salt, Silence and a Village Secret",
            "R",
            datetime.date(2025, 8, 22),
            [(zoe, "Mira")],
            [harbourlight, neon],
        ),
    ]
    reviews = {}
    for film, headline, rating, released, cast, companies in specs:
        review = ReviewPageFactory(
            parent=index,
            live=False,
            title=f"'{film}' Review: {headline}",
            film_title=film,
            intro=f"<p>{film} is a film about people keeping secrets from each other.</p>",
            mpa_rating=rating,
            mpa_rating_reason="violence and language" if rating == "R" else "some peril",
            runtime_minutes=112,
            release_date=released,
            author=critic,
            score=Decimal("3.5"),
            poster=make_poster_image(film),
            body=complete_body(performer_ids=[cast[0][0].pk], critiques=2),
        )
        credit(review, directors=[maren], cast=cast, companies=companies)
        reviews[film] = publish(review)
    return {"url": live_server.url, "reviews": reviews}


@pytest.fixture(autouse=True)
def site_baseline(transactional_db):
    """Browser tests are transactional (the live server reads committed rows), and each
    ends with a flush that empties every table: put the migrations' rows back first."""
    return ensure_demo_baseline()


@pytest.fixture
def chromium_browser(browser):
    return browser


@pytest.fixture
def editor_page(chromium_browser, live_server):
    """A fresh browser context and page (its own cookies) for one editors' test."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    settle_requests(page)
    context.close()


@pytest.fixture
def index_page(site_baseline):
    return site_baseline
