"""`manage.py import_reviews`: output, exit status, options."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from review_pages.models import ReviewIndexPage, ReviewPage
from tests.support.importing import SAMPLES_DIR, review_text, row_counts

SUMMARY_ALL_NEW = "4 imported, 0 updated, 0 unchanged, 0 refused"


def run(*args, **options):
    out = io.StringIO()
    call_command("import_reviews", *args, stdout=out, **options)
    return out.getvalue()


def test_a_folder_imports_its_txt_files_in_order(index_page):
    output = run(str(SAMPLES_DIR))
    lines = output.splitlines()
    names = sorted(path.name for path in SAMPLES_DIR.glob("*.txt"))
    assert lines[:-1] == [f"{SAMPLES_DIR / name}: imported" for name in names]
    assert lines[-1] == SUMMARY_ALL_NEW
    assert ReviewPage.objects.child_of(index_page).count() == 4
    assert not ReviewPage.objects.live().exists()  # drafts by default


def test_publish_and_rerun_reports_unchanged(index_page):
    run(str(SAMPLES_DIR), publish=True)
    assert ReviewPage.objects.live().count() == 4
    before = row_counts()
    output = run(str(SAMPLES_DIR), publish=True)
    assert output.splitlines()[-1] == "0 imported, 0 updated, 4 unchanged, 0 refused"
    assert row_counts() == before


def test_refused_files_exit_1_after_the_summary_and_the_others_import(index_page, tmp_path):
    (tmp_path / "a-good.txt").write_text(review_text(), encoding="utf-8")
    (tmp_path / "b-empty.txt").write_bytes(b"")
    # UTF-8 and Windows-1252 in one file: no single encoding reads it.
    mixed = "'Zoë’s Café' Review: déjà".encode() + " crème brûlée".encode("cp1252")
    (tmp_path / "c-latin1.txt").write_bytes(mixed)
    (tmp_path / "notes.md").write_text("not a review", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_reviews", str(tmp_path), stdout=out)
    assert error.value.returncode == 1
    assert "2 of 3 files refused" in str(error.value)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{tmp_path / 'a-good.txt'}: imported"
    assert lines[1] == f"{tmp_path / 'b-empty.txt'}: refused: empty file"
    assert lines[2].startswith(f"{tmp_path / 'c-latin1.txt'}: refused: not UTF-8 text")
    assert lines[3] == "1 imported, 0 updated, 0 unchanged, 2 refused"
    assert ReviewPage.objects.get().film_title == "Paper Moons"


def test_exit_status_from_the_command_line(index_page, tmp_path, capsys):
    """Run as a program, a refusal exits with status 1 and no traceback."""
    from django.core.management import ManagementUtility

    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_reviews", str(tmp_path)]).execute()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "0 imported, 0 updated, 0 unchanged, 1 refused" in captured.out
    assert "Traceback" not in captured.err
    assert "CommandError: 1 of 1 files refused." in captured.err


def test_dry_run_writes_nothing(index_page):
    before = row_counts()
    output = run(str(SAMPLES_DIR), dry_run=True, publish=True)
    assert output.splitlines()[-1] == SUMMARY_ALL_NEW + " (dry run: nothing was written)"
    assert row_counts() == before


def test_parent_option(index_page):
    other = index_page.get_parent().add_child(
        instance=ReviewIndexPage(title="Archive", slug="archive")
    )
    run(str(SAMPLES_DIR / "copper-saints.txt"), parent=other.pk)
    assert ReviewPage.objects.child_of(other).count() == 1
    assert not ReviewPage.objects.child_of(index_page).exists()
    with pytest.raises(CommandError, match="--parent 999999: no review index page"):
        run(str(SAMPLES_DIR), parent=999999)


def test_no_files_is_an_error(index_page, tmp_path):
    with pytest.raises(CommandError, match="No review files found"):
        run(str(tmp_path))


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_for_long_runs(index_page, tmp_path):
    for number in range(21):
        (tmp_path / f"{number:02d}.txt").write_bytes(b"")
    out = FakeTerminal()
    with pytest.raises(CommandError):
        call_command("import_reviews", str(tmp_path), stdout=out)
    assert "21/21" in out.getvalue() and "[" + "#" * 30 + "]" in out.getvalue()
    short = FakeTerminal()
    with pytest.raises(CommandError):
        call_command("import_reviews", str(tmp_path / "00.txt"), stdout=short)
    assert "1/1" not in short.getvalue()
    plain = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_reviews", str(tmp_path), stdout=plain)
    assert "21/21" not in plain.getvalue()


def test_an_import_refreshes_the_query_planner_statistics(index_page):
    """After a bulk load the database knows the search index's shape (see
    `refresh_query_statistics`): without it SQLite searched names in ~1 s at 20,000 people."""
    from django.db import connection

    if connection.vendor == "mysql":
        pytest.skip("MySQL's ANALYZE TABLE commits: it never runs inside a test's transaction")
    if connection.vendor == "sqlite":
        statistics_query = (
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'wagtailsearch_indexentry'"
        )
    else:
        statistics_query = (
            "SELECT count(*) FROM pg_stats WHERE tablename = 'wagtailsearch_indexentry'"
        )

    def statistics_rows():
        with connection.cursor() as cursor:
            try:
                cursor.execute(statistics_query)
            except Exception:  # sqlite_stat1 does not exist before the first ANALYZE
                return 0
            return cursor.fetchone()[0]

    run(str(SAMPLES_DIR), dry_run=True)
    if connection.vendor == "sqlite":  # PostgreSQL's autovacuum may have analysed already
        assert statistics_rows() == 0
    run(str(SAMPLES_DIR), publish=True)
    assert statistics_rows() > 0
