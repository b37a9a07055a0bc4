"""Only published content of public pages ever shows.

Four reviews hold secrets: a draft, a password-protected review, a login-only review and a
live review whose latest revision is not published yet. Every public surface is probed for
the secret words: the HTML pages, filmographies, search, the feed, the sitemap and both APIs.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from people.models import Person, Studio
from review_pages.models import ReviewCastMember, ReviewPage

pytestmark = pytest.mark.django_db

# Words that only secret content contains. None may appear in any public answer.
SECRET_WORDS = [
    "Qzdraftheadline",
    "Qzpassheadline",
    "Qzloginheadline",
    "Qzpendingheadline",
    "Qzdraftrole",
    "Qzpendingrole",
    "secret-draft",
    "secret-password",
    "secret-login",
    "secretia-vale",
    "hidden-works",
    "Secretia",
    "Hidden Works",
]
# What a reader may type to look for them (the search page echoes the query itself).
SEARCHES = ["Qzdraftfilm", "Qzpassfilm", "Qzloginfilm", "Qzpendingfilm", "Secretia", "Hidden"]


def leaked(text: str) -> list[str]:
    return [word for word in SECRET_WORDS if word.lower() in text.lower()]


def leaked_beyond_query(text: str, query: str) -> list[str]:
    return [word for word in leaked(text) if word.lower() not in query.lower()]


@pytest.fixture
def site(make_review, person_factory, studio_factory):
    """One public review and the four secret ones; returns them by name."""
    shared_star = person_factory(name="Shared Star")
    secretia = person_factory(name="Secretia Vale")  # credited on secret reviews only
    hidden = studio_factory(name="Hidden Works")
    public = make_review(
        film_title="Open Meadow",
        title="'Open Meadow' Review: Grass Grows",
        slug="open-meadow",
        cast=[(shared_star, "Open Role")],
    )
    draft = make_review(
        film_title="Qzdraftfilm",
        title="'Qzdraftfilm' Review: Qzdraftheadline",
        slug="secret-draft",
        directors=[secretia],
        cast=[(shared_star, "Qzdraftrole")],
        companies=[hidden],
        live=False,
    )
    password = make_review(
        film_title="Qzpassfilm",
        title="'Qzpassfilm' Review: Qzpassheadline",
        slug="secret-password",
        directors=[secretia],
        companies=[hidden],
    )
    PageViewRestriction.objects.create(
        page=password, restriction_type=PageViewRestriction.PASSWORD, password="swordfish"
    )
    login = make_review(
        film_title="Qzloginfilm",
        title="'Qzloginfilm' Review: Qzloginheadline",
        slug="secret-login",
        writers=[secretia],
    )
    PageViewRestriction.objects.create(page=login, restriction_type=PageViewRestriction.LOGIN)
    pending = make_review(
        film_title="Still Lake",
        title="'Still Lake' Review: Calm Waters",
        slug="still-lake",
        cast=[(shared_star, "Lake Keeper")],
    )
    # An editor's unpublished revision: new title, film and an extra cast credit.
    pending = ReviewPage.objects.get(pk=pending.pk)
    pending.film_title = "Qzpendingfilm"
    pending.title = "'Qzpendingfilm' Review: Qzpendingheadline"
    pending.cast.add(ReviewCastMember(person=secretia, character="Qzpendingrole"))
    pending.save_revision()
    pending.refresh_from_db()
    assert pending.live and pending.has_unpublished_changes
    return {
        "public": public,
        "draft": draft,
        "password": password,
        "login": login,
        "pending": pending,
    }


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_probes_see_public_content(client, site):
    """The probes themselves work: public content is found where secrets are not."""
    assert "Open Meadow" in get(client, "/")
    assert "Calm Waters" in get(client, "/")
    assert "Open Role" in get(client, "/people/shared-star/")
    assert "Open Meadow" in get(client, "/search/?q=meadow")
    assert "Still Lake" in get(client, "/feed/")
    assert "/still-lake/" in get(client, "/sitemap.xml")
    assert leaked("Qzdraftheadline, Hidden Works") == ["Qzdraftheadline", "Hidden Works"]


def test_secret_pages_are_not_served(client, site):
    assert get(client, site["draft"].url if site["draft"].url else "/secret-draft/", 404)
    password_form = get(client, "/secret-password/")
    assert "Password required" in password_form
    assert leaked(password_form) == ["secret-password"]  # only the form's own address
    response = client.get("/secret-login/")
    assert response.status_code == 302 and "/login" in response["Location"]
    pending = get(client, "/still-lake/")
    assert "Calm Waters" in pending and "Lake Keeper" in pending
    assert leaked(pending) == []


def test_lists_filmographies_feed_and_sitemap_show_no_secret(client, site):
    urls = [
        "/",
        "/?page=2",
        "/?person=secretia-vale",
        "/?studio=hidden-works",
        "/?person=shared-star",
        "/?year=2025",
        "/people/shared-star/",
        "/feed/",
        "/sitemap.xml",
    ]
    for url in urls:
        text = get(client, url)
        # A filmography's own address and name are in its page; nothing else may be.
        # So are a filter's slug (echoed in the filter form) and a filmography's subject.
        allowed = {
            "/people/secretia-vale/": {"secretia-vale", "Secretia"},
            "/studios/hidden-works/": {"hidden-works", "Hidden Works"},
            "/?person=secretia-vale": {"secretia-vale", "Secretia"},
            "/?studio=hidden-works": {"hidden-works"},
        }.get(url, set())
        assert set(leaked(text)) <= allowed, (url, leaked(text))
        if url in {"/?person=secretia-vale", "/?studio=hidden-works"}:
            assert "No reviews match these filters" in text
    # Credited on secret reviews only: as unknown as a draft, name and all.
    for url in ["/people/secretia-vale/", "/studios/hidden-works/"]:
        assert leaked(get(client, url, 404)) == [], url


def test_search_finds_no_secret(client, site):
    for query in SEARCHES:
        text = get(client, f"/search/?q={query}")
        assert leaked_beyond_query(text, query) == [], (query, leaked_beyond_query(text, query))
        assert "No review matches" in text, query
    # The pending review is found by its published words only.
    assert "Calm Waters" in get(client, "/search/?q=still+lake")


def test_a_signed_in_reader_sees_the_login_only_review(client, site, django_user_model):
    """The restriction is real: it lifts for a signed-in reader (so the 302 above is it)."""
    reader = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(reader)
    assert "Qzloginheadline" in get(client, "/secret-login/")


def test_the_right_password_opens_the_password_review(client, site):
    form = client.get("/secret-password/")
    action = form.context["action_url"]
    response = client.post(action, {"password": "swordfish", "return_url": "/secret-password/"})
    assert response.status_code == 302
    assert "Qzpassheadline" in get(client, "/secret-password/")


ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/snippets/people/person/",
    "/admin/snippets/people/studio/",
    "/admin/images/",
    "/admin/users/",
    "/django-admin/",
]


def test_admin_urls_need_a_login(client, site):
    urls = ADMIN_URLS + [
        reverse("wagtailadmin_pages:edit", args=(site["draft"].pk,)),
        reverse("wagtailadmin_pages:revisions_index", args=(site["pending"].pk,)),
        reverse("wagtailadmin_pages:preview_on_edit", args=(site["pending"].pk,)),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert "login" in response["Location"], url
    # Previewing the unpublished revision is for signed-in staff only.
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=(site["pending"].pk,)))
    assert preview.status_code == 302 and "login" in preview["Location"]


def test_an_editor_cannot_publish_a_pending_revision(client, site, django_user_model):
    from .test_admin import CRITIQUE, FINAL, SYNOPSIS, review_form_data

    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    pending = site["pending"]
    people = [Person.objects.get(name=n) for n in ("Shared Star", "Secretia Vale")] * 2
    data = review_form_data(
        people, Studio.objects.get(), sections=[SYNOPSIS, CRITIQUE, FINAL], action="action-publish"
    )
    data["slug"] = "still-lake"
    response = client.post(reverse("wagtailadmin_pages:edit", args=(pending.pk,)), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    pending.refresh_from_db()
    # A new revision was saved (the editor's work is kept) but the live page is unchanged.
    assert pending.get_latest_revision_as_object().film_title == "Saltwater Hymn"
    assert pending.live and pending.has_unpublished_changes
    assert pending.film_title == "Still Lake"
    public = Client().get("/still-lake/").content.decode()
    assert "Calm Waters" in public and "Saltwater" not in public


API_URLS = [
    "/api/v2/pages/",
    "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
    "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&person=shared-star",
    "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&person=secretia-vale",
    "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&studio=hidden-works",
    "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&release_year=2025",
    "/api/v3/reviews/?limit=100",
    "/api/v3/reviews/?person=shared-star",
    "/api/v3/reviews/?person=secretia-vale",
    "/api/v3/reviews/?studio=hidden-works",
    "/api/v3/pages/?limit=100",
    "/api/v3/pages/?type=review_pages.ReviewPage&limit=100",
]


def api_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.content.decode()


def test_api_listings_and_filters_show_no_secret(client, site):
    listing = api_text(client, "/api/v3/reviews/?limit=100")
    assert "Calm Waters" in listing and "Open Meadow" in listing  # the probe works
    for url in API_URLS:
        text = api_text(client, url)
        allowed = {"secretia-vale", "Secretia"} if "secretia-vale" in url else set()
        if "hidden-works" in url:
            allowed = {"hidden-works"}
        assert set(leaked(text)) <= allowed, (url, leaked(text))
    # People and studios whose only credits are secret are not found, nor listed.
    secretia = Person.objects.get(name="Secretia Vale")
    hidden = Studio.objects.get(name="Hidden Works")
    for url in [
        f"/api/v2/people/{secretia.pk}/",
        f"/api/v3/people/{secretia.pk}/",
        f"/api/v2/studios/{hidden.pk}/",
        f"/api/v3/studios/{hidden.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404 and leaked(response.content.decode()) == [], url
    for url in ["/api/v2/people/", "/api/v3/people/", "/api/v2/studios/", "/api/v3/studios/"]:
        assert leaked(api_text(client, url)) == [], url
    shared = Person.objects.get(name="Shared Star")
    for url in [f"/api/v2/people/{shared.pk}/", f"/api/v3/people/{shared.pk}/"]:
        text = api_text(client, url)
        assert "Open Role" in text and leaked(text) == [], (url, leaked(text))


def test_api_details_of_secret_reviews_are_not_found(client, site):
    for key in ("draft", "password", "login"):
        pk = site[key].pk
        for url in [
            f"/api/v2/pages/{pk}/",
            f"/api/v3/reviews/{pk}/",
            f"/api/v3/pages/{pk}/",
            f"/api/v3/reviews/by-slug/{site[key].slug}/",
            f"/api/v2/pages/find/?html_path=/{site[key].slug}/",
        ]:
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
            # The message may repeat the slug asked for; nothing of the review itself.
            echoed = {site[key].slug} if "slug" in url else set()
            assert set(leaked(response.content.decode())) <= echoed, url
    pending = site["pending"].pk
    for url in [f"/api/v2/pages/{pending}/", f"/api/v3/reviews/{pending}/"]:
        text = api_text(client, url)
        assert "Calm Waters" in text and "Lake Keeper" in text
        assert leaked(text) == [], (url, leaked(text))
    assert "Qzpending" not in api_text(client, f"/api/v3/pages/{pending}/")


def test_api_search_finds_no_secret(client, site):
    for query in SEARCHES:
        for url in [
            f"/api/v2/pages/?search={query}",
            f"/api/v2/pages/?type=review_pages.ReviewPage&fields=*&search={query}",
            f"/api/v3/reviews/?search={query}",
            f"/api/v3/pages/?search={query}",
        ]:
            text = api_text(client, url)
            assert leaked(text) == [], (url, leaked(text))
            assert '"items": []' in text or '"items":[]' in text, url
    assert "Calm Waters" in api_text(client, "/api/v3/reviews/?search=lake")


def test_a_signed_in_editor_sees_no_secret_in_the_api_either(client, site, django_user_model):
    """The APIs are public: a session does not open restricted pages or drafts."""
    client.force_login(django_user_model.objects.create_superuser("boss", "b@x.org", "pw"))
    for url in API_URLS[:2] + API_URLS[7:8]:
        text = api_text(client, url)
        assert leaked(text) == [], (url, leaked(text))
