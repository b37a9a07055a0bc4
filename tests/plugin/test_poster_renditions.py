"""The poster's renditions in the API: widths × formats (AVIF where Pillow writes it), typed
in OpenAPI, made for a whole listing without a query per review."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail_factories import ImageFactory

from review_pages.api import renditions
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
    assert specs == {
        "max-600x900|format-webp",
        *renditions.READER_POSTER_SPECS,
        *renditions.poster_specs(poster),
    }
    # Neither the API nor the reader pages make one on their first answer.
    for url in (f"/api/v3/reviews/{review.pk}/", review.url, "/"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert not [q for q in captured if "INSERT" in q["sql"].upper()], url
    assert Rendition.objects.filter(image=poster).count() == len(specs)


def test_a_large_posters_renditions_are_made_from_one_reduced_copy(
    make_review, django_capture_on_commit_callbacks, monkeypatch
):
    """Decoding a 10-megapixel original once instead of once per rendition is what keeps
    publishing the largest allowed poster under 2 s (`make bench-renditions`); the renditions
    come out the size Wagtail makes from the original."""
    reduced = []
    real = renditions._reduced_source
    monkeypatch.setattr(
        renditions,
        "_reduced_source",
        lambda *args: reduced.append(result := real(*args)) or result,
    )
    Rendition = get_image_model().get_rendition_model()
    poster = ImageFactory(title="Large", file__width=2500, file__height=4000)
    with django_capture_on_commit_callbacks(execute=True):
        make_review(film_title="Large Poster", poster=poster)

    assert len(reduced) == 1 and reduced[0] is not None
    made = {r.filter_spec: (r.width, r.height) for r in Rendition.objects.filter(image=poster)}
    twin = ImageFactory(title="Twin", file__width=2500, file__height=4000)
    for spec, (width, height) in made.items():
        direct = twin.get_rendition(spec)  # Wagtail's own way, from the original
        assert abs(direct.width - width) <= 1 and abs(direct.height - height) <= 1, spec


@pytest.mark.parametrize(
    ("spec", "scale"),
    [
        ("width-480|format-webp", 0.25),
        ("max-600x900|format-webp", 0.3125),
        ("width-2400|format-jpeg", 1.0),
        ("fill-200x200|format-webp", None),  # crops around the focal point
        ("width-480", None),  # no format: the source's would be kept
        ("width-480|grayscale|format-webp", None),
    ],
)
def test_only_renditions_that_just_scale_use_a_reduced_copy(spec, scale):
    assert renditions._scale_of(spec, 1920, 2880) == scale
