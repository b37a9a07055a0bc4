"""The rows that migrations create, rebuilt after a transactional test's flush.

Transactional tests (the browser tests, whose live server reads committed rows, and the
backup test) end with a flush that empties every table, migration data included. The next
such test calls `ensure_baseline()` to get back the locale, the page tree's root, the root
collection, the review index as the default site's root, and the Editors/Moderators groups
with the review workflow.
"""

import importlib

from django.apps import apps
from django.conf import settings


def ensure_baseline():
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    from review_pages.models import ReviewIndexPage

    index = ReviewIndexPage.objects.order_by("path").first()
    if index is not None:
        return index
    if Collection.get_first_root_node() is None:  # images need the root collection
        Collection.add_root(name="Root")
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    index = root.add_child(
        instance=ReviewIndexPage(title="Latest reviews", slug="reviews", locale=locale)
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": index},
    )
    groups = importlib.import_module("review_pages.migrations.0004_editors_and_moderators")
    groups.create_groups_and_workflow(apps, None)
    return index
