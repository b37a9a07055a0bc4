"""Nothing private leaks through any public API endpoint (v2 and v3)."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from review_pages.models import ReviewCastMember, ReviewPage
from tests.support.factories import publish


@pytest.fixture
def private_reviews(make_review, person_factory, studio_factory):
    """One public review and one of each kind of private one, all crediting the same people."""
    actor = person_factory(name="Shared Actor")
    secret_actor = person_factory(name="Secret Actor")
    studio = studio_factory(name="Shared Studio")
    credits = {"cast": [(actor, "Lead")], "companies": [studio]}

    public = make_review(film_title="Public Film", **credits)
    draft = make_review(film_title="Draftfilm", live=False, **credits)

    changed = make_review(film_title="Changed Film", **credits)
    changed.film_title = "Secretretitle"
    changed.title = "Secretretitle headline"
    changed.cast = [ReviewCastMember(person=secret_actor, character="Hidden")]
    changed.save_revision()  # an unpublished change of a live page

    restricted = make_review(film_title="Restrictedfilm", **credits)
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
    )

    scheduled = make_review(film_title="Scheduledfilm", live=False, **credits)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=7)
    publish(scheduled)
    scheduled.refresh_from_db()
    assert not scheduled.live

    return {
        "public": public,
        "private": [draft, restricted, scheduled],
        "changed": changed,
        "actor": actor,
        "secret_actor": secret_actor,
        "studio": studio,
    }


SECRETS = (
    "Draftfilm",
    "Secretretitle",
    "Restrictedfilm",
    "Scheduledfilm",
    "Secret Actor",
    "Hidden",
)


def _assert_no_secret(response):
    assert response.status_code == 200, response.content[:300]
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/",
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&person=shared-actor",
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&studio=shared-studio",
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&mpa_rating=PG-13",
        "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&release_year=2025",
        "/api/v2/pages/?type=review_pages.ReviewPage&search=film",
        "/api/v2/pages/?search=Draftfilm",
        "/api/v2/pages/?search=Secretretitle",
        "/api/v2/pages/?search=Restrictedfilm",
        "/api/v2/pages/?search=Scheduledfilm",
        "/api/v3/reviews/",
        "/api/v3/reviews/?person=shared-actor",
        "/api/v3/reviews/?studio=shared-studio",
        "/api/v3/reviews/?mpa_rating=PG-13&release_year=2025",
        "/api/v3/reviews/?search=Draftfilm",
        "/api/v3/reviews/?search=Secretretitle",
        "/api/v3/reviews/?search=Restrictedfilm",
        "/api/v3/reviews/?search=Scheduledfilm",
        "/api/v3/pages/",
        "/api/v3/pages/?search=Restrictedfilm",
    ],
)
def test_listings_filters_and_search_show_only_public_reviews(client, private_reviews, url):
    response = client.get(url)

    _assert_no_secret(response)


def test_public_listing_has_exactly_the_two_public_reviews(client, private_reviews):
    v2 = client.get("/api/v2/pages/?type=review_pages.ReviewPage&fields=film_title").json()
    v3 = client.get("/api/v3/reviews/").json()

    assert v2["meta"]["total_count"] == v3["count"] == 2
    titles = {"Public Film", "Changed Film"}
    assert {item["film_title"] for item in v2["items"]} == titles
    assert {item["film_title"] for item in v3["items"]} == titles


def test_live_page_shows_its_published_version_not_the_draft(client, private_reviews):
    changed = private_reviews["changed"]
    actor = private_reviews["actor"]

    for url in (
        f"/api/v2/pages/{changed.pk}/",
        f"/api/v3/reviews/{changed.pk}/",
        f"/api/v3/pages/{changed.pk}/",
    ):
        response = client.get(url)
        _assert_no_secret(response)
        item = response.json()
        assert item["film_title"] == "Changed Film"
        assert [c["person"]["id"] for c in item["cast"]] == [actor.pk]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/{pk}/",
        "/api/v2/pages/find/?id={pk}",
        "/api/v3/reviews/{pk}/",
        "/api/v3/reviews/by-slug/{slug}/",
        "/api/v3/pages/{pk}/",
    ],
)
def test_private_reviews_have_no_detail(client, private_reviews, url):
    for review in private_reviews["private"]:
        response = client.get(url.format(pk=review.pk, slug=review.slug))
        assert response.status_code == 404


def test_signed_in_editors_get_no_more_from_public_endpoints(admin_client, private_reviews):
    for url in ("/api/v2/pages/?search=Restrictedfilm", "/api/v3/reviews/", "/api/v3/pages/"):
        _assert_no_secret(admin_client.get(url))
    restricted = private_reviews["private"][1]
    assert admin_client.get(f"/api/v2/pages/{restricted.pk}/").status_code == 404


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_filmographies_list_only_public_reviews(client, private_reviews, version):
    actor, studio = private_reviews["actor"], private_reviews["studio"]

    person = client.get(f"/api/{version}/people/{actor.pk}/")
    company = client.get(f"/api/{version}/studios/{studio.pk}/")
    secret = client.get(f"/api/{version}/people/{private_reviews['secret_actor'].pk}/")

    for response in (person, company):
        _assert_no_secret(response)
        films = {credit["review"]["film_title"] for credit in response.json()["credits"]}
        assert films == {"Public Film", "Changed Film"}
    assert secret.status_code == 404  # credited only in an unpublished revision


def test_reviews_public_matches_wagtails_public(private_reviews):
    """ReviewPage's own `private_q` reads the restrictions differently, with the same result."""
    ours = set(ReviewPage.objects.public().values_list("pk", flat=True))
    wagtails = set(Page.objects.type(ReviewPage).public().values_list("pk", flat=True))
    assert ours == wagtails
    assert private_reviews["private"][1].pk not in ours  # the restricted one
