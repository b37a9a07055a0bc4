"""Compressed cache entries: compressed once when stored, sent as stored on a hit (no
compression work), plain bytes for clients that accept no encoding, one ETag per
encoding, and `Vary: Accept-Encoding` on every answer that has variants."""

import gzip
import zlib

import pytest
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.test import RequestFactory

from review_pages import shown
from review_pages.cache import encoding, middleware

factory = RequestFactory()
# Varied enough not to compress to nothing, long enough to be compressed (> 1 KiB).
PAGE = "".join(
    f"<p>Review {n}: a film of {n * 7 % 13} acts, {n * 31 % 97} minutes.</p>" for n in range(120)
)
SMALL = "<p>short</p>"


def cached_view(content=PAGE, **headers):
    renders = []

    def view(request):
        renders.append(request.path)
        shown.record(lists=[shown.REVIEWS])
        page = content.replace("{nonce}", str(getattr(request, "csp_nonce", "")))
        response = HttpResponse(page, content_type="text/html; charset=utf-8")
        for name, value in headers.items():
            response[name] = value
        return response

    handler = middleware.TaggedResponseCacheMiddleware(view)
    handler.renders = renders
    return handler


def get(handler, path="/page/", accept=None, method="get", nonce=None, **extra):
    if accept is not None:
        extra["HTTP_ACCEPT_ENCODING"] = accept
    request = getattr(factory, method)(path, **extra)
    if nonce is not None:
        request.csp_nonce = nonce
    return handler(request)


def decoded(response) -> bytes:
    coding = response.get("Content-Encoding")
    if coding == "gzip":
        return gzip.decompress(response.content)
    if coding == "br":
        return encoding.brotli.decompress(response.content)
    assert coding is None, coding
    return response.content


def test_a_gzip_client_gets_the_stored_gzip_bytes_on_miss_and_hit(db):
    handler = cached_view()
    miss = get(handler, accept="gzip, deflate")
    hit = get(handler, accept="gzip, deflate")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    for response in (miss, hit):
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == PAGE.encode()
        assert int(response["Content-Length"]) == len(response.content)
        assert "Accept-Encoding" in response["Vary"]
    assert hit.content == miss.content
    assert len(hit.content) < len(PAGE) / 3
    assert handler.renders == ["/page/"]


def test_a_hit_does_no_compression_work(db, monkeypatch):
    handler = cached_view()
    get(handler)  # stored

    def refuse(*args, **kwargs):
        raise AssertionError("compression on a hit")

    monkeypatch.setattr(encoding.gzip, "compress", refuse)
    monkeypatch.setattr(encoding.zlib, "compressobj", refuse)
    if encoding.brotli is not None:
        monkeypatch.setattr(encoding.brotli, "compress", refuse)
    for accept in ("gzip", "br", "identity", None):
        hit = get(handler, accept=accept)
        assert hit["X-Cache"] == "hit", accept
        assert decoded(hit) == PAGE.encode(), accept


def test_a_client_without_accept_encoding_gets_the_plain_body(db):
    handler = cached_view()
    miss = get(handler, accept="gzip")
    for accept in (None, "", "identity", "deflate", "gzip;q=0, br;q=0"):
        plain = get(handler, accept=accept)
        assert plain["X-Cache"] == "hit"
        assert not plain.has_header("Content-Encoding"), accept
        assert plain.content == PAGE.encode() == gzip.decompress(miss.content), accept
        assert int(plain["Content-Length"]) == len(PAGE.encode())
        assert "Accept-Encoding" in plain["Vary"]  # a shared cache must not reuse it for gzip


@pytest.mark.skipif(encoding.brotli is None, reason="brotli is not installed")
def test_brotli_is_preferred_when_accepted_and_refused_with_q_0(db):
    handler = cached_view()
    get(handler)
    brotli_hit = get(handler, accept="gzip, deflate, br")
    assert brotli_hit["Content-Encoding"] == "br"
    assert encoding.brotli.decompress(brotli_hit.content) == PAGE.encode()
    assert get(handler, accept="gzip, br;q=0")["Content-Encoding"] == "gzip"
    assert get(handler, accept="br;q=0.5, gzip;q=0.9")["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "accept, offered, chosen",
    [
        (None, ("br", "gzip"), "identity"),
        ("", ("br", "gzip"), "identity"),
        ("gzip", ("br", "gzip"), "gzip"),
        ("GZip", ("gzip",), "gzip"),
        ("x-gzip", ("gzip",), "gzip"),
        ("br;q=0, gzip", ("br", "gzip"), "gzip"),
        ("br;q=0.4, gzip;q=0.6", ("br", "gzip"), "gzip"),
        ("br, gzip", ("br", "gzip"), "br"),
        ("*", ("br", "gzip"), "br"),
        ("*;q=0.5, gzip;q=0", ("br", "gzip"), "br"),
        ("*;q=0", ("br", "gzip"), "identity"),
        ("gzip;q=0.5, identity;q=0.8", ("gzip",), "identity"),
        ("identity;q=0, gzip;q=0", ("gzip",), "identity"),  # nothing acceptable: no 406
        ("gzip;q=nope", ("gzip",), "identity"),
        ("gzip;q=", ("gzip",), "identity"),
        (",,;;q=1,", ("gzip",), "identity"),
        ("deflate", ("br", "gzip"), "identity"),
        ("gzip", (), "identity"),
    ],
)
def test_accept_encoding_is_negotiated_with_q_values(accept, offered, chosen):
    assert encoding.negotiate(accept, offered) == chosen


