"""Unit tests of review_pages.importing.parser (pure Python: no database, no Django fixtures)."""

import datetime
import os
import unicodedata
from pathlib import Path

import pytest

from review_pages.importing.parser import (
    CastCredit,
    ParsedReview,
    ReviewFormatError,
    normalise_name,
    paragraphs_to_html,
    parse_rating,
    parse_release_date,
    parse_review,
    parse_runtime,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLES_DIR = PROJECT_DIR / "samples"


def shared_samples_dir() -> Path:
    override = os.environ.get("REVIEW_SAMPLES_DIR")
    if override:
        return Path(override)
    return PROJECT_DIR.parent / "shared" / "samples"


@pytest.fixture(scope="module")
def ballerina() -> ParsedReview:
    path = shared_samples_dir() / "ballerina.txt"
    if not path.is_file():
        pytest.skip(
            f"../shared/samples/ is absent: {path} not found "
            "(set REVIEW_SAMPLES_DIR to the folder holding ballerina.txt)"
        )
    return parse_review(path.read_text(encoding="utf-8"))


def all_paragraphs(review: ParsedReview) -> list[str]:
    paragraphs = [review.headline, *review.intro, *review.synopsis, *review.final_statement]
    for section in review.sections:
        paragraphs.extend([section.heading, *section.paragraphs])
    return paragraphs


def make_review(
    *,
    headline: str = "'Paper Moons' Review: A Small Film With a Big Heart",
    intro: str = "Some films are quiet. This one is quieter still.",
    metadata: str | None = None,
    synopsis: str = "A clockmaker, Ada Finch (Mirela Stone), repairs the town clock.",
    sections: str = (
        "Mirela Stone keeps time beautifully\n\n"
        "Mirela Stone is precise and warm.\n\n"
        "A plot that runs slow\n\n"
        "The middle drags."
    ),
    final: str = "FINAL STATEMENT\n\nWorth the wait.",
) -> str:
    if metadata is None:
        metadata = (
            "MPA Rating: PG (mild peril.)\n\nRuntime: 98 minutes\n\n"
            "Production Company: Gearwheel Films\n\nDistributor: Tock Pictures\n\n"
            "Director: Hal Benn\n\nWriter: Hal Benn\n\nCast: Mirela Stone, Oskar Lute\n\n"
            "Release Date: June 6, 2025"
        )
    parts = [headline, intro, metadata, synopsis, sections, final]
    return "\n\n".join(part for part in parts if part) + "\n"


# ------------------------------------------------------------------------------------------
# The real sample
# ------------------------------------------------------------------------------------------


def test_ballerina_headline_and_title(ballerina):
    assert ballerina.film_title == "Ballerina"
    assert ballerina.headline.startswith("'Ballerina\u2019Review:")


def test_ballerina_metadata(ballerina):
    assert ballerina.mpa_rating == "R"
    assert ballerina.mpa_rating_reason == "strong/bloody violence throughout, and language."
    assert ballerina.runtime_minutes == 125
    assert ballerina.release_date == datetime.date(2025, 6, 6)
    assert ballerina.production_companies == ("Thunder Road Films", "87North Productions")
    assert ballerina.distributor == "Lionsgate"
    assert ballerina.directors == ("Len Wiseman",)
    assert ballerina.writers == ("Shay Hatten",)


def test_ballerina_cast_and_characters(ballerina):
    assert [credit.name for credit in ballerina.cast] == [
        "Ana de Armas",
        "Anjelica Huston",
        "Gabriel Byrne",
        "Lance Reddick",
        "Norman Reedus",
        "Ian McShane",
        "Keanu Reeves",
    ]
    characters = {credit.name: credit.character for credit in ballerina.cast}
    assert characters["Ian McShane"] == "Winston"
    assert characters["Gabriel Byrne"] == "Chancellor"
    assert characters["Anjelica Huston"] == "Director"
    assert characters["Norman Reedus"] == "Daniel Pine"
    assert characters["Keanu Reeves"] == "Baba Yaga"
    assert characters["Ana de Armas"] == ""  # "As an adult (Ana de Armas)" is not a name
    assert characters["Lance Reddick"] == ""


def test_ballerina_sections(ballerina):
    performance = ballerina.sections[0]
    assert performance.kind == "performance"
    assert performance.heading == (
        "Ana De Armas stunts and work in a Stellar Stunt Work Action Performance"
    )
    assert "Ana de Armas" in performance.performers
    assert "Keanu Reeves" in performance.performers
    critiques = [section for section in ballerina.sections if section.kind == "critique"]
    assert critiques
    assert critiques[0].heading == "Blatant reshoots affects Ballerina\u2019s lack of identity"
    assert all(section.performers == () for section in critiques)
    assert ballerina.synopsis and ballerina.synopsis[0].startswith("As a young girl")
    assert ballerina.final_statement
    assert ballerina.final_statement[0].startswith("Despite being supported")


def test_ballerina_noise_is_dropped(ballerina):
    for paragraph in all_paragraphs(ballerina):
        assert "Unlimited Entertainment" not in paragraph
        assert "Need Help?" not in paragraph
        assert "\u00a0" not in paragraph
    assert len(ballerina.intro) == 2


def test_ballerina_intro_emphasis(ballerina):
    html = paragraphs_to_html(ballerina.intro)
    assert "<i>ugh</i>" in html
    assert "*ugh*" not in html
    assert html.startswith("<p>") and html.endswith("</p>")
    assert html.count("<p>") == 2


# ------------------------------------------------------------------------------------------
# The project's own samples
# ------------------------------------------------------------------------------------------

SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.txt"))


def test_there_are_at_least_four_samples():
    assert len(SAMPLE_FILES) >= 4


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_sample_parses_completely(path):
    review = parse_review(path.read_text(encoding="utf-8"))
    assert review.film_title
    assert review.intro
    assert review.mpa_rating in {"G", "PG", "PG-13", "R", "NC-17", "NR"}
    assert review.runtime_minutes
    assert review.release_date
    assert review.production_companies
    assert review.distributor
    assert review.directors
    assert review.writers
    assert review.cast
    assert all(credit.character for credit in review.cast)
    assert review.synopsis
    assert review.sections[0].kind == "performance"
    assert review.sections[0].performers
    assert 1 <= sum(section.kind == "critique" for section in review.sections) <= 3
    assert review.final_statement
    for paragraph in all_paragraphs(review):
        assert "Need Help?" not in paragraph
        assert "Try it FREE" not in paragraph
    words = sum(len(paragraph.split()) for paragraph in all_paragraphs(review))
    assert 300 <= words <= 750


def _roles_by_person() -> dict[str, set[tuple[str, str]]]:
    roles: dict[str, set[tuple[str, str]]] = {}
    for path in SAMPLE_FILES:
        review = parse_review(path.read_text(encoding="utf-8"))
        for role, names in [
            ("director", review.directors),
            ("writer", review.writers),
            ("cast", tuple(credit.name for credit in review.cast)),
        ]:
            for name in names:
                roles.setdefault(normalise_name(name), set()).add((path.name, role))
    return roles


def test_samples_share_people_and_a_studio():
    roles = _roles_by_person()
    actors_in_two = [
        person
        for person, entries in roles.items()
        if len({file for file, role in entries if role == "cast"}) >= 2
    ]
    assert actors_in_two, "no actor is credited in two sample reviews"
    two_roles_two_reviews = [
        person
        for person, entries in roles.items()
        if len({file for file, _ in entries}) >= 2 and len({role for _, role in entries}) >= 2
    ]
    assert two_roles_two_reviews, "nobody is credited in two reviews in two different roles"

    studios: dict[str, set[str]] = {}
    for path in SAMPLE_FILES:
        review = parse_review(path.read_text(encoding="utf-8"))
        for studio in review.production_companies:
            studios.setdefault(normalise_name(studio), set()).add(path.name)
    assert any(len(files) >= 2 for files in studios.values())


def test_samples_cover_the_format_variants():
    reviews = {path.name: parse_review(path.read_text(encoding="utf-8")) for path in SAMPLE_FILES}
    assert {"PG-13", "R", "PG", "NR"} <= {review.mpa_rating for review in reviews.values()}
    texts = "\n".join(path.read_text(encoding="utf-8") for path in SAMPLE_FILES)
    for variant in ("1 Hour and 52 Minutes", "98 minutes", "1h 38m", "Need Help?", "*"):
        assert variant in texts
    first_lines = [path.read_text(encoding="utf-8").splitlines()[0] for path in SAMPLE_FILES]
    assert any(line.startswith("\u2018") and "\u2019 Review:" in line for line in first_lines)
    assert any(line.startswith('"') for line in first_lines)
    assert any(
        unicodedata.normalize("NFD", credit.name) != credit.name
        for review in reviews.values()
        for credit in review.cast
    )


# ------------------------------------------------------------------------------------------
# Field parsers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("2 Hours and 5 Minutes", 125),
        ("1 Hour and 52 Minutes", 112),
        ("2 Hours and 1 Minute", 121),
        ("98 minutes", 98),
        ("98 Minutes", 98),
        ("1h 38m", 98),
        ("1h38m", 98),
        ("1 hr 38 min", 98),
        ("2 hrs", 120),
        ("2 hours", 120),
        ("90 min", 90),
        ("90 mins.", 90),
        ("1.5 hours", 90),
        ("2 hours, 5 minutes", 125),
        ("  1  Hour  &  2 Minutes ", 62),
        ("98", 98),
        ("1:38", 98),
    ],
)
def test_parse_runtime(value, minutes):
    assert parse_runtime(value) == minutes


