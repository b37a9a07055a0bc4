"""Finding and reading the files `import_reviews` is given: what can be a plain-text review."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024


class ImportRefused(Exception):
    """A file the importer will not write; `str(error)` says why."""


def collect_review_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, with each directory replaced by its `*.txt` files, sorted.

    Missing paths are kept: importing them reports the problem with the others.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.txt") if p.is_file()))
        else:
            files.append(path)
    return files


def read_review_text(path: Path) -> str:
    """The file's text, or ImportRefused for what cannot be a plain-text review."""
    try:
        if path.is_dir():
            raise ImportRefused("is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportRefused(
                f"too large for a review ({size:,} bytes; at most {MAX_FILE_BYTES:,})"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused("no such file") from None
    except OSError as error:
        raise ImportRefused(f"cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise ImportRefused("empty file")
    if b"\x00" in data:
        raise ImportRefused("binary file, not plain text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"not UTF-8 text (invalid byte at position {error.start})") from None
