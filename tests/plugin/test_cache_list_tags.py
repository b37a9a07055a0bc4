"""Answers showing the list of reviews are tagged with the lists of what they show
(`cache.tags.of_shown`): as often stale as with each item's tag, because every change that
gives an item's tag a new version gives its list's tag one too."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from review_pages import shown
from review_pages.cache import tags

LISTING = "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=20"


def test_a_listing_checks_a_few_list_tags_not_each_item():
    listing = shown.Shown(
        reviews=set(range(20)), people=set(range(250)), studios={1, 2}, lists={shown.REVIEWS}
    )
    assert tags.of_shown(listing) == {tags.REVIEW_LIST, tags.PEOPLE_LIST, tags.STUDIO_LIST}
    page = shown.Shown(reviews={7}, people={1, 2}, genres={3})  # a review's own page
    assert tags.of_shown(page) == {"review:7", "person:1", "person:2", "genre:3"}


def test_every_change_of_an_item_changes_its_list_too():
    """The rule the list tags rely on: any new version of an item's tag comes with one of
    the list of reviews or of its kind's list."""
    changes = [
        tags.of_review_change(5, [1, 2], [3]),
        tags.of_person_change(1),
        tags.of_studio_change(3),
        tags.of_genre_change(4),
    ]
    lists = {"review": tags.REVIEW_LIST, "person": tags.PEOPLE_LIST}
    lists.update({"studio": tags.STUDIO_LIST, "genre": tags.GENRE_LIST})
    for bumped in changes:
        for tag in bumped:
            kind = tag.split(":", 1)[0]
            if kind in lists:
                assert tags.REVIEW_LIST in bumped or lists[kind] in bumped, (tag, bumped)


def test_a_renamed_person_shows_in_a_stored_listing_at_once(
    client, index_page, make_review, person_factory
):
    ada = person_factory(name="Ada Before")
    make_review(film_title="Quiet", cast=[(ada, "Keeper")])
    client.get(LISTING)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LISTING).headers["X-Cache"] == "hit"
    assert len(queries) == 0
    ada.name = "Ada After"
    ada.save()
    answer = client.get(LISTING)
    assert answer.headers["X-Cache"] == "miss"
    assert "Ada After" in answer.content.decode()