@pytest.mark.parametrize(
    "value",
    ["", "   ", "long", "two hours", "0 minutes", "1 hour and", "h", "98 seconds", "9" * 300]
    + ["\u00b2", "\u0663 minutes", "\u00bd hours"],
)
def test_parse_runtime_refuses(value):
    with pytest.raises(ReviewFormatError, match="runtime"):
        parse_runtime(value)


@pytest.mark.parametrize(
    "value",
    [
        "June 6, 2025",
        "June 6 2025",
        "june 6, 2025",
        "6 June 2025",
        "6th June 2025",
        "June 6th, 2025",
        "Jun 6, 2025",
        "Jun. 6, 2025",
        "6 Jun 2025",
        "2025-06-06",
        "June 6, 2025 (United States)",
    ],
)
def test_parse_release_date(value):
    assert parse_release_date(value) == datetime.date(2025, 6, 6)


@pytest.mark.parametrize(
    "value", ["", "soon", "Juno 6, 2025", "February 30, 2025", "2025-13-01", "6/6/2025", "2025"]
)
def test_parse_release_date_refuses(value):
    with pytest.raises(ReviewFormatError, match="release date"):
        parse_release_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "R (strong/bloody violence throughout, and language.)",
            ("R", "strong/bloody violence throughout, and language."),
        ),
        ("PG-13 for intense action", ("PG-13", "intense action")),
        ("PG-13 (intense action)", ("PG-13", "intense action")),
        ("Rated PG-13 for intense action", ("PG-13", "intense action")),
        ("pg13", ("PG-13", "")),
        ("PG", ("PG", "")),
        ("G", ("G", "")),
        ("NC-17 (explicit content)", ("NC-17", "explicit content")),
        ("NC17", ("NC-17", "")),
        ("Not Rated", ("NR", "")),
        ("Unrated", ("NR", "")),
        ("NR", ("NR", "")),
        ("R - violence", ("R", "violence")),
    ],
)
def test_parse_rating(value, expected):
    assert parse_rating(value) == expected


