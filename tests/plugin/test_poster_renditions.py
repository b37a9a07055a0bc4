"""The poster's renditions in the API: widths × formats (AVIF where Pillow writes it), typed
in OpenAPI, made for a whole listing without a query per review."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail_factories import ImageFactory

from review_pages.api.renditions import avif_supported


@pytest.fixture
def posters(make_review):
    made = []

    def make(count):
        start = len(made)
        made.extend(range(start, start + count))
        return [
            make_review(
                film_title=f"Poster Film {n}",
                poster=ImageFactory(title=f"Poster {n}", file__width=800, file__height=1200),
            )
            for n in range(start, start + count)
        ]

    return make


def test_the_poster_lists_its_renditions_in_each_width_and_format(client, posters):
    (review,) = posters(1)

    poster = client.get(f"/api/v3/reviews/{review.pk}/").json()["poster"]
    v2_poster = client.get(f"/api/v2/pages/{review.pk}/").json()["poster"]

    formats = ["avif", "webp", "jpeg"] if avif_supported() else ["webp", "jpeg"]
    assert [(r["width"], r["format"]) for r in poster["renditions"]] == [
        (width, name) for width in (320, 640, 800) for name in formats
    ]  # 960 is wider than the original: its rendition is the original's width
    for rendition in poster["renditions"]:
        assert rendition["url"].startswith("http://localhost/media/images/")
        assert rendition["url"].endswith(
            "." + {"jpeg": "jpg"}.get(rendition["format"], rendition["format"])
        )
        assert rendition["height"] == rendition["width"] * 3 // 2
    assert v2_poster == poster
    assert (poster["width"], poster["height"]) == (600, 900)  # the default rendition stays


def test_renditions_are_real_files_in_their_format(client, posters):
    from PIL import Image

    (review,) = posters(1)
    client.get(f"/api/v3/reviews/{review.pk}/")
    Rendition = get_image_model().get_rendition_model()
    for rendition in Rendition.objects.filter(filter_spec__contains="format-"):
        with rendition.file.open() as handle, Image.open(handle) as picture:
            expected = rendition.filter_spec.rsplit("format-", 1)[1].upper()
            assert picture.format == expected
            assert picture.width == rendition.width


@override_settings(REVIEW_PAGES={"POSTER_WIDTHS": (200,), "POSTER_FORMATS": ("webp",)})
def test_the_set_is_configured_in_settings(client, posters):
    (review,) = posters(1)
    renditions = client.get(f"/api/v3/reviews/{review.pk}/").json()["poster"]["renditions"]
    assert [(r["width"], r["format"]) for r in renditions] == [(200, "webp")]


@pytest.mark.parametrize(
    "url", ["/api/v3/reviews/", "/api/v2/pages/?type=review_pages.ReviewPage&fields=*"]
)
def test_making_a_listings_renditions_costs_no_query_per_review(client, posters, url):
    def queries_of_first_listing(count):
        client.get(url)  # per-process caches (site root paths, content types) warm
        get_image_model().get_rendition_model().objects.all().delete()
        with (
            override_settings(REVIEW_PAGES={"CACHE_SECONDS": 0}),
            CaptureQueriesContext(connection) as captured,
        ):
            response = client.get(url)
        assert response.status_code == 200
        items = response.json()["items"]
        assert len(items) == count
        assert all(item["poster"]["renditions"] for item in items)
        return len(captured)

    posters(1)
    one = queries_of_first_listing(1)
    posters(4)
    five = queries_of_first_listing(5)
    assert five == one


def test_openapi_types_the_renditions(client, db):
    schemas = client.get("/api/v3/openapi.json").json()["components"]["schemas"]
    assert schemas["Review"]["properties"]["poster"]["anyOf"][0] == {
        "$ref": "#/components/schemas/PosterInfo"
    }
    rendition = schemas["Rendition"]
    assert set(rendition["properties"]) == {"url", "width", "height", "format"}
    assert set(rendition["properties"]["format"]["enum"]) >= {"avif", "webp", "jpeg"}


def test_publishing_makes_the_posters_renditions_ahead(
    client, make_review, django_capture_on_commit_callbacks
):
    Rendition = get_image_model().get_rendition_model()
    poster = ImageFactory(title="Ahead", file__width=700, file__height=1050)
    with django_capture_on_commit_callbacks(execute=True):
        review = make_review(film_title="Made Ahead", poster=poster)

    specs = set(Rendition.objects.filter(image=poster).values_list("filter_spec", flat=True))
    assert "max-600x900|format-webp" in specs and "width-320|format-webp" in specs
    assert (
        len(specs)
        == 1
        + 3 * len(client.get(f"/api/v3/reviews/{review.pk}/").json()["poster"]["renditions"]) // 3
    )
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/api/v3/reviews/{review.pk}/")
    assert not [q for q in captured if "INSERT" in q["sql"].upper()]
