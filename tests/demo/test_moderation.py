"""Editors submit, Moderators approve: the groups and workflow from the data migration."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Workflow

from people.models import Person
from review_pages.models import ReviewPage
from tests.support.admin_forms import CRITIQUE, FINAL, SYNOPSIS, add_url, review_form_data

pytestmark = pytest.mark.django_db


def member_of(django_user_model, client, group_name):
    user = django_user_model.objects.create_user(group_name.lower(), password="pw")
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return client


@pytest.fixture
def editor(client, django_user_model):
    return member_of(django_user_model, client, "Editors")


@pytest.fixture
def moderator(django_user_model):
    from django.test import Client

    return member_of(django_user_model, Client(), "Moderators")


@pytest.fixture
def people(person_factory):
    return [person_factory(name=n) for n in ["Oskar Lind", "Hana Sato", "Bea Thorne", "Cal Ruiz"]]


@pytest.fixture
def studio(studio_factory):
    return studio_factory(name="Driftwood Films")


def form(people, studio, action, sections=(SYNOPSIS, CRITIQUE, FINAL)):
    return review_form_data(people, studio, sections=list(sections), action=action)


def test_reviews_are_moderated_by_the_review_workflow(index_page):
    workflow = index_page.get_workflow()
    assert workflow.name == "Review moderation"
    tasks = [task.specific for task in workflow.tasks]
    assert [[g.name for g in task.groups.all()] for task in tasks] == [["Moderators"]]
    assert Workflow.objects.get(name="Review moderation").active


def test_group_permissions(editor, moderator, django_user_model):
    editor_user = django_user_model.objects.get(username="editors")
    moderator_user = django_user_model.objects.get(username="moderators")
    for user in (editor_user, moderator_user):
        assert user.has_perm("wagtailadmin.access_admin")
        for perm in ["add_person", "change_person", "add_studio", "change_studio"]:
            assert user.has_perm(f"people.{perm}"), perm
        assert not user.has_perm("people.delete_person")
    assert editor.get(reverse("wagtailadmin_home")).status_code == 200


def test_an_editor_cannot_publish(editor, index_page, people, studio):
    response = editor.post(add_url(index_page), form(people, studio, "action-publish"))
    review = ReviewPage.objects.get()
    assert not review.live
    assert response.status_code == 302
    edit = editor.get(reverse("wagtailadmin_pages:edit", args=(review.pk,))).content.decode()
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit


def test_an_editor_cannot_unpublish(editor, make_review):
    review = make_review()
    response = editor.post(reverse("wagtailadmin_pages:unpublish", args=(review.pk,)))
    assert response.status_code in (302, 403)
    review.refresh_from_db()
    assert review.live


def test_editor_submits_and_moderator_approves(editor, moderator, index_page, people, studio):
    response = editor.post(add_url(index_page), form(people, studio, "action-submit"))
    assert response.status_code == 302
    review = ReviewPage.objects.get()
    assert not review.live
    state = review.current_workflow_state
    assert state is not None and state.status == "in_progress"
    task_state = state.current_task_state

    # The editor cannot approve their own submission.
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=(review.pk, "approve", task_state.pk)
    )
    refused = editor.post(approve, {"comment": ""})
    assert refused.status_code in (302, 403)
    review.refresh_from_db()
    assert not review.live

    # The moderator sees the review awaiting them and approves it.
    dashboard = moderator.get(reverse("wagtailadmin_home")).content.decode()
    assert "Saltwater Hymn" in dashboard
    approved = moderator.post(approve, {"comment": "Good to go"})
    assert approved.status_code in (200, 302)
    review.refresh_from_db()
    assert review.live
    state.refresh_from_db()
    assert state.status == "approved"
    assert "Nell Brannock" in moderator.get(review.url).content.decode()


def test_the_moderator_can_publish_and_unpublish(moderator, index_page, people, studio):
    response = moderator.post(add_url(index_page), form(people, studio, "action-publish"))
    assert response.status_code == 302
    review = ReviewPage.objects.get()
    assert review.live
    moderator.post(reverse("wagtailadmin_pages:unpublish", args=(review.pk,)))
    review.refresh_from_db()
    assert not review.live


def test_an_incomplete_review_is_not_submitted(editor, index_page, people, studio):
    response = editor.post(
        add_url(index_page), form(people, studio, "action-submit", sections=[SYNOPSIS])
    )
    assert response.status_code == 200
    assert "Add a final statement" in response.content.decode()
    assert not ReviewPage.objects.exists()


def test_editors_create_people_from_the_chooser(editor):
    url = reverse(Person.snippet_viewset.chooser_viewset.get_url_name("create"))
    assert editor.post(url, {"name": "New Face"}).json()["step"] == "chosen"
    assert Person.objects.filter(name="New Face").exists()