@pytest.mark.parametrize("value", ["", "TV-MA", "X", "Restricted", "PG-14", "Good", "5 stars"])
def test_parse_rating_refuses(value):
    with pytest.raises(ReviewFormatError, match="MPA rating"):
        parse_rating(value)


# ------------------------------------------------------------------------------------------
# normalise_name and paragraphs_to_html
# ------------------------------------------------------------------------------------------


def test_normalise_name_nfc_and_nfd_are_equal():
    nfc = unicodedata.normalize("NFC", "Zoë Marchetti")
    nfd = unicodedata.normalize("NFD", "Zoë Marchetti")
    assert nfc != nfd
    assert normalise_name(nfc) == normalise_name(nfd) == "zoë marchetti"


@pytest.mark.parametrize(
    "variant",
    [
        "Ana de Armas",
        "ANA DE ARMAS",
        "Ana De Armas",
        "  Ana   de  Armas ",
        "Ana\u00a0de\u202fArmas",
        "Ana\tde\nArmas",
    ],
)
def test_normalise_name_case_and_spaces(variant):
    assert normalise_name(variant) == "ana de armas"


def test_normalise_name_apostrophes():
    assert normalise_name("Conan O\u2019Hara") == normalise_name("Conan O'Hara")
    assert normalise_name("Conan O\u2019Hara") == "conan o'hara"


