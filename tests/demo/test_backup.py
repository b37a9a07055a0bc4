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
