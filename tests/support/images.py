"""Wagtail images made on the spot with Pillow (the plugin's suite has no demo posters)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike


def make_image(title: str, size=(600, 900), colour="#1f3b4d", name="poster.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    data = buffer.getvalue()
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(data), name=name)
    image.file_size = len(data)
    image.file_hash = hash_filelike(io.BytesIO(data))
    image.save()
    return image


def make_poster(film_title: str):
    from django.utils.text import slugify

    return make_image(f"Poster for {film_title}", name=f"poster-{slugify(film_title)}.png")
