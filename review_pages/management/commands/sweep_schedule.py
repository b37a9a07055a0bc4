"""Do whatever scheduled go-live or expiry is due now, and make sure the periodic sweep runs.

    python manage.py sweep_schedule            # at deploy, or when the worker starts
    python manage.py sweep_schedule --dry-run  # what is due, changing nothing

The tasks do this on their own at each exact time (docs/scheduling.md); this command is the
catch-up for a deployment whose task backend lost its queue (e.g. Redis emptied), and the
fallback from cron where no worker runs.
"""

from django.core.management.base import BaseCommand

from review_pages import background
from review_pages.scheduling import due, tasks


class Command(BaseCommand):
    help = "Publish and withdraw the reviews whose scheduled time has come; start the sweep."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self.stdout.write(
                f"Due to be withdrawn: {due.expired_pages().count()}; "
                f"to go live: {due.due_revisions().count()}."
            )
            return
        done = due.run_due()
        self.stdout.write(
            f"Withdrawn: {len(done[due.EXPIRED])}; published: {len(done[due.PUBLISHED])}."
        )
        if not background.can_run_later():
            self.stdout.write(
                self.style.WARNING(
                    f"TASKS has no backend {background.configured_alias()!r} that can run tasks "
                    "later: scheduled times wait for this command (docs/scheduling.md)."
                )
            )
        elif tasks.ensure_sweep():
            self.stdout.write("Started the periodic sweep.")
        else:
            self.stdout.write("The periodic sweep is running.")
