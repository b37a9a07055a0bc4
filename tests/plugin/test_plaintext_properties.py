"""Property tests of the plain-text parser: it never fails with anything but ReviewFormatError,
and a generated well-formed review gives back the facts it was built from."""

import datetime
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from review_pages.importing.parser import (
    ParsedReview,
    ReviewFormatError,
    normalise_name,
    paragraphs_to_html,
    parse_rating,
    parse_release_date,
    parse_review,
    parse_runtime,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLES = [
    path.read_text(encoding="utf-8")
    for path in sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))
]


def parses_or_refuses(text: str) -> ParsedReview | None:
    try:
        review = parse_review(text)
    except ReviewFormatError as error:
        assert str(error)
        return None
    assert isinstance(review, ParsedReview)
    assert review.mpa_rating in {"G", "PG", "PG-13", "R", "NC-17", "NR"}
    return review


# ------------------------------------------------------------------------------------------
# Strategies for a well-formed review
# ------------------------------------------------------------------------------------------

LOWER = "abcdefghijklmnopqrstuvwxyzéëíñöüç"
UPPER = "ABCDEFGHIJKLMNOPRSTUVWZÉÖÜ"
# Words the parser treats as sentence glue rather than part of a name.
FINAL_MARKERS = {"final statement", "final verdict", "verdict", "the verdict", "final thoughts"}
GLUE = {
    "the",
    "and",
    "but",
    "when",
    "while",
    "then",
    "later",
    "meanwhile",
    "with",
    "her",
    "his",
    "their",
    "its",
    "review",
    "final",
    "verdict",
}

word = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(UPPER),
    st.text(alphabet=LOWER, min_size=2, max_size=8),
).filter(lambda w: w.casefold() not in GLUE)
person = st.builds(" ".join, st.lists(word, min_size=2, max_size=3))
lower_words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8), min_size=1, max_size=8
).map(" ".join)
sentence = lower_words.map(lambda text: text.capitalize() + ".")

QUOTES = [
    ("\u2018", "\u2019"),
    ("\u201c", "\u201d"),
    ("'", "\u2019"),
    ('"', '"'),
    ("'", "'"),
    ("\u201c", '"'),
]
RATINGS = ["G", "PG", "PG-13", "R", "NC-17"]


def format_runtime(minutes: int, style: int) -> str:
    hours, rest = divmod(minutes, 60)
    if style == 0 or hours == 0:
        return f"{minutes} minutes"
    if style == 1:
        hour_word = "Hour" if hours == 1 else "Hours"
        if rest == 0:
            return f"{hours} {hour_word}"
        return f"{hours} {hour_word} and {rest} {'Minute' if rest == 1 else 'Minutes'}"
    if style == 2:
        return f"{hours}h {rest}m" if rest else f"{hours}h"
    return f"{minutes} min"


