"""The admin's import page (`/admin/review-pages/import/`): check, import, permissions, bad
input, and large batches imported by a background task with a progress page."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import GroupPagePermission, PageLogEntry

from review_pages.background import backend_alias
from review_pages.importing.admin import tasks
from review_pages.importing.files import MAX_FILE_BYTES
from review_pages.models import ReviewImport, ReviewImportFile, ReviewPage
from tests.support.importing import SAMPLES_DIR, review_text, row_counts, table_snapshot

IMPORT_URL = "/admin/review-pages/import/"
SAMPLE = SAMPLES_DIR / "copper-saints.txt"
#: Names with accents and curly quotes (as tests/plugin/test_import_verdicts.py).
NAMES_TEXT = dict(
    film="Zoë’s Café",
    cast="Inés Valdés, Søren Ålund",
    synopsis="A chef, Zoë (Inés Valdés), opens a café; the “naïve” Søren Ålund helps.",
    sections="Inés Valdés and Søren Ålund\n\nValdés is superb; Ålund is fine.",
)
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def sample(name: str = "copper-saints.txt") -> SimpleUploadedFile:
    return upload(name, (SAMPLES_DIR / name).read_bytes())


def all_samples() -> list[SimpleUploadedFile]:
    return [upload(path.name, path.read_bytes()) for path in sorted(SAMPLES_DIR.glob("*.txt"))]


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]


def user_with(django_user_model, index_page, name, *, may_import=True, page_perms=()):
    """A user in a group of their own with admin access, the import permission or not, and
    page permissions on the review index (as a host's groups give them)."""
    user = django_user_model.objects.create_user(name, password="pw")
    group = Group.objects.create(name=f"{name} group")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if may_import:
        group.permissions.add(Permission.objects.get(codename="import_reviews"))
    for codename in page_perms:
        GroupPagePermission.objects.create(
            group=group,
            page=index_page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{codename}_page"
            ),
        )
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def editor(django_user_model, index_page):
    """May import, add and edit reviews, not publish (an Editor of the demo)."""
    return user_with(django_user_model, index_page, "ed", page_perms=("add", "change"))


@pytest.fixture
def moderator(django_user_model, index_page):
    return user_with(django_user_model, index_page, "mo", page_perms=("add", "change", "publish"))


# -- check and import ---------------------------------------------------------------------


def test_check_of_a_sample_and_a_binary_file_reports_the_film_and_the_refusal_writing_nothing(
    admin_client, index_page
):
    before_counts, before = row_counts(), table_snapshot()
    response = admin_client.post(
        IMPORT_URL,
        {"files": [sample(), upload("poster.png", BINARY)], "action": "check"},
    )
    assert response.status_code == 200
    rows = response.context["checked"]["rows"]
    assert [(r.name, r.label, r.film_title) for r in rows] == [
        ("copper-saints.txt", "New review", "Copper Saints"),
        ("poster.png", "Refused", ""),
    ]
    assert rows[1].message == "binary file, not plain text"
    page = text(response)
    assert "Copper Saints" in page and "binary file, not plain text" in page
    assert "Check: nothing was written" in page
    assert row_counts() == before_counts
    assert table_snapshot() == before


def test_check_tells_new_update_and_unchanged_apart(admin_client, index_page):
    admin_client.post(IMPORT_URL, {"files": [sample()], "action": "import"})
    changed = SAMPLE.read_bytes().replace(b"Grimy Heist", b"Grubby Heist")
    before = table_snapshot()
    response = admin_client.post(
        IMPORT_URL,
        {
            "files": [
                sample(),
                upload("changed.txt", changed),
                sample("static-bloom.txt"),
            ],
            "action": "check",
        },
    )
    assert [(r.label, r.film_title) for r in response.context["checked"]["rows"]] == [
        ("Unchanged", "Copper Saints"),
        ("Update", "Copper Saints"),
        ("New review", "Static Bloom"),
    ]
    assert "1 new review, 1 update, 1 unchanged, 0 refused" in text(response)
    assert table_snapshot() == before


