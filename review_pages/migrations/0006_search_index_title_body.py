"""Kept as a no-op so that databases which ran it stay consistent.

Until 0.2 this migration created a GIN index on Wagtail's search table for PostgreSQL. A
plugin's migrations must not change another app's tables: the index is now the opt-in app
`review_pages.contrib.postgres_search` (docs/settings.md).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review_pages", "0005_reviewpage_import_fingerprint"),
    ]

    operations = []
