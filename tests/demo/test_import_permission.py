"""The demo's Editors and Moderators may import reviews from the admin (data migration
reviewsite.0003): Editors as drafts, Moderators published too."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from review_pages.models import ReviewPage
from tests.support.importing import SAMPLES_DIR

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/review-pages/import/"


def member_of(django_user_model, group_name) -> Client:
    user = django_user_model.objects.create_user(f"{group_name.lower()}-1", password="pw")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


def sample() -> SimpleUploadedFile:
    return SimpleUploadedFile("copper-saints.txt", (SAMPLES_DIR / "copper-saints.txt").read_bytes())


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_the_demo_groups_hold_the_import_permission(group_name):
    group = Group.objects.get(name=group_name)
    assert group.permissions.filter(
        content_type__app_label="review_pages", codename="import_reviews"
    ).exists()


def test_an_editor_imports_drafts_and_may_not_publish(django_user_model, index_page):
    client = member_of(django_user_model, "Editors")
    page = client.get(IMPORT_URL)
    assert page.status_code == 200 and 'name="publish"' not in page.content.decode()
    client.post(IMPORT_URL, {"files": [sample()], "action": "import"})
    review = ReviewPage.objects.get(film_title="Copper Saints")
    assert not review.live


def test_a_moderator_imports_and_publishes(django_user_model, index_page):
    client = member_of(django_user_model, "Moderators")
    assert 'name="publish"' in client.get(IMPORT_URL).content.decode()
    client.post(IMPORT_URL, {"files": [sample()], "action": "import", "publish": "on"})
    assert ReviewPage.objects.get(film_title="Copper Saints").live
