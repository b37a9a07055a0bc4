"""A reader's visit in Chromium: browse, filter, read, follow credits, search; and layout."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, screenshot_dir, name):
    path = screenshot_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_reader_filters_reads_follows_a_credit_and_finds_a_studio(
    reading_list, open_page, screenshot_dir
):
    page, watch = open_page("desktop")
    base = reading_list["url"]

    page.goto(base + "/")
    assert page.locator("h1").count() == 1
    assert page.locator("article.review-card").count() == 3

    # Filter by rating: only the two R-rated films stay.
    page.select_option("#filter-rating", "R")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?rating=R*")
    titles = page.locator(".review-card__title").all_inner_texts()
    assert len(titles) == 2
    assert all("Lantern Keeper" not in title for title in titles)

    # Open a review and see its facts box.
    page.click("text='Neon Alley' Review: Loud, Bright and Oddly Tender")
    page.wait_for_selector("aside.facts")
    facts = page.locator("aside.facts")
    assert facts.is_visible()
    assert "Film facts" in facts.inner_text()
    assert "1 Hour and 52 Minutes" in facts.inner_text()
    assert page.locator("aside.facts picture img").get_attribute("alt") == "Poster for Neon Alley"

    # Follow a cast member to their filmography.
    facts.locator("ul.cast a", has_text="Idris Calloway").click()
    page.wait_for_url("**/people/idris-calloway/")
    assert page.locator("h1").inner_text() == "Idris Calloway"
    filmography = page.locator("main").inner_text()
    assert "Neon Alley" in filmography and "The Lantern Keeper" in filmography
    assert "as Courier" in filmography

    # Search for a studio from the header and land on its reviews.
    page.fill("#site-search-q", "Harbourlight")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=Harbourlight")
    studios = page.locator("section[aria-labelledby=studios-heading]")
    studios.locator("a", has_text="Harbourlight Pictures").click()
    page.wait_for_url("**/studios/harbourlight-pictures/")
    assert page.locator("h1").inner_text() == "Harbourlight Pictures"
    listed = page.locator(".review-card__kicker .film-title").all_inner_texts()
    assert sorted(listed) == ["LOW TIDE", "THE LANTERN KEEPER"]  # upper case by the stylesheet

    assert watch.problems == []


def _reader_pages(reading_list):
    neon = reading_list["reviews"]["Neon Alley"]
    return {
        "front": "/",
        "front-filtered": "/?rating=R",
        "review": neon.url,
        "person": "/people/zo%C3%AB-marchetti/",
        "studio": "/studios/harbourlight-pictures/",
        "critic": "/people/priya-anand/",
        "search": "/search/?q=Marchetti",
        "search-empty": "/search/?q=%21%21%21",
        "not-found": "/no-such-review/",
    }


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_every_page_loads_cleanly_fits_and_is_captured(
    reading_list, open_page, screenshot_dir, viewport
):
    page, watch = open_page(viewport)
    for name, path in _reader_pages(reading_list).items():
        problems_before = len(watch.problems)
        page.goto(reading_list["url"] + path)
        page.wait_for_load_state("load")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy posters
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        # Images loaded (posters included): none broken.
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"
        )
        assert broken == 0, name
        if viewport == "phone":
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], f"{name} scrolls sideways at 375px: {widths}"
        _shoot(page, screenshot_dir, f"{name}-{viewport}")
        new = watch.problems[problems_before:]
        if name == "not-found":  # the page itself is the 404; nothing else may fail
            new = [p for p in new if p != f"HTTP 404: {reading_list['url']}{path}"]
            new = [p for p in new if "404 (Not Found)" not in p]
        assert new == [], f"{name}: {new}"


def test_skip_link_and_focus_are_visible(reading_list, open_page):
    page, _ = open_page("desktop")
    page.goto(reading_list["url"] + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0  # moved on screen when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_review_reads_first_on_a_phone_and_stands_beside_its_facts_on_a_desktop(
    reading_list, open_page
):
    url = reading_list["url"] + reading_list["reviews"]["Neon Alley"].url

    def top(page, selector):
        return page.evaluate(
            f"document.querySelector({selector!r}).getBoundingClientRect().top + scrollY"
        )

    phone, _ = open_page("phone")
    phone.goto(url)
    assert phone.locator(".review__facts-line").is_visible()
    assert "1 h 52 min" in phone.locator(".review__facts-line").inner_text()
    synopsis = top(phone, "#section-synopsis")
    assert synopsis < 900, f"the synopsis starts {synopsis:.0f} px down on a phone"
    assert top(phone, "aside.facts") > top(phone, ".section--final")  # facts after the review
    body_size = phone.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.review__body p')).fontSize)"
    )
    assert 18 <= body_size <= 20

    desktop, _ = open_page("desktop")
    desktop.goto(url)
    assert not desktop.locator(".review__facts-line").is_visible()
    poster, header = top(desktop, ".review__poster"), top(desktop, ".review__header")
    assert poster - header < 60, "the poster stands beside the header"
    gap = top(desktop, ".review__body") - desktop.evaluate(
        "document.querySelector('.review__header').getBoundingClientRect().bottom + scrollY"
    )
    assert gap < 60, f"{gap:.0f} px between the header and the body"
    assert desktop.locator(".review__meta .visually-hidden").inner_text() == "3.5 out of 5"
