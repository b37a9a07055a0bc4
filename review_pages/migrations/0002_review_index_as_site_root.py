"""Kept as a no-op so that databases which ran it stay consistent.

Until 0.2 this migration replaced a fresh install's welcome page with a review index as the
site root. A plugin's migrations must not change a host's page tree: that step now belongs
to the demo site (`reviewsite.0001_review_index_as_site_root`), and a host adds its review
index in the admin, under any page.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review_pages", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = []
