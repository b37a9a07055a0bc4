"""The review form as an editor meets it: tabs, help, choosers that create, preview, and
messages next to the field that caused them."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from people.models import Person, Studio
from review_pages.models import ReviewPage

from .test_admin import CRITIQUE, FINAL, SYNOPSIS, add_url, performance, review_form_data

pytestmark = pytest.mark.django_db

COMPLETE = [SYNOPSIS, CRITIQUE, FINAL]


@pytest.fixture
def people(person_factory):
    return [person_factory(name=n) for n in ["Oskar Lind", "Hana Sato", "Bea Thorne", "Cal Ruiz"]]


@pytest.fixture
def studio(studio_factory):
    return studio_factory(name="Driftwood Films")


def post_review(client, index_page, people, studio, action="action-publish", **overrides):
    data = review_form_data(people, studio, sections=COMPLETE, action=action)
    data.update(overrides)
    return client.post(add_url(index_page), data)


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_the_form_has_the_editors_tabs_and_help(admin_client, index_page):
    html = admin_client.get(add_url(index_page)).content.decode()
    tabs = re.findall(r'role="tab"[^>]*>\s*([^<]+?)\s*<', html)
    # Wagtail 8 keeps the Settings tab's scheduling and comments in the status side panel
    # and hides a tab with nothing left to show.
    assert tabs[:4] == ["Review", "Film facts", "Credits", "Promote"]
    for help_text in [
        "The headline readers see",
        "The film&#x27;s title alone",
        "The standfirst",
        "A synopsis first, then performance and critique sections",
        "The film&#x27;s MPA rating",
        "Why the film got its rating",
        "In minutes: 125 is shown as 2 hours and 5 minutes.",
        "first theatrical release",
        "The film&#x27;s poster",
        "In billing order, each with the character they play.",
        "use “Add a new person” in the chooser",
        "use “Add a new studio” in the chooser",
        "The studio that releases the film",
        "The critic who wrote the review.",
        "from 0 to 5 in halves",
    ]:
        assert help_text in html, help_text


@pytest.mark.parametrize("relation", ["directors", "writers", "cast"])
def test_the_same_person_twice_in_one_list_is_refused_next_to_the_second(
    admin_client, index_page, people, studio, relation
):
    twice = inline_formset([{"person": people[0].pk}, {"person": people[0].pk}])
    data = review_form_data(people, studio, sections=COMPLETE, action="action-save")
    data = {k: v for k, v in data.items() if not k.startswith(f"{relation}-")}
    data.update(nested_form_data({relation: twice}))
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 200
    formset = response.context["form"].formsets[relation]
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors["person"] == [
        "Oskar Lind is already in this list; credit each one once."
    ]
    assert "Oskar Lind is already in this list" in response.content.decode()
    assert not ReviewPage.objects.exists()


def test_the_same_studio_twice_is_refused(admin_client, index_page, people, studio):
    data = review_form_data(people, studio, sections=COMPLETE, action="action-save")
    data = {k: v for k, v in data.items() if not k.startswith("production_companies-")}
    twice = inline_formset([{"studio": studio.pk}, {"studio": studio.pk}])
    data.update(nested_form_data({"production_companies": twice}))
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 200
    assert response.context["form"].formsets["production_companies"].forms[1].errors["studio"]
    assert not ReviewPage.objects.exists()


def test_one_person_may_hold_several_roles(admin_client, index_page, people, studio):
    data = review_form_data(people, studio, sections=COMPLETE)
    data["writers-0-person"] = str(people[0].pk)  # also the director
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 302
    review = ReviewPage.objects.get()
    assert review.directors.get().person == review.writers.get().person


@pytest.mark.parametrize("runtime", ["0", "1001", "-5"])
def test_runtime_outside_1_to_1000_minutes_is_refused(
    admin_client, index_page, people, studio, runtime
):
    response = post_review(admin_client, index_page, people, studio, runtime_minutes=runtime)
    assert response.status_code == 200
    errors = field_errors(response, "runtime_minutes")
    assert errors and any(("1000" in e) or ("1." in e) or ("0." in e) for e in errors), errors
    assert not ReviewPage.objects.exists()


@pytest.mark.parametrize("runtime", ["1", "1000"])
def test_runtime_bounds_are_accepted(admin_client, index_page, people, studio, runtime):
    response = post_review(admin_client, index_page, people, studio, runtime_minutes=runtime)
    assert response.status_code == 302
    assert ReviewPage.objects.get().runtime_minutes == int(runtime)


def test_a_rating_reason_without_a_rating_is_refused(admin_client, index_page, people, studio):
    response = post_review(
        admin_client, index_page, people, studio, mpa_rating="", mpa_rating_reason="gore"
    )
    assert response.status_code == 200
    assert field_errors(response, "mpa_rating") == ["Choose the rating that this reason explains."]
    assert not ReviewPage.objects.exists()


@pytest.mark.parametrize(
    "score, message",
    [
        ("5.5", "Ensure this value is less than or equal to 5."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("3.3", "Give the score in halves, such as 3 or 3.5."),
        ("2.25", "no more than 2 digits"),
    ],
)
def test_a_score_outside_0_to_5_or_not_in_halves_is_refused(
    admin_client, index_page, people, studio, score, message
):
    response = post_review(admin_client, index_page, people, studio, score=score)
    assert response.status_code == 200
    assert any(message in e for e in field_errors(response, "score")), field_errors(
        response, "score"
    )
    assert message.split(",")[0] in response.content.decode()
    assert not ReviewPage.objects.exists()


@pytest.mark.parametrize("score", ["0", "3.5", "5"])
def test_scores_in_halves_are_accepted(admin_client, index_page, people, studio, score):
    assert post_review(admin_client, index_page, people, studio, score=score).status_code == 302
    assert str(ReviewPage.objects.get().score) == f"{float(score):.1f}"


def test_an_incomplete_draft_is_saved_but_field_errors_still_apply(
    admin_client, index_page, people, studio
):
    data = review_form_data(people, studio, sections=[CRITIQUE], action="action-save")
    data.pop("action-publish", None)
    data["runtime_minutes"] = "5000"
    refused = admin_client.post(add_url(index_page), data)
    assert refused.status_code == 200 and field_errors(refused, "runtime_minutes")
    data["runtime_minutes"] = "90"
    assert admin_client.post(add_url(index_page), data).status_code == 302
    draft = ReviewPage.objects.get()
    assert not draft.live and draft.runtime_minutes == 90


def test_submitting_for_moderation_needs_a_complete_body(admin_client, index_page, people, studio):
    data = review_form_data(people, studio, sections=[SYNOPSIS, CRITIQUE], action="action-submit")
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 200
    assert "Add a final statement" in response.content.decode()
    assert not ReviewPage.objects.exists()


@pytest.mark.parametrize(
    "model, label", [(Person, "Add a new person"), (Studio, "Add a new studio")]
)
def test_choosers_offer_creating_a_new_entry(admin_client, model, label):
    url = reverse(model.snippet_viewset.chooser_viewset.get_url_name("choose"))
    response = admin_client.get(url)
    assert response.status_code == 200
    assert label in response.json()["html"]


@pytest.mark.parametrize("model", [Person, Studio])
def test_creating_from_the_chooser_returns_the_new_entry(admin_client, model):
    url = reverse(model.snippet_viewset.chooser_viewset.get_url_name("create"))
    response = admin_client.post(url, {"name": "  Zoë   Kravitz "})
    assert response.status_code == 200
    payload = response.json()
    assert payload["step"] == "chosen"
    created = model.objects.get()
    assert created.name == "Zoë Kravitz" and created.slug == "zoë-kravitz"
    assert payload["result"]["id"] in (created.pk, str(created.pk))


def test_the_chooser_refuses_a_name_already_in_the_library(admin_client, person_factory):
    person_factory(name="Zoë Kravitz")
    url = reverse(Person.snippet_viewset.chooser_viewset.get_url_name("create"))
    response = admin_client.post(url, {"name": "zoë  KRAVITZ"})
    assert response.status_code == 200
    payload = response.json()
    assert payload["step"] != "chosen"
    assert "already in the library" in payload["htmlFragment"]
    assert Person.objects.count() == 1


def test_preview_renders_the_page_template_with_unsaved_credits(
    admin_client, index_page, people, studio
):
    sections = [SYNOPSIS, performance(people[2]), CRITIQUE, FINAL]
    data = review_form_data(people, studio, sections=sections, action="action-save")
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("review_pages", "reviewpage", index_page.pk)
    )
    posted = admin_client.post(url, data)
    assert posted.status_code == 200 and posted.json()["is_valid"] is True
    preview = admin_client.get(url)
    assert preview.status_code == 200
    assert "review_pages/review_page.html" in [t.name for t in preview.templates]
    html = preview.content.decode()
    for text in ["Saltwater Hymn", "Nell Brannock", "Bea Thorne", "Oskar Lind", "Driftwood Films"]:
        assert text in html, text
    assert not ReviewPage.objects.exists()
