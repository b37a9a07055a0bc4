"""Related reviews and more from the critic: at the end of a review page and in the v3
review detail; ranked by a documented score, public reviews only, a fixed number of queries,
and refreshed in the response cache exactly when a publication changes them."""

import datetime
import re

import pytest
from django.apps import apps
from django.utils import timezone
from wagtail.models import PageViewRestriction

from review_pages import related
from review_pages.models import ReviewIndexPage
from tests.support.api_support import count_queries
from tests.support.factories import publish
from tests.support.images import make_poster

pytestmark = pytest.mark.django_db


def section(html: str, heading_id: str) -> str:
    """The next-reads section titled by `heading_id` ("" when the page has none)."""
    found = re.search(
        rf'<section class="next-reads__section" aria-labelledby="{heading_id}">(.*?)</section>',
        html,
        re.S,
    )
    return found.group(1) if found else ""


def films(html: str) -> list[str]:
    """The films of the cards in a piece of HTML, in order."""
    return re.findall(r'<span class="film-title">([^<]+)</span>', html)


def related_films(client, review) -> list[str]:
    return films(section(client.get(review.url).content.decode(), "related-heading"))


def critic_films(client, review) -> list[str]:
    return films(section(client.get(review.url).content.decode(), "more-by-critic-heading"))


def test_two_reviews_sharing_a_director_link_each_other_as_related(
    client, make_review, person_factory
):
    director = person_factory(name="Dana Director")
    first = make_review(film_title="First Light", directors=[director])
    second = make_review(film_title="Second Wind", directors=[director])
    make_review(film_title="Unrelated", directors=[person_factory()])

    first_html = client.get(first.url).content.decode()
    related_html = section(first_html, "related-heading")
    assert '<h2 id="related-heading">Related reviews</h2>' in first_html
    assert films(related_html) == ["Second Wind"]
    assert f'href="{second.url}"' in related_html
    assert related_films(client, second) == ["First Light"]


def test_two_reviews_sharing_a_genre_link_each_other_as_related(client, make_review):
    genre_model = apps.get_model("review_pages", "Genre")
    review_genre = apps.get_model("review_pages", "ReviewGenre")
    thriller = genre_model.objects.create(name="Thriller")
    drama = genre_model.objects.create(name="Drama")
    reviews = {}
    for film, genre in (("Cold Trail", thriller), ("Night Watch", thriller), ("Slow Days", drama)):
        review = make_review(film_title=film, live=False)
        review_genre.objects.create(page=review, genre=genre, sort_order=0)
        reviews[film] = publish(review)

    assert related_films(client, reviews["Cold Trail"]) == ["Night Watch"]
    assert related_films(client, reviews["Night Watch"]) == ["Cold Trail"]
    assert related_films(client, reviews["Slow Days"]) == []


def test_related_reviews_are_ranked_by_what_they_share_and_newest_first_among_equals(
    client, make_review, person_factory
):
    director, writer = person_factory(name="Dee Rector"), person_factory(name="Wri Ter")
    cast = [person_factory(name=f"Actor {n}") for n in range(12)]
    review = make_review(
        film_title="The Hub",
        directors=[director],
        writers=[writer],
        cast=[(person, f"Part {n}") for n, person in enumerate(cast)],
    )
    # Scores (genre and director 3, writer 2, cast member 1): the writer and two cast
    # members 4; the director 3 (twice: the newer first); one cast member 1, twice (the
    # older one falls off the four).
    make_review(film_title="Bit Player Old", cast=[(cast[2], "")])
    make_review(film_title="Same Director Older", directors=[director])
    make_review(film_title="Writer And Cast", writers=[writer], cast=[(cast[0], ""), (cast[1], "")])
    make_review(film_title="Same Director Newer", directors=[director])
    make_review(film_title="Bit Player New", cast=[(cast[3], "")])
    # Not related: the director as an actor (roles count only when shared), an actor billed
    # beyond the first ten, nothing shared.
    make_review(film_title="Director Acts", cast=[(director, "Cameo")])
    make_review(film_title="Twelfth Billed", cast=[(cast[11], "")])
    make_review(film_title="Stranger", directors=[person_factory()])

    assert related.CAST_BILLING == 10
    assert related_films(client, review) == [
        "Writer And Cast",
        "Same Director Newer",
        "Same Director Older",
        "Bit Player New",
    ]


