"""Trailer addresses: YouTube and Vimeo, read from any of their usual URL forms and reduced
to a provider and a video id.

Pure standard library (the plain-text parser reads `Trailer:` lines with it). A page never
loads anything from the video host until the reader asks: it shows a facade, and only then
puts in the provider's privacy-enhanced player (`Trailer.embed_url`): YouTube's
youtube-nocookie.com, Vimeo's player with `dnt=1` (do not track).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

YOUTUBE = "youtube"
VIMEO = "vimeo"
PROVIDERS = {YOUTUBE: "YouTube", VIMEO: "Vimeo"}

#: The origins the players load from: what a host's Content-Security-Policy `frame-src`
#: must allow (docs/templates.md).
PLAYER_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

MAX_URL_LENGTH = 500

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")  # an unlisted video's privacy hash

_OTHER_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+-]*:(?!//)")  # a scheme, not "host:port"

_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_YOUTUBE_SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}

#: What every refusal says, so an editor and an importer read the same words.
ACCEPTED = (
    "a YouTube address (youtube.com/watch?v=…, youtu.be/…, youtube.com/embed/… or "
    "/shorts/…) or a Vimeo address (vimeo.com/…, player.vimeo.com/video/…)"
)


class TrailerURLError(ValueError):
    """Not the address of a YouTube or Vimeo video; `str(error)` says why."""


@dataclass(frozen=True)
class Trailer:
    provider: str  # YOUTUBE or VIMEO
    video_id: str
    unlisted_hash: str = ""  # Vimeo's `h=` of an unlisted video, needed to play it

    @property
    def provider_name(self) -> str:
        return PROVIDERS[self.provider]

    @property
    def url(self) -> str:
        """The video's own page on its host: what the plain "watch it there" link opens."""
        if self.provider == YOUTUBE:
            return f"https://www.youtube.com/watch?v={self.video_id}"
        if self.unlisted_hash:
            return f"https://vimeo.com/{self.video_id}/{self.unlisted_hash}"
        return f"https://vimeo.com/{self.video_id}"

    @property
    def embed_url(self) -> str:
        """The privacy-enhanced player, started at once (the reader has just clicked)."""
        if self.provider == YOUTUBE:
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1"
        hashed = f"h={self.unlisted_hash}&" if self.unlisted_hash else ""
        return f"https://player.vimeo.com/video/{self.video_id}?{hashed}dnt=1&autoplay=1"


def parse_trailer_url(value: str) -> Trailer:
    """The trailer a YouTube or Vimeo address names; TrailerURLError for anything else."""
    text = str(value or "").strip()
    if not text:
        raise TrailerURLError("no trailer address given")
    if len(text) > MAX_URL_LENGTH:
        raise TrailerURLError(f"a trailer address is at most {MAX_URL_LENGTH} characters")
    if _OTHER_SCHEME.match(text):  # "javascript:…", "mailto:…"
        raise TrailerURLError(f"{value[:80]!r} is not a web address; use {ACCEPTED}")
    if "://" not in text:
        text = "https://" + text  # "youtu.be/…", as people paste it
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        raise TrailerURLError(f"{value[:80]!r} is not a web address; use {ACCEPTED}") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise TrailerURLError(f"{value[:80]!r} is not a web address; use {ACCEPTED}")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in _YOUTUBE_HOSTS or host in _YOUTUBE_SHORT_HOSTS:
        return _youtube(value, host, segments, parts.query)
    if host in _VIMEO_HOSTS:
        return _vimeo(value, host, segments, parts.query)
    shown = host or value[:80]
    raise TrailerURLError(
        f"trailers can only come from YouTube or Vimeo, not {shown!r}: use {ACCEPTED}"
    )


def _youtube(value: str, host: str, segments: list[str], query: str) -> Trailer:
    candidate = ""
    if host in _YOUTUBE_SHORT_HOSTS:
        candidate = segments[0] if segments else ""
    elif segments[:1] == ["watch"]:
        candidate = (parse_qs(query).get("v") or [""])[0]
    elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v", "e"}:
        candidate = segments[1]
    if not _YOUTUBE_ID.fullmatch(candidate):
        raise TrailerURLError(
            f"{value[:80]!r} does not name a YouTube video (expected e.g. "
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ or https://youtu.be/dQw4w9WgXcQ)"
        )
    return Trailer(YOUTUBE, candidate)


def _vimeo(value: str, host: str, segments: list[str], query: str) -> Trailer:
    if host == "player.vimeo.com":
        segments = segments[1:] if segments[:1] == ["video"] else []
    # vimeo.com/123, vimeo.com/123/abcdef (unlisted), vimeo.com/channels/x/123,
    # vimeo.com/groups/x/videos/123, vimeo.com/showcase/x/video/123
    ids = [index for index, segment in enumerate(segments) if _VIMEO_ID.fullmatch(segment)]
    if not ids:
        raise TrailerURLError(
            f"{value[:80]!r} does not name a Vimeo video (expected e.g. "
            "https://vimeo.com/76979871 or https://player.vimeo.com/video/76979871)"
        )
    at = ids[-1]
    video_id = segments[at]
    unlisted = segments[at + 1] if at + 1 < len(segments) else ""
    if not _VIMEO_HASH.fullmatch(unlisted):
        unlisted = (parse_qs(query).get("h") or [""])[0]
    return Trailer(VIMEO, video_id, unlisted if _VIMEO_HASH.fullmatch(unlisted) else "")


def normalise_trailer_url(value: str) -> str:
    """The canonical address of the trailer (its page on the host), "" for no trailer."""
    if not str(value or "").strip():
        return ""
    return parse_trailer_url(value).url
