"""The admin's import page (`<admin>/review-pages/import/`) and a batch's progress page.

"Check" runs the importer as a dry run over the uploads (nothing written) and shows what
each file would do; "Import" stores the uploads as a batch and imports it, in the request
for a few files, else as a background task, then shows the batch's page, which refreshes
itself until the batch is finished.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from wagtail.admin.auth import user_passes_test
from wagtail.admin.menu import MenuItem

from ...conf import reviews_settings
from ...models import ReviewImport, ReviewImportFile
from ..batch import ReviewSource, run_import
from ..files import read_upload
from ..writer import IMPORTED, REFUSED, STATUSES, UNCHANGED, UPDATED, ImportOutcome
from . import tasks
from .access import PermittedImporter, import_indexes, may_import
from .forms import ImportForm, too_many_files_message

CHECK, IMPORT = "check", "import"
RECENT_BATCHES = 10
#: Seconds between two refreshes of a running batch's page.
REFRESH_SECONDS = 2
#: A queued batch not started after this long: say that the worker may not be running.
WAITING_WARNING = 30

#: What a file's verdict means, when checked and when imported.
LABELS = {
    CHECK: {
        IMPORTED: "New review",
        UPDATED: "Update",
        UNCHANGED: "Unchanged",
        REFUSED: "Refused",
    },
    IMPORT: {
        IMPORTED: "Imported",
        UPDATED: "Updated",
        UNCHANGED: "Unchanged",
        REFUSED: "Refused",
        "": "Waiting",
    },
}


@dataclass(frozen=True)
class ResultRow:
    name: str
    status: str
    label: str
    film_title: str
    message: str
    page_id: int | None


def _row(mode: str, name, status, film_title, message, page_id) -> ResultRow:
    return ResultRow(name, status, LABELS[mode][status], film_title, message, page_id)


def _counts(statuses) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        if status in counts:
            counts[status] += 1
    return counts


# CSRF is checked in the view, once the upload has been read: when Django refuses to read
# it (more files than DATA_UPLOAD_MAX_NUMBER_FILES), the CSRF middleware would answer a bare
# "400 Bad Request"; here the editor is told why instead, and nothing is done.
@csrf_exempt
@user_passes_test(may_import)
def import_view(request):
    indexes = import_indexes(request.user)
    context = {"indexes": indexes, "refresh_seconds": REFRESH_SECONDS}
    context["recent"] = ReviewImport.objects.filter(user=request.user)[:RECENT_BATCHES]
    if request.method != "POST" or not indexes:
        context["form"] = ImportForm(user=request.user, indexes=indexes)
        return TemplateResponse(request, "review_pages/admin/import.html", context)

    try:
        request.FILES  # noqa: B018 - reads the upload now, where its limits can be told
    except (TooManyFilesSent, RequestDataTooBig):
        # Django stopped reading (its CSRF token unread too): nothing is done, only said.
        messages.error(request, too_many_files_message())
        context["form"] = ImportForm(user=request.user, indexes=indexes)
        return TemplateResponse(request, "review_pages/admin/import.html", context)
    return csrf_protect(_post)(request, indexes, context)


def _post(request, indexes, context):
    action = request.POST.get("action") or CHECK
    form = ImportForm(request.POST, request.FILES, user=request.user, indexes=indexes)
    context["form"] = form
    if action not in (CHECK, IMPORT):
        messages.error(request, "Choose “Check” or “Import”.")
        return TemplateResponse(request, "review_pages/admin/import.html", context)
    if not form.is_valid():
        verb = "checked" if action == CHECK else "imported"
        messages.error(request, f"Nothing was {verb}: see the problems below.")
        return TemplateResponse(request, "review_pages/admin/import.html", context)

    uploads = form.cleaned_data["files"]
    index = form.cleaned_data["index"]
    publish = form.cleaned_data["publish"]
    if action == CHECK:
        return _check(request, context, uploads, index, publish)
    return _import(request, uploads, index, publish)


def _check(request, context, uploads, index, publish):
    """The importer's dry run over the uploads: what each would do; nothing is written."""
    limit = reviews_settings.IMPORT_CHECK_MAX_BYTES
    if sum(upload.size for upload in uploads) > limit:
        messages.error(
            request,
            f"These files hold more than {limit:,} bytes: too much to check while you wait. "
            "Check fewer at once, or import them: a large import runs in the background and "
            "reports each file the same way.",
        )
        return TemplateResponse(request, "review_pages/admin/import.html", context)
    outcomes: list[ImportOutcome] = []
    sources = (ReviewSource(upload.name, lambda f=upload: read_upload(f)) for upload in uploads)
    run_import(
        sources,
        index,
        publish=publish,
        dry_run=True,
        user=request.user,
        importer_class=PermittedImporter,
        on_outcome=outcomes.append,
        refresh_statistics=False,
    )
    context["checked"] = {
        "index": index,
        "publish": publish,
        "rows": [
            _row(CHECK, o.source, o.status, o.film_title, _check_note(o), o.page_id)
            for o in outcomes
        ],
        "counts": _counts(o.status for o in outcomes),
    }
    return TemplateResponse(request, "review_pages/admin/import.html", context)


