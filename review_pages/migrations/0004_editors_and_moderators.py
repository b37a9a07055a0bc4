"""Kept as a no-op so that databases which ran it stay consistent.

Until 0.2 this migration created the Editors and Moderators groups' permissions and put a
"Review moderation" workflow on the review index (or the root page). A plugin's migrations
must not change a host's groups and workflows: that now belongs to the demo site
(`reviewsite.0002_editors_and_moderators`); docs/installation.md shows a host how to set up
its own.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review_pages", "0003_editor_help_texts"),
        ("people", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = []
