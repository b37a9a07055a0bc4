"""What readers see: the front page, a review and filmographies."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.factories import complete_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def lantern(make_review, person_factory, studio_factory):
    director = person_factory(name="Maren Holt")
    writer = person_factory(name="Tobias Rhee")
    lead = person_factory(name="Zoë Marchetti")
    support = person_factory(name="Idris Calloway")
    studio = studio_factory(name="Harbourlight Pictures")
    distributor = studio_factory(name="Northgate Releasing")
    critic = person_factory(name="Priya Anand")
    review = make_review(
        title="'The Lantern Keeper' Review: A Slow Burn That Earns Its Glow",
        film_title="The Lantern Keeper",
        intro="<p>A quiet <i>coastal</i> drama.</p>",
        mpa_rating="PG-13",
        mpa_rating_reason="thematic elements and brief peril",
        runtime_minutes=112,
        release_date=datetime.date(2025, 3, 14),
        distributor=distributor,
        author=critic,
        directors=[director],
        writers=[writer],
        cast=[(lead, "Ada Venn"), (support, "the Harbourmaster")],
        companies=[studio],
        body=complete_body(performer_ids=[lead.pk], critiques=2),
    )
    return review


def test_review_page_shows_every_fact_credit_character_and_section(client, lantern):
    response = client.get(lantern.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "&#x27;The Lantern Keeper&#x27; Review: A Slow Burn That Earns Its Glow",
        "A quiet <i>coastal</i> drama.",
        "PG-13",
        "thematic elements and brief peril",
        "1 Hour and 52 Minutes",
        'datetime="PT1H52M"',
        "March 14, 2025",
        "Maren Holt",
        "Tobias Rhee",
        "Zoë Marchetti",
        "as Ada Venn",
        "Idris Calloway",
        "as the Harbourmaster",
        "Harbourlight Pictures",
        "Northgate Releasing",
        "Priya Anand",
        "Synopsis",
        "A lighthouse keeper hears a voice.",
        "A quiet, commanding lead",
        "Critique heading 1",
        "Critique heading 2",
        "Verdict",
        "Worth the trip.",
    ]:
        assert text in html, text
    # Every name links to its filmography.
    assert 'href="/people/maren-holt/"' in html
    assert 'href="/people/zo%C3%AB-marchetti/"' in html  # Unicode slug, percent-encoded
    assert 'href="/studios/harbourlight-pictures/"' in html
    assert 'href="/studios/northgate-releasing/"' in html
    # The final statement is set apart, after every other section.
    assert html.index("Critique heading 2") < html.index('class="final-statement"')


def test_front_page_lists_live_reviews_newest_first(client, make_review):
    make_review(film_title="Older Film")
    make_review(film_title="Newer Film")
    make_review(film_title="Unpublished Film", live=False)
    html = client.get("/").content.decode()
    assert html.index("Newer Film") < html.index("Older Film")
    assert "Unpublished Film" not in html


def test_front_page_filters(client, make_review, person_factory, studio_factory):
    actor = person_factory(name="Ruth Okafor")
    studio = studio_factory(name="Saltmarsh Films")
    make_review(film_title="Rated R", mpa_rating="R", release_date=datetime.date(2024, 1, 2))
    make_review(film_title="With Ruth", cast=[(actor, "Mara")], companies=[studio])
    assert "Rated R" in client.get("/?rating=R").content.decode()
    assert "With Ruth" not in client.get("/?rating=R").content.decode()
    assert "Rated R" in client.get("/?year=2024").content.decode()
    assert "With Ruth" not in client.get("/?year=2024").content.decode()
    by_person = client.get("/?person=ruth-okafor").content.decode()
    assert "With Ruth" in by_person and "Rated R" not in by_person
    by_studio = client.get("/?studio=saltmarsh-films").content.decode()
    assert "With Ruth" in by_studio and "Rated R" not in by_studio


def year_options(client) -> list[str]:
    return re.findall(r'<option value="(\d{4})"', client.get("/").content.decode())


def test_front_page_years_follow_publication_at_once(client, make_review):
    """The years are memoised per version of the `reviews` cache tag: a review published or
    unpublished after they were made changes them at the next render."""
    make_review(film_title="Old Film", release_date=datetime.date(2001, 5, 1))
    assert year_options(client) == ["2001"]
    assert year_options(client) == ["2001"]  # served from the caches

    newer = make_review(film_title="New Film", release_date=datetime.date(2024, 3, 1))
    assert year_options(client) == ["2024", "2001"]

    newer.unpublish()
    assert year_options(client) == ["2001"]


def test_front_page_years_cost_no_query_once_made(admin_client, make_review):
    """Editors bypass the response cache; the years still come from their memo."""
    make_review(film_title="Old Film", release_date=datetime.date(2001, 5, 1))
    admin_client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get("/").content.decode()
    assert '<option value="2001"' in html
    assert not [
        q for q in queries.captured_queries if "release_date" in q["sql"] and "DISTINCT" in q["sql"]
    ]


def test_front_page_bad_filter_values_explain_instead_of_failing(client, make_review):
    make_review(film_title="Any Film")
    for query in ["?year=abc", "?rating=XXX", "?person=%3Cscript%3E", "?page=zzz", "?page=999"]:
        response = client.get("/" + query)
        assert response.status_code == 200, query
    assert "The year must be a number" in client.get("/?year=abc").content.decode()


def test_front_page_paginates_by_twelve(client, make_review):
    for number in range(14):
        make_review(film_title=f"Paged {number:02d}")
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert first.count('<article class="review-card') == 12  # the lead and 11 more
    assert second.count('<article class="review-card') == 2
    assert "Page 1 of 2" in first


def test_front_page_count_follows_publication_at_once(admin_client, make_review):
    """The count is memoised per version of the `reviews` tag (editors bypass the response
    cache, so this reads the memo)."""
    reviews = [make_review(film_title=f"Paged {number:02d}") for number in range(12)]
    assert "Page 1 of" not in admin_client.get("/").content.decode()  # one page
    make_review(film_title="Thirteenth")
    assert "Page 1 of 2" in admin_client.get("/").content.decode()
    reviews[0].unpublish()
    assert "Page 1 of" not in admin_client.get("/").content.decode()


def test_filmography_groups_roles_and_characters(client, make_review, person_factory):
    person = person_factory(name="Inés Valdés")
    make_review(film_title="Her Film", directors=[person])
    make_review(film_title="Their Film", cast=[(person, "Captain Ruiz")])
    make_review(film_title="Hidden Film", directors=[person], live=False)
    response = client.get("/people/inés-valdés/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Director" in html and "Her Film" in html
    assert "Their Film" in html and "as Captain Ruiz" in html
    assert "Hidden Film" not in html


def test_studio_filmography(client, make_review, studio_factory):
    studio = studio_factory(name="Kestrel Works")
    make_review(film_title="Made There", companies=[studio])
    make_review(film_title="Sold There", distributor=studio)
    html = client.get("/studios/kestrel-works/").content.decode()
    assert "Production company" in html and "Made There" in html
    assert "Distributor" in html and "Sold There" in html


def test_unknown_filmography_and_page_are_404(client, index_page):
    assert client.get("/people/nobody/").status_code == 404
    assert client.get("/studios/nobody/").status_code == 404
    assert client.get("/no-such-review/").status_code == 404


def _queries_for(client, url):
    client.get(url)  # warm per-process caches (site root paths)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_review_page_queries_do_not_grow_with_cast(client, make_review, person_factory):
    small = make_review(cast=[(person_factory(), f"Role {n}") for n in range(2)])
    large = make_review(cast=[(person_factory(), f"Role {n}") for n in range(40)])
    assert _queries_for(client, small.url) == _queries_for(client, large.url)


def test_front_page_queries_do_not_grow_with_reviews(client, make_review, person_factory):
    make_review(directors=[person_factory()])
    few = _queries_for(client, "/")
    for _ in range(11):
        make_review(directors=[person_factory(), person_factory()])
    assert _queries_for(client, "/") == few


def test_filmography_queries_do_not_grow_with_credits(client, make_review, person_factory):
    person = person_factory(name="Busy Person")
    make_review(directors=[person])
    few = _queries_for(client, "/people/busy-person/")
    for _ in range(8):
        make_review(directors=[person], cast=[(person, "Cameo")])
    assert _queries_for(client, "/people/busy-person/") == few
