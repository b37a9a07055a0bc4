"""Deleting a person or studio still credited on a review is refused, naming the reviews."""

import pytest
from django.urls import reverse

from people.models import Person, Studio
from tests.support.factories import complete_body, publish

pytestmark = pytest.mark.django_db


def delete_url(obj):
    return reverse(obj.snippet_viewset.get_url_name("delete"), args=(obj.pk,))


def usage_url(obj):
    return reverse(obj.snippet_viewset.get_url_name("usage"), args=(obj.pk,))


def assert_refused(client, obj, review_titles):
    confirm = client.get(delete_url(obj))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Yes, delete" not in html
    assert "cannot be deleted" in html
    for title in review_titles:
        assert title.replace("'", "&#x27;") in html, title
    response = client.post(delete_url(obj), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be deleted" in html
    for title in review_titles:
        assert title.replace("'", "&#x27;") in html, title
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", ["directors", "writers", "cast", "author"])
def test_a_credited_person_is_not_deleted(admin_client, make_review, person_factory, role):
    person = person_factory(name="Ines Varga")
    if role == "author":
        review = make_review(film_title="Low Tide", author=person)
    elif role == "cast":
        review = make_review(film_title="Low Tide", cast=[(person, "Mara")])
    else:
        review = make_review(film_title="Low Tide", **{role: [person]})
    usage = admin_client.get(usage_url(person)).content.decode()
    assert review.title.replace("'", "&#x27;") in usage
    assert_refused(admin_client, person, [review.title])


@pytest.mark.parametrize("role", ["companies", "distributor"])
def test_a_credited_studio_is_not_deleted(admin_client, make_review, studio_factory, role):
    studio = studio_factory(name="Kiln Pictures")
    if role == "distributor":
        review = make_review(film_title="Ember", distributor=studio)
    else:
        review = make_review(film_title="Ember", companies=[studio])
    usage = admin_client.get(usage_url(studio)).content.decode()
    assert review.title.replace("'", "&#x27;") in usage
    assert_refused(admin_client, studio, [review.title])


def test_a_performer_named_only_in_a_section_is_not_deleted(
    admin_client, make_review, person_factory
):
    person = person_factory(name="Only Performs")
    review = make_review(film_title="Glasswork", body=complete_body([person.pk]))
    other = make_review(film_title="Second", body=complete_body([person.pk]), live=False)
    assert_refused(admin_client, person, [review.title, other.title])


def test_a_person_named_only_in_an_unpublished_draft_is_not_deleted(
    admin_client, make_review, person_factory
):
    person = person_factory(name="Draft Only")
    review = make_review(film_title="Drafted")
    draft = review.get_latest_revision_as_object()
    draft.body = complete_body([person.pk])
    draft.save_revision()
    assert_refused(admin_client, person, [review.title])


def test_an_uncredited_person_is_deleted(admin_client, make_review, person_factory):
    person = person_factory(name="Nobody Yet")
    make_review(film_title="Unrelated")
    assert "Yes, delete" in admin_client.get(delete_url(person)).content.decode()
    response = admin_client.post(delete_url(person))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_after_the_credit_is_removed_the_person_can_be_deleted(
    admin_client, make_review, person_factory
):
    person = person_factory(name="Was Credited")
    review = make_review(directors=[person])
    review.directors.all().delete()
    publish(review)
    admin_client.post(delete_url(person))
    assert not Person.objects.filter(pk=person.pk).exists()


def bulk_delete_url(model, objects):
    url = reverse(
        "wagtail_bulk_action", args=(model._meta.app_label, model._meta.model_name, "delete")
    )
    return url + "?" + "&".join(f"id={obj.pk}" for obj in objects)


def test_bulk_delete_refuses_when_any_selected_entry_is_credited(
    admin_client, make_review, person_factory
):
    credited = person_factory(name="Bulk Performer")
    free = person_factory(name="Bulk Free")
    review = make_review(film_title="Bulk", body=complete_body([credited.pk]))
    url = bulk_delete_url(Person, [credited, free])
    html = admin_client.get(url).content.decode()
    assert "cannot be deleted" in html
    assert review.title.replace("'", "&#x27;") in html
    assert "Yes, delete" not in html
    response = admin_client.post(url)
    assert response.status_code in (302, 403)
    assert Person.objects.filter(pk__in=[credited.pk, free.pk]).count() == 2


def test_bulk_delete_of_uncredited_studios(admin_client, studio_factory):
    studios = [studio_factory(name="Free One"), studio_factory(name="Free Two")]
    response = admin_client.post(bulk_delete_url(Studio, studios))
    assert response.status_code == 302
    assert not Studio.objects.exists()
