"""Two gunicorn app servers sharing PostgreSQL and Redis: a change made through the admin of
one shows at once on the other, whose cache was warm.

Needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379; skipped without them,
except under CI=true with a PostgreSQL DATABASE_URL, where it must run.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = os.environ.get("TWO_SERVERS_DB", "caching_two")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/4")
GUNICORN = Path(sys.executable).with_name("gunicorn")


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


MUST_RUN = os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith(
    "postgres"
)
MISSING = [name for name, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not reachable(port)]

pytestmark = [
    pytest.mark.skipif(
        bool(MISSING) and not MUST_RUN,
        reason=f"two app servers need PostgreSQL and Redis on 127.0.0.1; missing: {MISSING}",
    ),
]

SEED = """
import json
from django.contrib.auth import get_user_model
from people.models import Person, Studio
from review_pages.models import ReviewDirector, ReviewIndexPage, ReviewPage
get_user_model().objects.create_superuser("chief", "chief@example.com", "two-servers-pw")
person = Person.objects.create(name="Nora Original")
other = Person.objects.create(name="Ulla Unrelated")
index = ReviewIndexPage.objects.get()
body = [
    {"type": "synopsis", "value": {"text": "<p>Synopsis.</p>"}},
    {"type": "final_statement", "value": {"text": "<p>Final.</p>"}},
]
pages = []
for film, director in (("Shared Film", person), ("Other Film", other)):
    page = index.add_child(instance=ReviewPage(
        title=f"'{film}' Review: Two Servers", film_title=film, body=body, live=False,
        author=director))  # the cards on the front page name the critic
    ReviewDirector.objects.create(page=page, person=director, sort_order=0)
    page.save_revision().publish()
    pages.append(page)
print(json.dumps({"person": person.pk, "person_slug": person.slug, "other_slug": other.slug,
                  "review": pages[0].pk, "review_url": pages[0].url,
                  "other_url": pages[1].url}))
"""


def environment(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SEARCH_", "AWS_", "FRONTEND_CACHE", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="reviewsite.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"two-servers-{secrets.token_hex(4)}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESS_LOG="",
        **extra,
    )
    return env


def manage(env, *args, input_text=None) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        input=input_text,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def database():
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DB_NAME}"')
    yield
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


@pytest.fixture(scope="module")
def servers(database):
    env = environment()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v0")
    seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [str(GUNICORN), "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield {"a": urls[0], "b": urls[1], **seeded}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_up(url, process):
    import requests

    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            requests.get(url + "/robots.txt", timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start in 45 s")


class FormFields(HTMLParser):
    """The fields of the first form posting to `action` (inputs, textareas, selects)."""

    def __init__(self, action_pattern: str):
        super().__init__()
        self.action_pattern = re.compile(action_pattern)
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and self.action_pattern.search(attrs.get("action", "")):
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action_pattern: str) -> dict:
    parser = FormFields(action_pattern)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action_pattern}"
    return parser.fields


def admin_session(base: str):
    import requests

    session = requests.Session()
    login = session.get(base + "/admin/login/", timeout=10)
    fields = form_fields(login.text, r"/admin/login/")
    fields.update(username="chief", password="two-servers-pw")
    answer = session.post(base + "/admin/login/", data=fields, timeout=10, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return session


def get(url):
    import requests

    return requests.get(url, timeout=10)


def warm(base, paths):
    for path in paths:
        assert get(base + path).status_code == 200, path
        assert get(base + path).headers["X-Cache"] == "hit", path


def test_a_change_through_one_server_shows_at_once_on_the_other(servers):
    started = time.monotonic()
    a, b = servers["a"], servers["b"]
    review, slug = servers["review"], servers["person_slug"]
    showing_person = [
        "/",
        servers["review_url"],
        f"/people/{slug}/",
        f"/api/v3/reviews/{review}/",
        "/api/v3/reviews/",
        f"/api/v2/pages/{review}/",
        f"/api/v3/people/{servers['person']}/",
    ]
    unrelated = [servers["other_url"], f"/people/{servers['other_slug']}/"]
    warm(b, showing_person + unrelated)
    assert "Nora Original" in get(b + servers["review_url"]).text

    # A person renamed through server A's admin (snippet edit POST) ...
    editor = admin_session(a)
    edit_url = f"{a}/admin/snippets/people/person/edit/{servers['person']}/"
    fields = form_fields(editor.get(edit_url, timeout=10).text, r"/edit/")
    fields["name"] = "Nora Renamed"
    saved = editor.post(edit_url, data=fields, timeout=10, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:1000]

    # ... is renamed at once on every page and API answer of server B.
    for path in showing_person:
        answer = get(b + path)
        assert answer.status_code == 200, path
        assert "Nora Renamed" in answer.text and "Nora Original" not in answer.text, path
    for path in unrelated:
        assert get(b + path).headers["X-Cache"] == "hit", path

    # A review unpublished through server A's admin is gone from server B at once.
    warm(b, showing_person)
    unpublish_url = f"{a}/admin/pages/{review}/unpublish/"
    fields = form_fields(editor.get(unpublish_url, timeout=10).text, r"/unpublish/")
    done = editor.post(unpublish_url, data=fields, timeout=10, allow_redirects=False)
    assert done.status_code == 302, done.text[:1000]

    assert get(b + servers["review_url"]).status_code == 404
    assert get(f"{b}/api/v3/reviews/{review}/").status_code == 404
    assert get(f"{b}/api/v2/pages/{review}/").status_code == 404
    for path in ("/", "/api/v3/reviews/"):
        answer = get(b + path)
        assert answer.status_code == 200 and "Shared Film" not in answer.text, path
    # Nora was credited on that review only: she is no longer public, on B either.
    for path in (f"/people/{slug}/", f"/api/v3/people/{servers['person']}/"):
        assert get(b + path).status_code == 404, path
    assert get(b + servers["other_url"]).headers["X-Cache"] == "hit"
    assert time.monotonic() - started < 60