def test_only_reviews_public_now_in_the_same_index_are_listed(
    client, make_review, person_factory, index_page
):
    director = person_factory()
    review = make_review(film_title="Public One", directors=[director])
    make_review(film_title="Draft Sibling", directors=[director], live=False)
    expired = make_review(film_title="Expired Sibling", directors=[director])
    type(expired).objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    scheduled = make_review(film_title="Scheduled Sibling", directors=[director])
    type(scheduled).objects.filter(pk=scheduled.pk).update(
        go_live_at=timezone.now() + datetime.timedelta(days=1)
    )
    private = make_review(film_title="Private Sibling", directors=[director])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    archive = index_page.add_child(instance=ReviewIndexPage(title="Archive", slug="archive"))
    elsewhere = make_review(film_title="Other Index", directors=[director], live=False)
    elsewhere.move(archive, pos="last-child")
    publish(type(elsewhere).objects.get(pk=elsewhere.pk))
    visible = make_review(film_title="Visible Sibling", directors=[director])

    assert related_films(client, review) == ["Visible Sibling"]
    assert related_films(client, visible) == ["Public One"]


def test_more_from_the_critic_is_their_newest_four_not_already_related(
    client, make_review, person_factory
):
    critic = person_factory(name="Kit Critic")
    director = person_factory()
    review = make_review(film_title="Opening", author=critic, directors=[director])
    for number in range(1, 7):
        make_review(
            film_title=f"Take {number}",
            author=critic,
            directors=[director] if number == 5 else [],
        )
    make_review(film_title="Draft Take", author=critic, live=False)
    make_review(film_title="Someone Else", author=person_factory())

    html = client.get(review.url).content.decode()
    assert films(section(html, "related-heading")) == ["Take 5"]
    more = section(html, "more-by-critic-heading")
    assert '<h2 id="more-by-critic-heading">More from Kit Critic</h2>' in html
    assert films(more) == ["Take 6", "Take 4", "Take 3", "Take 2"]
    assert '<a href="/critics/kit-critic/">Every review by Kit Critic</a>' in more


def test_a_review_sharing_nothing_and_without_a_critic_ends_without_next_reads(
    client, make_review, person_factory
):
    lone = make_review(film_title="Alone")
    make_review(film_title="Another", directors=[person_factory()])
    queries, response = count_queries(client, lone.url)
    html = response.content.decode()
    assert 'class="next-reads' not in html
    assert "Related reviews" not in html and "More from" not in html
    # Nothing to rank: neither the view restrictions nor the ranking are read. With
    # something to rank they are, once per change of the reviews (memoised): the first
    # request reads them, the second (the one counted) does not.
    credited = make_review(film_title="Credited", directors=[person_factory()])
    assert count_queries(client, credited.url)[0] == queries


def _shared_catalogue(make_review, director, critic, number, first=0):
    for n in range(first, first + number):
        make_review(
            film_title=f"Catalogue {n}",
            directors=[director],
            author=critic,
            poster=make_poster(f"Catalogue {n}"),
        )


def test_next_reads_cost_the_same_queries_for_1_or_50_other_reviews(
    client, make_review, person_factory
):
    director, critic = person_factory(), person_factory()
    review = make_review(
        film_title="Measured",
        directors=[director],
        author=critic,
        poster=make_poster("Measured"),
    )
    _shared_catalogue(make_review, director, person_factory(), 1)  # related
    make_review(author=critic, poster=make_poster("By critic"))  # more by the critic
    few, response = count_queries(client, review.url)
    html = response.content.decode()
    assert len(films(section(html, "related-heading"))) == 1
    assert len(films(section(html, "more-by-critic-heading"))) == 1

    _shared_catalogue(make_review, director, critic, 50, first=1)
    many, response = count_queries(client, review.url)
    html = response.content.decode()
    assert len(films(section(html, "related-heading"))) == related.RELATED_COUNT
    assert len(films(section(html, "more-by-critic-heading"))) == related.MORE_BY_CRITIC_COUNT
    assert html.count('alt="Poster for Catalogue') == 8
    assert few == many, (few, many)