def format_date(date: datetime.date, style: int) -> str:
    month = MONTHS[date.month - 1]
    if style == 0:
        return f"{month} {date.day}, {date.year}"
    if style == 1:
        return f"{date.day} {month} {date.year}"
    if style == 2:
        return f"{month[:3]} {date.day}, {date.year}"
    return date.isoformat()


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@st.composite
def reviews(draw):
    people = draw(
        st.lists(person, min_size=4, max_size=9, unique_by=normalise_name).filter(
            lambda names: len({normalise_name(n) for n in names}) == len(names)
        )
    )
    directors = people[:1]
    writers = people[1:2]
    cast = people[2:]
    characters = draw(
        st.lists(
            st.lists(word, min_size=1, max_size=2).map(" ".join),
            min_size=len(cast),
            max_size=len(cast),
        )
    )
    title_words = draw(st.lists(word, min_size=1, max_size=4))
    if draw(st.booleans()):
        title_words[0] += "\u2019s"
    title = " ".join(title_words)
    open_quote, close_quote = draw(st.sampled_from(QUOTES))
    space = draw(st.sampled_from(["", " "]))
    headline = f"{open_quote}{title}{close_quote}{space}Review: {draw(lower_words)}"

    rating = draw(st.sampled_from([*RATINGS, "NR"]))
    reason = draw(st.one_of(st.just(""), sentence)) if rating != "NR" else ""
    rating_text = {"NR": draw(st.sampled_from(["NR", "Not Rated", "Unrated"]))}.get(
        rating, f"{rating} ({reason})" if reason else rating
    )
    minutes = draw(st.integers(min_value=1, max_value=299))
    date = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)))
    companies = draw(
        st.lists(
            st.lists(word, min_size=1, max_size=3).map(" ".join),
            min_size=1,
            max_size=3,
            unique_by=normalise_name,
        )
    )
    distributor = draw(st.lists(word, min_size=1, max_size=2).map(" ".join))
    key_case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    plural = draw(st.booleans())

    def line(key: str, value: str) -> str:
        return f"{key_case(key)}: {value}"

    metadata_lines = [
        line(draw(st.sampled_from(["MPA Rating", "Rating", "Rated"])), rating_text),
        line(
            draw(st.sampled_from(["Runtime", "Running Time"])),
            format_runtime(minutes, draw(st.integers(0, 3))),
        ),
        line("Production Companies" if plural else "Production Company", ", ".join(companies)),
        line("Distributor", distributor),
        line("Directors" if plural else "Director(s)", ", ".join(directors)),
        line(draw(st.sampled_from(["Writer", "Writers", "Screenplay"])), " and ".join(writers)),
        line(draw(st.sampled_from(["Cast", "Starring"])), ", ".join(cast)),
        line(
            draw(st.sampled_from(["Release Date", "Released"])),
            format_date(date, draw(st.integers(0, 3))),
        ),
    ]
    metadata = draw(st.sampled_from(["\n", "\n\n"])).join(metadata_lines)

    intro = draw(st.lists(sentence, min_size=1, max_size=3))
    synopsis = " ".join(
        f"{character} ({actor}) {draw(lower_words)}."
        for character, actor in zip(characters, cast, strict=True)
    )
    performance_heading = f"{cast[0]} {draw(lower_words)}"
    performance_text = draw(sentence)
    # A heading that names the verdict ("Verdict", "Final thoughts") opens the final statement.
    critiques = draw(
        st.lists(
            lower_words.map(str.capitalize).filter(lambda h: h.casefold() not in FINAL_MARKERS),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    critique_text = draw(sentence)
    final = draw(sentence)
    marker = draw(st.sampled_from(["FINAL STATEMENT", "Final Statement", "Final Verdict"]))
    ad = "\U0001f3a5 Unlimited Entertainment! Try it FREE for 24 hours now"

    parts = [headline, *intro]
    if draw(st.booleans()):
        parts.append(ad)
    parts += [metadata, synopsis, performance_heading, performance_text]
    for heading in critiques:
        parts += [heading, critique_text]
    parts += [marker, final]
    if draw(st.booleans()):
        parts.append("Need Help?")
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = "\n\n".join(parts).replace("\n", newline)

    facts = {
        "headline": headline,
        "film_title": title,
        "intro": tuple(intro),
        "mpa_rating": rating,
        "mpa_rating_reason": reason,
        "runtime_minutes": minutes,
        "release_date": date,
        "production_companies": tuple(companies),
        "distributor": distributor,
        "directors": tuple(directors),
        "writers": tuple(writers),
        "cast": tuple(zip(cast, characters, strict=True)),
        "synopsis": (synopsis,),
        "headings": (performance_heading, *critiques),
        "final_statement": (final,),
    }
    return text, facts


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------


@SETTINGS
@given(st.text())
def test_any_text_parses_or_is_refused(text):
    parses_or_refuses(text)


@SETTINGS
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400).map(lambda t: "'X' Review:\n" + t)
)
def test_any_text_after_a_headline_parses_or_is_refused(text):
    parses_or_refuses(text)


@SETTINGS
@given(st.binary(max_size=300))
def test_decoded_binary_junk_parses_or_is_refused(data):
    parses_or_refuses(data.decode("utf-8", errors="replace"))
    parses_or_refuses(data.decode("latin-1"))


