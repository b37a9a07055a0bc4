"""Make a ReviewIndexPage the default site's root on a fresh install.

Replaces the welcome page that Wagtail's own migrations create, as Wagtail's project
template does for its home page. An install whose tree was already changed is left
alone (the `setup_site` command handles that case).
"""

import uuid

from django.db import migrations


def create_review_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    ReviewIndexPage = apps.get_model("review_pages.ReviewIndexPage")

    if ReviewIndexPage.objects.exists():
        return
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    welcome = Page.objects.filter(depth=2, content_type=page_type, numchild=0).first()
    if welcome is None:
        return
    sites = list(
        Site.objects.filter(root_page=welcome).values(
            "hostname", "port", "site_name", "is_default_site"
        )
    )
    path, locale_id = welcome.path, welcome.locale_id
    welcome.delete()

    index_type, _ = ContentType.objects.get_or_create(
        app_label="review_pages", model="reviewindexpage"
    )
    index = ReviewIndexPage.objects.create(
        title="Latest reviews",
        draft_title="Latest reviews",
        slug="reviews",
        content_type=index_type,
        path=path,
        depth=2,
        numchild=0,
        url_path="/reviews/",
        locale_id=locale_id,
        translation_key=uuid.uuid4(),
        live=True,
    )
    for site in sites or [
        {"hostname": "localhost", "port": 80, "site_name": "", "is_default_site": True}
    ]:
        Site.objects.create(root_page=index, **site)


class Migration(migrations.Migration):
    dependencies = [
        ("review_pages", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_review_index, migrations.RunPython.noop)]
