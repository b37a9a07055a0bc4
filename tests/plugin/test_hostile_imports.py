"""The importer under hostile files: mutations of a valid review are either imported
correctly or refused with a clear message, and a refusal changes no row of any table."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review_pages.importing.writer import IMPORTED, REFUSED, UNCHANGED, UPDATED, ReviewImporter
from review_pages.models import ReviewPage
from tests.support.importing import review_text, table_snapshot

pytestmark = pytest.mark.django_db

VALID = review_text()
DEEP_UNICODE = [
    "Zoë Ødegaard",
    "Nguyễn Văn An",
    "A\u0301\u0302\u0303\u0304\u0305\u0306 Stacked",  # combining marks
    "\u202eReversed\u202c Name",  # right-to-left override
    "Zero\u200bWidth\u200dJoiner",
    "🎬🎭 Emoji Person",
    "\U0001f469\u200d\U0001f52c Scientist",
    "Ｆｕｌｌｗｉｄｔｈ",
    "\ufeffBOM Name",
]


def metadata_lines(text: str) -> tuple[list[str], list[int]]:
    lines = text.split("\n")
    keys = ("MPA Rating", "Runtime", "Production", "Distributor", "Director", "Writer", "Cast")
    return lines, [i for i, line in enumerate(lines) if line.startswith(keys + ("Release",))]


@st.composite
def mutated_reviews(draw) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "shuffle metadata",
                "duplicate metadata",
                "random bytes",
                "long line",
                "huge line",
                "deep unicode",
                "line endings",
            ]
        )
    )
    text = VALID
    if kind == "truncate":
        return text.encode()[: draw(st.integers(0, len(text.encode())))]
    if kind in ("shuffle metadata", "duplicate metadata"):
        lines, positions = metadata_lines(text)
        chosen = [lines[i] for i in positions]
        if kind == "shuffle metadata":
            random.Random(draw(st.integers(0, 10**6))).shuffle(chosen)
        else:
            extra = draw(st.sampled_from(chosen))
            chosen.insert(draw(st.integers(0, len(chosen))), extra.replace("98", "97"))
        for i, position in enumerate(positions):
            lines[position] = chosen[i]
        rest = "\n\n".join(chosen[len(positions) :])
        return ("\n".join(lines) + ("\n\n" + rest if rest else "")).encode()
    if kind == "random bytes":
        data = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(data)))
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        return bytes(data)
    if kind == "long line":
        return text.replace("The middle drags.", "drags " * 20_000).encode()
    if kind == "huge line":  # a 10 MB line: over the importer's size limit
        return (text + "x" * (10 * 1024 * 1024) + "\n").encode()
    if kind == "deep unicode":
        name = draw(st.sampled_from(DEEP_UNICODE))
        film = draw(st.sampled_from(DEEP_UNICODE))
        return review_text(film=film, cast=f"{name}, Oskar Lute", director=name).encode()
    # Mixed line endings: CRLF, CR and LF in one file.
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=3, max_size=3))
    lines = text.split("\n")
    return "".join(line + endings[i % 3] for i, line in enumerate(lines)).encode()


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=mutated_reviews())
def test_a_mutated_review_is_imported_or_refused_cleanly(index_page, tmp_path, client, data):
    path = tmp_path / "review.txt"
    path.write_bytes(data)
    before = table_snapshot()
    outcome = ReviewImporter(index_page, publish=True).import_path(path)
    assert outcome.status in (IMPORTED, UPDATED, UNCHANGED, REFUSED)
    if outcome.status == REFUSED:
        assert str(outcome).startswith(f"{path}: refused: ")
        assert outcome.message and "Traceback" not in outcome.message
        assert len(outcome.message) < 2000
        assert table_snapshot() == before, (outcome, data[:300])
        return
    page = ReviewPage.objects.get(pk=outcome.page_id)
    assert page.live and page.film_title and page.title
    assert len(page.title) <= 255
    response = client.get(page.url)
    assert response.status_code == 200
    assert page.film_title in response.content.decode() or "&" in page.film_title


def test_the_snapshot_sees_a_changed_value(make_review):
    """The snapshot compares content, not only row counts."""
    review = make_review(film_title="Counted")
    before = table_snapshot()
    ReviewPage.objects.filter(pk=review.pk).update(film_title="Changed")
    after = table_snapshot()
    assert after != before
    assert [label for label in before if before[label] != after[label]] == [
        "review_pages.ReviewPage"
    ]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"x" * (10 * 1024 * 1024), "too large"),
        (VALID.encode()[:40], "no metadata block"),
        (b"\xff\xfe" + VALID.encode("utf-16-le"), "binary"),
        ("Café".encode("latin-1") + VALID.encode(), "not UTF-8"),
        (VALID.encode() + b"\x00", "binary"),
    ],
)
def test_clear_refusals(index_page, tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    before = table_snapshot()
    outcome = ReviewImporter(index_page, publish=True).import_path(path)
    assert outcome.status == REFUSED and reason in outcome.message, outcome
    assert table_snapshot() == before


def test_a_fifo_is_refused_at_once(index_page, tmp_path):
    import os
    import time

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    outcome = ReviewImporter(index_page, publish=True).import_path(fifo)
    assert time.monotonic() - started < 2
    assert outcome.status == REFUSED and "named pipe (FIFO), not a regular file" in outcome.message


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_symlink_to_a_device_is_refused_at_once(index_page, tmp_path, device):
    import time

    link = tmp_path / "review.txt"
    link.symlink_to(device)
    started = time.monotonic()
    outcome = ReviewImporter(index_page, publish=True).import_path(link)
    assert time.monotonic() - started < 2
    assert outcome.status == REFUSED and "character device" in outcome.message, outcome


def test_the_command_refuses_a_fifo_and_a_device_link(index_page, tmp_path):
    import io
    import os
    import time

    from django.core.management import call_command

    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    paths = [str(tmp_path / "pipe.txt"), str(tmp_path / "zero.txt")]
    out = io.StringIO()
    started = time.monotonic()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):  # exit status 1: files were refused
        call_command("import_reviews", *paths, "--parent", str(index_page.pk), stdout=out)
    assert time.monotonic() - started < 5
    assert "named pipe (FIFO), not a regular file" in out.getvalue()
    assert "character device, not a regular file" in out.getvalue()


def test_a_file_growing_past_the_limit_is_read_only_to_the_limit(tmp_path, monkeypatch):
    """Only limit + 1 bytes are ever read, whatever the size said when it was opened."""
    from review_pages.importing import files

    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 5000)
    reads = []
    real_fdopen = files.os.fdopen

    def spying_fdopen(*args, **kwargs):
        opened = real_fdopen(*args, **kwargs)
        real_read = opened.read

        def read(size=-1):
            reads.append(size)
            return real_read(size)

        opened.read = read
        return opened

    monkeypatch.setattr(files.os, "fdopen", spying_fdopen)
    with pytest.raises(files.ImportRefused, match="more than 1,000 bytes"):
        files.read_regular_file(path, 1000)
    assert reads == [1001]


def test_a_review_with_more_credits_than_the_cap_is_refused_within_seconds(index_page, tmp_path):
    import time

    cast = ", ".join(f"Cast{n} Member" for n in range(100_000))  # about 1.5 MB
    path = tmp_path / "huge-cast.txt"
    path.write_text(review_text(cast=cast))
    assert 1e6 < path.stat().st_size < 2e6
    before = table_snapshot()
    started = time.monotonic()
    outcome = ReviewImporter(index_page, publish=True).import_path(path)
    elapsed = time.monotonic() - started
    assert outcome.status == REFUSED, outcome
    assert "100,000 cast members is too many (at most 500)" in outcome.message
    assert elapsed < 5, elapsed
    assert table_snapshot() == before


def test_a_review_at_the_cap_is_imported(index_page, tmp_path):
    cast = ", ".join(f"Actor Number{n} Surname" for n in range(500))
    path = tmp_path / "full-cast.txt"
    path.write_text(review_text(cast=cast))
    outcome = ReviewImporter(index_page, publish=False).import_path(path)
    assert outcome.status == IMPORTED, outcome
    assert ReviewPage.objects.get(film_title="Paper Moons").cast.count() == 500
