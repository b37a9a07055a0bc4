"""Fixtures shared by the plugin's suite (tests/plugin, on tests/testproject) and the demo
site's (tests/demo and tests/browser, on reviewsite.settings.test)."""

import os

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from tests.support.factories import PersonFactory, ReviewPageFactory, StudioFactory, credit, publish

# CI runs the properties with a fixed seed, so that a run is reproducible and a landing never
# hangs on a new random example; a local run explores new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty response cache (and tag versions)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_review(index_page):
    """Create and publish a review under the index, with optional credits."""

    def make(*, directors=(), writers=(), cast=(), companies=(), live=True, **fields):
        review = ReviewPageFactory(parent=index_page, live=False, **fields)
        credit(review, directors=directors, writers=writers, cast=cast, companies=companies)
        if live:
            publish(review)
        return review

    return make


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor-in-chief", "e@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def person_factory(db):
    return PersonFactory


@pytest.fixture
def studio_factory(db):
    return StudioFactory
