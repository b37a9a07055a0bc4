"""What an editor can make a review cost is capped: sections, paragraphs per section and the
body's stored size (`MAX_BODY_SECTIONS`, `MAX_SECTION_PARAGRAPHS`, `MAX_BODY_BYTES`), refused
with the same words by the importer (nothing written) and by the page editor's form."""

import io
import json
import re
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Revision
from wagtail.test.utils.form_data import rich_text

from people.models import Person
from review_pages.conf import DEFAULTS
from review_pages.importing import parser
from review_pages.importing.writer import (
    IMPORTED,
    REFUSED,
    ReviewImporter,
    StandInIds,
    body_data,
)
from review_pages.models import ReviewPage
from review_pages.rules import (
    BodyCaps,
    body_cost_problems,
    body_json_bytes,
    rich_text_paragraphs,
)
from tests.support.admin_forms import CRITIQUE, FINAL, SYNOPSIS, review_form_data
from tests.support.importing import SAMPLES_DIR, ballerina_path, review_text, row_counts

pytestmark = pytest.mark.django_db


def caps(**values):
    """REVIEW_PAGES with these caps (the test project's other settings kept)."""
    from django.conf import settings

    return override_settings(REVIEW_PAGES={**getattr(settings, "REVIEW_PAGES", {}), **values})


def headed_sections(count: int, paragraphs: int = 1, words: str = "It holds.") -> str:
    """`count` critique sections for a review file, each of `paragraphs` paragraphs."""
    return "\n\n".join(
        f"Movement number {n} of the piece\n\n" + "\n\n".join([words] * paragraphs)
        for n in range(1, count + 1)
    )


# ------------------------------------------------------------------------------------------
# The rules
# ------------------------------------------------------------------------------------------


def test_the_defaults_are_generous_for_real_reviews():
    assert DEFAULTS["MAX_BODY_SECTIONS"] == 50
    assert DEFAULTS["MAX_SECTION_PARAGRAPHS"] == 60
    assert DEFAULTS["MAX_BODY_BYTES"] == 200_000
    defaults = BodyCaps(50, 60, 200_000)
    paths = [*SAMPLES_DIR.glob("*.txt"), ballerina_path()]
    for path in paths:
        review = parser.parse_review(path.read_text(), defaults)
        body = body_data(review, StandInIds())
        assert body_cost_problems(body, defaults) == [], path
        # Far from every cap: at most a fifth of the sections, a tenth of the size.
        assert len(body) <= 10 and body_json_bytes(body) < 20_000, path


def test_paragraphs_are_the_rich_texts_blocks_and_size_is_utf8_json():
    assert rich_text_paragraphs("<p>One</p><p class='x'>Two</p><ul><li>a</li><li>b</li></ul>") == 4
    assert rich_text_paragraphs("<p>One <b>bold</b> <a href='/p/'>link</a></p>") == 1
    assert rich_text_paragraphs("") == 0
    # Measured as UTF-8 (2 bytes for "é"), not as JSON's \u escapes (6): every language alike.
    assert body_json_bytes([{"text": "é"}]) == len('[{"text": "é"}]'.encode())


def test_a_cap_set_to_none_is_no_cap():
    body = [{"type": "critique", "value": {"heading": "H", "text": "<p>x</p>" * 99}}] * 99
    assert body_cost_problems(body, BodyCaps(None, None, None)) == []
    # The sections, three crowded ones by name and the others counted, the size.
    assert len(body_cost_problems(body, BodyCaps(98, 98, 1000))) == 1 + 3 + 1 + 1


def test_many_crowded_sections_are_named_three_then_counted():
    body = [
        {"type": "critique", "value": {"heading": f"H{n}", "text": "<p>x</p>" * 3}}
        for n in range(1, 11)
    ]
    problems = body_cost_problems(body, BodyCaps(None, 2, None))
    assert problems == [
        "Section 1 (“H1”) has 3 paragraphs: at most 2 are allowed in one section.",
        "Section 2 (“H2”) has 3 paragraphs: at most 2 are allowed in one section.",
        "Section 3 (“H3”) has 3 paragraphs: at most 2 are allowed in one section.",
        "7 more sections have more than 2 paragraphs.",
    ]


# ------------------------------------------------------------------------------------------
# The importer: refused, nothing written, the batch goes on
# ------------------------------------------------------------------------------------------


def import_one(index_page, text):
    before = row_counts()
    outcome = ReviewImporter(index_page, publish=True).import_text(text, source="review.txt")
    return outcome, before


