"""A batched import (`index_batch` > 1, as `import_reviews` and the admin's import run) logs
its publications in the sync feed in one reconcile per batch; publications an interrupted
import never reconciled are found by the next read of the feed."""

from __future__ import annotations

from unittest import mock

from review_pages.importing.writer import IMPORTED, ReviewImporter
from review_pages.models import SyncChange
from review_pages.sync import log
from tests.support.importing import review_text

URL = "/api/v3/sync/"
FILMS = ("Paper Moons", "Glass Harbour", "Late Ferry")


def read_all(client, since=None):
    items = []
    while True:
        params = {"since": since} if since else {}
        page = client.get(URL, params).json()
        items += page["items"]
        since = page["next"]
        if not page["has_more"]:
            return items, since


def reviews_in(items) -> dict[int, str]:
    return {item["id"]: item["action"] for item in items if item["type"] == "review"}


def test_a_batched_import_logs_its_reviews_in_one_reconcile(client, index_page):
    _, cursor = read_all(client)  # the log begins
    importer = ReviewImporter(index_page, publish=True, index_batch=10)
    with mock.patch.object(log, "reconcile", wraps=log.reconcile) as reconcile:
        with importer:
            outcomes = [importer.import_text(review_text(film=film)) for film in FILMS]
            assert SyncChange.objects.count() == 0  # noted, not yet reconciled
        assert reconcile.call_count == 1  # the batch's, on leaving

    assert [outcome.status for outcome in outcomes] == [IMPORTED] * len(FILMS)
    items, _ = read_all(client, cursor)
    assert reviews_in(items) == {outcome.page_id: "upsert" for outcome in outcomes}
    names = {item["object"]["name"] for item in items if item["type"] == "person"}
    assert {"Mirela Stone", "Oskar Lute"} <= names


def test_an_import_of_one_file_at_a_time_reconciles_each_publication(client, index_page):
    _, cursor = read_all(client)
    importer = ReviewImporter(index_page, publish=True)  # index_batch=1: nothing deferred
    with mock.patch.object(log, "reconcile", wraps=log.reconcile) as reconcile:
        outcomes = [importer.import_text(review_text(film=film)) for film in FILMS[:2]]
        assert reconcile.call_count == 2

    items, _ = read_all(client, cursor)
    assert reviews_in(items) == {outcome.page_id: "upsert" for outcome in outcomes}


def test_publications_an_interrupted_import_left_are_found_by_the_next_read(client, index_page):
    _, cursor = read_all(client)
    importer = ReviewImporter(index_page, publish=True, index_batch=10)
    # The files are written and committed; the process stops before the batch's flush.
    outcomes = [importer.import_text(review_text(film=film)) for film in FILMS[:2]]
    assert SyncChange.objects.count() == 0

    items, _ = read_all(client, cursor)

    assert reviews_in(items) == {outcome.page_id: "upsert" for outcome in outcomes}
