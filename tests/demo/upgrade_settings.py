"""Settings for tests/demo/test_upgrade.py: the demo's, on a database file of the test's own,
with the plugin's 0.1 migrations when UPGRADE_STAGE=old."""

import os

from reviewsite.settings.test import *  # noqa: F403

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["UPGRADE_DATABASE"]}
}
if os.environ.get("UPGRADE_STAGE") == "old":
    # 0.1 had no demo migrations and no opt-in apps: their tables did not exist.
    MIGRATION_MODULES = {
        "review_pages": "tests.demo.old_migrations.review_pages",
        "reviewsite": None,
        "review_pages_postgres_search": None,
    }
