"""A batch of uploaded files: stored in the database, imported by `import_stored_batch`
(in the request for a few files, as a background task on the plugin's task backend for
more), each file's result recorded as soon as it is committed, for the progress page."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ...background import declared_task
from ...models import ReviewImport, ReviewImportFile, ReviewIndexPage
from ..batch import ReviewSource, run_import
from ..files import ImportRefused, read_upload
from ..writer import REFUSED, ImportOutcome
from .access import PermittedImporter, import_indexes, may_import, may_publish_under

logger = logging.getLogger(__name__)

#: A running batch without a file done for this long has lost its worker (it stopped or
#: was restarted): it may be resumed, from its first file not done.
STALLED_AFTER = datetime.timedelta(minutes=5)


@transaction.atomic
def store_batch(
    uploads: Iterable[UploadedFile], index_page: ReviewIndexPage, *, publish: bool, user
) -> ReviewImport:
    """The uploads as a batch to import. A file over the size limit is refused here, by the
    same rule and message as the importer's (its bytes are not kept)."""
    batch = ReviewImport.objects.create(user=user, index_page=index_page, publish=publish)
    rows = []
    for position, upload in enumerate(uploads):
        row = ReviewImportFile(batch=batch, position=position, name=upload.name, size=upload.size)
        try:
            row.content = read_upload(upload)
        except ImportRefused as refusal:
            row.status, row.message, row.done_at = REFUSED, str(refusal), timezone.now()
        rows.append(row)
    ReviewImportFile.objects.bulk_create(rows)
    return batch


def stored_bytes(file_id: int) -> bytes:
    content = ReviewImportFile.objects.values_list("content", flat=True).get(pk=file_id)
    return bytes(content)


def _claim(batch_id: int) -> bool:
    """Take a queued (or stalled) batch for this run: one worker at a time imports it."""
    now = timezone.now()
    queued = ReviewImport.objects.filter(pk=batch_id, state=ReviewImport.QUEUED)
    stalled = ReviewImport.objects.filter(
        pk=batch_id, state=ReviewImport.RUNNING, updated_at__lt=now - STALLED_AFTER
    )
    changes = {"state": ReviewImport.RUNNING, "updated_at": now}
    if queued.update(started_at=now, **changes):
        return True
    return bool(stalled.update(**changes))


def _refusal(batch: ReviewImport) -> str:
    """Why the batch may not run now (the user's rights are checked again: they may have
    changed since the upload), or ""."""
    user, index = batch.user, batch.index_page
    if user is None:
        return "The user who uploaded the files no longer exists."
    if index is None:
        return "The review index was deleted before the import ran."
    if not may_import(user) or index not in import_indexes(user):
        return f"{user.get_username()} may no longer import reviews under “{index.title}”."
    if batch.publish and not may_publish_under(user, index):
        return f"{user.get_username()} may no longer publish reviews under “{index.title}”."
    return ""


def _finish(batch_id: int, state: str, error: str = "") -> None:
    now = timezone.now()
    ReviewImport.objects.filter(pk=batch_id).update(
        state=state, error=error, finished_at=now, updated_at=now
    )


def import_stored_batch(batch_id: int, *, refresh_statistics: bool = True) -> str | None:
    """Import a stored batch's files not done yet, in order: the batch's final state, or
    None when it was not there to run (another worker has it, or it is finished)."""
    if not _claim(batch_id):
        return None
    batch = ReviewImport.objects.select_related("user", "index_page").get(pk=batch_id)
    refusal = _refusal(batch)
    if refusal:
        _finish(batch_id, ReviewImport.FAILED, refusal)
        return ReviewImport.FAILED
    pending = list(batch.files.filter(status="").order_by("position").values_list("pk", "name"))
    # run_import reports each file's outcome in the order it was given the files.
    file_ids = iter(pk for pk, _ in pending)

    def record(outcome: ImportOutcome) -> None:
        now = timezone.now()
        ReviewImportFile.objects.filter(pk=next(file_ids)).update(
            status=outcome.status,
            message=outcome.message,
            film_title=outcome.film_title[:255],
            page_id=outcome.page_id,
            content=b"",  # imported: its bytes are no longer needed
            done_at=now,
        )
        ReviewImport.objects.filter(pk=batch_id).update(updated_at=now)

    try:
        run_import(
            (ReviewSource(name, lambda pk=pk: stored_bytes(pk)) for pk, name in pending),
            batch.index_page,
            publish=batch.publish,
            user=batch.user,
            importer_class=PermittedImporter,
            on_outcome=record,
            refresh_statistics=refresh_statistics,
        )
    except Exception as error:
        # Each file is its own transaction: what was done stays done, and says so.
        logger.exception("Import %s stopped", batch_id)
        _finish(batch_id, ReviewImport.FAILED, f"The import stopped: {type(error).__name__}.")
        return ReviewImport.FAILED
    _finish(batch_id, ReviewImport.DONE)
    return ReviewImport.DONE


@declared_task
def import_batch_task(batch_id: int) -> str | None:
    """The background task: the batch with the planner's statistics refreshed after it."""
    return import_stored_batch(batch_id)


def enqueue(batch_id: int) -> None:
    """Hand the batch to the task backend once the upload is committed (never raises: a
    backend that cannot take it leaves the batch failed, saying so)."""

    def hand_over() -> None:
        try:
            import_batch_task.enqueue(batch_id)
        except Exception:
            logger.exception("Could not enqueue import %s", batch_id)
            _finish(
                batch_id,
                ReviewImport.FAILED,
                "The import could not be handed to the task worker (the server's log says "
                "why): upload the files again.",
            )

    transaction.on_commit(hand_over)
