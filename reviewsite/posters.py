"""Demo posters drawn with Pillow: a coloured card with the film's title, no downloads.

The demo site's: `make_poster_image` is what `make_demo_posters` calls; each poster is saved
as an ordinary Wagtail image.
"""

from __future__ import annotations

import hashlib
import io
import textwrap

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

POSTER_SIZE = (600, 900)
# Dark backgrounds with light text: every pair clears WCAG AA contrast.
PALETTE = [
    ("#1f3b4d", "#f4efe6"),
    ("#4a1c2c", "#fbe9d0"),
    ("#2d4a2b", "#eef3e2"),
    ("#3b2f5c", "#f0eaff"),
    ("#5a3410", "#fff3df"),
    ("#193d3d", "#e6fbf7"),
]


def _colours(film_title: str) -> tuple[str, str]:
    """The same film always gets the same colours."""
    digest = hashlib.sha256(film_title.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def draw_poster(film_title: str, tagline: str = "", size=POSTER_SIZE) -> bytes:
    """A PNG poster: background colour, a frame, the title wrapped large, a tagline."""
    width, height = size
    background, ink = _colours(film_title)
    poster = PILImage.new("RGB", size, background)
    draw = ImageDraw.Draw(poster)
    margin = width // 14
    draw.rectangle(
        [margin // 2, margin // 2, width - margin // 2, height - margin // 2],
        outline=ink,
        width=3,
    )
    title_font = _font(max(18, width // 8))
    lines = textwrap.wrap(film_title.upper(), width=11) or [" "]
    line_height = title_font.size * 1.2 if hasattr(title_font, "size") else 14
    y = height * 0.38 - line_height * len(lines) / 2
    for line in lines[:6]:
        draw.text((width / 2, y), line, fill=ink, font=title_font, anchor="ma")
        y += line_height
    if tagline:
        small = _font(max(12, width // 24))
        for line in textwrap.wrap(tagline, width=34)[:3]:
            y += line_height * 0.6
            draw.text((width / 2, y), line, fill=ink, font=small, anchor="ma")
    footer = _font(max(12, width // 28))
    draw.text((width / 2, height - margin * 1.6), "IN CINEMAS", fill=ink, font=footer, anchor="ma")
    buffer = io.BytesIO()
    poster.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def make_poster_image(film_title: str, tagline: str = "", collection=None, size=POSTER_SIZE):
    """Draw a poster for `film_title` and save it as a Wagtail image (returned)."""
    Image = get_image_model()
    data = draw_poster(film_title, tagline=tagline, size=size)
    filename = f"poster-{slugify(film_title)[:60] or 'film'}.png"
    image = Image(title=f"Poster for {film_title}"[:255])
    if collection is not None:
        image.collection = collection
    image.file = ImageFile(io.BytesIO(data), name=filename)
    # Size and hash as an upload would have them (renditions are cached by hash).
    image.file_size = len(data)
    image.file_hash = hash_filelike(io.BytesIO(data))
    image.save()
    return image