@SETTINGS
@given(reviews())
def test_generated_review_round_trips(generated):
    text, facts = generated
    review = parse_review(text)
    assert review.headline == facts["headline"]
    assert review.film_title == facts["film_title"]
    assert review.intro == facts["intro"]
    assert review.mpa_rating == facts["mpa_rating"]
    assert review.mpa_rating_reason == facts["mpa_rating_reason"]
    assert review.runtime_minutes == facts["runtime_minutes"]
    assert review.release_date == facts["release_date"]
    assert review.production_companies == facts["production_companies"]
    assert review.distributor == facts["distributor"]
    assert review.directors == facts["directors"]
    assert review.writers == facts["writers"]
    assert tuple((c.name, c.character) for c in review.cast) == facts["cast"]
    assert review.synopsis == facts["synopsis"]
    assert tuple(s.heading for s in review.sections) == facts["headings"]
    assert [s.kind for s in review.sections] == ["performance"] + ["critique"] * (
        len(facts["headings"]) - 1
    )
    assert facts["cast"][0][0] in review.sections[0].performers
    cast_names = [name for name, _ in facts["cast"]]
    assert set(review.sections[0].performers) <= set(cast_names)
    assert review.final_statement == facts["final_statement"]


@st.composite
def mutated_reviews(draw):
    if SAMPLES and draw(st.booleans()):
        text = draw(st.sampled_from(SAMPLES))
    else:
        text, _ = draw(reviews())
    mutation = draw(
        st.sampled_from(["truncate", "shuffle", "duplicate", "insert", "newlines", "delete"])
    )
    lines = text.splitlines()
    if mutation == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif mutation == "shuffle":
        keyed = [i for i, line in enumerate(lines) if re.match(r"^[\w ()]+:", line)]
        order = draw(st.permutations(keyed))
        moved = list(lines)
        for target, source in zip(keyed, order, strict=True):
            moved[target] = lines[source]
        text = "\n".join(moved)
    elif mutation == "duplicate":
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        extra = draw(st.sampled_from(["", "Runtime: 2 hrs", "Cast: Someone Else", "MPA Rating: G"]))
        text = "\n".join(
            [*lines[: index + 1], lines[index] if lines else "", extra, *lines[index:]]
        )
    elif mutation == "insert":
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(min_size=1, max_size=5)) + text[at:]
    elif mutation == "newlines":
        endings = draw(
            st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"]), min_size=1)
        )
        text = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    else:
        start = draw(st.integers(0, len(text)))
        text = text[:start] + text[start + draw(st.integers(0, 200)) :]
    return text


@SETTINGS
@given(mutated_reviews())
def test_mutated_review_parses_or_is_refused(text):
    parses_or_refuses(text)


@SETTINGS
@given(st.text(max_size=60))
def test_field_parsers_only_raise_review_format_error(value):
    for parser in (parse_runtime, parse_release_date, parse_rating):
        try:
            parser(value)
        except ReviewFormatError:
            pass


@SETTINGS
@given(st.integers(1, 9999))
def test_runtime_in_minutes_round_trips(minutes):
    assert parse_runtime(f"{minutes} minutes") == minutes
    hours, rest = divmod(minutes, 60)
    assume(hours < 100)
    assert parse_runtime(f"{hours}h {rest}m") == minutes


@SETTINGS
@given(st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)), st.integers(0, 3))
def test_release_date_round_trips(date, style):
    assume(date.year >= 1000)
    assert parse_release_date(format_date(date, style)) == date


@SETTINGS
@given(st.text())
def test_normalise_name_is_idempotent_and_form_blind(name):
    key = normalise_name(name)
    assert normalise_name(key) == key
    assert normalise_name(unicodedata.normalize("NFD", name)) == key
    assert normalise_name(name.upper()) == normalise_name(name.lower()) or not name.isascii()
    assert key == key.strip()
    assert "  " not in key


@SETTINGS
@given(st.lists(st.text()))
def test_paragraphs_to_html_escapes_everything(paragraphs):
    html = paragraphs_to_html(paragraphs)
    bare = re.sub(r"</?(?:p|i)>", "", html)
    assert "<" not in bare
    assert ">" not in bare
    assert html.count("<p>") == html.count("</p>") == sum(bool(p.split()) for p in paragraphs)
