"""The Reviews desk and the Verdict panel at 1280 px, as a critic sees them."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_editor_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: A long real name: the critic column must keep each of its words whole.
LONG_NAME = "Apichatpong Weerasethakul"

#: For each cell of the name columns (critic, film title) and of the short ones beside them
#: (rating, go-live, status): its text, its computed word-break and overflow-wrap, and the
#: words that the browser laid out across two lines (a word broken mid-word has more than
#: one line box; a name wrapped between words has none).
NAME_CELLS_JS = """
() => [...document.querySelectorAll(
    'td.field-critic, td.field-film_title .title-wrapper a, td.field-mpa_rating, '
    + 'td.field-go_live, td.field-status')]
  .map(cell => {
    const style = getComputedStyle(cell.closest('td'));
    const broken = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
    return {
      text: cell.textContent.trim(), wordBreak: style.wordBreak,
      overflowWrap: style.overflowWrap, broken,
    };
  })
"""


@pytest.fixture
def desk_reviews(reading_list):
    """The reading list, plus a draft by a critic with a long name."""
    from tests.support.factories import PersonFactory, ReviewPageFactory, complete_body

    index = next(iter(reading_list["reviews"].values())).get_parent()
    draft = ReviewPageFactory(
        parent=index,
        live=False,
        title="'Cemetery of Splendour' Review: Sleep as a Country",
        film_title="Cemetery of Splendour",
        author=PersonFactory(name=LONG_NAME),
        body=complete_body(),
    )
    draft.save_revision()
    return {**reading_list, "draft": draft}


def test_the_desk_fits_1280_px_with_its_buttons_on_one_line(
    desk_reviews, browser, live_server, django_user_model, screenshot_dir
):
    user = django_user_model.objects.create_user("edna", password="s3cret-pass")
    user.groups.add(Group.objects.get(name="Editors"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "edna")
        page.goto(f"{live_server.url}/admin/review_pages/reviewpage/")
        headings = page.locator("table.listing thead th").all_inner_texts()
        for column in ("Critic", "Score", "Go-live", "Published", "Status"):
            assert any(column in heading for heading in headings), headings
        assert page.locator("td", has_text="Priya Anand").count() == 3
        heights = page.evaluate(
            "[...document.querySelectorAll('ul.actions')]"
            ".map(u => u.getBoundingClientRect().height)"
        )
        one_line = page.evaluate(
            "document.querySelector('ul.actions .button').getBoundingClientRect().height"
        )
        assert heights and all(height < one_line * 1.5 for height in heights), heights
        assert_the_table_fits(page)
        page.screenshot(path=str(screenshot_dir / "admin-desk-desktop.png"), full_page=True)

        page.locator("ul.actions a", has_text="Edit").first.click()
        page.wait_for_url("**/edit/**")
        # On the first tab, without switching tabs; these reviews have a critic and a score.
        expect(page.get_by_text("Verdict", exact=True).first).to_be_visible()
        expect(page.locator("#id_score")).to_be_visible()
        expect(page.locator("[data-review-rich-result-warning]")).to_have_count(0)
        page.screenshot(path=str(screenshot_dir / "admin-editor-desktop.png"))
    finally:
        context.close()


def assert_the_table_fits(page) -> None:
    """No sideways scroll, and the list's last column inside the window (the admin's main
    area clips what overflows rather than scrolling)."""
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('table.listing').getBoundingClientRect().right]"
    )
    assert widths[0] <= widths[1], f"the desk scrolls sideways at 1280 px: {widths}"
    assert widths[2] <= widths[1], f"the desk's last column is cut off at 1280 px: {widths}"


def test_names_on_the_desk_wrap_only_between_words_at_1280_px(
    desk_reviews, browser, live_server, django_user_model, screenshot_dir
):
    """As a moderator, whose rows carry the most buttons (Edit, Copy, Unpublish, Delete), with
    a review scheduled (the longest status) and a critic with a long name."""
    from review_pages.models import ReviewPage

    scheduled = ReviewPage.objects.get(pk=desk_reviews["reviews"]["Low Tide"].pk)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=3)
    scheduled.save_revision().publish()
    user = django_user_model.objects.create_user("mo", password="s3cret-pass")
    user.groups.add(Group.objects.get(name="Moderators"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "mo")
        page.goto(f"{live_server.url}/admin/review_pages/reviewpage/")
        page.screenshot(path=str(screenshot_dir / "admin-desk-moderator.png"))
        expect(page.locator("td.field-status", has_text="live + scheduled (")).to_have_count(1)
        cells = page.evaluate(NAME_CELLS_JS)
        texts = [cell["text"] for cell in cells]
        assert LONG_NAME in texts and "Priya Anand" in texts and "The Lantern Keeper" in texts
        assert "PG-13" in texts
        for cell in cells:
            assert cell["broken"] == [], f"broken mid-word at 1280 px: {cell}"
            assert cell["wordBreak"] == "normal" and cell["overflowWrap"] == "normal", cell
        # The long name's cell is at least as wide as its longest word.
        word_fits = page.evaluate(
            """(name) => {
                const cell = [...document.querySelectorAll('td.field-critic')]
                    .find(td => td.textContent.trim() === name);
                const probe = document.createElement('span');
                probe.style.whiteSpace = 'nowrap';
                probe.textContent = name.split(' ').sort((a, b) => b.length - a.length)[0];
                cell.appendChild(probe);
                const fits = probe.getBoundingClientRect().width <= cell.clientWidth;
                probe.remove();
                return fits;
            }""",
            LONG_NAME,
        )
        assert word_fits
        assert_the_table_fits(page)
    finally:
        context.close()


def test_a_moderator_bulk_publishes_a_checked_draft_from_the_desk(
    desk_reviews, browser, live_server, django_user_model, screenshot_dir
):
    from review_pages.models import ReviewPage

    user = django_user_model.objects.create_user("mo", password="s3cret-pass")
    user.groups.add(Group.objects.get(name="Moderators"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "mo")
        page.goto(f"{live_server.url}/admin/review_pages/reviewpage/")
        checkboxes = page.locator("input[data-bulk-action-checkbox]")
        expect(checkboxes).to_have_count(4)
        draft = desk_reviews["draft"]
        row = page.locator("tr", has=page.locator(f'[data-object-id="{draft.pk}"]'))
        expect(row.locator("td.field-status")).to_have_text("draft")
        row.locator("input[data-bulk-action-checkbox]").check()
        footer = page.locator("[data-bulk-action-footer]")
        expect(footer).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "admin-desk-bulk-footer.png"))
        footer.get_by_role("link", name="Publish the selected reviews", exact=True).click()
        page.wait_for_url("**/bulk/review_pages/reviewpage/publish/**")
        expect(page.get_by_text("will be published now")).to_be_visible()
        page.get_by_role("button", name="Yes, publish").click()
        page.wait_for_url("**/admin/review_pages/reviewpage/**")
        expect(page.get_by_text("Published: ‘Cemetery of Splendour’.")).to_be_visible()
        row = page.locator("tr", has=page.locator(f'[data-object-id="{draft.pk}"]'))
        expect(row.locator("td.field-status")).to_have_text("live")
        page.screenshot(path=str(screenshot_dir / "admin-desk-bulk-published.png"))
        assert ReviewPage.objects.get(pk=draft.pk).live
    finally:
        context.close()