@caps(MAX_BODY_SECTIONS=5)
def test_the_importer_refuses_too_many_sections_and_writes_nothing(index_page):
    # A synopsis, 4 headed sections and a final statement: 6 sections.
    outcome, before = import_one(index_page, review_text(sections=headed_sections(4)))
    assert outcome.status == REFUSED
    assert outcome.message == "The body has 6 sections: at most 5 are allowed."
    assert row_counts() == before


@caps(MAX_SECTION_PARAGRAPHS=6)
def test_the_importer_refuses_too_many_paragraphs_in_a_section_and_writes_nothing(index_page):
    sections = headed_sections(1) + "\n\n" + "Too long a section\n\n" + "\n\n".join(["Yes."] * 7)
    outcome, before = import_one(index_page, review_text(sections=sections))
    assert outcome.status == REFUSED
    assert outcome.message == (
        "Section 3 (“Too long a section”) has 7 paragraphs: at most 6 are allowed in one section."
    )
    assert row_counts() == before


@caps(MAX_BODY_BYTES=5_000)
def test_the_importer_refuses_a_body_too_large_and_writes_nothing(index_page):
    long_paragraph = "A long and winding sentence about the harbour. " * 150  # ~7,000 bytes
    outcome, before = import_one(
        index_page, review_text(sections=headed_sections(1, words=long_paragraph))
    )
    assert outcome.status == REFUSED
    match = re.fullmatch(
        r"The body is ([\d,]+) bytes as stored: at most 5,000 are allowed "
        r"\(shorten it, or split it into two reviews\)\.",
        outcome.message,
    )
    assert match, outcome.message
    assert 7_000 < int(match.group(1).replace(",", "")) < 8_000
    assert row_counts() == before


def test_the_size_is_measured_again_with_the_peoples_ids_inside_the_files_transaction(
    index_page,
):
    """Before anything is matched the size is measured with stand-in ids (1, 2...); the page's
    own, with the people's real ids, is measured again: a body over the cap only with those
    is refused too, and the people made for it are rolled back."""
    for n in range(200):  # the people the file credits get three-digit ids
        Person.objects.create(name=f"Earlier Person {n}", slug=f"earlier-{n}")
    text = review_text()  # its first section names two credited cast members
    stand_in_size = body_json_bytes(body_data(parser.parse_review(text), StandInIds()))
    with caps(MAX_BODY_BYTES=stand_in_size):
        outcome, before = import_one(index_page, text)
    assert outcome.status == REFUSED
    size = re.match(r"The body is ([\d,]+) bytes as stored", outcome.message)
    # Two performers, each id at least three digits long where the stand-ins had one.
    assert size and stand_in_size + 4 <= int(size.group(1).replace(",", "")) <= stand_in_size + 20
    assert row_counts() == before
    assert not Person.objects.filter(name="Mirela Stone").exists()


