"""Runs inside the `wagtail start` site that scripts/host_check.py makes.

python host_probe.py record   # the host's own state, before the plugin
python host_probe.py verify   # after installing and migrating the plugin: every check
"""

from __future__ import annotations

import json
import os
import re
import sys

sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page, Site, Workflow, WorkflowPage  # noqa: E402

FAILURES: list[str] = []


def check(condition, message: str) -> None:
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def host_state() -> dict:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    return {
        "site_root": site.root_page_id,
        "home": [home.pk, home.title, home.path, home.live, type(home.specific).__name__],
        "pages": sorted(Page.objects.values_list("pk", "path", "title")),
        "workflows": sorted(Workflow.objects.values_list("pk", "name", "active")),
        "workflow_pages": sorted(WorkflowPage.objects.values_list("page_id", "workflow_id")),
        "groups": sorted(
            (group.name, sorted(group.permissions.values_list("codename", flat=True)))
            for group in Group.objects.all()
        ),
    }


def record(path: str) -> None:
    with open(path, "w") as handle:
        json.dump(host_state(), handle, default=list)
    print(f"recorded the host's state in {path}")


def verify(path: str) -> None:
    with open(path) as handle:
        before = json.load(handle)
    after = json.loads(json.dumps(host_state(), default=list))
    for key in before:
        check(
            after[key] == before[key],
            f"migrate left the host's {key.replace('_', ' ')} as they were",
        )

    from review_pages.models import ReviewIndexPage, ReviewPage

    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    index = home.add_child(instance=ReviewIndexPage(title="Reviews", slug="reviews"))
    index.save_revision().publish()
    check(index.get_parent().pk == home.pk, "a review index goes under the host's home page")

    samples = os.environ["HOST_CHECK_SAMPLES"].split(os.pathsep)
    call_command("import_reviews", *samples, publish=True, parent=index.pk)
    reviews = list(ReviewPage.objects.live().child_of(index).order_by("pk"))
    check(len(reviews) == 2, "import_reviews --publish --parent imported two reviews")
    review = next(r for r in reviews if r.film_title == "Copper Saints")

    client = Client(HTTP_HOST="localhost")
    page = client.get(review.url)
    html = page.content.decode()
    check(page.status_code == 200, f"the review page answers 200 ({review.url})")
    check('class="facts"' in html and "Runtime" in html and "MPA rating" in html, "facts box")
    cast = review.cast.select_related("person").all()
    first = cast[0]
    check(first.person.name in html and first.character in html, "cast with characters")
    directors = review.directors.select_related("person").all()
    check(all(d.person.name in html for d in directors), "directors credited")
    check(
        all(f">{heading}</h2>" in html for heading in ("Synopsis", "Verdict")),
        "sections with their headings (the final statement as the verdict)",
    )
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    check(len(blocks) == 1, "one JSON-LD block (in the body: the stock base has no head tag)")
    data = json.loads(blocks[0]) if blocks else {}
    check(data.get("itemReviewed", {}).get("name") == "Copper Saints", "JSON-LD Review of a Movie")
    check("review_pages/review_pages.css" in html, "the plugin's stylesheet")
    project = os.environ["DJANGO_SETTINGS_MODULE"].split(".")[0]
    check(f"css/{project}.css" in html, "inside the host's own base.html")

    person = first.person
    filmography = client.get(f"{index.url}people/{person.slug}/")
    check(filmography.status_code == 200, f"a filmography answers 200 ({person.slug})")
    check(review.film_title in filmography.content.decode(), "the filmography lists the review")

    v2 = client.get(f"/api/v2/pages/?type=review_pages.ReviewPage&fields=*&child_of={index.pk}")
    check(v2.status_code == 200, "API v2 listing answers 200")
    items = v2.json().get("items", [])
    v2_review = next((item for item in items if item["id"] == review.pk), {})
    ref = (v2_review.get("cast") or [{}])[0].get("person", {})
    check(
        ref.get("name") == person.name and ref.get("url", "").endswith(f"/people/{person.slug}/"),
        "API v2 embeds the credits (PersonRef with its filmography url)",
    )
    v3 = client.get(f"/api/v3/reviews/{review.pk}/")
    check(
        v3.status_code == 200 and v3.json()["cast"][0]["person"]["name"] == person.name,
        "API v3 embeds the credits",
    )
    v3_page = client.get(f"/api/v3/pages/{review.pk}/")
    check(
        v3_page.status_code == 200 and v3_page.json().get("directors", [{}])[0].get("name"),
        "Wagtail's v3 page detail embeds the credits",
    )

    from openapi_spec_validator import validate

    document = client.get("/api/v3/openapi.json")
    try:
        validate(document.json())
        valid = True
    except Exception as error:  # noqa: BLE001 - reported
        print(error)
        valid = False
    check(document.status_code == 200 and valid, "/api/v3/openapi.json validates")
    huge = client.get("/api/v3/pages/?offset=99999999999999999999")
    check(400 <= huge.status_code < 500, f"a huge v3 offset answers {huge.status_code}, not 500")
    etag = client.get("/api/v3/reviews/")
    check(etag.has_header("ETag"), "API answers carry an ETag")

    if FAILURES:
        print(f"{len(FAILURES)} checks failed")
        sys.exit(1)


if __name__ == "__main__":
    state = os.environ["HOST_CHECK_STATE"]
    {"record": record, "verify": verify}[sys.argv[1]](state)