def test_check_with_publish_says_an_unchanged_draft_would_be_published(admin_client, index_page):
    admin_client.post(IMPORT_URL, {"files": [sample()], "action": "import"})  # a draft
    response = admin_client.post(
        IMPORT_URL, {"files": [sample()], "action": "check", "publish": "on"}
    )
    [row] = response.context["checked"]["rows"]
    assert (row.label, row.message) == ("Update", "its latest revision would be published")
    assert not ReviewPage.objects.get().live


def test_import_creates_draft_reviews_owned_by_and_logged_for_the_user(admin_client, index_page):
    response = admin_client.post(
        IMPORT_URL, {"files": [sample(), upload("poster.png", BINARY)], "action": "import"}
    )
    batch = ReviewImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("review_pages_import_batch", args=(batch.pk,))

    review = ReviewPage.objects.child_of(index_page).get()
    assert review.film_title == "Copper Saints"
    assert not review.live and review.has_unpublished_changes  # a draft: Publish was not ticked
    user = batch.user
    assert review.owner == user
    entries = PageLogEntry.objects.filter(page=review)
    assert [(e.action, e.user) for e in entries] == [("wagtail.create", user)]
    assert review.latest_revision.user == user

    page = admin_client.get(response["Location"])
    assert [(r.name, r.label, r.film_title) for r in page.context["rows"]] == [
        ("copper-saints.txt", "Imported", "Copper Saints"),
        ("poster.png", "Refused", ""),
    ]
    content = text(page)
    assert "Finished:" in content and "2 of 2 files done" in content
    assert 'http-equiv="refresh"' not in content  # finished: no more reloading
    assert reverse("wagtailadmin_pages:edit", args=(review.pk,)) in content
    # The files' bytes are not kept once imported.
    assert set(ReviewImportFile.objects.values_list("content", flat=True)) == {b""}


def test_import_with_publish_publishes_and_logs_the_publication_for_the_user(
    admin_client, index_page
):
    admin_client.post(IMPORT_URL, {"files": all_samples(), "action": "import", "publish": "on"})
    reviews = ReviewPage.objects.child_of(index_page)
    assert reviews.count() == 4 and all(review.live for review in reviews)
    entries = PageLogEntry.objects.filter(action="wagtail.publish", page__in=reviews)
    assert entries.count() == 4
    assert {entry.user.username for entry in entries} == {"editor-in-chief"}


def test_an_updated_review_gets_a_revision_logged_for_the_user(admin_client, index_page):
    admin_client.post(IMPORT_URL, {"files": [sample()], "action": "import", "publish": "on"})
    changed = SAMPLE.read_bytes().replace(b"Grimy Heist", b"Grubby Heist")
    response = admin_client.post(
        IMPORT_URL,
        {"files": [upload("changed.txt", changed)], "action": "import", "publish": "on"},
        follow=True,
    )
    [row] = response.context["rows"]
    assert (row.label, row.film_title) == ("Updated", "Copper Saints")
    review = ReviewPage.objects.get()
    assert "Grubby Heist" in review.title
    actions = [(e.action, e.user.username) for e in PageLogEntry.objects.filter(page=review)]
    assert actions.count(("wagtail.publish", "editor-in-chief")) == 2
    assert ("wagtail.edit", "editor-in-chief") in actions


def test_a_refused_file_writes_nothing_while_the_others_import(admin_client, index_page):
    no_metadata = review_text(film="Loose Ends").split("MPA Rating")[0].encode()
    admin_client.post(
        IMPORT_URL,
        {"files": [upload("loose.txt", no_metadata), sample()], "action": "import"},
    )
    assert list(ReviewPage.objects.values_list("film_title", flat=True)) == ["Copper Saints"]
    refused = ReviewImportFile.objects.get(name="loose.txt")
    assert refused.status == "refused" and "metadata" in refused.message


def test_the_import_page_offers_the_form_and_the_menu_item(admin_client, index_page):
    response = admin_client.get(IMPORT_URL)
    assert response.status_code == 200
    content = text(response)
    assert 'name="files"' in content and "multiple" in content
    assert 'name="action" value="check"' in content and 'name="action" value="import"' in content
    assert 'name="publish"' in content  # a superuser may publish
    assert f"The reviews go under “{index_page.title}”" in content  # the only index
    home = admin_client.get("/admin/")
    assert "Import reviews" in text(home) and IMPORT_URL in text(home)


