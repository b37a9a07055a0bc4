"""Costly uploads are refused in the admin with a clear message, before anything is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


def png(size) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#223344").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(admin_client, data: bytes, name="poster.png"):
    return admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "A poster", "file": SimpleUploadedFile(name, data, content_type="image/png")},
    )


def test_a_poster_over_ten_megapixels_is_refused(admin_client):
    data = png((11_000, 11_000))  # 121 megapixels in a few hundred KB, as in the report
    assert len(data) < 1024 * 1024
    response = upload(admin_client, data)
    assert response.status_code == 200  # the form again
    assert "This file has too many pixels (121000000). Maximum pixels 10000000." in (
        response.content.decode()
    )
    assert not get_image_model().objects.exists()


def test_a_file_over_ten_megabytes_is_refused(admin_client):
    response = upload(admin_client, png((100, 100)) + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 200
    assert "This file is too big" in response.content.decode()
    assert "Maximum filesize 10.0" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_the_largest_allowed_poster_is_accepted(admin_client):
    response = upload(admin_client, png((2500, 4000)))  # 10 megapixels exactly
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_image_model().objects.get().width == 2500
