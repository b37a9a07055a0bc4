"""`make backup` / `make restore`: an archive brings a fresh install back to the same content."""

import io
import json
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
        assert {"manifest.json", "contenttypes.json", "data.fulljson"} <= set(opened.getnames())

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


# ------------------------------------------------------------------------------------------
# Content types: a restore keeps every stored content-type id pointing at its model
# ------------------------------------------------------------------------------------------


def content_type_references():
    """Every model's own foreign keys to ContentType: (model, field); a page type's inherited
    `content_type` is its base page's column."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is ContentType and field.model is model
    ]


def renumber_content_types():
    """Give each content type another one's id (rotated by half), with every reference.

    A site whose apps and models came over years gets its content types numbered in that
    order; a fresh install numbers them in INSTALLED_APPS order: the ids differ. Rotated,
    every old id names another model, as the stale ones that pointed at
    `collectionviewrestriction` did.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import Case, F, IntegerField, Value, When

    ids = list(ContentType.objects.order_by("pk").values_list("pk", flat=True))
    half = len(ids) // 2
    new_ids = dict(zip(ids, ids[half:] + ids[:half], strict=True))
    offset = max(ids) + 1000  # out of the way first, so that no two rows ever share an id
    with transaction.atomic():  # the foreign keys are checked at the commit
        references = content_type_references()
        for model, field in references:
            model._base_manager.update(**{field.attname: F(field.attname) + offset})
        ContentType.objects.update(id=F("id") + offset)
        for model, field in [*references, (ContentType, ContentType._meta.pk)]:
            column = field.attname
            whens = [
                When(**{column: old + offset}, then=Value(new)) for old, new in new_ids.items()
            ]
            renumbered = Case(*whens, default=F(column), output_field=IntegerField())
            model._base_manager.update(**{column: renumbered})
    ContentType.objects.clear_cache()
    return new_ids


def content_type_snapshot():
    """Each stored reference to a content type in the archive's rows, by the model it
    names; permissions (rebuilt, with new ids) by their codename."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from reviewsite.management.commands.backup_site import EXCLUDED

    names = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    snapshot = {
        (model._meta.label_lower, pk, field.name): names.get(value)
        for model, field in content_type_references()
        if not {model._meta.app_label, model._meta.label_lower} & set(EXCLUDED)
        for pk, value in model._base_manager.values_list("pk", field.attname)
        if value is not None
    }
    permissions = Permission.objects.values_list("codename", "content_type_id")
    snapshot["permissions"] = {(codename, names[pk]) for codename, pk in permissions}
    return snapshot


def revision_content_types():
    """(revision id, the model its stored JSON's content type names, the revision's)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision

    names = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    return [
        (
            revision.pk,
            names.get(revision.content.get("content_type"), "(no such content type)"),
            f"{revision.content_type.app_label}.{revision.content_type.model}",
        )
        for revision in Revision.objects.select_related("content_type").order_by("pk")
        if "content_type" in revision.content
    ]