def test_next_reads_read_in_four_queries(make_review, person_factory, django_assert_num_queries):
    """The view restrictions, the ranking of both lists, the cards, their posters; the
    ranking once per change of the reviews."""
    from review_pages.models import ReviewPage, load_credits

    director, critic = person_factory(), person_factory()
    review = make_review(directors=[director], author=critic)
    make_review(directors=[director], poster=make_poster("Related"))
    make_review(author=critic, poster=make_poster("More"))
    page = ReviewPage.objects.get(pk=review.pk)
    load_credits([page])
    # The view restrictions, the ranking (and the next expiry, read once for every value
    # memoised), the cards, their posters.
    with django_assert_num_queries(5):
        reads = page.next_reads()
        assert [card.poster.title for card in reads.listed] == [
            "Poster for Related",
            "Poster for More",
        ]
        assert reads.more_by_critic[0].author.name == critic.name  # the card's byline
    with django_assert_num_queries(2):  # the ranking memoised: the cards, their posters
        assert page.next_reads().listed == reads.listed


# The response cache: exactly the pages a publication changes are refreshed.


@pytest.fixture
def cached_pair(client, make_review, person_factory):
    director, critic = person_factory(name="Cached Director"), person_factory(name="Cached Critic")
    review = make_review(film_title="Cached One", directors=[director], author=critic)
    unrelated = make_review(film_title="Cached Stranger", directors=[person_factory()])
    for page in (review, unrelated):
        client.get(page.url)
        assert client.get(page.url)["X-Cache"] == "hit"
    return {"review": review, "unrelated": unrelated, "director": director, "critic": critic}


def test_publishing_a_review_sharing_a_credit_refreshes_the_pages_it_relates_to(
    client, make_review, cached_pair
):
    newcomer = make_review(film_title="Newcomer", directors=[cached_pair["director"]])

    fresh = client.get(cached_pair["review"].url)
    assert fresh["X-Cache"] == "miss"
    assert films(section(fresh.content.decode(), "related-heading")) == ["Newcomer"]
    assert client.get(cached_pair["unrelated"].url)["X-Cache"] == "hit"

    # The related review changes (a new headline on its card), then goes.
    newcomer.title = "'Newcomer' Review: A New Headline"
    publish(newcomer)
    assert "A New Headline" in client.get(cached_pair["review"].url).content.decode()
    newcomer.unpublish()
    gone = client.get(cached_pair["review"].url)
    assert gone["X-Cache"] == "miss" and "Newcomer" not in gone.content.decode()
    assert client.get(cached_pair["unrelated"].url)["X-Cache"] == "hit"


def test_publishing_a_review_sharing_only_a_genre_refreshes_the_pages_scored_by_it(
    client, make_review
):
    genre_model = apps.get_model("review_pages", "Genre")
    review_genre = apps.get_model("review_pages", "ReviewGenre")
    noir = genre_model.objects.create(name="Noir")

    def in_noir(film: str):
        review = make_review(film_title=film, live=False)
        review_genre.objects.create(page=review, genre=noir, sort_order=0)
        return publish(review)

    first = in_noir("Rain On Glass")
    stranger = make_review(film_title="Sunny Stranger")
    for page in (first, stranger):
        client.get(page.url)
        assert client.get(page.url)["X-Cache"] == "hit"

    in_noir("Smoke Alley")
    fresh = client.get(first.url)
    assert fresh["X-Cache"] == "miss"
    assert films(section(fresh.content.decode(), "related-heading")) == ["Smoke Alley"]
    assert client.get(stranger.url)["X-Cache"] == "hit"


