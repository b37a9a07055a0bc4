"""`manage.py import_reviews PATH [PATH ...]`: plain-text reviews into review pages.

A thin shell around `review_pages.importing.batch.run_import` (the admin's import page runs
the same): arguments, one line per file, a summary, exit status 1 when any file was refused.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from review_pages.importing.batch import ReviewSource, run_import
from review_pages.importing.files import collect_review_files
from review_pages.importing.writer import REFUSED, ImportOutcome, default_review_index
from review_pages.models import ReviewIndexPage

PROGRESS_MIN_FILES = 20
PROGRESS_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import plain-text reviews (files, or folders of *.txt) as review pages. "
        "Reports imported, updated, unchanged or refused for each file."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A review file or a folder.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the reviews (default: drafts)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        parser.add_argument(
            "--parent",
            type=int,
            metavar="ID",
            help="Page id of the review index to import under (default: the site's).",
        )

    def handle(self, *args, **options):
        parent = self.parent_page(options["parent"])
        files = collect_review_files(options["paths"])
        if not files:
            raise CommandError("No review files found (a folder is read for its *.txt files).")
        progress = self.stdout.isatty() and len(files) > PROGRESS_MIN_FILES
        done = 0

        def report(outcome: ImportOutcome) -> None:
            nonlocal done
            done += 1
            if progress:
                self.stdout.write("\r\033[K", ending="")
            style = self.style.ERROR if outcome.status == REFUSED else str
            self.stdout.write(style(str(outcome)))
            if progress:
                self.draw_progress(done, len(files))

        summary = run_import(
            (ReviewSource.from_path(path) for path in files),
            parent,
            publish=options["publish"],
            dry_run=options["dry_run"],
            on_outcome=report,
        )
        if progress:
            self.stdout.write("\r\033[K", ending="")
        line = str(summary)
        if options["dry_run"]:
            line += " (dry run: nothing was written)"
        self.stdout.write(line)
        if summary.refused:
            raise CommandError(f"{summary.refused} of {len(files)} files refused.", returncode=1)

    def parent_page(self, page_id: int | None) -> ReviewIndexPage:
        if page_id is None:
            parent = default_review_index()
            if parent is None:
                raise CommandError(
                    "There is no review index page to import under: add one in the admin "
                    "(under any page), or pass --parent ID."
                )
            return parent
        parent = ReviewIndexPage.objects.filter(pk=page_id).first()
        if parent is None:
            raise CommandError(f"--parent {page_id}: no review index page has this id.")
        return parent

    def draw_progress(self, done: int, total: int) -> None:
        filled = PROGRESS_WIDTH * done // total
        bar = "#" * filled + "-" * (PROGRESS_WIDTH - filled)
        self.stdout.write(f"[{bar}] {done}/{total}", ending="")
        sys.stdout.flush()
        self.stdout.flush()