@pytest.fixture
def sites_history(index_page, make_review, person_factory, django_user_model):
    """Pages of each of the demo's page types with an old and a newer published revision,
    moderation under way, and log entries of both kinds: renumbered content types first."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from wagtail.log_actions import log
    from wagtail.models import Workflow

    renumbered = renumber_content_types()
    assert any(old != new for old, new in renumbered.items())
    index_page.refresh_from_db()
    editor = django_user_model.objects.create_superuser("restorer", "r@example.com", "pw")

    index_page.title = "Reviews, first edition"
    index_page.save_revision(user=editor).publish()
    index_page.title = "Reviews, second edition"
    index_page.save_revision(user=editor).publish()

    critic = person_factory(name="Ines Calder")
    review = make_review(film_title="Tin Lanterns", title="'Tin Lanterns' Review: First Cut")
    review.title = "'Tin Lanterns' Review: Final Cut"
    review.save_revision(user=editor).publish()
    review.title = "'Tin Lanterns' Review: A Draft Awaiting Approval"
    Workflow.objects.get(name="Review moderation").start(review, editor)

    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(critic),
        object_id=str(critic.pk),
        object_repr=str(critic),
        action_flag=ADDITION,
    )
    log(instance=critic, action="wagtail.create", user=editor)
    return {"index": index_page.pk, "review": review.pk}


@pytest.mark.django_db(transaction=True)
def test_a_restore_keeps_every_content_type_reference_right(client, sites_history, tmp_path):
    """Revisions' stored JSON holds content types by id: after a restore into an install
    whose content types are numbered otherwise, each still names its own model, every
    foreign key to a content type names the model it named, and an old revision of each
    page type publishes as the page it was."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Revision

    from review_pages.models import ReviewIndexPage

    references_before = content_type_snapshot()
    assert {key[0] for key in references_before} >= {
        "wagtailcore.page",
        "wagtailcore.revision",
        "wagtailcore.workflowstate",
        "wagtailcore.taskstate",
        "wagtailcore.pagelogentry",
        "wagtailcore.modellogentry",
        "admin.logentry",
    }
    revisions_before = revision_content_types()
    assert revisions_before and all(stored == own for _, stored, own in revisions_before)

    archive = tmp_path / "renumbered.tar.gz"
    call_command("backup_site", output=str(archive))
    archived_id = ContentType.objects.get_for_model(ReviewPage).pk
    call_command("flush", interactive=False, verbosity=0)  # a fresh install: ids in app order
    ContentType.objects.clear_cache()
    fresh_id = ContentType.objects.get_for_model(ReviewPage).pk
    assert fresh_id != archived_id
    call_command("restore_site", str(archive))

    revisions_after = revision_content_types()
    assert [(pk, own) for pk, _, own in revisions_after] == [
        (pk, own) for pk, _, own in revisions_before
    ]
    wrong = [(pk, stored, own) for pk, stored, own in revisions_after if stored != own]
    assert wrong == []
    assert content_type_snapshot() == references_before

    # An old revision of each page type, published again, is the live page it was.
    pages = [
        (sites_history["index"], ReviewIndexPage, "Reviews, first edition"),
        (sites_history["review"], ReviewPage, "&#x27;Tin Lanterns&#x27; Review: First Cut"),
    ]
    for page_id, model, old_title in pages:
        oldest = Revision.page_revisions.filter(object_id=str(page_id)).order_by("pk").first()
        oldest.publish()
        page = Page.objects.get(pk=page_id)
        assert page.specific_class is model
        assert type(page.specific) is model
        assert page.live_revision_id == oldest.pk
        response = client.get(page.url)
        assert response.status_code == 200
        assert old_title in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_archive_without_content_types_has_its_revisions_renumbered(sites_history, tmp_path):
    """A format-1 archive (0.1.0's: no content types) restores into an install numbered
    otherwise: the revisions' stored ids are renumbered from what the archive says."""
    references_before = content_type_snapshot()
    revisions_before = revision_content_types()
    archive = tmp_path / "current.tar.gz"
    call_command("backup_site", output=str(archive))
    old_format = tmp_path / "format-1.tar.gz"
    with tarfile.open(archive) as current, tarfile.open(old_format, "w:gz") as written:
        for member in current.getmembers():
            if member.name == "contenttypes.json":
                continue
            payload = current.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(payload.read())
                payload = io.BytesIO(json.dumps({**manifest, "format": 1}).encode())
                member.size = len(payload.getvalue())
            written.addfile(member, payload)
    call_command("flush", interactive=False, verbosity=0)

    out = io.StringIO()
    call_command("restore_site", str(old_format), stdout=out)
    assert revision_content_types() == [(pk, own, own) for pk, _, own in revisions_before]
    assert "revisions' content types renumbered" in out.getvalue()
    after = content_type_snapshot()
    assert after["permissions"] == references_before["permissions"]
    # Foreign keys were dumped by name: they name the same models under the new ids.
    assert {k: v for k, v in after.items() if k != "permissions"} == {
        k: v for k, v in references_before.items() if k != "permissions"
    }


def test_restore_refuses_an_unknown_format_and_a_current_archive_without_content_types(
    make_review, tmp_path
):
    make_review(film_title="Still Here")
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", output=str(archive))
    for name, manifest, drop in [
        ("future.tar.gz", {"format": 99}, None),
        ("incomplete.tar.gz", None, "contenttypes.json"),
    ]:
        changed = tmp_path / name
        with tarfile.open(archive) as current, tarfile.open(changed, "w:gz") as written:
            for member in current.getmembers():
                if member.name == drop:
                    continue
                payload = current.extractfile(member) if member.isfile() else None
                if member.name == "manifest.json" and manifest:
                    payload = io.BytesIO(json.dumps(manifest).encode())
                    member.size = len(payload.getvalue())
                written.addfile(member, payload)
        with pytest.raises(CommandError, match="unknown backup format 99|has no contenttypes"):
            call_command("restore_site", str(changed))
    assert ReviewPage.objects.filter(film_title="Still Here").exists()
