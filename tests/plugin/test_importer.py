"""review_pages.importer: what a plain-text review becomes in the database."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageLogEntry, ReferenceIndex, Revision

from people.models import Person, Studio
from review_pages.importing.writer import (
    IMPORTED,
    REFUSED,
    UNCHANGED,
    UPDATED,
    ReviewImporter,
)
from review_pages.models import ReviewPage
from tests.support.importing import SAMPLES_DIR, ballerina_path, review_text, row_counts

ADVERT_WORDS = ["Unlimited Entertainment", "Try it FREE", "120,000+ channels", "Need Help?"]


def import_text(index_page, text, *, publish=True, **kwargs):
    return ReviewImporter(index_page, publish=publish, **kwargs).import_text(text)


def stored_text(page: ReviewPage) -> str:
    """Everything stored for a review: its row, its body JSON and all its revisions."""
    page.refresh_from_db()
    fields = [page.title, page.draft_title, page.film_title, page.intro, page.mpa_rating_reason]
    revisions = Revision.objects.filter(object_id=str(page.pk)).values_list("content", flat=True)
    return "\n".join(
        [*fields, json.dumps(list(page.body.raw_data)), *(json.dumps(r) for r in revisions)]
    )


# ------------------------------------------------------------------------------------------
# The real sample
# ------------------------------------------------------------------------------------------


@pytest.fixture
def ballerina(index_page):
    outcome = ReviewImporter(index_page, publish=True).import_path(ballerina_path())
    assert outcome.status == IMPORTED, outcome
    return ReviewPage.objects.get(pk=outcome.page_id)


def test_ballerina_facts(ballerina):
    assert ballerina.live and not ballerina.has_unpublished_changes
    assert ballerina.film_title == "Ballerina"
    assert ballerina.title.startswith("'Ballerina’Review: John Wick Spin-off")
    assert ballerina.mpa_rating == "R"
    assert ballerina.mpa_rating_reason == "strong/bloody violence throughout, and language."
    assert ballerina.runtime_minutes == 125
    assert ballerina.release_date == datetime.date(2025, 6, 6)
    assert ballerina.distributor.name == "Lionsgate"
    assert "<i>ugh</i>" in ballerina.intro


def test_ballerina_credits_in_billing_order(ballerina):
    assert [c.studio.name for c in ballerina.production_companies.all()] == [
        "Thunder Road Films",
        "87North Productions",
    ]
    assert [d.person.name for d in ballerina.directors.all()] == ["Len Wiseman"]
    assert [w.person.name for w in ballerina.writers.all()] == ["Shay Hatten"]
    cast = [(c.person.name, c.character) for c in ballerina.cast.all()]
    assert [name for name, _ in cast] == [
        "Ana de Armas",
        "Anjelica Huston",
        "Gabriel Byrne",
        "Lance Reddick",
        "Norman Reedus",
        "Ian McShane",
        "Keanu Reeves",
    ]
    characters = dict(cast)
    assert characters["Ian McShane"] == "Winston"
    assert characters["Gabriel Byrne"] == "Chancellor"


def test_ballerina_sections(ballerina):
    body = list(ballerina.body)
    assert [block.block_type for block in body] == [
        "synopsis",
        "performance",
        "critique",
        "final_statement",
    ]
    performance = body[1].value
    assert performance["heading"] == (
        "Ana De Armas stunts and work in a Stellar Stunt Work Action Performance"
    )
    performers = {person.name for person in performance["performers"]}
    assert {"Ana de Armas", "Keanu Reeves"} <= performers
    assert body[2].value["heading"] == "Blatant reshoots affects Ballerina’s lack of identity"
    assert "Eve Macarro" in body[0].value["text"].source
    assert "grenade-throwing" in body[3].value["text"].source


def test_ballerina_stores_no_advertising(ballerina):
    text = stored_text(ballerina)
    for words in ADVERT_WORDS:
        assert words not in text


def test_ballerina_is_searchable_and_referenced(ballerina):
    assert list(ReviewPage.objects.live().search("Ballerina")) == [ballerina]
    assert ballerina in ReviewPage.objects.live().search("Wiseman")
    keanu = Person.objects.get(name="Keanu Reeves")
    # The usage view of a person lists the review (the reference index was updated).
    assert ReferenceIndex.get_references_to(keanu).filter(object_id=str(ballerina.pk)).exists()


def test_ballerina_opens_in_the_editor_and_on_the_site(ballerina, admin_client, client):
    response = admin_client.get(f"/admin/pages/{ballerina.pk}/edit/")
    assert response.status_code == 200
    assert "Len Wiseman" in response.content.decode()
    latest = ballerina.get_latest_revision_as_object()
    assert [c.person.name for c in latest.cast.all()][:2] == ["Ana de Armas", "Anjelica Huston"]
    assert latest.live_revision_id == ballerina.latest_revision_id
    page = client.get(ballerina.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ian McShane" in html and "Winston" in html
    assert "Unlimited Entertainment" not in html


def test_ballerina_has_one_revision_and_history(ballerina):
    assert Revision.objects.filter(object_id=str(ballerina.pk)).count() == 1
    entries = PageLogEntry.objects.filter(page=ballerina)
    actions = set(entries.values_list("action", flat=True))
    assert {"wagtail.create", "wagtail.publish"} <= actions


def test_an_imported_review_has_the_history_wagtail_writes(index_page, django_user_model):
    """The importer writes the creation and publication entries itself, in one insert: the
    same entries as `add_child` then `save_revision().publish()` write."""
    editor = django_user_model.objects.create_superuser("importer", "i@example.com", "x" * 12)
    imported = ReviewImporter(index_page, publish=True, user=editor).import_text(review_text())
    page = ReviewPage.objects.get(pk=imported.page_id)
    made = ReviewPage(
        title=page.title, slug="made-by-wagtail", film_title=page.film_title, owner=editor
    )
    index_page.add_child(instance=made)
    made.save_revision(user=editor).publish(user=editor)

    def history(of):
        of.refresh_from_db()
        return [
            (
                e.action,
                e.label,
                e.user_id,
                e.content_type_id,
                e.content_changed,
                e.data,
                e.revision_id == of.live_revision_id if e.action == "wagtail.publish" else None,
            )
            for e in PageLogEntry.objects.filter(page=of).order_by("timestamp", "pk")
        ]

    ours = history(page)
    assert [entry[0] for entry in ours] == ["wagtail.create", "wagtail.publish"]
    assert ours[1][-1] is True  # the publication names the live revision
    wagtails = [e for e in history(made) if e[0] in ("wagtail.create", "wagtail.publish")]
    label_free = [(a, u, c, changed, d, r) for a, _, u, c, changed, d, r in ours]
    assert label_free == [(a, u, c, changed, d, r) for a, _, u, c, changed, d, r in wagtails]
    assert {entry[1] for entry in ours} == {page.title}


# ------------------------------------------------------------------------------------------
# The project's samples and other variants
# ------------------------------------------------------------------------------------------


def test_project_samples_share_people_and_studios(index_page):
    importer = ReviewImporter(index_page, publish=True)
    outcomes = [importer.import_path(path) for path in sorted(SAMPLES_DIR.glob("*.txt"))]
    assert [o.status for o in outcomes] == [IMPORTED] * 4
    # Names credited in two reviews are one snippet each.
    assert Person.objects.filter(name="Callum Ashgrove").count() == 1
    assert Person.objects.filter(name="Teodor Vasić").count() == 1
    assert Studio.objects.filter(name="Corvid Lane Films").count() == 1
    assert Studio.objects.filter(name="Saltmarsh Pictures").count() == 1
    names = Person.objects.values_list("match_name", flat=True)
    assert len(names) == len(set(names))
    callum = Person.objects.get(name="Callum Ashgrove")
    assert callum.cast_credits.count() == 2
    # Inés Valdés writes one film and directs and writes another.
    ines = Person.objects.get(name="Inés Valdés")
    assert ines.writer_credits.count() == 2 and ines.director_credits.count() == 1
    # Every demo review names its critic and gives a score (Google's review snippet).
    reviews = ReviewPage.objects.select_related("author")
    assert sorted((r.author.name, str(r.score)) for r in reviews) == [
        ("Helena Marsh", "3.0"),
        ("Helena Marsh", "4.0"),
        ("Tobias Wren", "3.5"),
        ("Tobias Wren", "4.5"),
    ]


def test_one_person_in_several_roles_is_one_snippet(index_page):
    text = review_text(director="Hal Benn", writer="hal  BENN", cast="Hal Benn, Mirela Stone")
    outcome = import_text(index_page, text)
    assert outcome.status == IMPORTED
    page = ReviewPage.objects.get(pk=outcome.page_id)
    hal = Person.objects.get(match_name="hal benn")
    assert page.directors.get().person == hal
    assert page.writers.get().person == hal
    assert page.cast.first().person == hal
    assert Person.objects.count() == 2


def test_existing_snippets_are_reused(index_page, person_factory, studio_factory):
    zoe = person_factory(name="Zoë Marchetti")
    tock = studio_factory(name="Tock Pictures")
    outcome = import_text(index_page, review_text(cast="ZOË MARCHETTI, Mirela Stone"))
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert page.cast.first().person == zoe
    assert page.distributor == tock
    assert Person.objects.filter(match_name="zoë marchetti").count() == 1


def test_characters_and_performers_are_stored(index_page):
    outcome = import_text(index_page, review_text())
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert [(c.person.name, c.character) for c in page.cast.all()] == [
        ("Mirela Stone", "Ada Finch"),
        ("Oskar Lute", ""),
    ]
    performance = page.body[1].value
    assert [p.name for p in performance["performers"]] == ["Mirela Stone", "Oskar Lute"]
    assert page.body[0].value["text"].source == (
        "<p>A clockmaker, Ada Finch (Mirela Stone), repairs the town clock.</p>"
    )
    assert page.intro == "<p>Some films are quiet. This one is <i>quieter</i> still.</p>"


def test_credits_are_inserted_in_bulk_and_the_revision_holds_the_same_rows(index_page):
    many_cast = ", ".join(f"Actor Number{n} Person" for n in range(20))
    with CaptureQueriesContext(connection) as ctx:
        outcome = import_text(index_page, review_text(film="Bulk", cast=many_cast))
    cast_inserts = [
        q for q in ctx.captured_queries if "INSERT INTO" in q["sql"] and "castmember" in q["sql"]
    ]
    assert len(cast_inserts) == 1  # 20 rows, one statement

    page = ReviewPage.objects.get(pk=outcome.page_id)
    stored = list(page.cast.values_list("pk", "person_id", "character"))
    assert len(stored) == 20
    revision = page.latest_revision
    assert [(c["pk"], c["person"], c["character"]) for c in revision.content["cast"]] == stored
    revision.publish()  # republishing the first revision keeps the same rows
    assert list(page.cast.values_list("pk", "person_id", "character")) == stored


def test_name_lookups_are_bulk(index_page):
    """Reads per file do not depend on how many people it credits (only the inserts of
    the credit rows do)."""

    def queries_for(text):
        with CaptureQueriesContext(connection) as ctx:
            assert import_text(index_page, text).status == IMPORTED
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]

    queries_for(review_text(film="Warm-up"))  # the studios, met again below
    few = queries_for(review_text(film="Few", cast="Ann One, Bob Two", director="Cy Three"))
    many_cast = ", ".join(f"Actor Number{n} Person" for n in range(20))
    many = queries_for(review_text(film="Many", cast=many_cast, director="Dee Four"))
    assert len(many) == len(few), "\n".join(many)


# ------------------------------------------------------------------------------------------
# Idempotence and updates
# ------------------------------------------------------------------------------------------


def test_reimporting_the_same_text_writes_nothing(index_page):
    first = import_text(index_page, review_text())
    before = row_counts()
    with CaptureQueriesContext(connection) as ctx:
        again = import_text(index_page, review_text())
    assert again.status == UNCHANGED and again.page_id == first.page_id
    assert row_counts() == before
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert writes == []


def test_a_changed_file_becomes_a_new_revision_of_the_same_page(index_page):
    first = import_text(index_page, review_text())
    changed = review_text(final="FINAL STATEMENT\n\nWorth the wait, twice.")
    outcome = import_text(index_page, changed)
    assert outcome.status == UPDATED and outcome.page_id == first.page_id
    assert ReviewPage.objects.count() == 1
    page = ReviewPage.objects.get(pk=first.page_id)
    assert Revision.objects.filter(object_id=str(page.pk)).count() == 2
    assert page.live and page.live_revision_id == page.latest_revision_id
    assert "twice" in page.body[-1].value["text"].source
    assert page in ReviewPage.objects.live().search("twice")


def test_a_changed_draft_import_leaves_the_live_version(index_page):
    first = import_text(index_page, review_text())
    changed = review_text(final="FINAL STATEMENT\n\nA new verdict.")
    outcome = import_text(index_page, changed, publish=False)
    assert outcome.status == UPDATED
    assert "live version is unchanged" in outcome.message
    page = ReviewPage.objects.get(pk=first.page_id)
    assert page.has_unpublished_changes
    assert "new verdict" not in page.body[-1].value["text"].source
    draft = page.get_latest_revision_as_object()
    assert "new verdict" in draft.body[-1].value["text"].source


def test_publish_publishes_an_unchanged_draft(index_page):
    draft = import_text(index_page, review_text(), publish=False)
    page = ReviewPage.objects.get(pk=draft.page_id)
    assert not page.live
    assert not ReviewPage.objects.live().search("Paper Moons")
    outcome = import_text(index_page, review_text(), publish=True)
    assert (outcome.status, outcome.message) == (UPDATED, "published")
    page.refresh_from_db()
    assert page.live and not page.has_unpublished_changes
    assert Revision.objects.filter(object_id=str(page.pk)).count() == 1
    assert import_text(index_page, review_text(), publish=True).status == UNCHANGED


def test_same_title_other_release_date_is_another_film(index_page):
    import_text(index_page, review_text(release="June 6, 2025"))
    outcome = import_text(index_page, review_text(release="June 6, 1985"))
    assert outcome.status == IMPORTED
    slugs = sorted(ReviewPage.objects.values_list("slug", flat=True))
    assert slugs == ["paper-moons", "paper-moons-1985"]


def test_dry_run_writes_nothing(index_page):
    before = row_counts()
    outcome = import_text(index_page, review_text(), dry_run=True)
    assert outcome.status == IMPORTED and outcome.page_id is None
    assert row_counts() == before


# ------------------------------------------------------------------------------------------
# Refusals
# ------------------------------------------------------------------------------------------

NO_FINAL = review_text(final="")
REFUSALS = {
    "empty": (b"", "empty file"),
    "blank": (b"  \n\n \n", "empty file"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "mixed encodings": (
        review_text(film="Zoë’s Café").encode() + "Inés Valdés".encode("cp1252"),
        "not confidently Windows-1252 or Latin-1",
    ),
    "cyrillic": (
        review_text(synopsis="Привет, это обзор фильма, очень хороший фильм").encode("cp1251"),
        "not UTF-8 text",
    ),
    "no headline": (b"Just some notes\n\nMPA Rating: R\n", "no headline"),
    "no metadata": (b"'Film' Review: Good\n\nA paragraph.\n", "no metadata block"),
    "runtime": (
        review_text().replace("Runtime: 98 minutes", "Runtime: forever").encode(),
        "unreadable runtime",
    ),
    "date": (
        review_text(release="the 32nd of Smarch").encode(),
        "unreadable release date",
    ),
    "rating": (
        review_text().replace("MPA Rating: PG (mild peril.)", "MPA Rating: XYZ").encode(),
        "unreadable MPA rating",
    ),
    "no synopsis": (review_text(synopsis="").encode(), "Add a synopsis"),
    "no final statement": (NO_FINAL.encode(), "Add a final statement"),
    "long headline": (review_text(headline="'Long' Review: " + "x" * 300).encode(), "headline"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_files_write_nothing(case, index_page, tmp_path):
    data, reason = REFUSALS[case]
    path = tmp_path / "review.txt"
    path.write_bytes(data)
    before = row_counts()
    outcome = ReviewImporter(index_page, publish=True).import_path(path)
    assert outcome.status == REFUSED
    assert reason in outcome.message
    assert str(outcome).startswith(f"{path}: refused: ")
    assert row_counts() == before


def test_a_draft_without_final_statement_is_imported(index_page):
    """The publishing rules apply to --publish; drafts may be incomplete."""
    assert import_text(index_page, NO_FINAL, publish=False).status == IMPORTED


def test_a_failure_after_writing_began_rolls_everything_back(index_page, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ValidationError({"slug": "This slug is already in use"})

    before = row_counts()
    monkeypatch.setattr(ReviewPage, "full_clean", refuse)
    outcome = import_text(index_page, review_text(cast="Brand New, Another Newcomer"))
    assert outcome.status == REFUSED
    assert "slug is already in use" in outcome.message
    assert row_counts() == before
    monkeypatch.undo()
    # The people that rolled back are not served from the importer's cache.
    importer = ReviewImporter(index_page, publish=True)
    monkeypatch.setattr(ReviewPage, "full_clean", refuse)
    assert importer.import_text(review_text()).status == REFUSED
    monkeypatch.undo()
    assert importer.import_text(review_text()).status == IMPORTED
    assert Person.objects.filter(name="Mirela Stone").exists()


def test_imported_pages_sit_in_the_tree_as_add_child_puts_them(index_page):
    """The importer inserts pages with treebeard's path helpers (`_get_path`, `_inc_path`)
    rather than `add_child`: the tree stays valid, after a page an editor added too, and
    this fails if treebeard changes what those helpers mean."""
    from wagtail.models import Page

    index_page.add_child(instance=ReviewPage(title="Added by hand", film_title="Added By Hand"))
    importer = ReviewImporter(index_page, publish=True)
    outcomes = [importer.import_path(path) for path in sorted(SAMPLES_DIR.glob("*.txt"))]
    assert [o.status for o in outcomes] == [IMPORTED] * 4

    assert all(not problems for problems in Page.find_problems())
    index_page.refresh_from_db()
    children = list(index_page.get_children())
    assert index_page.numchild == len(children) == 5
    assert children[0].title == "Added by hand"  # the importer's pages come after it
    assert [child.pk for child in children[1:]] == [o.page_id for o in outcomes]
    for child in children:
        assert child.depth == index_page.depth + 1 and child.get_parent().pk == index_page.pk
    # The next page added the usual way goes after them.
    last = index_page.add_child(instance=ReviewPage(title="After", film_title="After Film"))
    assert last.path > children[-1].path and not any(Page.find_problems())