def test_normalise_name_keeps_distinct_names_distinct():
    assert normalise_name("Zoë") != normalise_name("Zoe")


def test_paragraphs_to_html_escapes_and_italicises():
    html = paragraphs_to_html(["Tom & Jerry <3 *really* fun", "", "Second *para*"])
    assert html == "<p>Tom &amp; Jerry &lt;3 <i>really</i> fun</p><p>Second <i>para</i></p>"


def test_paragraphs_to_html_leaves_lone_asterisks():
    assert paragraphs_to_html(["5 * 3 = 15 *"]) == "<p>5 * 3 = 15 *</p>"
    assert paragraphs_to_html("one *para*") == "<p>one <i>para</i></p>"
    assert paragraphs_to_html([]) == ""


# ------------------------------------------------------------------------------------------
# parse_review: variants
# ------------------------------------------------------------------------------------------


def test_minimal_review():
    review = parse_review(make_review())
    assert review.film_title == "Paper Moons"
    assert review.intro == ("Some films are quiet. This one is quieter still.",)
    assert (review.mpa_rating, review.mpa_rating_reason) == ("PG", "mild peril.")
    assert review.runtime_minutes == 98
    assert review.production_companies == ("Gearwheel Films",)
    assert review.distributor == "Tock Pictures"
    assert review.cast == (CastCredit("Mirela Stone", "Ada Finch"), CastCredit("Oskar Lute", ""))
    assert [(s.kind, s.heading) for s in review.sections] == [
        ("performance", "Mirela Stone keeps time beautifully"),
        ("critique", "A plot that runs slow"),
    ]
    assert review.sections[0].performers == ("Mirela Stone",)
    assert review.final_statement == ("Worth the wait.",)


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        ("'Ballerina\u2019Review: x", "Ballerina"),
        ("\u2018Ocean\u2019s Eleven\u2019 Review: x", "Ocean\u2019s Eleven"),
        ("\u201cPaper Moons\u201d Review: x", "Paper Moons"),
        ("\u201cPaper Moons\u201dReview: x", "Paper Moons"),
        ('"Paper Moons" Review: x', "Paper Moons"),
        ("'Paper Moons' Review: x", "Paper Moons"),
        ("'Paper Moons\u201d Review: x", "Paper Moons"),
        ("\u2018The Keeper\u2019s Daughter\u2019 Review", "The Keeper\u2019s Daughter"),
        ("Exclusive: \u2018Paper Moons\u2019 Review \u2014 x", "Paper Moons"),
        ("Paper Moons Review: x", "Paper Moons"),
        ("Paper Moons review - x", "Paper Moons"),
        ("\u2018Preview Night\u2019 Review: x", "Preview Night"),
    ],
)
def test_headline_quotes(headline, title):
    assert parse_review(make_review(headline=headline)).film_title == title


def test_headline_is_kept_whole():
    headline = "\u2018Paper Moons\u2019 Review: A Small Film"
    assert parse_review(make_review(headline=headline)).headline == headline


def test_nbsp_and_bom_and_trailing_spaces():
    text = "\ufeff" + make_review(
        intro="Quiet\u00a0film.\u00a0 \n", synopsis="Ada Finch (Mirela\u00a0Stone) ticks.\u202f"
    )
    review = parse_review(text)
    assert review.intro == ("Quiet film.",)
    assert review.synopsis == ("Ada Finch (Mirela Stone) ticks.",)
    assert review.cast[0].character == "Ada Finch"


