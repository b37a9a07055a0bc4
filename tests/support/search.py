"""Tests that need the database search backend's own index.

On MySQL/MariaDB, InnoDB's full-text index sees only committed rows while each test runs in
a transaction, so the plugin's suite searches there with modelsearch's fallback backend
(tests/testproject/settings.py), which reads the tables themselves: it finds no credited
names (related fields) and has no index to defer. The tests of those skip there.
"""

import pytest
from django.db import connection

needs_search_index = pytest.mark.skipif(
    connection.vendor == "mysql",
    reason="MySQL's full-text index sees only committed rows; the suite's fallback search "
    "backend on MySQL has no index of its own (credited names, deferred indexing)",
)
