"""What the importer reads beyond the facts: the critic, the score and the IMDb id; which
section is the performance section; and files that word processors save in Windows-1252."""

from decimal import Decimal

import pytest

from people.models import Person
from review_pages.importing.parser import ReviewFormatError, parse_review, parse_score
from review_pages.importing.writer import IMPORTED, REFUSED, UNCHANGED, ReviewImporter
from review_pages.models import ReviewPage
from tests.support.importing import review_text, row_counts

pytestmark = pytest.mark.django_db

METADATA = (
    "MPA Rating: PG (mild peril.)\n\nRuntime: 98 minutes\n\n"
    "Director: Hal Benn\n\nWriter: Hal Benn\n\nCast: Mirela Stone, Oskar Lute\n\n"
    "Release Date: June 6, 2025\n\nIMDb: https://www.imdb.com/title/tt0111161/\n\n"
    "Critic: Priya Anand\n\nScore: 4.5/5"
)


def test_the_optional_lines_are_read():
    review = parse_review(review_text(metadata=METADATA))
    assert review.imdb_id == "tt0111161"
    assert review.critic == "Priya Anand"
    assert review.score == Decimal("4.5")


def test_without_the_optional_lines_nothing_is_invented():
    review = parse_review(review_text())
    assert (review.imdb_id, review.critic, review.score) == ("", "", None)


@pytest.mark.parametrize(
    "written, score",
    [("4.5/5", "4.5"), ("4.5 / 5", "4.5"), ("3 out of 5", "3.0"), ("4", "4.0"), ("7/10", "3.5")],
)
def test_scores_as_critics_write_them(written, score):
    assert parse_score(written) == Decimal(score)


@pytest.mark.parametrize("line", ["Score: 4.3/5", "Score: 6/5", "Score: great", "IMDb: nm0000151"])
def test_a_malformed_optional_line_refuses_the_file_with_its_reason(line):
    with pytest.raises(ReviewFormatError, match="unreadable (score|IMDb id)"):
        parse_review(review_text(metadata=METADATA.replace("Score: 4.5/5", line)))


def test_the_writer_stores_critic_score_and_imdb_id(index_page):
    outcome = ReviewImporter(index_page, publish=True).import_text(review_text(metadata=METADATA))
    assert outcome.status == IMPORTED
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert page.author.name == "Priya Anand"
    assert page.score == Decimal("4.5")
    assert page.imdb_id == "tt0111161"
    # The critic is one snippet like any credited name, found again by the next file.
    other = review_text(film="Second Film", metadata=METADATA.replace("tt0111161", "tt0000002"))
    ReviewImporter(index_page, publish=True).import_text(other)
    assert Person.objects.filter(name="Priya Anand").count() == 1


def test_a_file_without_the_lines_keeps_what_an_editor_set(index_page, person_factory):
    importer = ReviewImporter(index_page, publish=True)
    page = ReviewPage.objects.get(pk=importer.import_text(review_text()).page_id)
    page.author = person_factory(name="Desk Editor")
    page.score = Decimal("2")
    page.save_revision().publish()
    changed = review_text(final="FINAL STATEMENT\n\nWorth the wait, mostly.")
    assert ReviewImporter(index_page, publish=True).import_text(changed).status == "updated"
    page.refresh_from_db()
    assert (page.author.name, page.score) == ("Desk Editor", Decimal("2.0"))


# Which section is the performance section


def test_a_first_section_naming_no_performer_is_a_critique(index_page):
    sections = (
        "A plot that runs slow\n\nThe middle drags and the clock never chimes.\n\n"
        "Pretty pictures\n\nThe camera loves the town."
    )
    parsed = parse_review(review_text(sections=sections))
    assert [section.kind for section in parsed.sections] == ["critique", "critique"]
    outcome = ReviewImporter(index_page, publish=True).import_text(review_text(sections=sections))
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert [block.block_type for block in page.body] == [
        "synopsis",
        "critique",
        "critique",
        "final_statement",
    ]
    assert page.body[1].value["heading"] == "A plot that runs slow"


def test_a_first_section_naming_a_performer_by_family_name_is_the_performance():
    sections = (
        "A lead who keeps time\n\nStone is precise and warm, and Lute is fine.\n\n"
        "A plot that runs slow\n\nThe middle drags."
    )
    parsed = parse_review(review_text(sections=sections))
    assert [section.kind for section in parsed.sections] == ["performance", "critique"]
    assert parsed.sections[0].performers == ("Mirela Stone", "Oskar Lute")


def test_a_family_name_in_lower_case_is_not_a_mention():
    sections = "Cold as stone\n\nThe film is cold as stone and twice as slow."
    parsed = parse_review(review_text(sections=sections))
    assert [section.kind for section in parsed.sections] == ["critique"]


def test_a_full_name_still_names_a_performer():
    parsed = parse_review(review_text())
    assert parsed.sections[0].kind == "performance"
    assert parsed.sections[0].performers == ("Mirela Stone", "Oskar Lute")


# Encodings

NAMES_TEXT = dict(
    film="Zoë’s Café",
    cast="Inés Valdés, Søren Ålund",
    synopsis="A chef, Zoë (Inés Valdés), opens a café; the “naïve” Søren Ålund helps.",
    sections="Inés Valdés and Søren Ålund\n\nValdés is superb; Ålund is fine.",
)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_windows_1252_or_latin_1_file_imports_with_exact_names(index_page, tmp_path, encoding):
    text = review_text(**NAMES_TEXT)
    if encoding == "latin-1":
        text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    path = tmp_path / "review.txt"
    path.write_bytes(text.encode(encoding))
    outcome = ReviewImporter(index_page, publish=True).import_path(path)
    assert outcome.status == IMPORTED, outcome
    assert str(outcome) == f"{path}: imported (decoded as windows-1252)"
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert page.film_title == ("Zoë’s Café" if encoding == "cp1252" else "Zoë's Café")
    assert [credit.person.name for credit in page.cast.all()] == ["Inés Valdés", "Søren Ålund"]
    assert page.cast.all()[0].character == "Zoë"
    # The same text saved as UTF-8 is the same review: nothing to write.
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text(text, encoding="utf-8")
    assert ReviewImporter(index_page, publish=True).import_path(utf8).status == UNCHANGED


def test_undecidable_bytes_are_still_refused_and_write_nothing(index_page, tmp_path):
    path = tmp_path / "review.txt"
    path.write_bytes(review_text(**NAMES_TEXT).encode() + "Inés".encode("cp1252"))
    before = row_counts()
    outcome = ReviewImporter(index_page, publish=True).import_path(path)
    assert outcome.status == REFUSED
    assert "not UTF-8 text" in outcome.message and "save it as UTF-8" in outcome.message
    assert row_counts() == before