def test_nfd_names_become_nfc():
    metadata = unicodedata.normalize(
        "NFD", "MPA Rating: PG\nRuntime: 98 minutes\nCast: Zoë Marchetti, Inés Valdés"
    )
    review = parse_review(make_review(metadata=metadata, synopsis="Ada (Zoë Marchetti) sings."))
    assert [credit.name for credit in review.cast] == ["Zoë Marchetti", "Inés Valdés"]
    assert review.cast[0].name == unicodedata.normalize("NFC", "Zoë Marchetti")
    assert review.cast[0].character == "Ada"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings(newline):
    review = parse_review(make_review().replace("\n", newline))
    assert review.film_title == "Paper Moons"
    assert review.runtime_minutes == 98
    assert len(review.sections) == 2
    assert review.final_statement == ("Worth the wait.",)


def test_whitespace_only_lines_count_as_blank():
    review = parse_review(make_review().replace("\n\n", "\n  \t \n"))
    assert len(review.sections) == 2
    assert review.synopsis == ("A clockmaker, Ada Finch (Mirela Stone), repairs the town clock.",)


@pytest.mark.parametrize(
    "metadata",
    [
        "MPA Rating: R (gore.)\nRuntime: 1h 38m\nProduction Companies: A Films, B Films\n"
        "Distributor: C\nDirectors: D One, E Two\nWriters: F Three\nCast: G Four, H Five\n"
        "Release Date: 2025-06-06",
        "mpa rating: R (gore.)\n\nrunning time: 1h 38m\n\nstudios: A Films, B Films\n\n"
        "DISTRIBUTORS: C\n\nDirector(s): D One and E Two\n\nScreenplay: F Three\n\n"
        "Starring: G Four & H Five\n\nReleased: 6 June 2025",
        "MPA RATING: R (gore.)\nRUNTIME: 98 MINUTES\nPRODUCTION COMPANY(IES): A Films, B Films\n"
        "DISTRIBUTOR(S): C\nDIRECTOR(S): D One, E Two\nWRITER(S): F Three\n"
        "STARRING: G Four, H Five\nRELEASE DATE: JUNE 6, 2025",
        "Rated: R (gore.)\nRun Time: 98 minutes\nProduction Company: A Films; B Films\n"
        "Distributor(s): C\nDirected by: D One, and E Two\nWriter(s): F Three\n"
        "CAST: G Four, H Five\nRELEASE DATE: Jun 6, 2025",
    ],
)
def test_metadata_keys_variants(metadata):
    review = parse_review(make_review(metadata=metadata, synopsis="Ada (G Four) runs."))
    assert (review.mpa_rating, review.mpa_rating_reason) == ("R", "gore.")
    assert review.runtime_minutes == 98
    assert review.production_companies == ("A Films", "B Films")
    assert review.distributor == "C"
    assert review.directors == ("D One", "E Two")
    assert review.writers == ("F Three",)
    assert [credit.name for credit in review.cast] == ["G Four", "H Five"]
    assert review.release_date == datetime.date(2025, 6, 6)


def test_company_names_with_and_are_kept_whole():
    metadata = "Runtime: 98 minutes\nProduction Companies: Hesketh & Moor, Salt and Pepper Films"
    review = parse_review(make_review(metadata=metadata))
    assert review.production_companies == ("Hesketh & Moor", "Salt and Pepper Films")


def test_cast_line_may_name_characters():
    metadata = "Cast: Mirela Stone (Ada Finch), Oskar Lute as Bram, Ivo Pell"
    review = parse_review(make_review(metadata=metadata, synopsis="Ivo (Ivo Pell) waits."))
    assert review.cast == (
        CastCredit("Mirela Stone", "Ada Finch"),
        CastCredit("Oskar Lute", "Bram"),
        CastCredit("Ivo Pell", "Ivo"),  # from "Ivo (Ivo Pell)" in the synopsis
    )