# -- who may ------------------------------------------------------------------------------


def test_an_administrator_can_grant_the_permission_in_wagtails_group_editor(admin_client):
    response = admin_client.get(reverse("wagtailusers_groups:add"))
    permission = Permission.objects.get(codename="import_reviews")
    assert "Can import reviews from plain-text files" in text(response)
    assert f'value="{permission.pk}"' in text(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_the_login_page(client, index_page, method):
    before = row_counts()
    data = {"files": [sample()], "action": "import"} if method == "post" else None
    response = getattr(client, method)(IMPORT_URL, data)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={IMPORT_URL}"
    assert row_counts() == before


def test_users_without_the_permission_are_denied_and_see_no_menu_item(
    django_user_model, index_page
):
    _, client = user_with(
        django_user_model, index_page, "nope", may_import=False, page_perms=("add", "change")
    )
    before = row_counts()
    for response in (
        client.get(IMPORT_URL),
        client.post(IMPORT_URL, {"files": [sample()], "action": "import"}),
    ):
        # Wagtail's permission denied: back to the dashboard, with its message.
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert row_counts() == before
    home = client.get("/admin/")
    assert "Sorry, you do not have permission to access this area." in messages_of(home)
    assert IMPORT_URL not in text(home)


def test_an_editor_who_may_not_publish_imports_drafts_only(editor, index_page):
    user, client = editor
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert 'name="publish"' not in text(page) and "saved as drafts" in text(page)

    before = row_counts()
    refused = client.post(IMPORT_URL, {"files": [sample()], "action": "import", "publish": "on"})
    assert refused.status_code == 200
    assert f"You may not publish reviews under “{index_page.title}”" in text(refused)
    assert "Nothing was imported: see the problems below." in messages_of(refused)
    assert row_counts() == before

    client.post(IMPORT_URL, {"files": [sample()], "action": "import"})
    review = ReviewPage.objects.get()
    assert not review.live
    assert PageLogEntry.objects.get(page=review, action="wagtail.create").user == user


def test_a_moderator_may_publish(moderator, index_page):
    user, client = moderator
    assert 'name="publish"' in text(client.get(IMPORT_URL))
    client.post(IMPORT_URL, {"files": [sample()], "action": "import", "publish": "on"})
    review = ReviewPage.objects.get()
    assert review.live
    assert PageLogEntry.objects.get(page=review, action="wagtail.publish").user == user


def test_a_file_may_not_update_a_review_the_user_may_not_edit(
    django_user_model, admin_client, index_page
):
    admin_client.post(IMPORT_URL, {"files": [sample()], "action": "import"})  # owned by admin
    _, client = user_with(django_user_model, index_page, "adder", page_perms=("add",))
    changed = SAMPLE.read_bytes().replace(b"Grimy Heist", b"Grubby Heist")
    before = table_snapshot()
    response = client.post(
        IMPORT_URL, {"files": [upload("changed.txt", changed)], "action": "check"}
    )
    [row] = response.context["checked"]["rows"]
    assert row.label == "Refused" and "which you may not edit" in row.message
    assert table_snapshot() == before


def test_a_user_without_any_index_to_add_to_is_told_so(django_user_model, index_page):
    _, client = user_with(django_user_model, index_page, "lonely")
    response = client.get(IMPORT_URL)
    assert "There is no review index you may add reviews to" in text(response)
    response = client.post(IMPORT_URL, {"files": [sample()], "action": "import"})
    assert response.status_code == 200 and not ReviewImport.objects.exists()


# -- bad input ----------------------------------------------------------------------------


def test_an_empty_upload_is_refused_with_a_message(admin_client, index_page):
    before = row_counts()
    response = admin_client.post(IMPORT_URL, {"action": "import"})
    assert response.status_code == 200
    assert "Choose one or more review files (.txt) to import." in text(response)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (BINARY, "binary file, not plain text"),
        (b"x" * (MAX_FILE_BYTES + 1), "too large for a review (more than 2,097,152 bytes)"),
        (
            review_text(**NAMES_TEXT).encode() + "Inés".encode("cp1252"),
            "not UTF-8 text (invalid byte at position",
        ),
        (b"Just a note to self\n\nNo review here.\n", "no headline"),
        (b"'Loose Ends' Review: Nothing Else\n\nAn intro alone.\n", "no metadata"),
    ],
    ids=["empty", "blank", "binary", "too-large", "wrong-encoding", "no-headline", "no-metadata"],
)
@pytest.mark.parametrize("action", ["check", "import"])
def test_each_bad_file_is_refused_with_its_reason_and_writes_no_review(
    admin_client, index_page, data, reason, action
):
    response = admin_client.post(
        IMPORT_URL, {"files": [upload("bad.txt", data)], "action": action}, follow=True
    )
    assert response.status_code == 200
    [row] = response.context["checked"]["rows"] if action == "check" else response.context["rows"]
    assert row.label == "Refused" and reason in row.message
    assert reason in text(response)
    assert not ReviewPage.objects.exists()


