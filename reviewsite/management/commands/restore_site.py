"""Bring an install back to the content of a `backup_site` archive.

Replaces everything in the database with the archive's content (in one transaction: a
broken archive leaves the database as it was), restores the media files, rebuilds the
search and reference indexes, then makes every cached answer stale (the response cache's
`all` tag, shared by every server through Redis) and purges the CDN, when one is
configured, of every address before and after the restore.

Content types come back with the ids they had, before anything else. Foreign keys to a
content type are dumped by name (app label and model) and would find the new ids by
themselves, but numbers stored as data would not: each revision's JSON holds its object's
`content_type` (and a child relation's, if it has one), and log entries' data or a site's
own JSON fields may hold more. Restoring the ids makes every such number mean what it
meant, wherever it is kept, including places nobody listed; remapping them by
(app_label, model) instead must know each place and silently misses any it does not. It
also keeps a server that is still running with the ids it cached naming the right types
(for a restore of the same site). Content types the code has and the archive lacks are
added after the archive's, with new ids; permissions are rebuilt (they are referred to by
name).

A format-1 archive (0.1.0) holds no content types: its revisions' stored ids are remapped
from what the archive itself says of them (each revision names its object's type both by
name, as a foreign key, and by number, in its JSON).
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, transaction
from modelcluster.models import get_all_child_relations
from wagtail.models import Revision

from review_pages import cdn
from review_pages.cache import store

from .backup_site import FORMAT_VERSION

#: Archives this version restores: 1 (no content types) and the current one.
READABLE_FORMATS = {1, FORMAT_VERSION}
CONTENT_TYPES_FILE = "contenttypes.json"


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
            backup_format = manifest.get("format")
            if backup_format not in READABLE_FORMATS:
                raise CommandError(f"{archive_path}: unknown backup format {backup_format!r}.")
            content_types = work / CONTENT_TYPES_FILE
            if backup_format >= 2 and not content_types.is_file():
                raise CommandError(f"{archive_path}: the archive has no {CONTENT_TYPES_FILE}.")

            call_command("migrate", interactive=False, verbosity=0)
            addresses_before = cdn.every_url() if cdn.purging() else []
            with transaction.atomic():
                # Emptied without the post-migrate signal, which would number the content
                # types afresh: the archive's come first, with their ids.
                call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
                if backup_format >= 2:
                    call_command("loaddata", str(content_types), verbosity=0)
                ContentType.objects.clear_cache()  # it maps names to the ids before the flush
                # The content types the archive lacks, and every permission.
                emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS)
                call_command("loaddata", str(work / "data.fulljson"), verbosity=0)
                remapped = remap_revision_content_types() if backup_format < 2 else 0

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
        note = f"; {remapped} revisions' content types renumbered" if remapped else ""
        self.stdout.write(f"Restored {archive_path} ({manifest.get('created')}{note}).")


def remap_revision_content_types() -> int:
    """Renumber the content types stored in revisions' JSON after a format-1 restore.

    Without the archive's content types, their old numbers are learnt from the revisions
    themselves: each stores its object's type by number in its JSON and by name in its
    `content_type` foreign key (restored to the new id). A number given two different
    names (inconsistent data) is left alone. Returns how many revisions changed.
    """
    names: dict[int, int | None] = {}
    for content, content_type_id in Revision.objects.values_list(
        "content", "content_type_id"
    ).iterator(chunk_size=1000):
        old = content.get("content_type") if isinstance(content, dict) else None
        if isinstance(old, int) and names.setdefault(old, content_type_id) != content_type_id:
            names[old] = None
    new_ids = {old: new for old, new in names.items() if new is not None and new != old}
    if not new_ids:
        return 0
    changed = []
    for revision in Revision.objects.only("pk", "content", "content_type_id").iterator(
        chunk_size=1000
    ):
        model = ContentType.objects.get_for_id(revision.content_type_id).model_class()
        if model is not None and isinstance(revision.content, dict):
            if _renumber(model, revision.content, new_ids):
                changed.append(revision)
    Revision.objects.bulk_update(changed, ["content"], batch_size=500)
    return len(changed)


def _renumber(model, data: dict, new_ids: dict[int, int]) -> bool:
    """Renumber the content-type fields of `model`'s serialised `data` (a revision's JSON,
    child relations included), in place; whether anything changed."""
    changed = False
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is ContentType:
            old = data.get(field.name)
            if isinstance(old, int) and old in new_ids:
                data[field.name] = new_ids[old]
                changed = True
    for relation in get_all_child_relations(model):
        for child in data.get(relation.get_accessor_name()) or ():
            if isinstance(child, dict):
                changed |= _renumber(relation.related_model, child, new_ids)
    return changed
