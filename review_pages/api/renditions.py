"""The poster's renditions in the API: a set of widths and formats a client picks from
(`REVIEW_PAGES["POSTER_WIDTHS"]`, `["POSTER_FORMATS"]`; AVIF only where Pillow writes it).

A published review's renditions are made ahead (`make_poster_renditions`, a task after the
commit); a listing's missing ones are made together (`ensure`): found among the renditions
prefetched with the posters, the rest generated and saved in one insert for the whole
listing, so that making them costs no query per review.
"""

from __future__ import annotations

import functools
import re
from io import BytesIO

from django.db import transaction
from django.http import HttpRequest
from django_tasks import task
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from ..conf import reviews_settings
from ..links import absolute_url

#: The poster's default rendition (the poster's own `url`, `width`, `height`). WebP whatever
#: the original: a PNG output (the original's format when none is named) is optimised by
#: Pillow at great cost (1.4 s for one 600x900 rendition of a photographic PNG here).
POSTER_RENDITION = "max-600x900|format-webp"
#: A still's default rendition (stills are landscape frames); its renditions are the
#: poster's widths and formats.
STILL_RENDITION = "max-1200x800|format-webp"


@functools.cache
def avif_supported() -> bool:
    """Whether this Pillow can write AVIF (Pillow 11.3+ built with libavif)."""
    from PIL import features

    return bool(features.check("avif"))


def poster_formats() -> list[str]:
    formats = [str(name).lower() for name in reviews_settings.POSTER_FORMATS]
    return [name for name in formats if name != "avif" or avif_supported()]


def poster_widths(image) -> list[int]:
    """The configured widths, none wider than the image (Wagtail never enlarges)."""
    widths = sorted({min(int(width), image.width) for width in reviews_settings.POSTER_WIDTHS})
    return [width for width in widths if width > 0]


def poster_specs(image) -> list[str]:
    return [
        f"width-{width}|format-{name}"
        for width in poster_widths(image)
        for name in poster_formats()
    ]


#: The poster renditions the reader pages ask for (`review_page.html`, `review_card.html`,
#: the link-preview image in `head.html`), made ahead at publish with the API's set so that
#: the first reader does not wait for them (a test renders a published review and checks that
#: it creates no rendition, so this list cannot drift from the templates unnoticed).
READER_POSTER_SPECS = (
    *(f"format-{name}|width-{width}" for width in (120, 240, 480) for name in ("webp", "jpeg")),
    "max-1200x1200|format-jpeg",
)

_WIDTH = re.compile(r"width-(\d+)")
_MAX = re.compile(r"max-(\d+)x(\d+)")
#: Operations that only scale the whole image or encode it: a rendition made of these alone
#: is the same from a smaller copy of the original, as long as the copy is at least as large.
_SCALING_OR_ENCODING = re.compile(r"(width-\d+|max-\d+x\d+|format-\w+|\w+quality-\d+)")


def _scale_of(spec: str, width: int, height: int) -> float | None:
    """How far `spec` scales an image of this size down (1.0: not at all), or None when it
    does anything else (crops, focal points, no explicit output format)."""
    operations = spec.split("|")
    if not all(_SCALING_OR_ENCODING.fullmatch(op) for op in operations):
        return None
    if not any(op.startswith("format-") for op in operations):
        return None  # the output format would follow the source's: keep the original's
    scale = 1.0
    for op in operations:
        if found := _WIDTH.fullmatch(op):
            scale = min(scale, int(found[1]) / width)
        elif found := _MAX.fullmatch(op):
            scale = min(scale, int(found[1]) / width, int(found[2]) / height)
    return scale


def _reduced_source(original: bytes, image, specs: list[str]) -> bytes | None:
    """The original decoded once and scaled to the largest of the renditions `specs` make,
    as a fast lossless PNG: every rendition would otherwise decode and scale the whole
    original again (0.1-0.2 s each for a 10-megapixel poster). None when that gains little
    or could change a rendition (animations, EXIF rotation, crops)."""
    from PIL import Image as PILImage

    if len(specs) < 2 or not image.width or not image.height:
        return None
    scales = [_scale_of(spec, image.width, image.height) for spec in specs]
    if None in scales or max(scales) > 0.5:
        return None
    scale = max(scales)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    with PILImage.open(BytesIO(original)) as picture:
        if picture.format not in {"JPEG", "PNG", "WEBP"} or getattr(picture, "is_animated", False):
            return None
        if picture.getexif().get(0x0112, 1) != 1:  # Orientation: Wagtail rotates it itself
            return None
        if picture.size != (image.width, image.height):
            return None
        if picture.format == "JPEG":
            picture.draft(picture.mode, size)  # decode at 1/2, 1/4 or 1/8 size when it can
        if picture.mode not in {"RGB", "RGBA", "L", "LA"}:
            picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
        reduced = picture.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = BytesIO()
    reduced.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def generate(image, original: bytes, filters) -> list:
    """Unsaved renditions of `image` (whose file holds `original`) for `filters`."""
    source = _reduced_source(original, image, [item.spec for item in filters]) or original
    return [image.generate_rendition_instance(item, BytesIO(source)) for item in filters]


def ensure(images, specs_of) -> None:
    """Every image gets the renditions `specs_of(image)` names: those missing are generated
    (from one reduced copy of the original when they only scale it) and saved with one insert
    for all the images (none when all exist)."""
    rendition_model = get_image_model().get_rendition_model()
    made = []
    seen = set()
    for image in images:
        if image.pk in seen:
            continue
        seen.add(image.pk)
        filters = [Filter(spec=spec) for spec in specs_of(image)]
        found = image.find_existing_renditions(*filters)
        missing = [item for item in filters if item not in found]
        if not missing:
            continue
        with image.open_file() as source:
            original = source.read()
        made += [(image, rendition) for rendition in generate(image, original, missing)]
    if made:
        rendition_model.objects.bulk_create([r for _, r in made], ignore_conflicts=True)
        for image, rendition in made:
            image._add_to_prefetched_renditions(rendition)


def poster_renditions(image, request: HttpRequest | None = None) -> list[dict]:
    """`[{url, width, height, format}]`, by width then format (after `ensure`)."""
    found = image.get_renditions(*poster_specs(image))
    return [
        {
            "url": absolute_url(rendition.url, request),
            "width": rendition.width,
            "height": rendition.height,
            "format": spec.rsplit("format-", 1)[1],
        }
        for spec, rendition in found.items()
    ]


@task()
def make_poster_renditions(page_id: int) -> int:
    """A published review's poster renditions, made ahead of the first answer that shows
    them (AVIF takes seconds to encode). On Wagtail's default task backend: at once after
    the commit with the immediate backend, by a worker with another."""
    from ..models import ReviewPage

    page = ReviewPage.objects.filter(pk=page_id).select_related("poster").first()
    if page is None or page.poster is None:
        return 0
    image = get_image_model().objects.prefetch_renditions().get(pk=page.poster_id)
    specs = list(dict.fromkeys([POSTER_RENDITION, *READER_POSTER_SPECS, *poster_specs(image)]))
    ensure([image], lambda _image: specs)
    return len(specs)


def _review_published(sender, change, **kwargs):
    from .. import events

    if change.action == events.PUBLISHED and change.page.poster_id:
        page_id = change.page.pk
        transaction.on_commit(lambda: make_poster_renditions.enqueue(page_id), robust=True)


def connect() -> None:
    from .. import events

    events.review_changed.connect(_review_published, dispatch_uid="review_pages.renditions")