@pytest.mark.parametrize(
    ("synopsis", "character"),
    [
        ("The hunt is led by Van Helsing (Ivo Pell).", "Van Helsing"),
        ("A ghost called Van (Ivo Pell) haunts the mill.", "Van"),
        ("Del (Ivo Pell) runs the ferry.", "Del"),
        ("She is saved by Maria de la Cruz (Ivo Pell).", "Maria de la Cruz"),
        ("The Chancellor (Ivo Pell) frowns.", "Chancellor"),
    ],
)
def test_character_names_keep_capitalised_connectors(synopsis, character):
    """Found by the round-trip property: a character named "Van" was read as no name."""
    review = parse_review(make_review(metadata="Cast: Ivo Pell", synopsis=synopsis))
    assert review.cast == (CastCredit("Ivo Pell", character),)


def test_missing_rating_is_nr_and_missing_fields_are_empty():
    review = parse_review(make_review(metadata="Cast: Mirela Stone"))
    assert (review.mpa_rating, review.mpa_rating_reason) == ("NR", "")
    assert review.runtime_minutes is None
    assert review.release_date is None
    assert review.production_companies == ()
    assert review.distributor is None
    assert review.directors == ()
    assert review.writers == ()


def test_empty_metadata_values_are_absent():
    review = parse_review(make_review(metadata="Runtime:\nDistributor: \nCast: Mirela Stone"))
    assert review.runtime_minutes is None
    assert review.distributor is None


def test_duplicate_keys_last_wins():
    metadata = "Runtime: 98 minutes\nRuntime: 1h 40m\nCast: A B\nCast: Mirela Stone"
    review = parse_review(make_review(metadata=metadata))
    assert review.runtime_minutes == 100
    assert [credit.name for credit in review.cast] == ["Mirela Stone"]


def test_wrapped_metadata_value_continues():
    metadata = "Runtime: 98 minutes\nCast: Mirela Stone,\n  Oskar Lute"
    review = parse_review(make_review(metadata=metadata))
    assert [credit.name for credit in review.cast] == ["Mirela Stone", "Oskar Lute"]


def test_missing_synopsis_sections_and_final_statement_still_parse():
    review = parse_review(make_review(synopsis="", sections="", final=""))
    assert review.synopsis == ()
    assert review.sections == ()
    assert review.final_statement == ()


def test_several_critique_sections_and_final_markers():
    sections = "\n\n".join(
        [
            "Mirela Stone and Oskar Lute shine",
            "Oskar Lute, oddly, too.",
            "First problem",
            "One.",
            "Second problem",
            "Two.",
            "Third problem",
            "Three.",
        ]
    )
    review = parse_review(make_review(sections=sections, final="Final Verdict:\n\nGood."))
    assert [section.kind for section in review.sections] == [
        "performance",
        "critique",
        "critique",
        "critique",
    ]
    assert review.sections[0].performers == ("Mirela Stone", "Oskar Lute")
    assert review.sections[3].paragraphs == ("Three.",)
    assert review.final_statement == ("Good.",)


def test_a_one_word_sentence_is_not_the_final_marker():
    """Found by the round-trip property: "Verdict." ends a critique; it opens nothing."""
    sections = "Mirela Stone shines\n\nShe does.\n\nPacing\n\nVerdict.\n\nIt drags."
    review = parse_review(make_review(sections=sections, final="FINAL STATEMENT\n\nGood."))
    assert [section.heading for section in review.sections] == ["Mirela Stone shines", "Pacing"]
    assert review.sections[1].paragraphs == ("Verdict.", "It drags.")
    assert review.final_statement == ("Good.",)


def test_performers_are_named_by_full_or_family_name_not_given_name():
    given_names = "Mirela shines\n\nMirela and Oskar, both good."
    review = parse_review(make_review(sections=given_names))
    assert review.sections[0].kind == "critique" and review.sections[0].performers == ()
    family_names = "Mirela shines\n\nStone and Lute, both good; Oskar is fine."
    review = parse_review(make_review(sections=family_names))
    assert review.sections[0].performers == ("Mirela Stone", "Oskar Lute")


def test_performers_match_case_insensitively_in_billing_order():
    metadata = "Cast: Ana de Armas, Oskar Lute"
    sections = "OSKAR LUTE and Ana De Armas\n\nBoth are good."
    review = parse_review(make_review(metadata=metadata, sections=sections))
    assert review.sections[0].performers == ("Ana de Armas", "Oskar Lute")


