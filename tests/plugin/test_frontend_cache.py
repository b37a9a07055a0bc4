"""The CDN purge (Wagtail's frontend cache): a publish purges every address showing the
review, a renamed person every address showing them."""

import pytest
from django.test import override_settings
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from tests.support.factories import publish

PURGED: list[str] = []


class RecordingBackend(BaseBackend):
    def purge(self, url) -> None:
        PURGED.append(url)


CDN = {"default": {"BACKEND": "tests.plugin.test_frontend_cache.RecordingBackend"}}


@pytest.fixture
def purged(django_capture_on_commit_callbacks):
    """The addresses purged by what the test does inside `with purged() as urls:`."""
    from contextlib import contextmanager

    @contextmanager
    def capture():
        PURGED.clear()
        urls: set[str] = set()
        with override_settings(WAGTAILFRONTENDCACHE=CDN, REVIEW_PAGES={"CDN_PURGE": True}):
            with django_capture_on_commit_callbacks(execute=True):
                yield urls
        urls.update(PURGED)

    return capture


def test_publishing_a_review_purges_everything_that_shows_it(
    make_review, person_factory, studio_factory, purged
):
    director = person_factory(name="Dana Director")
    studio = studio_factory(name="Sunrise Studio")
    review = make_review(film_title="Alpha Film", directors=[director], companies=[studio])
    review.title = "'Alpha Film' Review: Changed"
    with purged() as urls:
        publish(review)
    paths = {url.split("://", 1)[1].split("/", 1)[1] for url in urls}
    assert {
        review.url.lstrip("/"),
        "",
        "feed/",
        "sitemap.xml",
        f"people/{director.slug}/",
        f"studios/{studio.slug}/",
    } <= paths


def test_renaming_a_person_purges_their_filmography_and_reviews(
    make_review, person_factory, purged
):
    actor = person_factory(name="Adam Actor")
    review = make_review(film_title="Beta Film", cast=[(actor, "The Keeper")])
    with purged() as urls:
        actor.name = "Adam Renamed"
        actor.save()
    paths = {url.split("://", 1)[1].split("/", 1)[1] for url in urls}
    assert {f"people/{actor.slug}/", review.url.lstrip("/"), "", "feed/"} <= paths
