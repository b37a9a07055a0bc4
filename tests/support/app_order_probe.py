"""Run in a fresh process (an app registry is set up once per process): the test project with
the plugin's apps where REVIEW_PAGES_TEST_APP_ORDER puts them, checked as a host would see it.

Prints one JSON object: the system check errors, where the apps stand, whether Wagtail's v3
pages router holds the review's typed schema, and a review's directors and cast as
`/api/v3/pages/<id>/` and `/api/v2/pages/<id>/` answer them (on a throwaway SQLite file).
"""

import json
import os
import sys
import tempfile
import typing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.testproject.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='app-order-')}/db.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import checks  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def review_schema_is_typed() -> bool:
    from wagtail.api.v3.routers import pages

    union = typing.get_args(typing.get_args(pages.PageDetailSchema)[0])
    schemas = [typing.get_args(member)[0] for member in union]
    review = next(schema for schema in schemas if schema.__name__ == "ReviewPageSchema")
    return bool(getattr(review, "review_pages_schema", False))


def serve_a_review() -> dict:
    from wagtail.models import Page, Site

    from tests.support.factories import (
        PersonFactory,
        ReviewIndexPageFactory,
        ReviewPageFactory,
        credit,
        publish,
    )

    call_command("migrate", verbosity=0, interactive=False)
    root = Page.get_first_root_node()
    index = ReviewIndexPageFactory(parent=root, title="Reviews", slug="reviews")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "root_page": index, "site_name": "Probe"},
    )
    director, actor = PersonFactory(name="Ada Director"), PersonFactory(name="Bo Actor")
    review = ReviewPageFactory(parent=index, film_title="Probe Film")
    credit(review, directors=[director], cast=[(actor, "The Keeper")])
    publish(review)
    client = Client()
    v3 = client.get(f"/api/v3/pages/{review.id}/")
    v2 = client.get(f"/api/v2/pages/{review.id}/")
    html = client.get(review.url)
    return {
        "v3_status": v3.status_code,
        "v3_directors": [ref["name"] for ref in v3.json().get("directors", [])],
        "v3_cast": [(c["person"]["name"], c["character"]) for c in v3.json().get("cast", [])],
        "v2_status": v2.status_code,
        "v2_directors": [ref["name"] for ref in v2.json().get("directors", [])],
        "html_status": html.status_code,
        "html_has_character": "The Keeper" in html.content.decode(),
    }


errors = [f"{m.id}: {m.msg}" for m in checks.run_checks() if m.level >= checks.ERROR]
apps = list(settings.INSTALLED_APPS)
report = {
    "errors": errors,
    "review_pages_position": apps.index("review_pages"),
    "redirects_position": apps.index("wagtail.contrib.redirects"),
    "schema_typed": review_schema_is_typed(),
}
if "--serve" in sys.argv:
    report.update(serve_a_review())
sys.stdout.write(json.dumps(report) + "\n")
