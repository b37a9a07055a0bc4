"""The poster's renditions in the API: a set of widths and formats a client picks from
(`REVIEW_PAGES["POSTER_WIDTHS"]`, `["POSTER_FORMATS"]`; AVIF only where Pillow writes it).

A listing's missing renditions are made together (`ensure`): found among the renditions
prefetched with the posters, the rest generated and saved in one insert for the whole
listing, so that making them costs no query per review.
"""

from __future__ import annotations

import functools
from io import BytesIO

from django.http import HttpRequest
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from ..conf import reviews_settings
from ..links import absolute_url


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


def ensure(images, specs_of) -> None:
    """Every image gets the renditions `specs_of(image)` names: those missing are generated
    and saved with one insert for all the images (none when all exist)."""
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
        for item in missing:
            rendition = image.generate_rendition_instance(item, BytesIO(original))
            made.append((image, rendition))
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
