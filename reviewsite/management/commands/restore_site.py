"""Bring an install back to the content of a `backup_site` archive.

Replaces everything in the database with the archive's content (in one transaction: a
broken archive leaves the database as it was), restores the media files, rebuilds the
search and reference indexes, then makes every cached answer stale (the response cache's
`all` tag, shared by every server through Redis) and purges the CDN, when one is
configured, of every address before and after the restore.
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from review_pages import cdn
from review_pages.cache import store

from .backup_site import FORMAT_VERSION


class Command(BaseCommand):
    help = "Restore the database and media from a backup_site archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of a .tar.gz made by backup_site.")

    def handle(self, *args, **options):
        archive_path = Path(options["archive"])
        if not archive_path.is_file():
            raise CommandError(f"{archive_path}: no such archive.")
        with tempfile.TemporaryDirectory() as workdir:
            work = Path(workdir)
            try:
                with tarfile.open(archive_path, "r:gz") as archive:
                    archive.extractall(work, filter="data")
            except (tarfile.TarError, OSError, EOFError) as error:
                raise CommandError(f"{archive_path}: not a readable backup ({error}).") from error
            try:
                manifest = json.loads((work / "manifest.json").read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"{archive_path}: the archive has no manifest.") from error
            if manifest.get("format") != FORMAT_VERSION:
                raise CommandError(
                    f"{archive_path}: unknown backup format {manifest.get('format')!r}."
                )

            call_command("migrate", interactive=False, verbosity=0)
            addresses_before = cdn.every_url() if cdn.purging() else []
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=False)
                call_command("loaddata", str(work / "data.fulljson"), verbosity=0)

            media_root = Path(settings.MEDIA_ROOT)
            if (work / "media").is_dir():
                if media_root.exists():
                    shutil.rmtree(media_root)
                shutil.copytree(work / "media", media_root)

        call_command("update_index", verbosity=0)
        call_command("rebuild_references_index", verbosity=0)
        # Answers cached from the database before the restore describe content it may no
        # longer have: none may be served again.
        store.invalidate_all()
        cdn.purge_everything(also=addresses_before)
        self.stdout.write(f"Restored {archive_path} ({manifest.get('created')}).")
