"""How long the renditions of the largest poster the demo accepts take to make.

Each Wagtail rendition decodes the whole original, so their cost grows with the original's
pixels, not with the rendition's size: this is what WAGTAILIMAGES_MAX_IMAGE_PIXELS bounds.
Makes every rendition a published poster gets: the nine the reader pages ask for (the review
page's <picture>, the front page's cards, the link-preview image, the API's poster and
portrait) and the API's set (`REVIEW_PAGES["POSTER_WIDTHS"]` x `["POSTER_FORMATS"]`, AVIF
included, made ahead at publish), three at a time as Wagtail's `create_renditions` does, from
a PNG and a JPEG at several sizes up to the limit, and prints a table. Run:
`make bench-renditions`.
"""

import concurrent.futures
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from wagtail.images import get_image_model  # noqa: E402
from wagtail.images.models import Filter  # noqa: E402

from review_pages.api import renditions as api_renditions  # noqa: E402
from review_pages.api.shapes import PORTRAIT_RENDITION, POSTER_RENDITION  # noqa: E402

#: The reader pages' poster renditions (<picture>, link previews), the API's poster and portrait.
SITE_SPECS = [*api_renditions.READER_POSTER_SPECS, POSTER_RENDITION, PORTRAIT_RENDITION]
REPEATS = 3


def photographic(width: int, height: int) -> PILImage.Image:
    """Gradients with grain: compresses like a photograph, not like a flat colour."""
    ramp = PILImage.linear_gradient("L")
    return PILImage.merge(
        "RGB",
        [
            ramp.resize((width, height)),
            PILImage.effect_noise((width, height), 8),
            ramp.rotate(90).resize((width, height)),
        ],
    )


def bench_image(width: int, height: int):
    """An unsaved image record (a file name is what Wagtail detects the source's type by)."""
    return get_image_model()(
        title="bench", file="original_images/bench.png", width=width, height=height,
        collection_id=1,
    )  # fmt: skip


def all_specs(image) -> list[str]:
    """The site's renditions and the API's set, each once."""
    return list(dict.fromkeys([*SITE_SPECS, *api_renditions.poster_specs(image)]))


def as_published(data: bytes, width: int, height: int) -> float:
    """What publishing does (`make_poster_renditions`): every rendition, one after the other,
    from one reduced copy of the original."""
    image = bench_image(width, height)
    filters = [Filter(spec) for spec in all_specs(image)]
    started = time.perf_counter()
    api_renditions.generate(image, data, filters)
    return time.perf_counter() - started


def render_all(data: bytes, width: int, height: int) -> float:
    image = bench_image(width, height)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(Filter(spec).run, image, io.BytesIO(), source=io.BytesIO(data))
            for spec in all_specs(image)
        ]
        for job in jobs:
            job.result()
    return time.perf_counter() - started


def main() -> None:
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    sizes = [(1600, 2400), (2000, 3000), (2500, 4000), (5000, 8000)]
    sample = bench_image(2000, 3000)
    print(
        f"WAGTAILIMAGES_MAX_IMAGE_PIXELS = {limit:,}; {len(all_specs(sample))} renditions each "
        f"({len(SITE_SPECS)} for the reader pages, the rest the API's: "
        f"{', '.join(api_renditions.poster_formats())} at "
        f"{', '.join(str(w) for w in api_renditions.poster_widths(sample))} px)"
    )
    print(
        "| original | megapixels | file | as published: best of 3 | worst of 3 | "
        "each from the original, 3 at a time: best of 3 | worst of 3 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for width, height in sizes:
        picture = photographic(width, height)
        for kind in ("PNG", "JPEG"):
            buffer = io.BytesIO()
            picture.save(buffer, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
            data = buffer.getvalue()
            published = [as_published(data, width, height) for _ in range(REPEATS)]
            each = [render_all(data, width, height) for _ in range(REPEATS)]
            refused = " (refused)" if width * height > limit else ""
            print(
                f"| {kind} {width}x{height}{refused} | {width * height / 1e6:.1f} | "
                f"{len(data) / 1e6:.1f} MB | {min(published):.2f} s | {max(published):.2f} s | "
                f"{min(each):.2f} s | {max(each):.2f} s |"
            )


if __name__ == "__main__":
    main()