def _check_note(outcome: ImportOutcome) -> str:
    if outcome.status == UPDATED and outcome.message == "published":
        return "its latest revision would be published"  # unchanged, but not yet live
    return outcome.message


def _import(request, uploads, index, publish):
    """Store the uploads as a batch; import it now when it is small, else in the background."""
    batch = tasks.store_batch(uploads, index, publish=publish, user=request.user)
    total_bytes = sum(upload.size for upload in uploads)
    in_background = (
        len(uploads) > reviews_settings.IMPORT_INLINE_MAX_FILES
        or total_bytes > reviews_settings.IMPORT_INLINE_MAX_BYTES
    )
    if in_background:
        tasks.enqueue(batch.pk)
        messages.info(
            request,
            f"{len(uploads):,} files are being imported in the background: this page shows "
            "how far the import is.",
        )
    else:
        tasks.import_stored_batch(batch.pk, refresh_statistics=False)
    return redirect(reverse("review_pages_import_batch", args=(batch.pk,)))


@user_passes_test(may_import)
def batch_view(request, batch_id: int):
    batches = ReviewImport.objects.select_related("user", "index_page")
    batch = get_object_or_404(batches, pk=batch_id)
    files = list(
        ReviewImportFile.objects.filter(batch=batch)
        .order_by("position")
        .only("name", "status", "film_title", "message", "page_id")
    )
    counts = _counts(file.status for file in files)
    done = sum(counts.values())
    now = timezone.now()
    context = {
        "batch": batch,
        "rows": [_row(IMPORT, f.name, f.status, f.film_title, f.message, f.page_id) for f in files],
        "counts": counts,
        "done": done,
        "total": len(files),
        "refresh_seconds": REFRESH_SECONDS,
        "waiting": batch.state == ReviewImport.QUEUED
        and (now - batch.created_at).total_seconds() > WAITING_WARNING,
        "stalled": batch.state == ReviewImport.RUNNING
        and now - batch.updated_at > tasks.STALLED_AFTER,
    }
    return TemplateResponse(request, "review_pages/admin/import_batch.html", context)


@require_POST
@user_passes_test(may_import)
def resume_batch_view(request, batch_id: int):
    """Hand a batch whose worker stopped to the task backend again (from its first file not
    done: what was imported stays imported)."""
    batch = get_object_or_404(ReviewImport, pk=batch_id)
    if batch.state == ReviewImport.QUEUED or (
        batch.state == ReviewImport.RUNNING
        and timezone.now() - batch.updated_at > tasks.STALLED_AFTER
    ):
        tasks.enqueue(batch.pk)
        messages.success(request, "The import was handed to the task worker again.")
    else:
        messages.info(request, "The import is not stalled: nothing to resume.")
    return redirect(reverse("review_pages_import_batch", args=(batch.pk,)))


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


def menu_item() -> MenuItem:
    return ImportMenuItem(
        "Import reviews",
        reverse("review_pages_import"),
        name="import-reviews",
        icon_name="upload",
        order=201,  # beside the Reviews desk (200)
    )


def urls() -> list:
    return [
        path("review-pages/import/", import_view, name="review_pages_import"),
        path("review-pages/import/<int:batch_id>/", batch_view, name="review_pages_import_batch"),
        path(
            "review-pages/import/<int:batch_id>/resume/",
            resume_batch_view,
            name="review_pages_import_resume",
        ),
    ]
