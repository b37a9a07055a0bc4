"""An Editor composes a review in the real admin UI; a Moderator approves it.

Drives Wagtail's own widgets as a user does: StreamField's block menu, Draftail's
contenteditable, the snippet chooser modal (search, pick, and "Add a new person").
Screenshots of each step go to test-artifacts/editors/.
"""

import json
import re
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from people.models import Person
from review_pages.models import ReviewPage
from tests.browser.waiting import settle_requests

# The live server reads committed data; the site_baseline fixture puts back the migrations'
# rows (index page, groups, workflow) that a transactional test's flush removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "editors"


class Steps:
    """Numbered screenshots for one test."""

    def __init__(self, page, name):
        self.page, self.name, self.count = page, name, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        """On failure, keep what the browser showed: a screenshot and the page's HTML."""
        if kind is not None:
            self.shot("failure")
            (ARTIFACTS / f"{self.name}-failure.html").write_text(self.page.content())
        return False

    def shot(self, label):
        self.count += 1
        path = ARTIFACTS / f"{self.name}-{self.count:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def make_user(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="s3cret-pass")
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar, [data-side-panel], main")).not_to_have_count(0)


def add_review_url(live_server, index_page):
    return f"{live_server.url}/admin/pages/add/review_pages/reviewpage/{index_page.pk}/"


def type_rich_text(page, container, text):
    editor = container.locator("[contenteditable=true]").first
    editor.click()
    page.keyboard.type(text)


def add_section(page, block_label):
    """Open StreamField's block menu after the last section and pick a block type."""
    add_buttons = page.locator("#panel-child-review-body-content button.c-sf-add-button")
    add_buttons.last.click()  # the stream's last insert point: append
    page.get_by_role("option", name=re.compile(rf"^{block_label}$", re.I)).click()
    return (
        page.locator("#panel-child-review-body-content [data-contentpath]")
        .filter(has=page.locator(".c-sf-block__type", has_text=re.compile(block_label, re.I)))
        .last
    )


def choose_in_modal(page, search, name):
    modal = page.locator(".modal-dialog, .modal")
    search_box = modal.locator("input[name=q]").first
    search_box.fill(search)
    # The search runs as the editor types; wait until only the match is listed.
    rows = modal.locator("tbody tr")
    expect(rows).to_have_count(1)
    result = rows.filter(has_text=name).first
    expect(result).to_be_visible()
    checkbox = result.locator("input[type=checkbox]")
    if checkbox.count():
        checkbox.check()
        modal.get_by_role("button", name=re.compile("Confirm selection", re.I)).click()
    else:
        result.get_by_role("link", name=name).click()
    expect(page.locator(".modal.show, .modal-dialog:visible")).to_have_count(0)


@pytest.fixture
def newsroom(django_user_model, index_page):
    make_user(django_user_model, "edna", "Editors")
    make_user(django_user_model, "moe", "Moderators")
    people = {name: Person.objects.create(name=name) for name in ["Oskar Lind", "Bea Thorne"]}
    return people


def compose(page, live_server, index_page, steps, *, with_final_statement=True):
    page.goto(add_review_url(live_server, index_page))
    page.fill("#id_title", "'Saltwater Hymn' Review: A Choir of Ghosts")
    page.fill("#id_film_title", "Saltwater Hymn")
    steps.shot("empty-form-headline")

    synopsis = add_section(page, "synopsis")
    type_rich_text(page, synopsis, "A choir sings to the drowned.")
    performance = add_section(page, "performance")
    performance.locator("input[type=text]").first.fill("A voice like a storm")
    performance.locator(
        "[data-contentpath=performers] .c-sf-add-button, .c-sf-add-button"
    ).first.click()
    performance.get_by_role("button", name=re.compile("Choose person", re.I)).first.click()
    choose_in_modal(page, "Bea", "Bea Thorne")
    type_rich_text(page, performance, "She sings like thunder.")
    critique = add_section(page, "critique")
    critique.locator("input[type=text]").first.fill("Too many hymns")
    type_rich_text(page, critique, "It drags in the middle.")
    if with_final_statement:
        final = add_section(page, "final statement")
        type_rich_text(page, final, "Haunting, if long.")
    steps.shot("sections")

    page.get_by_role("tab", name="Film facts").click()
    page.select_option("#id_mpa_rating", "PG-13")
    page.fill("#id_mpa_rating_reason", "eerie images")
    page.fill("#id_runtime_minutes", "104")
    page.fill("#id_release_date", "2025-09-12")
    page.keyboard.press("Escape")
    steps.shot("film-facts")

    page.get_by_role("tab", name="Credits").click()
    page.get_by_role("button", name=re.compile("Add directors", re.I)).click()
    choose_in_modal(page, "Oskar", "Oskar Lind")
    page.get_by_role("button", name=re.compile("Add cast", re.I)).click()
    choose_in_modal(page, "Bea", "Bea Thorne")
    page.fill("#id_cast-0-character", "Nell Brannock")
    expect(page.locator("#id_cast-1-character")).to_have_count(0)  # one row per pick
    # The second cast member is not in the library yet: add them from the chooser.
    page.get_by_role("button", name=re.compile("Add cast", re.I)).click()
    modal = page.locator(".modal-dialog, .modal")
    modal.get_by_role("tab", name="Add a new person").click()
    modal.locator("input[name=name]").fill("Nova Quinn")
    steps.shot("create-person-in-chooser")
    modal.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page.locator("#id_cast-1-character")).to_be_visible()
    page.fill("#id_cast-1-character", "Father Quill")
    steps.shot("credits")


