"""What a host gets from the plugin (docs/installation.md): system checks naming what is
missing, one settings dict, pages inside its own base.html, a review index anywhere in its
tree, and the API endpoints on routers of its own."""

import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core import checks
from django.test import override_settings
from wagtail.models import Page, Site

from review_pages import checks as review_checks
from review_pages.api import wiring
from review_pages.conf import DEFAULTS, reviews_settings
from review_pages.models import ReviewIndexPage
from tests.support.factories import ReviewPageFactory, credit, publish

pytestmark = pytest.mark.django_db

STOCK_TEMPLATES = Path(__file__).resolve().parents[1] / "testproject" / "stock_templates"
JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


# System checks


@pytest.mark.parametrize("missing", sorted(review_checks.REQUIRED_APPS))
def test_a_missing_app_is_a_check_error_that_names_it(monkeypatch, missing):
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != missing and installed(name))
    errors = review_checks.check_required_apps()
    assert [error.id for error in errors] == ["review_pages.E001"]
    assert repr(missing) in errors[0].msg


def test_the_test_project_passes_every_check():
    ours = [message for message in checks.run_checks() if message.id.startswith("review_pages")]
    assert ours == []
    assert [message for message in checks.run_checks() if message.level >= checks.ERROR] == []


@override_settings(REVIEW_PAGES={"PER_PAGE": 5, "PAGE_SIZE": 3})
def test_an_unknown_setting_is_a_warning_that_names_it():
    warnings = review_checks.check_settings()
    assert [warning.id for warning in warnings] == ["review_pages.W002"]
    assert "PAGE_SIZE" in warnings[0].msg and "PER_PAGE" not in warnings[0].msg


def test_the_cache_middleware_without_its_app_is_an_error(monkeypatch):
    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name != "review_pages.cache" and installed(name)
    )
    assert [error.id for error in review_checks.check_cache_wiring()] == ["review_pages.E003"]


def test_a_v3_pages_router_imported_too_early_is_an_error(monkeypatch):
    assert review_checks.check_v3_schema() == []
    monkeypatch.setattr(wiring, "registered_too_late", True)
    assert [error.id for error in review_checks.check_v3_schema()] == ["review_pages.E004"]


# One settings accessor


def test_settings_have_defaults_and_follow_override_settings():
    assert reviews_settings.PER_PAGE == DEFAULTS["PER_PAGE"]
    with override_settings(REVIEW_PAGES={"PER_PAGE": 3}):
        assert reviews_settings.PER_PAGE == 3
        assert reviews_settings.FEED_LENGTH == DEFAULTS["FEED_LENGTH"]
    assert reviews_settings.PER_PAGE == DEFAULTS["PER_PAGE"]
    with pytest.raises(AttributeError, match="NO_SUCH"):
        reviews_settings.NO_SUCH  # noqa: B018


def test_every_setting_is_documented():
    documented = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text()
    for key in DEFAULTS:
        assert f"`{key}`" in documented, key


@override_settings(REVIEW_PAGES={"PER_PAGE": 2})
def test_the_front_page_reads_per_page(client, make_review):
    for number in range(3):
        make_review(film_title=f"Paged {number}")
    assert "Page 1 of 2" in client.get("/").content.decode()


@override_settings(REVIEW_PAGES={"SITE_NAME": "The Reel Thing"})
def test_the_publication_name_comes_from_the_setting(client, make_review):
    review = make_review(film_title="Named")
    data = json.loads(JSON_LD.findall(client.get(review.url).content.decode())[0])
    assert data["publisher"]["name"] == "The Reel Thing"


def test_the_publication_name_comes_from_the_site_record(client, make_review):
    Site.objects.filter(is_default_site=True).update(site_name="Sitename Weekly")
    review = make_review(film_title="Named by the site")
    html = client.get(review.url).content.decode()
    assert json.loads(JSON_LD.findall(html)[0])["publisher"]["name"] == "Sitename Weekly"
    assert '<meta property="og:site_name" content="Sitename Weekly">' in html


# Templates inside the host's base.html


@pytest.fixture
def credited_review(make_review, person_factory, studio_factory):
    return make_review(
        film_title="Harbour Lights",
        title="'Harbour Lights' Review: Fog and Fidelity",
        directors=[person_factory(name="Ines Calder")],
        cast=[(person_factory(name="Tomas Rye"), "The Lamplighter")],
        companies=[studio_factory(name="Breakwater Films")],
    )


def test_with_the_head_tag_the_json_ld_and_social_tags_are_in_the_head(client, credited_review):
    html = client.get(credited_review.url).content.decode()
    head, body = html.split("</head>", 1)
    assert len(JSON_LD.findall(head)) == 1 and JSON_LD.findall(body) == []
    assert '<meta property="og:title"' in head and '<link rel="canonical"' in head
    assert "review_pages/review_pages.css" in head and "review_pages/review_pages.css" not in body


