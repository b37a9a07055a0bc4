"""The reader pages' queries: an exact number, the same for a catalogue of 1 or 30 reviews
and for a cast of 2 or 40 (a per-item query coming back would change it)."""

import pytest

from people.models import Person, Studio
from review_pages.importing.indexing import deferred_indexing
from review_pages.models import ReviewPage, load_credits
from review_pages.models.credits import read_credits
from tests.support.api_support import count_queries
from tests.support.factories import complete_body

#: Site, routing (the root page, then the review in ONE query: `child_review`), the view
#: restrictions in ONE query (`restrictions`), the credits in ONE query
#: (`credits.read_credits`) with the performers named in the sections; what to read next
#: (`related.read`) is ranked once per change of the reviews (the private sections and ONE
#: query, memoised: `test_memoised_next_reads.py`; with cards to show, two more: the cards
#: and their posters' renditions, `test_related.py`).
REVIEW_PAGE_QUERIES = 5
#: Routing and restrictions as above, the page of reviews and what its cards show (critics
#: joined, posters prefetched); the lead, the count and the years are memoised (read again
#: once the reviews change: `test_lead`).
FRONT_PAGE_QUERIES = 5
#: The person, their credits in ONE query (every credit table), the reviews those credits
#: and the critic's byline name, the listed reviews' posters and critics.
FILMOGRAPHY_QUERIES = 8


def _review(make_review, person_factory, studio_factory, *, cast_size=2, author=None):
    cast = [person_factory() for _ in range(cast_size)]
    return make_review(
        directors=[person_factory()],
        writers=[person_factory()],
        cast=[(person, f"Part {n}") for n, person in enumerate(cast)],
        companies=[studio_factory(), studio_factory()],
        distributor=studio_factory(),
        author=author or person_factory(),
        body=complete_body([person.pk for person in cast[:2]], critiques=2),
    )


def _catalogue(make_review, person_factory, studio_factory, number, author):
    with deferred_indexing(ReviewPage, Person, Studio):
        return [
            _review(make_review, person_factory, studio_factory, author=author)
            for _ in range(number)
        ]


def test_review_page_queries_do_not_grow_with_the_cast_or_the_catalogue(
    client, make_review, person_factory, studio_factory
):
    small = _review(make_review, person_factory, studio_factory, cast_size=2)
    small_count, small_response = count_queries(client, small.url)
    critic = person_factory()
    _catalogue(make_review, person_factory, studio_factory, 29, critic)
    large = _review(make_review, person_factory, studio_factory, cast_size=40)
    large_count, large_response = count_queries(client, large.url)

    assert small_count == large_count == REVIEW_PAGE_QUERIES, (small_count, large_count)
    html = large_response.content.decode()
    assert html.count('<li><a href="/people/') == 40
    assert small.author.name in small_response.content.decode()
    assert small.distributor.name in small_response.content.decode()


@pytest.mark.parametrize("path", ["/", "/people/{critic}/"], ids=["front page", "filmography"])
def test_listing_pages_queries_do_not_grow_with_the_catalogue(
    client, make_review, person_factory, studio_factory, path
):
    critic = person_factory()
    counts = {}
    made = 0
    for size in (1, 30):
        _catalogue(make_review, person_factory, studio_factory, size - made, critic)
        made = size
        counts[size], response = count_queries(client, path.format(critic=critic.slug))
        assert response.content.decode().count('class="review-card') >= min(size, 20)

    expected = FRONT_PAGE_QUERIES if path == "/" else FILMOGRAPHY_QUERIES
    assert counts[1] == counts[30] == expected, counts


def test_credits_of_several_reviews_in_one_query_each_in_billing_order(
    make_review, person_factory, studio_factory, django_assert_num_queries
):
    first = _review(make_review, person_factory, studio_factory, cast_size=3)
    second = _review(make_review, person_factory, studio_factory, cast_size=5)
    without_credits = make_review()
    expected = {
        review.pk: [credit.person.name for credit in review.cast.order_by("sort_order")]
        for review in (first, second)
    }
    pages = list(ReviewPage.objects.filter(pk__in=[first.pk, second.pk, without_credits.pk]))

    with django_assert_num_queries(1):
        load_credits(pages)
        loaded = {page.pk: page for page in pages}
        for page in pages:
            assert [c.person.name for c in page.cast.all()] == expected.get(page.pk, [])
            assert [c.character for c in page.cast.all()] == [
                f"Part {n}" for n in range(len(expected.get(page.pk, [])))
            ]

    assert loaded[without_credits.pk].author_id is None
    assert loaded[first.pk].author.name == first.author.name
    assert loaded[second.pk].distributor.name == second.distributor.name
    assert [c.studio.slug for c in loaded[first.pk].production_companies.all()] == [
        c.studio.slug for c in first.production_companies.order_by("sort_order")
    ]
    assert loaded[second.pk].directors.all()[0].person.pk == second.directors.get().person_id


def test_people_and_studios_by_id_alone_and_nothing_at_all(
    person_factory, studio_factory, django_assert_num_queries
):
    person, studio = person_factory(), studio_factory()

    with django_assert_num_queries(1):
        found = read_credits([], people=[person.pk], studios=[studio.pk])
    with django_assert_num_queries(0):
        nothing = read_credits([])

    assert found.people[person.pk].name == person.name
    assert found.studios[studio.pk].slug == studio.slug
    assert found.lists == {}
    assert (nothing.lists, nothing.people, nothing.studios) == ({}, {}, {})


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_read_credits_makes_the_instances_the_orm_makes(make_review, person_factory):
    """The credits and people made without `Model.__init__` hold what the ORM's hold, save
    as the ORM's do, and compare equal to them."""
    lead = person_factory(name="Ada Lead")
    review = make_review(cast=[(lead, "The Pilot")])

    credit = read_credits([review.pk]).lists[(review.pk, "cast")][0]
    from_orm = review.cast.get()

    assert _fields(credit) == _fields(from_orm)
    assert _fields(credit.person) == _fields(from_orm.person)
    assert (credit._state.adding, credit._state.db) == (False, from_orm._state.db)
    assert credit == from_orm and credit.person == lead
    credit.character = "The Navigator"
    credit.save(update_fields=["character"])
    assert review.cast.get().character == "The Navigator"


def test_read_credits_uses_from_db_for_a_model_with_init_listeners(make_review, person_factory):
    """A `post_init` receiver (a field-tracking library, say) still sees every person."""
    from django.db.models.signals import post_init

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    lead = person_factory()
    review = make_review(cast=[(lead, "Lead")])
    post_init.connect(receiver, sender=Person)
    try:
        read_credits([review.pk])
    finally:
        post_init.disconnect(receiver, sender=Person)
    assert seen == [lead.pk]


def test_a_featured_review_on_the_first_page_costs_no_query_more(client, make_review):
    """The lead is found by id and taken from the page of reviews already read."""
    chosen = make_review(film_title="Chosen")
    for number in range(3):
        make_review(film_title=f"Film {number}")
    plain, _ = count_queries(client, "/")
    chosen.featured = True
    chosen.save_revision().publish()
    with_featured, response = count_queries(client, "/")

    assert with_featured == plain == FRONT_PAGE_QUERIES
    lead = response.content.decode().split("review-card--lead", 1)[1][:2000]
    assert "Chosen" in lead
