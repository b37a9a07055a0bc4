"""Stored answers, compressed once: gzip (and brotli when the `brotli` package is installed).

An answer is compressed when it is stored, never when it is served: a hit picks the stored
bytes the client's `Accept-Encoding` accepts. Only the compressed bytes are kept (a third of
the plain size in the cache); the rare client that accepts neither (curl without
`--compressed`, some bots) gets them decompressed, which costs a few microseconds.

A page carrying a CSP nonce is the exception: its nonce is new in every answer, so its gzip
bytes are deflate segments cut at the nonce's places, flushed so that nothing refers across
a cut (`Z_FULL_FLUSH`), and a hit splices the request's nonce in between as stored
(uncompressed) deflate blocks. The gzip trailer needs the CRC-32 of the whole body, so such
an entry keeps its plain bytes too; brotli streams cannot be spliced, so it has gzip only.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from collections.abc import Iterable

try:  # Google's Brotli bindings: the optional extra `wagtail-film-reviews[brotli]`
    import brotli
except ImportError:  # pragma: no cover - exercised where brotli is not installed
    brotli = None

IDENTITY = "identity"
GZIP = "gzip"
BROTLI = "br"
#: Bodies shorter than this are stored plain: compressing them saves less than it costs.
MIN_COMPRESSED_BYTES = 1024
GZIP_LEVEL = 6
#: Quality 5 makes HTML about as small as 9-11 do here at a fiftieth of their time (0.25 ms
#: for 8 KiB), which matters since the uncached render pays it.
BROTLI_QUALITY = 5
# The fixed gzip header: deflate, no name, no time (so identical bodies give identical
# bytes), unknown OS.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_STORED_BLOCK_MAX = 0xFFFF


def brotli_available() -> bool:
    return brotli is not None


def compress(content: bytes, placeholder: bytes | None) -> dict:
    """The encodings stored for this body (`placeholder`: where a nonce goes, if any)."""
    small = len(content) < MIN_COMPRESSED_BYTES
    if placeholder:
        parts = content.split(placeholder)
        segments = None if small else _deflate_segments(parts)
        return {"plain_parts": parts, "gzip_parts": segments, "encoded": {}}
    if small:
        return {"plain": content, "encoded": {}}
    encoded = {GZIP: gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)}
    if brotli is not None:
        encoded[BROTLI] = brotli.compress(content, quality=BROTLI_QUALITY)
    return {"plain": None, "encoded": encoded}


def stored_bytes(stored: dict) -> int:
    """How many bytes of body this entry keeps (every encoding it stores)."""
    parts = [stored.get("plain") or b"", *stored.get("plain_parts", ())]
    parts += [*(stored.get("gzip_parts") or ()), *stored["encoded"].values()]
    return sum(len(part) for part in parts)


def _deflate_segments(parts: list[bytes]) -> list[bytes]:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    segments = [compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH) for part in parts]
    segments[-1] += compressor.flush(zlib.Z_FINISH)
    return segments


def available(stored: dict) -> tuple[str, ...]:
    """The encodings this entry can send, in the server's order of preference."""
    if "plain_parts" in stored:
        return (GZIP,) if stored["gzip_parts"] else ()
    return tuple(coding for coding in (BROTLI, GZIP) if coding in stored["encoded"])


def body(stored: dict, coding: str, nonce: bytes | None) -> bytes:
    """The bytes sent for `coding`, the request's nonce filled in (no compression work)."""
    parts = stored.get("plain_parts")
    if parts is not None:
        nonce = nonce or b""
        if coding == GZIP:
            return _spliced_gzip(parts, stored["gzip_parts"], nonce)
        return nonce.join(parts)
    if coding != IDENTITY:
        return stored["encoded"][coding]
    if stored["plain"] is not None:
        return stored["plain"]
    return gzip.decompress(stored["encoded"][GZIP])


def _spliced_gzip(plain_parts: list[bytes], segments: list[bytes], nonce: bytes) -> bytes:
    if len(nonce) > _STORED_BLOCK_MAX:
        raise ValueError("nonce too long for one stored deflate block")
    stored_nonce = b"\x00" + struct.pack("<HH", len(nonce), len(nonce) ^ 0xFFFF) + nonce
    crc, size = 0, 0
    for index, part in enumerate(plain_parts):
        if index:
            crc = zlib.crc32(nonce, crc)
        crc = zlib.crc32(part, crc)
        size += len(part)
    size += len(nonce) * (len(plain_parts) - 1)
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return _GZIP_HEADER + stored_nonce.join(segments) + trailer


def negotiate(accept_encoding: str | None, offered: Iterable[str]) -> str:
    """The coding to send: the highest q-value among `offered` (ties go to the earlier),
    unless the client gives identity a higher one. `*` stands for codings not named; `q=0`
    refuses; a client refusing everything still gets identity (not a 406)."""
    if not accept_encoding:
        return IDENTITY
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (piece.strip() for piece in item.split(";"))
        name = name.lower()
        if name == "x-gzip":
            name = GZIP
        if not name:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0  # a malformed weight accepts nothing
        weights[name] = max(quality, weights.get(name, 0.0))
    star = weights.get("*")
    best, best_quality = IDENTITY, 0.0
    for coding in offered:
        quality = weights.get(coding, star or 0.0)
        if quality > best_quality:
            best, best_quality = coding, quality
    # Identity is always acceptable, but preferred only where the client says so.
    identity_quality = weights.get(IDENTITY, star or 0.0)
    if best != IDENTITY and identity_quality > best_quality:
        return IDENTITY
    return best


def variant_etag(etag: str, coding: str) -> str:
    """Each encoding's bytes differ, so each gets its own ETag: `"abc"` → `"abc-gzip"` (a
    weak ETag stays weak)."""
    if coding == IDENTITY or not etag.endswith('"'):
        return etag
    return f'{etag[:-1]}-{coding}"'