@pytest.mark.parametrize(
    "where", ["intro", "synopsis", "sections", "final", "metadata", "after-footer"]
)
def test_emoji_adverts_are_dropped(where):
    ad = "\U0001f3a5 Unlimited Entertainment! Try it FREE for 24 hours now"
    kwargs = {
        "intro": "Quiet.\n\n" + ad,
        "synopsis": ad + "\n\nAda Finch (Mirela Stone) ticks.",
        "sections": "Mirela Stone shines\n\nGood.\n\n" + ad + "\n\nSlow middle\n\nSlow.",
        "final": "FINAL STATEMENT\n\nFine.\n\n" + ad,
        "metadata": "Runtime: 98 minutes\n\n" + ad + "\n\nCast: Mirela Stone",
        "after-footer": "FINAL STATEMENT\n\nFine.\n\nNeed Help?\n\n" + ad,
    }
    field = "final" if where == "after-footer" else where
    review = parse_review(make_review(**{field: kwargs[where]}))
    assert all("Unlimited" not in p and "Need Help" not in p for p in all_paragraphs(review))
    if where == "sections":
        assert [s.heading for s in review.sections] == ["Mirela Stone shines", "Slow middle"]
    if where == "metadata":
        assert review.runtime_minutes == 98
        assert [credit.name for credit in review.cast] == ["Mirela Stone"]


@pytest.mark.parametrize("ad_start", ["\u2600", "\u2728", "\U0001f37f", "\U0001faa9", "\u00a9"])
def test_other_pictographs_open_adverts(ad_start):
    review = parse_review(make_review(intro=f"Quiet.\n\n{ad_start} Buy now"))
    assert review.intro == ("Quiet.",)


def test_need_help_footer_without_trailing_newline():
    text = make_review().rstrip("\n") + "\n\nNeed Help?"
    assert parse_review(text).final_statement == ("Worth the wait.",)


def test_many_footers_stay_linear():
    text = make_review().rstrip("\n") + "\n\n" + "Need Help?\n\n" * 50_000 + "x" * 1000
    review = parse_review(text)
    assert review.final_statement == ("Worth the wait.", "x" * 1000)


def test_control_characters_are_dropped():
    review = parse_review(make_review(intro="Qui\x07et\x1b film."))
    assert review.intro == ("Quiet film.",)


# ------------------------------------------------------------------------------------------
# parse_review: refused inputs
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("   \n\t\n  \r\n", "empty file"),
        ("\ufeff", "empty file"),
        ("Paper Moons\n\nRuntime: 98 minutes\n", "no headline"),
        ("x" * 5000 + " Review:\n\nRuntime: 98 minutes", "no headline"),
        ("Review: nothing before it\n\nRuntime: 98 minutes", "no film title"),
        ("'Paper Moons' Review: x\n\nJust prose.\n\nMore prose.", "no metadata block"),
        ("'Paper Moons' Review: x", "no metadata block"),
        ("'Paper Moons' Review: x\x00\n\nRuntime: 98 minutes", "binary content"),
    ],
)
def test_refused_inputs(text, message):
    with pytest.raises(ReviewFormatError, match=message):
        parse_review(text)


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ("Runtime: forever", "runtime 'forever'"),
        ("Release Date: someday", "release date 'someday'"),
        ("MPA Rating: TV-MA", "MPA rating 'TV-MA'"),
    ],
)
def test_unreadable_metadata_values_are_refused(metadata, message):
    with pytest.raises(ReviewFormatError, match=message):
        parse_review(make_review(metadata=metadata))


def test_refusal_is_a_value_error_with_a_clear_message():
    with pytest.raises(ValueError, match=r"expected lines such as 'MPA Rating: R \(\.\.\.\)'"):
        parse_review("'Paper Moons' Review: x\n\nProse.")


def test_huge_line_does_not_hang():
    big = "word " * 2_000_000  # 10 MB on one line
    review = parse_review(make_review(synopsis=big + "(Mirela Stone)"))
    assert len(review.synopsis[0]) > 9_000_000
    with pytest.raises(ReviewFormatError):
        parse_review(big)
    with pytest.raises(ReviewFormatError):
        parse_runtime(" " * 1_000_000 + "x")
