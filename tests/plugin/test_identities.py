"""Film and people identities (IMDb, TMDB, Wikidata): checked in the editor, in the JSON-LD
as `sameAs`, in both APIs, and `?imdb=tt…` finds a review."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from people.identifiers import IMDB_NAME, IMDB_TITLE, TMDB_MOVIE, WIKIDATA, clean_tmdb
from tests.support.admin_forms import FINAL, SYNOPSIS, add_url, review_form_data

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


@pytest.mark.parametrize(
    "kind, pasted, expected",
    [
        (IMDB_TITLE, "tt0111161", "tt0111161"),
        (IMDB_TITLE, " https://www.imdb.com/title/tt0111161/?ref_=nv ", "tt0111161"),
        (IMDB_TITLE, "https://m.imdb.com/title/tt12345678", "tt12345678"),
        (IMDB_NAME, "https://www.imdb.com/name/nm0000151/", "nm0000151"),
        (WIKIDATA, "https://www.wikidata.org/wiki/Q172241", "Q172241"),
        (WIKIDATA, "Q42", "Q42"),
    ],
)
def test_a_pasted_address_is_reduced_to_the_id(kind, pasted, expected):
    assert kind.clean(pasted) == expected
    assert kind.is_valid(kind.clean(pasted))


def test_a_tmdb_address_with_its_slug_is_reduced_to_the_id():
    assert clean_tmdb("https://www.themoviedb.org/movie/278-the-shawshank-redemption") == "278"
    assert TMDB_MOVIE.is_valid("278")


@pytest.mark.parametrize(
    "kind, value",
    [
        (IMDB_TITLE, "nm0000151"),  # a person's id where a film's belongs
        (IMDB_TITLE, "tt123"),
        (IMDB_NAME, "tt0111161"),
        (WIKIDATA, "q42"),
        (WIKIDATA, "Q0"),
        (TMDB_MOVIE, "0278"),
        (TMDB_MOVIE, "abc"),
    ],
)
def test_malformed_ids_are_refused(kind, value):
    assert not kind.is_valid(kind.clean(value))


def test_the_review_model_cleans_and_checks_its_identities(make_review):
    review = make_review(film_title="Checked")
    review.imdb_id = "https://www.imdb.com/title/tt0111161/"
    review.tmdb_id = "https://www.themoviedb.org/movie/278-the-shawshank-redemption"
    review.wikidata_id = "Q172241"
    review.full_clean()
    assert (review.imdb_id, review.tmdb_id, review.wikidata_id) == ("tt0111161", "278", "Q172241")
    review.imdb_id, review.tmdb_id, review.wikidata_id = "nm0000151", "x1", "P31"
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert set(error.value.message_dict) == {"imdb_id", "tmdb_id", "wikidata_id"}
    assert "such as tt0111161" in error.value.message_dict["imdb_id"][0]


def test_the_person_model_checks_its_identities(person_factory):
    person = person_factory(name="Checked Person")
    person.imdb_id = "https://www.imdb.com/name/nm0000151/"
    person.full_clean()
    assert person.imdb_id == "nm0000151"
    person.imdb_id = "tt0111161"
    person.wikidata_id = "42"
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert set(error.value.message_dict) == {"imdb_id", "wikidata_id"}


def test_the_editor_refuses_a_malformed_id_with_a_message(
    admin_client, index_page, person_factory, studio_factory
):
    from review_pages.models import ReviewPage

    people = [person_factory() for _ in range(4)]
    data = review_form_data(people, studio_factory(), sections=[SYNOPSIS, FINAL])
    data["imdb_id"] = "imdb-0111161"
    response = admin_client.post(add_url(index_page), data)
    assert response.status_code == 200  # the form again, not a traceback
    assert "Enter the IMDb title id, such as tt0111161" in response.content.decode()
    assert not ReviewPage.objects.exists()
    data["imdb_id"] = "https://www.imdb.com/title/tt0111161/"
    assert admin_client.post(add_url(index_page), data).status_code == 302
    assert ReviewPage.objects.get().imdb_id == "tt0111161"


@pytest.fixture
def identified(make_review, person_factory):
    critic = person_factory(name="Ines Okoro", imdb_id="nm0000151", wikidata_id="Q42")
    return make_review(
        film_title="Identified",
        author=critic,
        imdb_id="tt0111161",
        tmdb_id="278",
        wikidata_id="Q172241",
    )


def test_json_ld_names_the_film_and_critic_elsewhere(client, identified):
    html = client.get(identified.url).content.decode()
    data = json.loads(JSON_LD.findall(html)[0])
    assert data["itemReviewed"]["sameAs"] == [
        "https://www.imdb.com/title/tt0111161/",
        "https://www.themoviedb.org/movie/278",
        "https://www.wikidata.org/wiki/Q172241",
    ]
    assert data["author"]["sameAs"] == [
        "https://www.imdb.com/name/nm0000151/",
        "https://www.wikidata.org/wiki/Q42",
    ]


def test_json_ld_without_ids_has_no_same_as(client, make_review):
    data = json.loads(JSON_LD.findall(client.get(make_review().url).content.decode())[0])
    assert "sameAs" not in data["itemReviewed"]


def test_both_apis_find_a_review_by_imdb_id(client, identified, make_review):
    make_review(film_title="Other", imdb_id="tt0000001")
    v2 = client.get("/api/v2/pages/?type=review_pages.ReviewPage&fields=*&imdb=tt0111161").json()
    assert [item["film_title"] for item in v2["items"]] == ["Identified"]
    assert v2["items"][0]["tmdb_id"] == "278"
    v3 = client.get("/api/v3/reviews/?imdb=tt0111161").json()
    assert [item["film_title"] for item in v3["items"]] == ["Identified"]
    assert v3["items"][0]["wikidata_id"] == "Q172241"
    assert client.get("/api/v3/reviews/?imdb=tt0000404").json()["count"] == 0


def test_a_malformed_imdb_filter_is_a_400_that_says_why(client, identified):
    v2 = client.get("/api/v2/pages/?type=review_pages.ReviewPage&imdb=Q42")
    v3 = client.get("/api/v3/reviews/?imdb=Q42")
    assert v2.status_code == 400 and "IMDb title id" in v2.json()["message"]
    assert v3.status_code == 400 and "IMDb title id" in v3.content.decode()


def test_the_front_page_takes_the_imdb_filter(client, identified, make_review):
    make_review(film_title="Not It")
    html = client.get("/?imdb=tt0111161").content.decode()
    assert "Identified" in html and "Not It" not in html
    assert "IMDb title id" in client.get("/?imdb=bad").content.decode()


def test_people_in_both_apis_carry_their_identities(client, identified):
    critic = identified.author
    v2 = client.get(f"/api/v2/people/{critic.pk}/").json()
    v3 = client.get(f"/api/v3/people/{critic.pk}/").json()
    for data in (v2, v3):
        assert (data["imdb_id"], data["wikidata_id"]) == ("nm0000151", "Q42")
