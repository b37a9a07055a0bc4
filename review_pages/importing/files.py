"""Finding and reading the files `import_reviews` is given: what can be a plain-text review."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024

KINDS = {
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


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


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file; ImportRefused for anything else, at once.

    Opened without blocking (a FIFO with no writer would wait forever) and checked on the
    open descriptor (a symlink to /dev/zero is a device, whatever its name), then read up to
    `limit` + 1 bytes only: a file that grows, or lies about its size, is still refused.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in KINDS.items() if test(mode)), "not a file")
            raise ImportRefused(f"is {kind}, not a regular file")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ImportRefused(f"too large for a review (more than {limit:,} bytes)")
    return data


def read_review_text(path: Path) -> str:
    """The file's text, or ImportRefused for what cannot be a plain-text review."""
    try:
        if path.is_dir():
            raise ImportRefused("is a directory, not a file")
        data = read_regular_file(path, MAX_FILE_BYTES)
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
