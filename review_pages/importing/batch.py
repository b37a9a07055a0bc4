"""One run of the importer over several files: the one code path of every import.

`manage.py import_reviews`, the admin's import page (in the request) and its background
task all call `run_import` with their files as `ReviewSource`s (a path on disk, an upload,
a stored file): the same `ReviewImporter`, one transaction per file, the same refusals, the
search index updated in batches and the planner's statistics refreshed after a bulk load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..models import ReviewIndexPage
from .files import ImportRefused, read_review_bytes
from .writer import (
    IMPORTED,
    INDEX_BATCH,
    REFUSED,
    STATUSES,
    UNCHANGED,
    UPDATED,
    ImportOutcome,
    ReviewImporter,
    refresh_query_statistics,
)


@dataclass(frozen=True)
class ReviewSource:
    """A file to import: its name in reports, and how to read its bytes (`read` raises
    ImportRefused for what cannot be a review: a device, a file too large, ...)."""

    name: str
    read: Callable[[], bytes]

    @classmethod
    def from_path(cls, path: str | Path) -> ReviewSource:
        path = Path(path)
        return cls(str(path), lambda: read_review_bytes(path))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> ReviewSource:
        return cls(name, lambda: data)


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def written(self) -> int:
        return self.counts[IMPORTED] + self.counts[UPDATED]

    @property
    def refused(self) -> int:
        return self.counts[REFUSED]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        counts = self.counts
        return (
            f"{counts[IMPORTED]} imported, {counts[UPDATED]} updated, "
            f"{counts[UNCHANGED]} unchanged, {counts[REFUSED]} refused"
        )


def import_source(importer: ReviewImporter, source: ReviewSource) -> ImportOutcome:
    """One file: read, then written (or refused) by the importer in its own transaction."""
    try:
        data = source.read()
    except ImportRefused as error:
        return ImportOutcome(source.name, REFUSED, str(error))
    return importer.import_bytes(data, source=source.name)


def run_import(
    sources: Iterable[ReviewSource],
    index_page: ReviewIndexPage,
    *,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    importer_class: type[ReviewImporter] = ReviewImporter,
    on_outcome: Callable[[ImportOutcome], None] | None = None,
    refresh_statistics: bool = True,
) -> ImportSummary:
    """Import the files in order, reporting each outcome to `on_outcome` once its file is
    committed. `refresh_statistics` re-plans the database's queries after a bulk load (the
    admin skips it for the few files it imports while the editor waits)."""
    importer = importer_class(
        index_page, publish=publish, dry_run=dry_run, user=user, index_batch=INDEX_BATCH
    )
    summary = ImportSummary()
    with importer:  # indexes what is still pending, even after an interruption
        for source in sources:
            outcome = import_source(importer, source)
            summary.counts[outcome.status] += 1
            if on_outcome is not None:
                on_outcome(outcome)
    if refresh_statistics and summary.written and not dry_run:
        refresh_query_statistics()
    return summary
