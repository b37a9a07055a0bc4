"""The sync feed (`/api/v3/sync/`): everything public once, then exactly what changed since a
cursor: each review, person and studio once, as an upsert (its v3 object) or a remove (its
last public path), whatever changed it (publishing, unpublishing, an expiry with no worker,
deleting, a view restriction, a move) and nothing that was never public."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Page, PageViewRestriction

from review_pages.models import ReviewPage, SyncClock
from tests.support.factories import ReviewPageFactory, credit, publish

URL = "/api/v3/sync/"


def answer(client, since=None, limit=None, status=200):
    params = {}
    if since is not None:
        params["since"] = since
    if limit is not None:
        params["limit"] = limit
    response = client.get(URL, params)
    assert response.status_code == status, response.content
    return response.json()


def read_all(client, since=None, limit=100):
    """Every item of a change set, paging while `has_more`; (items, the next cursor)."""
    items = []
    while True:
        page = answer(client, since, limit)
        items += page["items"]
        since = page["next"]
        if not page["has_more"]:
            return items, since


def keyed(items):
    return {(item["type"], item["id"]): item for item in items}


def republish(review):
    page = ReviewPage.objects.get(pk=review.pk)
    page.intro = "<p>Revised after a second viewing.</p>"
    return publish(page)


def path_of(review):
    return ReviewPage.objects.get(pk=review.pk).get_url_parts()[2]


@pytest.fixture
def catalogue(make_review, person_factory, studio_factory):
    director = person_factory(name="Ines Varda")
    lead = person_factory(name="Ana Sol")
    studio = studio_factory(name="Lantern Pictures")
    first = make_review(film_title="First Light", directors=[director], companies=[studio])
    second = make_review(film_title="Second Wind", cast=[(lead, "Mara")])
    return {"first": first, "second": second, "director": director, "lead": lead, "studio": studio}


def test_without_since_every_public_review_person_and_studio_is_an_upsert(
    client, catalogue, make_review, person_factory
):
    hidden = person_factory(name="Only Drafted")
    make_review(film_title="Still a Draft", live=False, directors=[hidden])
    scheduled = ReviewPageFactory(parent=catalogue["first"].get_parent(), live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    publish(scheduled)

    items, _ = read_all(client)

    assert [(item["type"], item["id"]) for item in items] == [
        ("review", catalogue["first"].pk),
        ("review", catalogue["second"].pk),
        *sorted(("person", p.pk) for p in (catalogue["director"], catalogue["lead"])),
        ("studio", catalogue["studio"].pk),
    ]
    assert {item["action"] for item in items} == {"upsert"}
    listing = client.get("/api/v3/reviews/", {"order": "title"}).json()["items"]
    by_id = keyed(items)
    for review in listing:
        assert by_id["review", review["id"]]["object"] == review
        assert by_id["review", review["id"]]["html_path"] == path_of(
            ReviewPage.objects.get(pk=review["id"])
        )
    person = client.get(f"/api/v3/people/{catalogue['lead'].pk}/").json()
    del person["credits"]
    assert by_id["person", catalogue["lead"].pk]["object"] == person
    assert by_id["person", catalogue["lead"].pk]["html_path"] == "/people/ana-sol/"
    assert by_id["studio", catalogue["studio"].pk]["html_path"] == "/studios/lantern-pictures/"


def test_after_one_review_is_republished_and_another_unpublished_the_next_answer_holds_one_upsert_and_one_remove(  # noqa: E501
    client, catalogue
):
    _, cursor = read_all(client)
    second_path = path_of(catalogue["second"])

    republish(catalogue["first"])
    ReviewPage.objects.get(pk=catalogue["second"].pk).unpublish()

    changes = answer(client, cursor)
    assert changes["has_more"] is False
    upserts = [item for item in changes["items"] if item["action"] == "upsert"]
    removes = [item for item in changes["items"] if item["action"] == "remove"]
    # The lead of the second review is credited nowhere else: withdrawn with it.
    assert [(item["type"], item["id"]) for item in upserts] == [("review", catalogue["first"].pk)]
    assert [(item["type"], item["id"]) for item in removes] == [
        ("review", catalogue["second"].pk),
        ("person", catalogue["lead"].pk),
    ]
    assert upserts[0]["object"]["intro"] == "<p>Revised after a second viewing.</p>"
    assert removes[0]["html_path"] == second_path
    assert removes[0]["object"] is None
    assert removes[1]["html_path"] == "/people/ana-sol/"
    # Nothing more since then.
    assert answer(client, changes["next"])["items"] == []


def test_a_review_republished_twice_is_one_upsert(client, catalogue):
    _, cursor = read_all(client)
    republish(catalogue["first"])
    republish(catalogue["first"])

    items, _ = read_all(client, cursor)

    assert [(item["type"], item["action"]) for item in items] == [("review", "upsert")]


def test_an_expired_review_is_a_remove_from_its_expiry_with_no_worker(client, make_review):
    at = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    review = ReviewPageFactory(parent=make_review().get_parent(), live=False)
    review.expire_at = at
    publish(review)
    path = path_of(review)
    _, before_expiry = read_all(client)

    with freeze_time(at - datetime.timedelta(seconds=1)):
        assert answer(client, before_expiry)["items"] == []  # still public
    with freeze_time(at + datetime.timedelta(seconds=1)):
        assert ReviewPage.objects.get(pk=review.pk).live  # no worker has withdrawn it
        items, after_expiry = read_all(client, before_expiry)
        assert [(i["type"], i["id"], i["action"], i["html_path"]) for i in items] == [
            ("review", review.pk, "remove", path)
        ]
        full, _ = read_all(client)
        assert ("review", review.pk) not in keyed(full)
    with freeze_time(at + datetime.timedelta(minutes=5)):
        # The worker withdraws it later: said already, so not said again.
        ReviewPage.objects.get(pk=review.pk).unpublish(set_expired=True)
        assert read_all(client, after_expiry)[0] == []
        assert [i["action"] for i in read_all(client, before_expiry)[0]] == ["remove"]


def test_an_expiry_set_directly_in_the_past_is_a_remove_too(client, catalogue):
    _, cursor = read_all(client)
    Page.objects.filter(pk=catalogue["first"].pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    items, _ = read_all(client, cursor)

    assert ("review", catalogue["first"].pk) in keyed(items)
    assert keyed(items)["review", catalogue["first"].pk]["action"] == "remove"


def test_a_deleted_review_is_a_remove_with_its_last_public_path(client, catalogue):
    _, cursor = read_all(client)
    path = path_of(catalogue["first"])

    ReviewPage.objects.get(pk=catalogue["first"].pk).delete()

    items = keyed(read_all(client, cursor)[0])
    assert items["review", catalogue["first"].pk]["action"] == "remove"
    assert items["review", catalogue["first"].pk]["html_path"] == path
    # Its director and studio were credited only there.
    assert items["person", catalogue["director"].pk]["action"] == "remove"
    assert items["studio", catalogue["studio"].pk]["action"] == "remove"
    assert ("person", catalogue["lead"].pk) not in items


def test_a_review_made_private_is_a_remove_and_public_again_an_upsert(client, catalogue):
    _, cursor = read_all(client)
    restriction = PageViewRestriction.objects.create(
        page=Page.objects.get(pk=catalogue["second"].pk),
        restriction_type="password",
        password="hush",
    )

    items, cursor = read_all(client, cursor)
    assert {(i["type"], i["id"]): i["action"] for i in items} == {
        ("review", catalogue["second"].pk): "remove",
        ("person", catalogue["lead"].pk): "remove",
    }

    restriction.delete()
    items, _ = read_all(client, cursor)
    assert {(i["type"], i["id"]): i["action"] for i in items} == {
        ("review", catalogue["second"].pk): "upsert",
        ("person", catalogue["lead"].pk): "upsert",
    }


def test_a_private_section_above_the_reviews_removes_them_all(client, catalogue, index_page):
    _, cursor = read_all(client)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=index_page.pk), restriction_type="login"
    )

    items, _ = read_all(client, cursor)

    assert {i["action"] for i in items} == {"remove"}
    assert {(i["type"], i["id"]) for i in items} == {
        ("review", catalogue["first"].pk),
        ("review", catalogue["second"].pk),
        ("person", catalogue["director"].pk),
        ("person", catalogue["lead"].pk),
        ("studio", catalogue["studio"].pk),
    }


def test_a_slug_change_is_an_upsert_with_the_previous_path(client, catalogue):
    _, cursor = read_all(client)
    old_path = path_of(catalogue["first"])
    page = ReviewPage.objects.get(pk=catalogue["first"].pk)
    page.slug = "first-light-revisited"
    publish(page)

    (item,) = read_all(client, cursor)[0]

    assert item["action"] == "upsert"
    assert item["html_path"] == "/first-light-revisited/"
    assert item["previous_html_path"] == old_path


def test_a_moved_review_is_an_upsert_with_the_previous_path(client, catalogue, index_page):
    from review_pages.models import ReviewIndexPage

    _, cursor = read_all(client)
    old_path = path_of(catalogue["first"])
    other_index = index_page.add_child(
        instance=ReviewIndexPage(title="Archive", slug="archive", live=True)
    )
    ReviewPage.objects.get(pk=catalogue["first"].pk).move(other_index, pos="last-child")

    items = keyed(read_all(client, cursor)[0])

    item = items["review", catalogue["first"].pk]
    assert item["action"] == "upsert"
    assert item["html_path"] == f"/archive/{catalogue['first'].slug}/"
    assert item["previous_html_path"] == old_path


def test_a_section_given_a_new_address_moves_its_reviews(client, index_page):
    from review_pages.models import ReviewIndexPage

    archive = index_page.add_child(
        instance=ReviewIndexPage(title="Archive", slug="archive", live=True)
    )
    review = publish(ReviewPageFactory(parent=archive, live=False, film_title="Kept Safe"))
    _, cursor = read_all(client)

    section = ReviewIndexPage.objects.get(pk=archive.pk)
    section.slug = "vault"
    publish(section)

    (item,) = read_all(client, cursor)[0]
    assert (item["type"], item["id"], item["action"]) == ("review", review.pk, "upsert")
    assert item["html_path"] == f"/vault/{review.slug}/"
    assert item["previous_html_path"] == f"/archive/{review.slug}/"
    # Republished at the same address: nothing to say.
    publish(ReviewIndexPage.objects.get(pk=archive.pk))
    assert read_all(client, answer(client, cursor)["next"])[0] == []


def test_a_person_dropped_from_the_last_public_review_is_a_remove(client, catalogue, make_review):
    shared = catalogue["director"]
    make_review(film_title="Third Act", directors=[shared])
    _, cursor = read_all(client)

    # Credited on two live reviews: dropped from one, still public.
    page = ReviewPage.objects.get(pk=catalogue["first"].pk)
    page.directors.all().delete()
    page = ReviewPage.objects.get(pk=catalogue["first"].pk)
    publish(page)
    items, cursor = read_all(client, cursor)
    assert [(i["type"], i["action"]) for i in items] == [("review", "upsert")]

    # Dropped from the last one: withdrawn.
    third = ReviewPage.objects.get(film_title="Third Act")
    third.directors.all().delete()
    publish(ReviewPage.objects.get(pk=third.pk))
    items = keyed(read_all(client, cursor)[0])
    assert items["person", shared.pk]["action"] == "remove"
    assert items["person", shared.pk]["html_path"] == "/people/ines-varda/"


def test_a_person_renamed_is_an_upsert_with_the_previous_path(client, catalogue, person_factory):
    _, cursor = read_all(client)
    lead = catalogue["lead"]
    lead.name = "Ana Solano"
    lead.slug = "ana-solano"
    lead.save()
    person_factory(name="Never Credited").save()  # not public: not in the feed

    (item,) = read_all(client, cursor)[0]

    assert (item["type"], item["id"], item["action"]) == ("person", lead.pk, "upsert")
    assert item["object"]["name"] == "Ana Solano"
    assert item["html_path"] == "/people/ana-solano/"
    assert item["previous_html_path"] == "/people/ana-sol/"


def test_nothing_that_was_never_public_appears(client, catalogue, make_review, person_factory):
    _, cursor = read_all(client)
    drafted = person_factory(name="Draft Only")
    draft = make_review(film_title="Draft", live=False, directors=[drafted])
    ReviewPage.objects.get(pk=draft.pk).save_revision()
    scheduled = ReviewPageFactory(parent=catalogue["first"].get_parent(), live=False)
    credit(scheduled, directors=[drafted])
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    publish(scheduled)
    drafted.name = "Draft Only Renamed"
    drafted.save()
    private = make_review(film_title="Private", live=False, directors=[drafted])
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=private.pk), restriction_type="password", password="x"
    )
    publish(ReviewPage.objects.get(pk=private.pk))
    ReviewPage.objects.get(pk=private.pk).delete()

    assert read_all(client, cursor)[0] == []
    full = keyed(read_all(client)[0])
    for pk in (draft.pk, scheduled.pk, private.pk):
        assert ("review", pk) not in full
    assert ("person", drafted.pk) not in full


def test_a_review_published_and_withdrawn_between_two_syncs_is_left_out(
    client, catalogue, make_review
):
    _, cursor = read_all(client)
    brief = make_review(film_title="Brief Encounter")
    ReviewPage.objects.get(pk=brief.pk).unpublish()

    assert read_all(client, cursor)[0] == []


def test_a_scheduled_review_is_an_upsert_once_its_go_live_time_passes(client, catalogue):
    at = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    review = ReviewPageFactory(parent=catalogue["first"].get_parent(), live=False)
    _, cursor = read_all(client)
    review.go_live_at = at
    publish(review)
    assert read_all(client, cursor)[0] == []

    with freeze_time(at + datetime.timedelta(seconds=1)):
        # The scheduler publishes it at its time, as the plugin's task does.
        ReviewPage.objects.get(pk=review.pk).get_latest_revision().publish()
        (item,) = read_all(client, cursor)[0]
    assert (item["type"], item["id"], item["action"]) == ("review", review.pk, "upsert")


def test_paging_through_a_change_set(client, make_review):
    reviews = [make_review(film_title=f"Film {n}") for n in range(5)]
    _, cursor = read_all(client)
    for review in reviews:
        republish(review)

    first = answer(client, cursor, limit=2)
    assert first["has_more"] is True
    # A change made while paging belongs to the next change set.
    late = make_review(film_title="Late")
    second = answer(client, first["next"], limit=2)
    third = answer(client, second["next"], limit=2)
    assert (second["has_more"], third["has_more"]) == (True, False)

    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert ids == sorted(review.pk for review in reviews)
    following = answer(client, third["next"], limit=2)
    assert [(i["id"], i["action"]) for i in following["items"]] == [(late.pk, "upsert")]


def test_paging_through_everything(client, make_review, person_factory):
    people = [person_factory(name=f"Director {n}") for n in range(3)]
    reviews = [make_review(film_title=f"Film {n}", directors=[people[n]]) for n in range(3)]

    pages = []
    since = None
    while True:
        page = answer(client, since, limit=2)
        pages.append(page)
        since = page["next"]
        if not page["has_more"]:
            break

    assert [len(page["items"]) for page in pages] == [2, 2, 2]
    keys = [(item["type"], item["id"]) for page in pages for item in page["items"]]
    assert keys == [("review", r.pk) for r in reviews] + [("person", p.pk) for p in people]
    assert answer(client, since)["items"] == []


@pytest.mark.parametrize(
    "since",
    [
        "nonsense",
        "eyJ2IjoxfQ:1tXYZ:forged",
        signing.dumps({"v": 1, "e": 0, "s": 0, "n": None}, salt="another salt"),
    ],
    ids=["nonsense", "forged", "signed-with-another-salt"],  # no timestamp in the test's name
)
def test_a_bad_cursor_answers_400_with_a_problem_body(client, catalogue, since):
    response = client.get(URL, {"since": since})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "not a cursor of this feed" in response.json()["detail"]


def test_a_cursor_of_an_earlier_log_answers_410(client, catalogue):
    _, cursor = read_all(client)
    SyncClock.objects.all().delete()  # its tables emptied, say: the log begins again

    response = client.get(URL, {"since": cursor})

    assert response.status_code == 410
    assert "leave `since` out" in response.json()["detail"]
    assert len(answer(client)["items"]) == 5


def test_a_limit_above_the_maximum_answers_400(client, catalogue, settings):
    settings.WAGTAILAPI_LIMIT_MAX = 10
    response = client.get(URL, {"limit": 11})
    assert response.status_code == 400
    assert "limit cannot be higher than 10" in response.json()["detail"]


def test_an_answer_revalidates_with_its_etag_while_nothing_changes(client, catalogue):
    response = client.get(URL)
    assert response["Cache-Control"] == "no-cache"
    cursor = response.json()["next"]
    with freeze_time(timezone.now() + datetime.timedelta(minutes=5)):
        # Later, with nothing new: the same answer (its cursor included), so a 304.
        again = client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        changes = client.get(URL, {"since": cursor})
        assert (
            client.get(URL, {"since": cursor}, HTTP_IF_NONE_MATCH=changes["ETag"]).status_code
            == 304
        )
    republish(catalogue["first"])
    assert client.get(URL, {"since": cursor}, HTTP_IF_NONE_MATCH=changes["ETag"]).status_code == 200


def _changed_set_queries(client, make_review, person_factory, studio_factory, count):
    _, cursor = read_all(client)
    for n in range(count):
        make_review(
            film_title=f"Film {n}",
            directors=[person_factory(name=f"Director {n}")],
            cast=[(person_factory(name=f"Lead {n}"), "Lead")],
            companies=[studio_factory(name=f"Studio {n}")],
        )
    answer(client, cursor, limit=100)  # warm per-process caches (site root paths)
    with CaptureQueriesContext(connection) as queries:
        page = answer(client, cursor, limit=100)
    assert len(page["items"]) == 4 * count
    return len(queries)


@pytest.mark.django_db
def test_queries_are_the_same_for_1_and_20_changed_reviews(
    client, index_page, make_review, person_factory, studio_factory
):
    one = _changed_set_queries(client, make_review, person_factory, studio_factory, 1)
    ReviewPage.objects.all().delete()
    twenty = _changed_set_queries(client, make_review, person_factory, studio_factory, 20)

    assert one == twenty
    assert one <= 20


def test_the_openapi_document_types_every_item(client, db):
    document = client.get("/api/v3/openapi.json").json()
    operation = document["paths"]["/api/v3/sync/"]["get"]
    schemas = document["components"]["schemas"]

    answer_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    feed = schemas[answer_schema["$ref"].rsplit("/", 1)[1]]
    assert set(feed["required"]) == {"items", "next", "has_more"}
    items = feed["properties"]["items"]["items"]
    union = schemas[items["$ref"].rsplit("/", 1)[1]] if "$ref" in items else items
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == {"review", "person", "studio"}
    review_item = schemas["SyncReviewItem"]
    assert review_item["properties"]["action"]["enum"] == ["upsert", "remove"]
    assert {"$ref": "#/components/schemas/Review"} in review_item["properties"]["object"]["anyOf"]
    assert {"400", "410"} <= set(operation["responses"])