def test_vary_is_merged_with_the_answers_own(db):
    handler = cached_view(Vary="Cookie")
    get(handler)
    hit = get(handler, accept="gzip")
    assert [v.strip() for v in hit["Vary"].split(",")] == ["Cookie", "Accept-Encoding"]


@pytest.mark.parametrize("etag", ['"abc123"', 'W/"abc123"'])
def test_each_encoding_has_its_own_etag_and_304(db, etag):
    handler = cached_view(ETag=etag)
    plain = get(handler)
    zipped = get(handler, accept="gzip")
    assert plain["ETag"] == etag
    assert zipped["ETag"] == etag[:-1] + '-gzip"'
    assert zipped["ETag"].startswith("W/") == etag.startswith("W/")

    assert get(handler, accept="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304
    assert get(handler, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    # The other encoding's ETag names other bytes: the whole answer is sent.
    crossed = get(handler, accept="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert crossed.status_code == 200
    assert gzip.decompress(crossed.content) == PAGE.encode()
    assert get(handler, HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 200
    assert handler.renders == ["/page/"]


def test_head_gets_the_headers_of_the_encoding_it_would_get(db):
    handler = cached_view()
    full = get(handler, accept="gzip")
    head = get(handler, accept="gzip", method="head")
    assert head.status_code == 200
    assert head["X-Cache"] == "hit"
    assert head["Content-Encoding"] == "gzip"
    assert head["Content-Length"] == str(len(full.content))


def test_small_bodies_are_stored_and_sent_plain(db):
    handler = cached_view(SMALL)
    get(handler, accept="gzip")
    hit = get(handler, accept="gzip, br")
    assert hit["X-Cache"] == "hit"
    assert not hit.has_header("Content-Encoding")
    assert not hit.has_header("Vary")
    assert hit.content == SMALL.encode()


NONCE_PAGE = '<script nonce="{nonce}">1</script>' + PAGE + '<style nonce="{nonce}"></style>'


@pytest.mark.parametrize("accept", ["gzip", None])
def test_a_nonce_is_spliced_into_the_stored_gzip_bytes(db, accept, monkeypatch):
    handler = cached_view(NONCE_PAGE)
    miss = get(handler, accept=accept, nonce="first-nonce")
    assert decoded(miss) == NONCE_PAGE.replace("{nonce}", "first-nonce").encode()
    monkeypatch.setattr(encoding.zlib, "compressobj", lambda *a: pytest.fail("compressed"))
    for nonce in ("second-nonce-a-bit-longer", "x", ""):
        hit = get(handler, accept=accept, nonce=nonce)
        assert hit["X-Cache"] == "hit"
        # gzip.decompress checks the CRC-32 and length of the spliced stream too.
        assert decoded(hit) == NONCE_PAGE.replace("{nonce}", nonce).encode(), nonce
        assert int(hit["Content-Length"]) == len(hit.content)
    assert handler.renders == ["/page/"]


def test_spliced_gzip_is_one_valid_deflate_stream():
    stored = encoding.compress(
        PAGE.encode() + middleware.NONCE_PLACEHOLDER + b"tail", middleware.NONCE_PLACEHOLDER
    )
    data = encoding.body(stored, "gzip", b"N" * 40)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert inflater.decompress(data) == PAGE.encode() + b"N" * 40 + b"tail"
    assert inflater.eof and not inflater.unused_data


def test_gzip_middleware_around_the_cache_does_not_compress_a_hit_again(db):
    handler = GZipMiddleware(cached_view())
    get(handler, accept="gzip")
    hit = get(handler, accept="gzip")
    assert hit["X-Cache"] == "hit"
    assert gzip.decompress(hit.content) == PAGE.encode()  # once, not twice


def test_an_answer_compressed_below_the_cache_is_not_stored(db):
    inner = cached_view()
    handler = middleware.TaggedResponseCacheMiddleware(GZipMiddleware(inner))
    for _ in range(2):
        response = get(handler, accept="gzip")
        assert response["X-Cache"] == "miss"
        assert gzip.decompress(response.content) == PAGE.encode()
