"""A database made by version 0.1's `make run` upgrades to today's migrations with nothing
lost: the site root, every page and revision, the credits, the groups, the workflow.

The database is 0.1's own (`fixtures/made-by-0.1.sql`: its migrate and its importer, run from
the 0.1 checkout), not today's importer over 0.1's migrations: today's models write columns
that 0.1's tables do not have."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MADE_BY_0_1 = Path(__file__).parent / "fixtures" / "made-by-0.1.sql"

STATE = """
import json
from django.contrib.auth.models import Group
from django.db.migrations.recorder import MigrationRecorder
from wagtail.models import GroupPagePermission, Page, Revision, Site, Workflow, WorkflowPage
from people.models import Person, Studio
from review_pages.models import ReviewCastMember, ReviewIndexPage, ReviewPage

site = Site.objects.get(is_default_site=True)
print(json.dumps({
    "site_root": [site.root_page_id, site.root_page.specific_class.__name__],
    "pages": sorted([p.pk, p.path, p.title, p.live] for p in Page.objects.all()),
    "reviews": sorted(ReviewPage.objects.values_list("pk", "film_title", "import_fingerprint")),
    "revisions": Revision.objects.count(),
    "people": sorted(Person.objects.values_list("pk", "slug")),
    "studios": sorted(Studio.objects.values_list("pk", "slug")),
    "cast": sorted(ReviewCastMember.objects.values_list("page_id", "person_id", "character")),
    "groups": sorted(
        [g.name, sorted(g.permissions.values_list("codename", flat=True))]
        for g in Group.objects.all()
    ),
    "page_permissions": sorted(
        GroupPagePermission.objects.values_list("group__name", "page_id", "permission__codename")
    ),
    "workflows": sorted(Workflow.objects.values_list("name", "active")),
    "workflow_pages": sorted(WorkflowPage.objects.values_list("page_id", "workflow__name")),
    "applied": sorted(
        MigrationRecorder.Migration.objects.filter(
            app__in=["review_pages", "reviewsite"]
        ).values_list("app", "name")
    ),
}))
"""


def manage(*args, database: Path) -> str:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.demo.upgrade_settings",
        UPGRADE_DATABASE=str(database),
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def state(database: Path) -> dict:
    return json.loads(manage("shell", "-c", STATE, database=database).splitlines()[-1])


def test_a_database_made_by_version_0_1_upgrades_with_nothing_lost(tmp_path):
    database = tmp_path / "made-by-0.1.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.executescript(MADE_BY_0_1.read_text())
        old_names = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM django_migrations WHERE app = 'review_pages'"
            )
        }
    assert old_names and not any(name.startswith("reviewsite") for name in old_names), (
        "0.1 had no demo migrations"
    )
    before = state(database)
    assert before["site_root"][1] == "ReviewIndexPage"
    assert len(before["reviews"]) == 4 and before["workflow_pages"]

    out = manage("migrate", "--noinput", database=database)
    after = state(database)

    # 0.1's data migrations (the site root, the groups and workflow) moved to the demo site:
    # they run there again and change nothing 0.1 made (the state compared below).
    assert "Applying reviewsite.0001_review_index_as_site_root... OK" in out
    assert "Applying reviewsite.0002_editors_and_moderators... OK" in out
    # The plugin's 0.1 migrations were applied already: only those added since run now.
    applied_now = set(re.findall(r"Applying review_pages\.(\w+)\.\.\.", out))
    assert applied_now and not applied_now & old_names, applied_now
    for key in before:
        if key not in {"applied", "groups"}:
            assert after[key] == before[key], key
    # The groups keep every permission and gain what later versions give them: editors may
    # import reviews from the admin (reviewsite 0003).
    groups_before, groups_after = dict(before["groups"]), dict(after["groups"])
    assert groups_after.keys() == groups_before.keys()
    for name, permissions in groups_before.items():
        assert set(permissions) <= set(groups_after[name]), name
    assert set(groups_after["Editors"]) - set(groups_before["Editors"]) == {"import_reviews"}
    assert {tuple(row) for row in before["applied"]} < {tuple(row) for row in after["applied"]}
    manage("check", database=database)