def test_a_windows_1252_file_is_decoded_and_says_so(admin_client, index_page):
    data = review_text(**NAMES_TEXT).encode("cp1252")
    response = admin_client.post(
        IMPORT_URL, {"files": [upload("cafe.txt", data)], "action": "import"}, follow=True
    )
    [row] = response.context["rows"]
    assert (row.label, row.film_title, row.message) == (
        "Imported",
        "Zoë’s Café",
        "decoded as windows-1252",
    )


@override_settings(REVIEW_PAGES={"IMPORT_MAX_FILES": 2})
def test_more_files_than_the_setting_allows_are_refused_with_a_message(admin_client, index_page):
    before = row_counts()
    response = admin_client.post(IMPORT_URL, {"files": all_samples()[:3], "action": "import"})
    assert response.status_code == 200
    assert "3 files are more than one upload may hold (at most 2)" in text(response)
    assert row_counts() == before


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
def test_more_files_than_django_accepts_get_the_same_message_not_an_error(admin_client, index_page):
    before = row_counts()
    response = admin_client.post(IMPORT_URL, {"files": all_samples()[:3], "action": "import"})
    assert response.status_code == 200
    assert "more than one upload may hold (at most 2)" in " ".join(messages_of(response))
    assert row_counts() == before


@override_settings(REVIEW_PAGES={"IMPORT_CHECK_MAX_BYTES": 5000})
def test_a_check_of_more_bytes_than_the_setting_allows_is_refused_with_a_message(
    admin_client, index_page
):
    response = admin_client.post(IMPORT_URL, {"files": all_samples()[:2], "action": "check"})
    assert response.status_code == 200 and "checked" not in response.context
    assert "more than 5,000 bytes: too much to check while you wait" in " ".join(
        messages_of(response)
    )


def test_the_page_checks_csrf_yet_explains_an_upload_django_would_not_read(
    django_user_model, index_page
):
    """CSRF is checked once the upload is read; an upload Django refuses to read (its token
    unread too) gets the message and does nothing, where the middleware would answer 400."""
    admin = django_user_model.objects.create_superuser("strict", "s@example.com", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    before = row_counts()
    forged = client.post(IMPORT_URL, {"files": [sample()], "action": "import"})
    assert forged.status_code == 403
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2):
        too_many = client.post(IMPORT_URL, {"files": all_samples()[:3], "action": "import"})
    assert too_many.status_code == 200
    assert "more than one upload may hold (at most 2)" in " ".join(messages_of(too_many))
    assert row_counts() == before

    token = client.get(IMPORT_URL).context["csrf_token"]
    data = {"files": [sample()], "action": "import", "csrfmiddlewaretoken": str(token)}
    assert client.post(IMPORT_URL, data).status_code == 302
    assert ReviewPage.objects.get().film_title == "Copper Saints"


def test_an_unknown_action_is_refused_with_a_message(admin_client, index_page):
    before = row_counts()
    response = admin_client.post(IMPORT_URL, {"files": [sample()], "action": "delete"})
    assert response.status_code == 200
    assert "Choose “Check” or “Import”." in messages_of(response)
    assert row_counts() == before


# -- large batches: the background task ---------------------------------------------------


def queued_import_tasks() -> list[DBTaskResult]:
    return [
        result
        for result in DBTaskResult.objects.all()
        if result.task_path.endswith("import_batch_task")
    ]


