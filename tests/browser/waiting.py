"""Waiting for the admin's own background requests, shared by the editors' browser tests."""

from playwright.sync_api import Error as PlaywrightError

AUTOSAVE_DELAY_MS = 800  # Wagtail 8 autosaves 500 ms after the last change


def settle_requests(page) -> None:
    """Wait until the editor's last request (often an autosave) has been answered.

    An autosave still in flight when "Save draft" is pressed races with it (the inline credit
    rows can be written twice), and one still running when the test returns deadlocks with
    the teardown's TRUNCATE on PostgreSQL. A person waits for the "Saving…" badge to clear;
    so do the tests.
    """
    try:
        page.wait_for_timeout(AUTOSAVE_DELAY_MS)
        page.locator(".w-autosave-indicator__state--saving").wait_for(
            state="hidden", timeout=20_000
        )
        page.wait_for_load_state("networkidle", timeout=20_000)
    except PlaywrightError as error:
        if "closed" not in str(error).lower():  # a page already gone has nothing in flight
            raise
