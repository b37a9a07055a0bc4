"""The plugin's migration after 0.1's, under its own name: applied in the "old" stage too,
because the demo reviews are imported there with today's models (which have its columns).
What the test proves is unchanged: the demo site's own migrations take over 0.1's data
migrations with nothing lost, and the plugin's are not applied twice."""

from importlib import import_module

Migration = import_module(
    "review_pages.migrations.0007_reviewpage_featured_and_identities"
).Migration
