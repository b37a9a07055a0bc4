"""A reader at the end of a review in Chromium: share by keyboard (copy link with its
confirmation and its fallback, the browser's share sheet where there is one), follow a
related review, reach the critic's page; axe finds nothing serious on these pages."""

import json

import pytest

from tests.browser.test_accessibility import BLOCKING, _audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: navigator.share as a browser with a share sheet has it: it records what it was given.
FAKE_SHARE_SHEET = """
Object.defineProperty(navigator, "share", {
  value: (data) => { window.sharedWith = data; return Promise.resolve(); },
});
"""
NO_CLIPBOARD = 'Object.defineProperty(navigator, "clipboard", {value: undefined});'


def _open_review(open_page, reading_list, film="Neon Alley", init_script=None):
    page, watch = open_page("desktop")
    if init_script:
        page.add_init_script(init_script)
    review = reading_list["reviews"][film]
    page.goto(reading_list["url"] + review.url)
    # What is shared is the review's public address (the Site record's), as canonical.
    return page, watch, page.get_attribute("link[rel=canonical]", "href")


def test_copy_link_by_keyboard_copies_the_address_and_says_so(reading_list, open_page):
    page, watch, url = _open_review(open_page, reading_list)
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=reading_list["url"]
    )
    copy = page.get_by_role("button", name="Copy link")
    assert copy.is_visible()
    assert not page.get_by_label("Link to this review").is_visible()
    # From the email link, one step back with the keyboard is the copy button.
    page.get_by_role("link", name="Email this review").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "Copy link"
    page.keyboard.press("Enter")

    status = page.locator(".share [role=status]")
    status.filter(has_text="Link copied to the clipboard.").wait_for()
    assert status.is_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert watch.problems == []


def test_without_the_clipboard_api_the_link_is_shown_selected(reading_list, open_page):
    page, watch, url = _open_review(open_page, reading_list, init_script=NO_CLIPBOARD)
    assert not page.get_by_label("Link to this review").is_visible()  # until it is needed
    page.get_by_role("button", name="Copy link").click()

    field = page.get_by_label("Link to this review")
    assert field.is_visible() and field.input_value() == url
    assert page.evaluate("document.activeElement.id") == "share-link"
    selected = page.evaluate(
        "(() => { const f = document.activeElement;"
        " return f.value.slice(f.selectionStart, f.selectionEnd); })()"
    )
    assert selected == url
    status = page.locator(".share [role=status]")
    status.filter(has_text="cop").wait_for()  # copied, or how to copy it by hand
    assert watch.problems == []


def test_the_share_sheet_button_shows_only_where_the_browser_has_one(reading_list, open_page):
    page, _, _ = _open_review(open_page, reading_list)
    has_share = page.evaluate("typeof navigator.share === 'function'")
    native = page.locator("[data-share-native]")
    assert native.is_visible() == has_share

    page, watch, url = _open_review(open_page, reading_list, init_script=FAKE_SHARE_SHEET)
    button = page.get_by_role("button", name="More ways to share…")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.sharedWith !== undefined")
    shared = page.evaluate("window.sharedWith")
    assert shared["url"] == url
    assert shared["title"] == "'Neon Alley' Review: Loud, Bright and Oddly Tender"
    assert watch.problems == []


def test_a_reader_follows_a_related_review_and_reaches_the_critic(reading_list, open_page):
    page, watch, _ = _open_review(open_page, reading_list)
    related = page.locator("section[aria-labelledby=related-heading]")
    films = related.locator(".film-title").all_inner_texts()
    assert sorted(films) == ["LOW TIDE", "THE LANTERN KEEPER"]  # upper case by the stylesheet
    related.get_by_role(
        "link", name="'Low Tide' Review: Salt, Silence and a Village Secret"
    ).click()
    page.wait_for_url("**/low-tide-review-*/")
    assert "Low Tide" in page.locator("h1").inner_text()

    page.locator(".review__byline").get_by_role("link", name="Priya Anand").click()
    page.wait_for_url("**/critics/priya-anand/")
    assert page.locator("h1").inner_text() == "Priya Anand"
    assert page.locator("article.review-card").count() == 3
    # The critic's page links back to the index of critics (the site header links it too).
    page.locator("#main").get_by_role("link", name="Critics").click()
    page.wait_for_url("**/critics/")
    assert page.locator(".critic-card__name").all_inner_texts() == ["Priya Anand"]
    assert watch.problems == []


def test_the_end_of_a_review_and_the_critics_pages_pass_axe(
    reading_list, open_page, axe_source, screenshot_dir
):
    neon = reading_list["reviews"]["Neon Alley"]
    report = {}
    pages = {
        "review-next-reads": neon.url,
        "critics": "/critics/",
        "critic-page": "/critics/priya-anand/",
    }
    for viewport in ("desktop", "phone"):
        page, watch = open_page(viewport)
        for name, path in pages.items():
            page.goto(reading_list["url"] + path)
            page.screenshot(path=str(screenshot_dir / f"{name}-{viewport}.png"), full_page=True)
            # Nothing wider than the window (no sideways scrolling on a phone).
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                name,
                viewport,
            )
            violations = _audit(page, axe_source)
            report[f"{path} ({viewport})"] = [v for v in violations if v["impact"] in BLOCKING]
        assert watch.problems == []
    assert all(not found for found in report.values()), json.dumps(report, indent=2)