def test_editor_composes_and_moderator_approves(editor_page, live_server, index_page, newsroom):
    page = editor_page
    with Steps(page, "compose-approve") as steps:
        log_in(page, live_server, "edna")
        compose(page, live_server, index_page, steps)

        settle_requests(page)
        page.get_by_role("button", name=re.compile("^Save draft", re.I)).click()
        expect(page.get_by_text(re.compile("has been (created|updated)"))).to_be_visible()
        steps.shot("draft-saved")
        review = ReviewPage.objects.get()
        assert not review.live
        assert Person.objects.filter(name="Nova Quinn").exists()
        draft = review.get_latest_revision_as_object()
        assert [(c.person.name, c.character) for c in draft.cast.all()] == [
            ("Bea Thorne", "Nell Brannock"),
            ("Nova Quinn", "Father Quill"),
        ]
        assert [b.block_type for b in draft.body] == [
            "synopsis",
            "performance",
            "critique",
            "final_statement",
        ]

        # Preview: the side panel shows the real page template.
        page.get_by_role("button", name=re.compile("preview", re.I)).first.click()
        preview = page.frame_locator("iframe[title*=review i], iframe.preview-iframe, iframe").first
        expect(preview.locator("body")).to_contain_text("Nell Brannock")
        steps.shot("preview")

        # Submit for moderation from the footer's action menu.
        page.locator(
            "footer [data-w-dropdown-target=toggle], footer .dropdown-toggle"
        ).first.click()
        page.get_by_role("button", name=re.compile("Submit to Review moderation", re.I)).click()
        expect(page.get_by_text(re.compile("submitted", re.I)).first).to_be_visible()
        steps.shot("submitted")
        review.refresh_from_db()
        assert not review.live
        assert review.current_workflow_state.status == "in_progress"

        log_in(page, live_server, "moe")
        page.goto(f"{live_server.url}/admin/pages/{review.pk}/edit/")
        steps.shot("moderator-opens")
        page.locator(
            "footer [data-w-dropdown-target=toggle], footer .dropdown-toggle"
        ).first.click()
        page.get_by_role("button", name=re.compile("^Approve", re.I)).first.click()
        confirm = page.locator(".modal-dialog").get_by_role("button", name=re.compile("Approve"))
        if confirm.count():
            confirm.first.click()
            # Approving publishes the review and returns the moderator to the reviews listing.
            page.wait_for_url(re.compile(rf"/admin/pages/{index_page.pk}/$"))
        steps.shot("approved")
        review.refresh_from_db()
        assert review.live

        page.goto(f"{live_server.url}{review.url}")
        expect(page.locator("body")).to_contain_text("A Choir of Ghosts")
        expect(page.locator("body")).to_contain_text("Father Quill")
        expect(page.locator("body")).to_contain_text("Haunting, if long.")
        steps.shot("public-page")

        # Apps see the approved review too, with its credits embedded.
        api = f"{live_server.url}/api/v2/pages/?type=review_pages.ReviewPage&fields=*"
        with urlopen(api) as response:  # noqa: S310 - the local live server
            payload = json.load(response)
        [item] = payload["items"]
        assert item["title"] == "'Saltwater Hymn' Review: A Choir of Ghosts"
        assert [member["character"] for member in item["cast"]] == [
            "Nell Brannock",
            "Father Quill",
        ]
    print(f"\nscreenshots: {ARTIFACTS}")  # noqa: T201


def test_publishing_without_a_final_statement_is_refused(
    editor_page, live_server, index_page, newsroom
):
    page = editor_page
    with Steps(page, "no-final-statement") as steps:
        log_in(page, live_server, "moe")
        compose(page, live_server, index_page, steps, with_final_statement=False)
        page.get_by_role("tab", name="Review").click()
        page.locator(
            "footer [data-w-dropdown-target=toggle], footer .dropdown-toggle"
        ).first.click()
        page.get_by_role("button", name=re.compile("^Publish", re.I)).click()
        expect(page.locator("body")).to_contain_text("Add a final statement")
        steps.shot("refused")
        assert not ReviewPage.objects.filter(live=True).exists()
    print(f"\nscreenshots: {ARTIFACTS}")  # noqa: T201
