"""Opt-in: a GIN index that makes the database search backend's review searches fast on
PostgreSQL (it indexes Wagtail's own search table, so the plugin does not add it unasked)."""
