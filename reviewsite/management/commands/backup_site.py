"""Write one archive holding a consistent dump of the database and the media files.

The dump is read inside one transaction (REPEATABLE READ on PostgreSQL), so a review
published mid-backup is either wholly in it or not at all. Derived data (search index,
reference index, sessions and permissions) is left out: `restore_site` rebuilds it.
Content types are kept, with their ids, in a file of their own (`contenttypes.json`):
revisions, log entries and any other JSON a site stores hold them by number, so
`restore_site` brings them back first, exactly as numbered here.

The archive holds password hashes, page passwords and every draft: it is written readable
by its owner only (0600, in a 0700 folder).
"""

import datetime
import io
import json
import os
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "wagtailsearch.indexentry",
    "wagtailsearch.sqliteftsindexentry",
    "wagtailcore.referenceindex",
    "wagtailadmin.editingsession",
]
#: 2: content types with their ids in `contenttypes.json` (1 had none; still restored).
FORMAT_VERSION = 2


def _exists(label: str) -> bool:
    """Some models exist on one database only (SQLite's full-text index table)."""
    from django.apps import apps

    try:
        if "." in label:
            apps.get_model(label)
        else:
            apps.get_app_config(label)
    except LookupError:
        return False
    return True


class Command(BaseCommand):
    help = "Back up the database and media to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive path (default: backups/reviewsite-<timestamp>.tar.gz).",
        )

    def handle(self, *args, **options):
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(
            options["output"] or Path(settings.BASE_DIR) / "backups" / f"reviewsite-{stamp}.tar.gz"
        )
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

        dump = io.StringIO()
        content_types = io.StringIO()
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                natural_foreign=True,
                format="fulljson",  # datetimes to the microsecond
                exclude=[label for label in EXCLUDED if _exists(label)],
                stdout=dump,
            )
            call_command("dumpdata", "contenttypes.contenttype", stdout=content_types)
        data = dump.getvalue().encode()
        manifest = json.dumps(
            {"format": FORMAT_VERSION, "created": stamp, "database": connection.vendor}
        ).encode()

        media_root = Path(settings.MEDIA_ROOT)
        partial = output.with_suffix(".partial")
        # Created 0600 from the start: never readable by others, not even while written.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # an older partial file keeps its mode otherwise
        with (
            os.fdopen(descriptor, "wb") as file,
            tarfile.open(fileobj=file, mode="w:gz") as archive,
        ):
            for name, payload in [
                ("manifest.json", manifest),
                ("contenttypes.json", content_types.getvalue().encode()),
                ("data.fulljson", data),
            ]:
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                archive.addfile(info, io.BytesIO(payload))
            if media_root.is_dir():
                archive.add(media_root, arcname="media")
        partial.replace(output)  # never leave a half-written archive under the final name
        self.stdout.write(f"Backup written to {output}")
