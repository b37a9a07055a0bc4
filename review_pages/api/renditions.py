"""The poster's renditions in the API: a set of widths and formats a client picks from
(`REVIEW_PAGES["POSTER_WIDTHS"]`, `["POSTER_FORMATS"]`; AVIF only where Pillow writes it).

A published review's renditions are made ahead (`make_poster_renditions`, a task after the
commit); a listing's missing ones are made together (`ensure`): found among the renditions
prefetched with the posters, the rest generated and saved in one insert for the whole
listing, so that making them costs no query per review.
"""

from __future__ import annotations

import functools
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
    specs = [POSTER_RENDITION, *poster_specs(image)]
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