@caps(MAX_BODY_SECTIONS=5)
def test_a_refused_file_leaves_the_rest_of_the_batch_importing(index_page, tmp_path):
    (tmp_path / "a-too-many.txt").write_text(
        review_text(film="Many Parts", sections=headed_sections(4))
    )
    (tmp_path / "b-fine.txt").write_text(review_text(film="Few Parts"))
    out = io.StringIO()
    with pytest.raises(CommandError):  # exit status 1: a file was refused
        call_command("import_reviews", str(tmp_path), "--publish", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(
        line.endswith("a-too-many.txt: refused: The body has 6 sections: at most 5 are allowed.")
        for line in lines
    ), lines
    assert any(line.endswith("b-fine.txt: imported") for line in lines), lines
    assert list(ReviewPage.objects.values_list("film_title", flat=True)) == ["Few Parts"]


def test_a_5000_section_file_is_refused_within_seconds_before_the_body_is_built(
    index_page, tmp_path, monkeypatch
):
    path = tmp_path / "endless.txt"
    path.write_text(review_text(sections=headed_sections(5_000, paragraphs=2)))
    built = []
    real_find_characters = parser._find_characters
    monkeypatch.setattr(
        parser,
        "_find_characters",
        lambda *args: built.append(1) or real_find_characters(*args),
    )
    before = row_counts()
    out = io.StringIO()
    started = time.monotonic()
    with pytest.raises(CommandError):
        call_command("import_reviews", str(path), "--publish", stdout=out)
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed  # ~0.2 s here; generous for a loaded machine
    assert "refused: The body has 5,002 sections: at most 50 are allowed." in out.getvalue()
    assert built == []  # the parser stopped once it had counted the sections
    assert row_counts() == before


def test_normal_reviews_are_still_imported_and_published(index_page):
    importer = ReviewImporter(index_page, publish=True)
    paths = sorted(SAMPLES_DIR.glob("*.txt")) + [ballerina_path()]
    outcomes = [importer.import_path(path) for path in paths]
    assert [outcome.status for outcome in outcomes] == [IMPORTED] * len(paths), outcomes
    assert ReviewPage.objects.live().count() == len(paths)


# ------------------------------------------------------------------------------------------
# The page editor's form: an error on the body, nothing saved
# ------------------------------------------------------------------------------------------


@pytest.fixture
def people(person_factory):
    return [person_factory(name=n) for n in ["Oskar Lind", "Hana Sato", "Bea Thorne", "Cal Ruiz"]]


@pytest.fixture
def studio(studio_factory):
    return studio_factory(name="Driftwood Films")


@pytest.fixture
def review(make_review):
    return make_review(film_title="Saltwater Hymn", title="'Saltwater Hymn' Review: As It Was")


def critique(heading="Too many hymns", paragraphs=1, words="It drags."):
    return ("critique", {"heading": heading, "text": rich_text(f"<p>{words}</p>" * paragraphs)})


def post_edit(client, review, people, studio, sections, action):
    data = review_form_data(people, studio, sections=sections, action=action)
    data["slug"] = review.slug
    return client.post(reverse("wagtailadmin_pages:edit", args=(review.pk,)), data)


def assert_refused_with(response, review, revisions_before, message):
    assert response.status_code == 200  # the edit view again, with the form's errors
    html = response.content.decode()
    assert "The page could not be saved due to validation errors" in html
    errors = response.context["form"].errors["body"].as_data()[0]
    assert message in [str(m) for m in errors.non_block_errors], errors.non_block_errors
    # Shown next to the body: in the stream's error data the page hands to the editor.
    assert escape(json.dumps(message)[1:-1]) in html
    assert Revision.page_revisions.filter(object_id=str(review.pk)).count() == revisions_before
    review.refresh_from_db()
    assert review.title == "'Saltwater Hymn' Review: As It Was"


@pytest.mark.parametrize("action", ["action-publish", "action-save"])
@caps(MAX_BODY_SECTIONS=4)
def test_the_editor_refuses_too_many_sections(admin_client, review, people, studio, action):
    revisions = Revision.page_revisions.filter(object_id=str(review.pk)).count()
    sections = [SYNOPSIS, critique("One"), critique("Two"), critique("Three"), FINAL]
    response = post_edit(admin_client, review, people, studio, sections, action)
    assert_refused_with(
        response, review, revisions, "The body has 5 sections: at most 4 are allowed."
    )


@pytest.mark.parametrize("action", ["action-publish", "action-save"])
@caps(MAX_SECTION_PARAGRAPHS=6)
def test_the_editor_refuses_too_many_paragraphs_in_a_section(
    admin_client, review, people, studio, action
):
    revisions = Revision.page_revisions.filter(object_id=str(review.pk)).count()
    sections = [SYNOPSIS, critique("A slow middle", paragraphs=7), FINAL]
    response = post_edit(admin_client, review, people, studio, sections, action)
    assert_refused_with(
        response,
        review,
        revisions,
        "Section 2 (“A slow middle”) has 7 paragraphs: at most 6 are allowed in one section.",
    )


@pytest.mark.parametrize("action", ["action-publish", "action-save"])
@caps(MAX_BODY_BYTES=3_000)
def test_the_editor_refuses_a_body_too_large(admin_client, review, people, studio, action):
    revisions = Revision.page_revisions.filter(object_id=str(review.pk)).count()
    words = "The choir sings on and on. " * 150  # ~4,000 bytes
    sections = [SYNOPSIS, critique(words=words), FINAL]
    response = post_edit(admin_client, review, people, studio, sections, action)
    errors = [str(m) for m in response.context["form"].errors["body"].as_data()[0].non_block_errors]
    size = re.fullmatch(r"The body is ([\d,]+) bytes as stored: at most 3,000 .*", errors[0])
    assert size and 4_000 < int(size.group(1).replace(",", "")) < 5_000, errors
    assert_refused_with(response, review, revisions, errors[0])


def test_the_editor_still_publishes_a_normal_review(admin_client, review, people, studio):
    revisions = Revision.page_revisions.filter(object_id=str(review.pk)).count()
    sections = [SYNOPSIS, CRITIQUE, critique("A second look", paragraphs=5), FINAL]
    response = post_edit(admin_client, review, people, studio, sections, "action-publish")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.title == "'Saltwater Hymn' Review: A Choir of Ghosts"
    assert review.live and len(review.body) == 4
    assert Revision.page_revisions.filter(object_id=str(review.pk)).count() == revisions + 1
