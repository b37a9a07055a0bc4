"""Imports from the admin: a batch of uploaded plain-text reviews and each file's result.

An editor's upload is kept here (the files' bytes in the database) so that a background
task, in another process, can import it and the admin's progress page can show how far it
is; a file's bytes are dropped once it has been imported. The model also carries the
`review_pages.import_reviews` permission that opens the admin's import page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewImport(models.Model):
    """One upload of review files to import under one review index."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATES = [(QUEUED, "queued"), (RUNNING, "running"), (DONE, "done"), (FAILED, "failed")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who uploaded the files (the owner of new reviews, named in the history).",
    )
    index_page = models.ForeignKey(
        "review_pages.ReviewIndexPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The review index the reviews go under.",
    )
    publish = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    error = models.TextField(blank=True, help_text="Why the batch stopped, when it failed.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Moved on at every file done: a batch "running" without progress for long has lost
    #: its worker.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "review import"
        ordering = ["-created_at", "-pk"]
        default_permissions = ()  # batches are made by uploading, never edited by hand
        permissions = [("import_reviews", "Can import reviews from plain-text files")]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.DONE, self.FAILED)


class ReviewImportFile(models.Model):
    """One uploaded file of a batch: its bytes until imported, then its result."""

    batch = models.ForeignKey(ReviewImport, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    #: "" until done; then the importer's verdict (imported, updated, unchanged, refused).
    status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    film_title = models.CharField(max_length=255, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "review import file"
        ordering = ["batch", "position"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "position"], name="review_import_file_position"
            )
        ]

    def __str__(self) -> str:
        return self.name