def test_a_stock_wagtail_base_still_gets_the_json_ld_in_the_body(client, credited_review, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [STOCK_TEMPLATES]},
    ]
    html = client.get(credited_review.url).content.decode()
    head, body = html.split("</head>", 1)
    assert JSON_LD.findall(head) == []
    blocks = JSON_LD.findall(body)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["itemReviewed"]["name"] == "Harbour Lights"
    assert data["itemReviewed"]["actor"][0]["characterName"] == "The Lamplighter"
    assert "review_pages/review_pages.css" in body
    # The whole page is there: facts, credits with characters, sections.
    assert "Ines Calder" in body and "The Lamplighter" in body and "Breakwater Films" in body
    assert "Synopsis" in body and "Verdict" in body
    for url in ["/", "/people/ines-calder/", "/search/?q=harbour"]:
        assert client.get(url).status_code == 200, url


def test_the_head_tag_gives_nothing_on_other_pages(rf, index_page):
    from django.template.loader import render_to_string

    page = Page(title="About us", slug="about")
    html = render_to_string("base.html", {"page": page, "request": rf.get("/about/")})
    assert "About us" in html
    assert "application/ld+json" not in html and "review_pages.css" not in html
    assert "og:title" not in html and 'rel="canonical"' not in html


# A review index anywhere in the host's tree


@pytest.fixture
def nested_index(db):
    """A host's own home page as the site root, the review index under it."""
    from tests.support.baseline import ensure_review_index

    root_index = ensure_review_index()  # the suite's index, at the site root
    home = Page.get_first_root_node().add_child(instance=Page(title="Home", slug="home"))
    Site.objects.filter(is_default_site=True).update(root_page=home)
    index = home.add_child(instance=ReviewIndexPage(title="Film desk", slug="film"))
    publish(index)
    assert root_index.pk != index.pk
    return index


def test_a_review_index_can_go_under_the_hosts_home_page(nested_index):
    assert ReviewIndexPage in Page.allowed_subpage_models()
    assert ReviewIndexPage.can_create_at(nested_index.get_parent())


def test_under_a_home_page_every_link_keeps_the_index_path(client, nested_index, person_factory):
    director = person_factory(name="Odile Marsh")
    review = ReviewPageFactory(
        parent=nested_index, live=False, film_title="Saltmarsh", slug="saltmarsh"
    )
    credit(review, directors=[director])
    publish(review)
    assert review.url == "/film/saltmarsh/"

    html = client.get(review.url).content.decode()
    assert 'href="/film/people/odile-marsh/"' in html
    assert client.get("/film/people/odile-marsh/").status_code == 200
    assert "Saltmarsh" in client.get("/film/").content.decode()
    assert client.get("/film/feed/").status_code == 200
    assert 'action="/film/search/"' in client.get("/film/search/?q=salt").content.decode()

    api = client.get(f"/api/v3/reviews/{review.pk}/").json()
    assert api["directors"][0]["url"] == "http://localhost/film/people/odile-marsh/"
    assert api["meta"]["html_url"] == "http://localhost/film/saltmarsh/"
    v2 = client.get(f"/api/v2/pages/{review.pk}/").json()
    assert v2["directors"][0]["url"] == "http://localhost/film/people/odile-marsh/"


def test_two_indexes_link_to_their_own_filmographies(
    client, nested_index, index_page, person_factory
):
    actor = person_factory(name="Bram Kessel")
    second = ReviewPageFactory(parent=nested_index, live=False, film_title="Second Desk")
    credit(second, cast=[(actor, "A Clerk")])
    publish(second)
    first = ReviewPageFactory(parent=index_page, live=False, film_title="First Desk")
    credit(first, cast=[(actor, "A Judge")])
    publish(first)
    assert client.get(f"/api/v3/reviews/{second.pk}/").json()["cast"][0]["person"]["url"] == (
        "http://localhost/film/people/bram-kessel/"
    )


# The endpoints on a host's own routers


@override_settings(ROOT_URLCONF="tests.plugin.host_api_urls")
def test_a_host_registers_the_endpoints_on_its_own_routers(client, credited_review):
    v2 = client.get(f"/host/v2/pages/{credited_review.pk}/")
    assert v2.status_code == 200
    assert v2.json()["cast"][0]["person"]["name"] == "Tomas Rye"
    assert client.get("/host/v2/studios/").json()["meta"]["total_count"] == 1

    v3 = client.get(f"/host/v3/reviews/{credited_review.pk}/")
    assert v3.status_code == 200
    data = v3.json()
    assert data["cast"][0]["character"] == "The Lamplighter"
    assert data["meta"]["detail_url"] == f"http://localhost/host/v3/reviews/{credited_review.pk}/"
    assert client.get("/host/v3/openapi.json").status_code == 200