def test_publishing_a_review_by_the_critic_refreshes_more_from_the_critic(
    client, make_review, cached_pair
):
    make_review(film_title="Critics Latest", author=cached_pair["critic"])

    fresh = client.get(cached_pair["review"].url)
    assert fresh["X-Cache"] == "miss"
    assert films(section(fresh.content.decode(), "more-by-critic-heading")) == ["Critics Latest"]
    assert client.get(cached_pair["unrelated"].url)["X-Cache"] == "hit"


# API v3: both lists in the review detail, as review cards; not in listings.


def test_the_v3_detail_lists_related_reviews_and_more_by_the_critic(
    client, make_review, person_factory
):
    director, critic = person_factory(), person_factory()
    review = make_review(film_title="Api Hub", directors=[director], author=critic)
    sibling = make_review(
        film_title="Api Sibling",
        directors=[director],
        score="4.5",
        poster=make_poster("Api Sibling"),
    )
    by_critic = make_review(film_title="Api Critic", author=critic)

    detail = client.get(f"/api/v3/reviews/{review.pk}/").json()
    by_slug = client.get(f"/api/v3/reviews/by-slug/{review.slug}/").json()

    (card,) = detail["related"]
    assert card["id"] == sibling.pk
    assert card["title"] == sibling.title and card["film_title"] == "Api Sibling"
    assert card["url"] == f"http://localhost{sibling.url}"
    assert card["detail_url"] == f"http://localhost/api/v3/reviews/{sibling.pk}/"
    assert card["score"] == 4.5
    assert card["poster"]["url"].startswith("http://localhost/media/images/")
    assert card["poster"]["alt"]
    assert [c["id"] for c in detail["more_by_critic"]] == [by_critic.pk]
    assert detail["more_by_critic"][0]["poster"] is None
    assert by_slug["related"] == detail["related"]
    assert by_slug["more_by_critic"] == detail["more_by_critic"]

    listing = client.get("/api/v3/reviews/").json()["items"]
    assert listing and all(
        "related" not in item and "more_by_critic" not in item for item in listing
    )


def test_the_openapi_document_types_the_next_reads(client):
    openapi = client.get("/api/v3/openapi.json").json()
    schemas = openapi["components"]["schemas"]
    detail = schemas["ReviewDetail"]["properties"]
    for name in ("related", "more_by_critic"):
        assert detail[name]["items"] == {"$ref": "#/components/schemas/ReviewCard"}
    assert set(schemas["ReviewCard"]["properties"]) == {
        "id",
        "title",
        "film_title",
        "url",
        "detail_url",
        "poster",
        "score",
        "first_published_at",
    }
    response = openapi["paths"]["/api/v3/reviews/{review_id}/"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/ReviewDetail")


def test_a_drafts_preview_lists_what_its_own_credits_relate_it_to(
    client, make_review, person_factory
):
    """The v3 preview answers in the detail's shape, its lists chosen by the draft's
    unsaved credits (and the public reviews only)."""
    from review_pages.models import PreviewGrant, ReviewDirector, ReviewPage

    director = person_factory()
    sibling = make_review(film_title="Published Sibling", directors=[director])
    make_review(film_title="Draft Sibling", directors=[director], live=False)
    draft = make_review(film_title="In The Works", live=False)
    page = ReviewPage.objects.get(pk=draft.pk)
    page.directors.add(ReviewDirector(person=director, sort_order=0))
    page.save_revision()
    token = PreviewGrant.share(ReviewPage.objects.get(pk=draft.pk), seconds=600).token

    preview = client.get("/api/v3/reviews/preview/", {"token": token}).json()

    assert [card["id"] for card in preview["related"]] == [sibling.pk]
    assert preview["more_by_critic"] == []
    assert not ReviewDirector.objects.filter(page=draft)  # the credit lives in the draft only
