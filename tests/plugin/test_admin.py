"""The editors' side: composing through the page editor, the Reviews desk, snippets."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from review_pages.models import ReviewPage
from tests.support.admin_forms import (
    CRITIQUE,
    FINAL,
    SYNOPSIS,
    add_url,
    performance,
    review_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(person_factory):
    return [
        person_factory(name=name)
        for name in ["Oskar Lind", "Hana Sato", "Bea Thorne", "Caleb Mwangi"]
    ]


@pytest.fixture
def studio(studio_factory):
    return studio_factory(name="Driftwood Films")


def test_editor_creates_and_publishes_a_complete_review(admin_client, index_page, people, studio):
    sections = [SYNOPSIS, performance(people[2], people[3]), CRITIQUE, CRITIQUE, FINAL]
    response = admin_client.post(
        add_url(index_page), review_form_data(people, studio, sections=sections)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    review = ReviewPage.objects.get(slug="saltwater-hymn")
    assert review.live
    assert [c.person.name for c in review.directors.all()] == ["Oskar Lind"]
    assert [(c.person.name, c.character) for c in review.cast.all()] == [
        ("Bea Thorne", "Nell Brannock"),
        ("Caleb Mwangi", "Father Quill"),
    ]
    assert [c.studio.name for c in review.production_companies.all()] == ["Driftwood Films"]
    assert [block.block_type for block in review.body] == [
        "synopsis",
        "performance",
        "critique",
        "critique",
        "final_statement",
    ]
    assert [p.name for p in review.body[1].value["performers"]] == ["Bea Thorne", "Caleb Mwangi"]
    assert review.release_date == datetime.date(2025, 9, 12)
    page = admin_client.get(review.url).content.decode()
    assert "Nell Brannock" in page and "Too many hymns" in page


@pytest.mark.parametrize(
    "sections, message",
    [
        ([CRITIQUE, FINAL], "Add a synopsis"),
        ([SYNOPSIS, CRITIQUE], "Add a final statement"),
        ([CRITIQUE, SYNOPSIS, FINAL], "Move the synopsis to the top"),
        ([SYNOPSIS, FINAL, CRITIQUE], "Move the final statement to the end"),
    ],
)
def test_publishing_refused_until_the_body_is_complete(
    admin_client, index_page, people, studio, sections, message
):
    response = admin_client.post(
        add_url(index_page), review_form_data(people, studio, sections=sections)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewPage.objects.filter(slug="saltwater-hymn").exists()


def test_incomplete_review_can_be_saved_as_draft(admin_client, index_page, people, studio):
    data = review_form_data(people, studio, sections=[CRITIQUE], action="action-save")
    data.pop("action-publish", None)
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 302
    review = ReviewPage.objects.get(slug="saltwater-hymn")
    assert not review.live


def test_publishing_an_existing_draft_is_refused_without_final_statement(admin_client, make_review):
    draft = make_review(live=False)
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=(draft.pk,)))
    assert edit.status_code == 200
    data = nested_form_data(
        {
            "title": draft.title,
            "film_title": draft.film_title,
            "slug": draft.slug,
            "intro": rich_text("<p>x</p>"),
            "mpa_rating": "R",
            "mpa_rating_reason": "",
            "runtime_minutes": "90",
            "release_date": "2025-01-01",
            "distributor": "",
            "author": "",
            "score": "",
            "directors": inline_formset([]),
            "writers": inline_formset([]),
            "cast": inline_formset([]),
            "production_companies": inline_formset([]),
            "genres": inline_formset([]),
            "stills": inline_formset([]),
            "body": streamfield([SYNOPSIS]),
            "action-publish": "1",
        }
    )
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(draft.pk,)), data)
    assert response.status_code == 200
    assert "Add a final statement" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.live


def test_reviews_desk_lists_and_filters(admin_client, make_review):
    make_review(film_title="Desk Alpha", mpa_rating="R", release_date=datetime.date(2023, 5, 1))
    make_review(film_title="Desk Beta", mpa_rating="PG", live=False)
    url = reverse("review_pages_reviewpage_modeladmin_index")
    html = admin_client.get(url).content.decode()
    assert "Desk Alpha" in html and "Desk Beta" in html
    assert "draft" in html and "live" in html
    rated_r = admin_client.get(url, {"mpa_rating__exact": "R"}).content.decode()
    assert "Desk Alpha" in rated_r and "Desk Beta" not in rated_r
    by_year = admin_client.get(url, {"release_year": "2023"}).content.decode()
    assert "Desk Alpha" in by_year and "Desk Beta" not in by_year
    drafts = admin_client.get(url, {"status": "draft"}).content.decode()
    assert "Desk Beta" in drafts and "Desk Alpha" not in drafts
    searched = admin_client.get(url, {"q": "Beta"}).content.decode()
    assert "Desk Beta" in searched and "Desk Alpha" not in searched
    # Each row links to Wagtail's page editor.
    beta = ReviewPage.objects.get(film_title="Desk Beta")
    assert reverse("wagtailadmin_pages:edit", args=(beta.pk,)) in html


def test_people_snippets_search_and_usage(admin_client, make_review, person_factory):
    person = person_factory(name="Yusuf Arslan")
    person_factory(name="Someone Else")
    make_review(film_title="Usage Film", directors=[person])
    listing = admin_client.get(reverse("wagtailsnippets_people_person:list"), {"q": "Yusuf"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Yusuf Arslan" in html and "Someone Else" not in html
    usage = admin_client.get(
        reverse("wagtailsnippets_people_person:usage", args=(person.pk,))
    ).content.decode()
    assert "Usage Film" in usage or "A test headline" in usage


def test_studio_snippets_list(admin_client, studio_factory):
    studio_factory(name="Quarry Lane Pictures", website="https://quarry.example")
    html = admin_client.get(reverse("wagtailsnippets_people_studio:list")).content.decode()
    assert "Quarry Lane Pictures" in html and "https://quarry.example" in html


def test_credits_menu_groups_people_and_studios(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Credits" in html


# Starting a review whose headline a draft already has (the editor's autosave made it)


def autosave_new_review(client, index_page, people, studio):
    """The editor's first autosave of a new review: the create view's save, as JSON."""
    data = review_form_data(people, studio, sections=[SYNOPSIS], action="action-save")
    response = client.post(add_url(index_page), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert json.loads(response.content)["success"] is True
    return ReviewPage.objects.get(slug="saltwater-hymn")


def test_starting_a_review_with_a_drafts_headline_offers_that_draft(
    admin_client, index_page, people, studio
):
    first = autosave_new_review(admin_client, index_page, people, studio)
    assert not first.live
    data = review_form_data(people, studio, sections=[SYNOPSIS, CRITIQUE, FINAL])
    response = admin_client.post(add_url(index_page), data)
    html = response.content.decode()
    assert response.status_code == 200
    edit_url = reverse("wagtailadmin_pages:edit", args=(first.pk,))
    assert (
        f'A draft with this headline already exists, started by you: <a href="{edit_url}">'
        "continue editing it</a>." in html
    )
    assert "is already in use" not in html
    assert ReviewPage.objects.filter(slug="saltwater-hymn").count() == 1
    # The link opens the first draft in the editor.
    editor = admin_client.get(edit_url)
    assert editor.status_code == 200 and "Saltwater Hymn" in editor.content.decode()


def test_a_live_reviews_headline_keeps_wagtails_slug_error(
    admin_client, index_page, people, studio, make_review
):
    make_review(film_title="Saltwater Hymn", slug="saltwater-hymn")
    data = review_form_data(people, studio, sections=[SYNOPSIS, CRITIQUE, FINAL])
    html = admin_client.post(add_url(index_page), data).content.decode()
    assert "The slug &#x27;saltwater-hymn&#x27; is already in use" in html
    assert "continue editing it" not in html


def test_a_draft_someone_else_started_is_named_and_linked_only_for_those_who_may_edit_it(
    client, admin_client, index_page, people, studio, django_user_model
):
    first = autosave_new_review(admin_client, index_page, people, studio)
    contributors = Group.objects.create(name="Contributors")
    contributors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=contributors, page=index_page, permission=Permission.objects.get(codename="add_page")
    )
    user = django_user_model.objects.create_user("newcomer", "n@example.com", "pw")
    user.groups.add(contributors)
    client.force_login(user)
    data = review_form_data(people, studio, sections=[SYNOPSIS, CRITIQUE, FINAL])
    response = client.post(add_url(index_page), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A draft with this headline already exists, started by editor-in-chief" in html
    assert "ask an editor who may edit it to continue it, or change this headline" in html
    assert reverse("wagtailadmin_pages:edit", args=(first.pk,)) not in html
    assert ReviewPage.objects.filter(slug="saltwater-hymn").count() == 1
