"""`make serve` without Redis: two gunicorn workers on one SQLite file serve a publish at
once (no per-worker answers), and the posters load (the app serves /media/)."""

import io
import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.demo.test_two_servers import GUNICORN, ROOT, environment, free_port, manage

SEED_POSTER = """
import io, json
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from review_pages.models import ReviewPage
buffer = io.BytesIO()
PILImage.new("RGB", (300, 450), "#335577").save(buffer, format="PNG")
poster = get_image_model()(title="One machine poster")
poster.file = ImageFile(io.BytesIO(buffer.getvalue()), name="one-machine.png")
poster.save()
page = ReviewPage.objects.get(film_title="Shared Film")
page.poster = poster
page.save_revision().publish()
print(json.dumps({"poster": poster.file.url}))
"""

RETITLE = """
from review_pages.models import ReviewPage
page = ReviewPage.objects.get(film_title="Shared Film")
page.title = "'Shared Film' Review: Retitled At Once"
page.save_revision().publish()
"""


@pytest.fixture(scope="module")
def one_machine(tmp_path_factory):
    from tests.demo.test_two_servers import SEED

    folder = tmp_path_factory.mktemp("one-machine")
    env = environment()
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="1",
    )
    env.pop("REDIS_URL")
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    seeded.update(json.loads(manage(env, "shell", "-c", SEED_POSTER).strip().splitlines()[-1]))
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        from tests.demo.test_two_servers import wait_until_up

        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, process)
        yield {"base": base, "env": env, "pid": process.pid, **seeded}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def fetch_many(url, times=30):
    import requests

    with requests.Session() as session:  # keep-alive off: spread over both workers
        session.headers["Connection"] = "close"
        return [session.get(url, timeout=10) for _ in range(times)]


def test_a_publish_shows_on_both_workers_at_once(one_machine):
    url = one_machine["base"] + one_machine["review_url"]
    before = fetch_many(url)
    assert all(r.status_code == 200 and "Two Servers" in r.text for r in before)
    manage(one_machine["env"], "shell", "-c", RETITLE)
    started = time.monotonic()
    after = fetch_many(url)
    assert time.monotonic() - started < 30
    shown = [("Retitled At Once" in r.text) for r in after]
    assert all(shown), f"{shown.count(False)} of {len(shown)} answers showed the old title"
    assert {r.headers["X-Cache"] for r in after} == {"bypass"}  # made fresh by each worker


def test_both_workers_answer(one_machine):
    """The 30 fetches above really went to two processes (gunicorn's 2 workers)."""
    children = Path(f"/proc/{one_machine['pid']}/task/{one_machine['pid']}/children")
    if not children.exists():
        pytest.skip("no /proc children list here")
    assert len(children.read_text().split()) == 2


def test_posters_load(one_machine):
    import requests

    response = requests.get(one_machine["base"] + one_machine["poster"], timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    from PIL import Image

    assert Image.open(io.BytesIO(response.content)).size == (300, 450)
    page = requests.get(one_machine["base"] + one_machine["review_url"], timeout=10).text
    renditions = re.findall(r'(/media/images/[^" ]+)', page)  # the <picture>'s sources
    assert renditions, page[:500]
    for rendition in set(renditions):
        assert requests.get(one_machine["base"] + rendition, timeout=10).status_code == 200
