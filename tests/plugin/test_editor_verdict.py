"""The editor as a critic uses it: the Verdict panel on the first tab, a warning (never a
refusal) for a review search engines would not show as a review, the headline in full,
labelled performer rows, and the Reviews desk's critic, score and published columns."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from review_pages.blocks import PerformanceBlock
from review_pages.models import ReviewPage
from tests.support.admin_forms import FINAL, SYNOPSIS, add_url, review_form_data

pytestmark = pytest.mark.django_db

WARNING = "search engines will not show it as a review"


def edit_html(admin_client, review) -> str:
    return admin_client.get(reverse("wagtailadmin_pages:edit", args=(review.pk,))).content.decode()


def test_critic_score_and_featured_are_in_a_verdict_panel_on_the_first_tab():
    first_tab = ReviewPage.edit_handler.children[0]
    assert first_tab.heading == "Review"
    verdict = next(child for child in first_tab.children if child.heading == "Verdict")
    assert [child.field_name for child in verdict.children] == ["author", "score", "featured"]
    other_tabs = ReviewPage.edit_handler.children[1:]
    assert not [
        child
        for tab in other_tabs
        for child in tab.children
        if getattr(child, "field_name", "") in ("author", "score")
    ]


def test_the_editor_warns_about_a_review_without_critic_or_score(admin_client, make_review):
    html = edit_html(admin_client, make_review(film_title="Unsigned"))
    assert "This review has no critic and no score: " + WARNING in html


def test_no_warning_once_the_review_has_a_critic_and_a_score(
    admin_client, make_review, person_factory
):
    review = make_review(film_title="Signed", author=person_factory(), score=Decimal("3"))
    assert WARNING not in edit_html(admin_client, review)


def test_publishing_without_a_critic_succeeds_with_a_warning(
    admin_client, index_page, person_factory, studio_factory
):
    people = [person_factory() for _ in range(4)]
    data = review_form_data(people, studio_factory(), sections=[SYNOPSIS, FINAL])
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 302  # published, not refused
    assert ReviewPage.objects.get().live
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("This review has no critic: " + WARNING)
    assert warnings[0].endswith("You can still publish it.")


def test_publishing_with_critic_and_score_gives_no_warning(
    admin_client, index_page, person_factory, studio_factory
):
    people = [person_factory() for _ in range(4)]
    data = review_form_data(people, studio_factory(), sections=[SYNOPSIS, FINAL])
    data["author"] = str(person_factory(name="A Critic").pk)
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_the_headline_field_grows_to_show_a_long_headline(admin_client, make_review):
    long_title = "'Long' Review: " + "A Headline That Keeps Going " * 6
    html = edit_html(admin_client, make_review(film_title="Long", title=long_title.strip()))
    field = re.search(r'<textarea[^>]*name="title"[^>]*>', html)
    assert field is not None and 'data-controller="w-autosize' in field.group(0)


def test_performer_rows_are_labelled():
    assert PerformanceBlock().child_blocks["performers"].child_block.label == "performer"


def test_the_desk_shows_critic_score_and_published(admin_client, make_review, person_factory):
    review = make_review(
        film_title="Desk Film", author=person_factory(name="Desk Critic"), score=Decimal("4.5")
    )
    make_review(film_title="Unscored Film")
    html = admin_client.get(reverse("review_pages_reviewpage_modeladmin_index")).content.decode()
    for heading in ("Critic", "Score", "Published"):
        assert re.search(rf">\s*{heading}\s*<", html), heading
    assert "Desk Critic" in html and "4.5/5" in html
    assert review.first_published_at.strftime("%b") in html
    assert "review_pages/admin/reviews_desk.css" in html  # buttons kept on one line
