"""The Reviews desk and the Verdict panel at 1280 px, as a critic sees them."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.test_editor_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_fits_1280_px_with_its_buttons_on_one_line(
    reading_list, browser, live_server, django_user_model, screenshot_dir
):
    user = django_user_model.objects.create_user("edna", password="s3cret-pass")
    user.groups.add(Group.objects.get(name="Editors"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, "edna")
        page.goto(f"{live_server.url}/admin/review_pages/reviewpage/")
        headings = page.locator("table.listing thead th").all_inner_texts()
        for column in ("Critic", "Score", "Published"):
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
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"the desk scrolls sideways at 1280 px: {widths}"
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
