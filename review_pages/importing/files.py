"""Finding and reading the files `import_reviews` is given: what can be a plain-text review."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

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
        raise too_large(limit)
    return data


def too_large(limit: int) -> ImportRefused:
    return ImportRefused(f"too large for a review (more than {limit:,} bytes)")


def read_review_bytes(path: Path) -> bytes:
    """The bytes of a file that may be a review (at most MAX_FILE_BYTES of a regular file),
    or ImportRefused."""
    try:
        if path.is_dir():
            raise ImportRefused("is a directory, not a file")
        return read_regular_file(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise ImportRefused("no such file") from None
    except OSError as error:
        raise ImportRefused(f"cannot be read ({error.strerror or error})") from None


def read_upload(upload: BinaryIO) -> bytes:
    """At most MAX_FILE_BYTES of an uploaded file (the admin's import), or ImportRefused,
    by the same limit as a file on disk."""
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_large(MAX_FILE_BYTES)
    return data


def read_review_text(path: Path) -> str:
    """The file's text, or ImportRefused for what cannot be a plain-text review."""
    return review_text(read_review_bytes(path))


def review_text(data: bytes) -> DecodedText:
    """The text of a file's bytes, or ImportRefused: empty, binary, or in no encoding read
    confidently (see `decode_review_bytes`)."""
    if not data.strip():
        raise ImportRefused("empty file")
    if b"\x00" in data:
        raise ImportRefused("binary file, not plain text")
    return decode_review_bytes(data)


class DecodedText(str):
    """A file's text, remembering the encoding it was decoded from when that was not UTF-8
    (`import_reviews` reports it: "imported (decoded as windows-1252)")."""

    encoding: str = "utf-8"


#: The single-byte encodings word processors write for Western text, as charset-normalizer
#: names them, and as the importer reports them.
LEGACY_ENCODINGS = {"cp1252": "windows-1252", "latin_1": "latin-1"}
#: How much more "chaos" (charset-normalizer's measure of implausible characters, 0 to 1)
#: than the detector's best guess a legacy decoding may show, and how much at most. Short
#: Western texts decode equally well in several Latin code pages (cp1257, cp1250, ...):
#: among those, Windows-1252 is what such a file is written in.
CHAOS_MARGIN = 0.05
MAX_CHAOS = 0.1


def decode_review_bytes(data: bytes) -> DecodedText:
    """UTF-8; else Windows-1252 or Latin-1 when charset-normalizer finds it as plausible as
    its best guess; else ImportRefused (the bytes cannot be told apart confidently)."""
    try:
        return DecodedText(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        position = error.start
    matches = from_bytes(data)
    best = matches.best()
    for match in matches:
        if match.encoding not in LEGACY_ENCODINGS:
            continue
        if match.chaos <= MAX_CHAOS and match.chaos <= best.chaos + CHAOS_MARGIN:
            for encoding in ("cp1252", "latin_1"):  # cp1252 leaves 5 bytes undefined
                try:
                    text = DecodedText(data.decode(encoding))
                except UnicodeDecodeError:
                    continue
                text.encoding = LEGACY_ENCODINGS[encoding]
                return text
    raise ImportRefused(
        f"not UTF-8 text (invalid byte at position {position}), and not confidently "
        "Windows-1252 or Latin-1 either: save it as UTF-8"
    )
