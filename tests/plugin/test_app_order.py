"""A host lists the plugin's six apps anywhere in INSTALLED_APPS (docs/installation.md).

Each order runs in a fresh process (Django sets its app registry up once per process): the
test project with the apps prepended, and appended after Wagtail's own (where
`wagtail.contrib.redirects` imports Wagtail's v3 pages router from its `ready()`, before the
plugin's `ready()` runs).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "support" / "app_order_probe.py"


def probe(order: str) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.testproject.settings",
        "REVIEW_PAGES_TEST_APP_ORDER": order,
    }
    result = subprocess.run(  # noqa: S603 - the suite's own probe
        [sys.executable, str(PROBE), "--serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("order", ["prepended", "appended"])
def test_the_plugin_starts_and_embeds_credits_in_either_app_order(order):
    report = probe(order)
    if order == "appended":
        assert report["review_pages_position"] > report["redirects_position"]
    else:
        assert report["review_pages_position"] < report["redirects_position"]
    assert report["errors"] == []
    assert report["schema_typed"] is True
    assert report["v3_status"] == report["v2_status"] == report["html_status"] == 200
    assert report["v3_directors"] == report["v2_directors"] == ["Ada Director"]
    assert report["v3_cast"] == [["Bo Actor", "The Keeper"]]
    assert report["html_has_character"] is True