@override_settings(
    REVIEW_PAGES={"IMPORT_INLINE_MAX_FILES": 2, "WEBHOOKS_ALLOW_PRIVATE_HOSTS": True}
)
def test_a_large_batch_runs_as_a_task_with_a_progress_page(
    admin_client, index_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            IMPORT_URL,
            {"files": [*all_samples(), upload("poster.png", BINARY)], "action": "import"},
        )
    batch = ReviewImport.objects.get()
    progress_url = reverse("review_pages_import_batch", args=(batch.pk,))
    assert response["Location"] == progress_url

    # Enqueued on the plugin's task backend; nothing imported while the editor waits.
    [queued] = queued_import_tasks()
    assert queued.backend_name == backend_alias() and queued.args_kwargs["args"] == [batch.pk]
    assert not ReviewPage.objects.exists()
    waiting = admin_client.get(progress_url)
    assert "Queued:" in text(waiting) and "0 of 5 files done" in text(waiting)
    assert '<meta http-equiv="refresh" content="2">' in text(waiting)
    assert "5 files are being imported in the background" in " ".join(messages_of(waiting))

    tasks.import_batch_task.call(batch.pk)  # what the worker runs

    done = admin_client.get(progress_url)
    content = text(done)
    assert "Finished:" in content and "5 of 5 files done" in content
    assert "(4 imported, 0 updated, 0 unchanged, 1 refused)" in content
    assert 'http-equiv="refresh"' not in content
    assert [(r.label, r.film_title) for r in done.context["rows"]] == [
        ("Imported", "Copper Saints"),
        ("Imported", "The Lantern Keeper’s Daughter"),
        ("Imported", "The Quiet Orchard"),
        ("Imported", "Static Bloom"),
        ("Refused", ""),
    ]
    assert ReviewPage.objects.count() == 4
    created = PageLogEntry.objects.filter(
        action="wagtail.create", page__in=ReviewPage.objects.all()
    )
    assert created.count() == 4 and {entry.user for entry in created} == {batch.user}
    # A second run of the same task (a duplicate message) does nothing.
    assert tasks.import_batch_task.call(batch.pk) is None
    assert ReviewPage.objects.count() == 4


@override_settings(REVIEW_PAGES={"IMPORT_INLINE_MAX_BYTES": 1000})
def test_a_batch_larger_in_bytes_than_the_setting_also_goes_to_the_task(
    admin_client, index_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(IMPORT_URL, {"files": [sample()], "action": "import"})
    assert len(queued_import_tasks()) == 1 and not ReviewPage.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes connections: real commits
@override_settings(REVIEW_PAGES={"IMPORT_INLINE_MAX_FILES": 1})
def test_the_task_worker_runs_a_queued_batch(index_page, django_user_model):
    admin = django_user_model.objects.create_superuser("chief", "c@example.com", "pw")
    client = Client()
    client.force_login(admin)
    client.post(IMPORT_URL, {"files": all_samples()[:2], "action": "import"})
    assert not ReviewPage.objects.exists()
    call_command(
        "db_worker", "--backend", backend_alias(), "--batch", "--no-startup-delay",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    batch = ReviewImport.objects.get()
    assert batch.state == ReviewImport.DONE
    assert ReviewPage.objects.count() == 2


def test_a_stalled_batch_can_be_handed_to_the_worker_again(
    admin_client, index_page, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    with override_settings(REVIEW_PAGES={"IMPORT_INLINE_MAX_FILES": 1}):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(IMPORT_URL, {"files": all_samples()[:2], "action": "import"})
    batch = ReviewImport.objects.get()
    # Its worker took it, imported nothing, and stopped ten minutes ago.
    long_ago = timezone.now() - tasks.STALLED_AFTER * 2
    ReviewImport.objects.filter(pk=batch.pk).update(state="running", updated_at=long_ago)
    url = reverse("review_pages_import_batch", args=(batch.pk,))
    assert "the task worker may have stopped" in text(admin_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("review_pages_import_resume", args=(batch.pk,)))
    assert len(queued_import_tasks()) == 2
    tasks.import_batch_task.call(batch.pk)
    assert ReviewImport.objects.get().state == "done" and ReviewPage.objects.count() == 2
