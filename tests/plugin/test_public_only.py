"""Only what is public is public: people, studios and images reach anonymous readers and apps
only once a live, public review shows them.

Each state is tried on its own: credited only on a never-published draft, only in an
unpublished revision of a live review, only on a password-protected review, only on a
login-only review, only on a live review whose expiry time has passed (no worker has
withdrawn it yet); and a poster of a live review kept in a private collection.
"""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from review_pages.models import ReviewCastMember, ReviewPage
from tests.support.api_support import count_queries
from tests.support.images import make_image

pytestmark = pytest.mark.django_db

STATES = ["draft", "revision", "password", "login", "expired"]


@pytest.fixture
def public_review(make_review, person_factory, studio_factory):
    star = person_factory(name="Open Star")
    return make_review(
        film_title="Open Film",
        cast=[(star, "Lead")],
        companies=[studio_factory(name="Open Studio")],
        poster=make_image("Open poster"),
    )


def hide(state, make_review, person, studio, poster):
    """A review that credits `person` and `studio` and shows `poster`, in `state` only."""
    if state == "revision":
        review = make_review(film_title="Secret Film")
        review = ReviewPage.objects.get(pk=review.pk)
        review.cast.add(ReviewCastMember(person=person, character="Secret"))
        review.distributor = studio
        review.poster = poster
        review.save_revision()  # never published
        return review
    review = make_review(
        film_title="Secret Film",
        cast=[(person, "Secret")],
        companies=[studio],
        poster=poster,
        live=state != "draft",
    )
    if state == "expired":  # its time has passed; Wagtail's scheduler has not run
        expired_at = timezone.now() - datetime.timedelta(minutes=1)
        ReviewPage.objects.filter(pk=review.pk).update(expire_at=expired_at)
    if state in ("password", "login"):
        PageViewRestriction.objects.create(
            page=review,
            restriction_type=PageViewRestriction.PASSWORD if state == "password" else "login",
            password="swordfish",
        )
    return review


@pytest.fixture(params=STATES)
def secret(request, public_review, make_review, person_factory, studio_factory):
    person = person_factory(name="Qzsecret Person")
    studio = studio_factory(name="Qzsecret Studio")
    poster = make_image("Qzsecret poster")
    hide(request.param, make_review, person, studio, poster)
    return {"person": person, "studio": studio, "poster": poster}


def names(client, url, key="name"):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    data = response.json()
    return [item.get(key) or item.get("title") for item in data["items"]], data


def test_a_secretly_credited_person_or_studio_is_not_found_anywhere(client, secret):
    person, studio = secret["person"], secret["studio"]
    for url in [
        f"/api/v2/people/{person.pk}/",
        f"/api/v3/people/{person.pk}/",
        f"/api/v3/people/by-slug/{person.slug}/",
        f"/api/v2/studios/{studio.pk}/",
        f"/api/v3/studios/{studio.pk}/",
        f"/api/v3/studios/by-slug/{studio.slug}/",
        f"/people/{person.slug}/",
        f"/studios/{studio.slug}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert b"Qzsecret" not in response.content, url
    for url in [
        f"/api/v2/people/find/?slug={person.slug}",
        f"/api/v2/people/find/?id={person.pk}",
        f"/api/v2/studios/find/?slug={studio.slug}",
    ]:
        assert client.get(url).status_code == 404, url


def test_listings_counts_and_searches_show_only_the_publicly_credited(client, secret):
    for version, count_of in [
        ("v2", lambda d: d["meta"]["total_count"]),
        ("v3", lambda d: d["count"]),
    ]:
        listed, data = names(client, f"/api/{version}/people/")
        assert listed == ["Open Star"] and count_of(data) == 1, (version, data)
        listed, data = names(client, f"/api/{version}/studios/")
        assert listed == ["Open Studio"] and count_of(data) == 1, (version, data)
        for kind in ("people", "studios"):
            found, data = names(client, f"/api/{version}/{kind}/?search=qzsecret")
            assert found == [] and count_of(data) == 0, (version, kind, data)
        found, _ = names(client, f"/api/{version}/people/?search=open")
        assert found == ["Open Star"], version


def test_images_endpoints_list_only_images_shown_publicly(client, secret):
    for version in ("v2", "v3"):
        listed, data = names(client, f"/api/{version}/images/", key="title")
        assert listed == ["Open poster"], (version, data)
        found, _ = names(client, f"/api/{version}/images/?search=qzsecret", key="title")
        assert found == [], version
        assert client.get(f"/api/{version}/images/{secret['poster'].pk}/").status_code == 404


def test_a_public_review_makes_them_public(client, secret, make_review):
    """The rule is about the review, not the person: a public credit lists them at once."""
    make_review(
        film_title="Now Public",
        directors=[secret["person"]],
        companies=[secret["studio"]],
        poster=secret["poster"],
    )
    assert client.get(f"/people/{secret['person'].slug}/").status_code == 200
    assert client.get(f"/api/v3/people/{secret['person'].pk}/").status_code == 200
    assert "Qzsecret Studio" in names(client, "/api/v2/studios/")[0]
    assert "Qzsecret poster" in names(client, "/api/v3/images/", key="title")[0]


def test_a_poster_in_a_private_collection_is_not_listed(client, make_review):
    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    poster = make_image("Qzprivate poster")
    poster.collection = private
    poster.save()
    make_review(film_title="Shown Film", poster=poster)
    for version in ("v2", "v3"):
        listed, _ = names(client, f"/api/{version}/images/", key="title")
        assert "Qzprivate poster" not in listed, version


def test_a_v3_bearer_token_still_sees_every_image(client, secret, django_user_model):
    from wagtail.models import APIToken

    user = django_user_model.objects.create_superuser("apps", "a@example.com", "pw")
    _, token = APIToken.create_token(user=user, name="app")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = [item["title"] for item in client.get("/api/v3/images/", **headers).json()["items"]]
    assert "Qzsecret poster" in listed and "Open poster" in listed


@pytest.mark.parametrize(
    "url", ["/api/v2/people/", "/api/v3/people/", "/api/v2/images/", "/api/v3/images/"]
)
def test_the_rule_costs_the_same_for_few_and_many(client, make_review, person_factory, url):
    def add(number):
        for _ in range(number):
            make_review(
                directors=[person_factory()],
                cast=[(person_factory(), "Lead")],
                poster=make_image("A poster"),
            )
            make_review(directors=[person_factory()], live=False)

    add(1)
    few, _ = count_queries(client, url)
    add(5)
    many, response = count_queries(client, url)
    assert few == many, (few, many)
    assert len(response.json()["items"]) >= 6
