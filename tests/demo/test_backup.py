"""`make backup` / `make restore`: an archive brings a fresh install back to the same content."""

import re
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Person
from review_pages.models import ReviewPage

pytestmark = pytest.mark.django_db


def snapshot(client, urls):
    """Each answer's bytes; only the CSP nonce (fresh on every request) is blanked."""
    return {url: re.sub(rb'nonce="[^"]*"', b'nonce=""', client.get(url).content) for url in urls}


# Restoring truncates tables, which PostgreSQL refuses inside a test's open transaction:
# run in a real transaction (the index_page fixture rebuilds the migrations' rows).
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_emptied_install(
    client, make_review, person_factory, studio_factory, tmp_path
):
    director = person_factory(name="Wren Halloway")
    actor = person_factory(name="Jónas Berg")
    review = make_review(
        film_title="Glass Harbour",
        directors=[director],
        cast=[(actor, "Keeper")],
        companies=[studio_factory(name="Tidewater")],
    )
    draft = make_review(film_title="Unfinished", live=False)
    urls = [
        "/",
        review.url,
        "/people/wren-halloway/",
        "/studios/tidewater/",
        # The APIs, byte for byte: a listing with every field and the details.
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
        f"/api/v2/pages/{review.pk}/",
        f"/api/v2/people/{director.pk}/",
        "/api/v3/reviews/",
        f"/api/v3/reviews/{review.pk}/",
        f"/api/v3/people/{actor.pk}/",
        "/api/v3/studios/",
    ]
    before = snapshot(client, urls)
    assert b"Glass Harbour" in before[f"/api/v3/reviews/{review.pk}/"]
    assert b"Keeper" in before["/api/v2/pages/?type=review_pages.ReviewPage&fields=*"]
    revisions_before = review.revisions.count()

    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", output=str(archive))
    with tarfile.open(archive) as opened:
        assert {"manifest.json", "data.fulljson"} <= set(opened.getnames())

    call_command("flush", interactive=False, verbosity=0)  # a fresh, empty install
    assert not ReviewPage.objects.exists()

    call_command("restore_site", str(archive))
    assert snapshot(client, urls) == before
    restored = ReviewPage.objects.get(pk=review.pk)
    assert restored.revisions.count() == revisions_before
    assert not ReviewPage.objects.get(pk=draft.pk).live
    assert Person.objects.get(name="Jónas Berg").slug == "jónas-berg"
    assert ReviewPage.objects.live().search("Glass Harbour").count() == 1


def test_restore_refuses_a_broken_archive_and_keeps_the_data(make_review, tmp_path):
    make_review(film_title="Still Here")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore_site", str(broken))
    assert ReviewPage.objects.filter(film_title="Still Here").exists()
    with pytest.raises(CommandError, match="no such archive"):
        call_command("restore_site", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db(transaction=True)
def test_a_backup_after_a_deletion_restores_and_the_cache_is_emptied(
    client, make_review, person_factory, tmp_path
):
    """Wagtail keeps a deleted page's log entries; the backup keeps them too and restores."""
    from wagtail.models import Page, PageLogEntry

    kept = make_review(film_title="Kept Film", directors=[person_factory(name="Kay Kept")])
    doomed = make_review(film_title="Doomed Film")
    Page.objects.get(pk=doomed.pk).specific.delete()
    assert PageLogEntry.objects.filter(page_id=doomed.pk).exists()  # dangling, as Wagtail keeps
    urls = ["/", kept.url, "/people/kay-kept/", "/api/v3/reviews/", f"/api/v2/pages/{kept.pk}/"]
    before = snapshot(client, urls)

    archive = tmp_path / "after-delete.tar.gz"
    call_command("backup_site", output=str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and page passwords

    # Something the archive does not have, answered from the cache (a hit) before the restore.
    extra = make_review(film_title="Made Later")
    assert client.get(extra.url).status_code == 200
    assert client.get(extra.url)["X-Cache"] == "hit"

    call_command("restore_site", str(archive))
    assert snapshot(client, urls) == before
    assert PageLogEntry.objects.filter(page_id=doomed.pk).exists()
    assert not ReviewPage.objects.filter(film_title__in=["Doomed Film", "Made Later"]).exists()
    gone = client.get(extra.url)
    assert gone.status_code == 404 and gone["X-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_a_restore_purges_the_cdn_of_addresses_before_and_after(
    make_review, tmp_path, settings, monkeypatch
):
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    kept = make_review(film_title="Kept Film")
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", output=str(archive))
    later = make_review(film_title="Made Later")
    purged: list[str] = []
    monkeypatch.setattr(PurgeBatch, "purge", lambda batch, **kw: purged.extend(batch.urls))
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",
        }
    }
    settings.REVIEW_PAGES = {**settings.REVIEW_PAGES, "CDN_PURGE": True}

    call_command("restore_site", str(archive))
    assert any(url.endswith(kept.url) for url in purged), purged
    assert any(url.endswith(later.url) for url in purged), purged  # gone since the restore
    assert any(url.endswith("/feed/") for url in purged)


def test_the_backup_folder_and_archive_are_private(make_review, tmp_path):
    make_review(film_title="Anything")
    archive = tmp_path / "backups" / "one.tar.gz"
    call_command("backup_site", output=str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.parent.stat().st_mode & 0o777 == 0o700
