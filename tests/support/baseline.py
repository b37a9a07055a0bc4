"""The rows a site starts with, rebuilt after a transactional test's flush.

Transactional tests (the browser tests, whose live server reads committed rows, and the
backup test) end with a flush that empties every table, migration data included. The next
such test gets back the locale, the page tree's root and the root collection, then:

- `ensure_review_index()`: a review index as the default site's root (the plugin's suite:
  its migrations make no pages, so the tests make the index a host would);
- `ensure_demo_baseline()`: that, plus the demo site's Editors/Moderators groups and review
  workflow (its data migrations).
"""

import importlib

from django.apps import apps
from django.conf import settings


def ensure_review_index():
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
    # Wagtail's own migrations make a welcome page as the site root: the index takes its place.
    root.get_children().filter(depth=2, numchild=0, content_type__model="page").delete()
    root.refresh_from_db()
    index = root.add_child(
        instance=ReviewIndexPage(title="Latest reviews", slug="reviews", locale=locale)
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": index},
    )
    return index


def ensure_demo_baseline():
    index = ensure_review_index()
    groups = importlib.import_module("reviewsite.migrations.0002_editors_and_moderators")
    groups.create_groups_and_workflow(apps, None)
    return index
