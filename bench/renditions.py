"""How long the renditions of the largest poster the demo accepts take to make.

Each Wagtail rendition decodes the whole original, so their cost grows with the original's
pixels, not with the rendition's size: this is what WAGTAILIMAGES_MAX_IMAGE_PIXELS bounds.
Makes the nine renditions the site and its APIs ask of a poster (the review page's
<picture>, the front page's cards, the link-preview image, the API's poster and portrait),
three at a time as Wagtail's `create_renditions` does, from a PNG and a JPEG at several
sizes up to the limit, and prints a table. Run: `make bench-renditions`.
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

from review_pages.api.shapes import PORTRAIT_RENDITION, POSTER_RENDITION  # noqa: E402

SPECS = [
    "max-1200x1200|format-jpeg",  # link previews
    *(f"width-{w}|format-{f}" for w in (120, 240, 480) for f in ("webp", "jpeg")),  # <picture>
    POSTER_RENDITION,
    PORTRAIT_RENDITION,
]
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


def render_all(data: bytes, width: int, height: int) -> float:
    image = get_image_model()(title="bench", width=width, height=height, collection_id=1)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(Filter(spec).run, image, io.BytesIO(), source=io.BytesIO(data))
            for spec in SPECS
        ]
        for job in jobs:
            job.result()
    return time.perf_counter() - started


def main() -> None:
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    sizes = [(1600, 2400), (2000, 3000), (2500, 4000), (5000, 8000)]
    print(f"WAGTAILIMAGES_MAX_IMAGE_PIXELS = {limit:,}; {len(SPECS)} renditions each")
    print("| original | megapixels | file | best of 3 | worst of 3 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for width, height in sizes:
        picture = photographic(width, height)
        for kind in ("PNG", "JPEG"):
            buffer = io.BytesIO()
            picture.save(buffer, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
            data = buffer.getvalue()
            times = [render_all(data, width, height) for _ in range(REPEATS)]
            refused = " (refused)" if width * height > limit else ""
            print(
                f"| {kind} {width}x{height}{refused} | {width * height / 1e6:.1f} | "
                f"{len(data) / 1e6:.1f} MB | {min(times):.2f} s | {max(times):.2f} s |"
            )


if __name__ == "__main__":
    main()
