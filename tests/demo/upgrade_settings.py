"""Settings for tests/demo/test_upgrade.py: the demo's, on a database file of the test's own."""

import os

from reviewsite.settings.test import *  # noqa: F403

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["UPGRADE_DATABASE"]}
}
