"""The response cache: hits cost no SQL, each change makes exactly what shows it stale,
editors and previews are never served from it, and a cache outage is not an outage."""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from review_pages import shown
from review_pages.cache import middleware, store
from review_pages.models import ReviewIndexPage
from tests.support.factories import complete_body, publish

REVIEWS = shown.Shown(lists={shown.REVIEWS})


def blank_nonce(content: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', content)


@pytest.fixture
def site(make_review, person_factory, studio_factory):
    """Review A crediting director, actor, critic, studio, distributor and a performer;
    review B crediting only people and a studio A does not."""
    people = {
        key: person_factory(name=name)
        for key, name in {
            "director": "Dana Director",
            "actor": "Adam Actor",
            "critic": "Cora Critic",
            "performer": "Pia Performer",
            "other": "Otto Other",
        }.items()
    }
    studio = studio_factory(name="Sunrise Studio")
    distributor = studio_factory(name="Delta Distribution")
    other_studio = studio_factory(name="Omega Films")
    review = make_review(
        film_title="Alpha Film",
        title="'Alpha Film' Review: The First Headline",
        directors=[people["director"]],
        cast=[(people["actor"], "The Keeper"), (people["performer"], "The Voice")],
        companies=[studio],
        author=people["critic"],
        distributor=distributor,
        body=complete_body([people["performer"].pk]),
    )
    review_b = make_review(
        film_title="Beta Film",
        title="'Beta Film' Review: Unrelated",
        directors=[people["other"]],
        companies=[other_studio],
    )
    return {
        "review": review,
        "review_b": review_b,
        "studio": studio,
        "distributor": distributor,
        "other_studio": other_studio,
        **people,
    }


def surfaces(site):
    """Every address that shows review A, by name."""
    review = site["review"]
    return {
        "front page": "/",
        "review": review.url,
        "director filmography": f"/people/{site['director'].slug}/",
        "actor filmography": f"/people/{site['actor'].slug}/",
        "studio filmography": f"/studios/{site['studio'].slug}/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "v2 listing": "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
        "v2 detail": f"/api/v2/pages/{review.pk}/",
        "v2 person": f"/api/v2/people/{site['director'].pk}/",
        "v3 listing": "/api/v3/reviews/",
        "v3 detail": f"/api/v3/reviews/{review.pk}/",
        "v3 person": f"/api/v3/people/{site['actor'].pk}/",
        "v3 studio": f"/api/v3/studios/{site['studio'].pk}/",
    }


def unrelated(site):
    return {
        "other review": site["review_b"].url,
        "other filmography": f"/people/{site['other'].slug}/",
        "other studio filmography": f"/studios/{site['other_studio'].slug}/",
        "other v3 detail": f"/api/v3/reviews/{site['review_b'].pk}/",
        "other v3 person": f"/api/v3/people/{site['other'].pk}/",
    }


def warm(client, urls):
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        assert client.get(url)["X-Cache"] == "hit", (name, url)


def text(response) -> str:
    return response.content.decode()


def test_every_surface_is_served_from_the_cache_with_zero_queries(client, site):
    urls = {**surfaces(site), **unrelated(site)}
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, (name, first.status_code)
        assert first["X-Cache"] == "miss", name
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
        assert second["X-Cache"] == "hit", name
        assert len(queries) == 0, (name, [q["sql"] for q in queries])
        # Identical but for the CSP nonce, which is new in every answer.
        assert blank_nonce(second.content) == blank_nonce(first.content), name
        assert second.content.count(b'nonce="') == first.content.count(b'nonce="'), name
        assert second["Content-Type"] == first["Content-Type"], name


def test_a_hit_still_answers_if_none_match_with_304(client, site, django_assert_num_queries):
    url = f"/api/v3/reviews/{site['review'].pk}/"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304  # from the cached body's ETag, no SQL


def _relabel(site):
    review = site["review"]
    review.title = "'Alpha Film' Review: A Second Headline"
    publish(review)
    return "A Second Headline", "The First Headline"


def _unpublish(site):
    site["review"].unpublish()
    return None, "The First Headline"


def _delete(site):
    Page.objects.get(pk=site["review"].pk).specific.delete()
    return None, "The First Headline"


def _move(site):
    front_page = Page.objects.get(pk=site["review"].get_parent().pk)
    archive = front_page.add_child(instance=ReviewIndexPage(title="Archive", slug="archive"))
    Page.objects.get(pk=site["review"].pk).move(archive, pos="last-child")
    return "archive/alpha-film-review-the-first-headline/", None


# Which addresses show the change, and what reader sees there afterwards.
# Review A is the only one crediting its people and studio: without it they are unknown.
ONLY_ON_A = {
    "director filmography",
    "actor filmography",
    "studio filmography",
    "v2 person",
    "v3 person",
    "v3 studio",
}
REVIEW_TRIGGERS = {
    "published again": (_relabel, set()),
    "unpublished": (_unpublish, {"review", "v2 detail", "v3 detail", *ONLY_ON_A}),
    "deleted": (_delete, {"review", "v2 detail", "v3 detail", *ONLY_ON_A}),
    "moved": (_move, {"review"}),  # its old address redirects
}


@pytest.mark.parametrize("trigger", REVIEW_TRIGGERS)
def test_a_review_change_shows_at_once_everywhere_and_nowhere_else(client, site, trigger):
    change, gone = REVIEW_TRIGGERS[trigger]
    shown = surfaces(site)
    warm(client, shown)
    warm(client, unrelated(site))

    new_text, old_text = change(site)

    for name, url in shown.items():
        response = client.get(url)
        assert response["X-Cache"] == "miss", (trigger, name)
        if name in gone:
            if trigger == "moved":  # Wagtail's automatic redirect to the new address
                assert response.status_code == 301, (trigger, name)
                assert response["Location"].endswith(new_text)
            else:
                assert response.status_code == 404, (trigger, name)
            continue
        assert response.status_code == 200, (trigger, name)
        if name == "sitemap" and trigger != "moved":
            continue  # addresses only: nothing else of the review shows there
        if old_text:
            assert old_text not in text(response), (trigger, name)
        if new_text:
            assert new_text in text(response), (trigger, name)
    for name, url in unrelated(site).items():
        assert client.get(url)["X-Cache"] == "hit", (trigger, name)


def test_a_moved_review_is_served_fresh_at_its_new_address(client, site):
    warm(client, {"review": site["review"].url})
    _move(site)
    moved = Page.objects.get(pk=site["review"].pk)
    response = client.get(moved.url)
    assert response.status_code == 200
    assert "/archive/" in moved.url and "The First Headline" in text(response)


CREDIT_TRIGGERS = {
    # what is renamed, and the addresses of A that show its name
    "director": {
        "review",
        "director filmography",
        "v2 listing",
        "v2 detail",
        "v2 person",
        "v3 listing",
        "v3 detail",
    },
    "actor": {"review", "actor filmography", "v2 listing", "v3 listing", "v3 detail", "v3 person"},
    # review cards (the front page, filmographies) name the critic
    "critic": {
        "review",
        "feed",
        "front page",
        "director filmography",
        "actor filmography",
        "studio filmography",
        "v2 detail",
        "v3 detail",
    },
    "performer": {"review", "v2 detail", "v3 detail"},
    "studio": {"review", "studio filmography", "v2 detail", "v3 detail", "v3 studio"},
    "distributor": {"review", "v2 detail", "v3 listing"},
}


@pytest.mark.parametrize("credited", CREDIT_TRIGGERS)
def test_renaming_someone_credited_shows_everywhere_at_once(client, site, credited):
    shown = {name: url for name, url in surfaces(site).items() if name in CREDIT_TRIGGERS[credited]}
    warm(client, shown)
    warm(client, unrelated(site))
    entity = site[credited]
    old_name = entity.name
    entity.name = f"Renamed {credited.title()}"
    entity.save()

    for name, url in shown.items():
        response = client.get(url)
        assert response.status_code == 200, (credited, name)
        assert response["X-Cache"] == "miss", (credited, name)
        assert entity.name in text(response), (credited, name)
        assert old_name not in text(response), (credited, name)
    for name, url in unrelated(site).items():
        assert client.get(url)["X-Cache"] == "hit", (credited, name)


def test_a_new_review_crediting_someone_updates_their_filmography(client, site, make_review):
    other = site["review_b"]
    warm(client, {"filmography": f"/people/{site['actor'].slug}/", "b": other.url})
    make_review(film_title="Gamma Film", cast=[(site["actor"], "A Cameo")])
    response = client.get(f"/people/{site['actor'].slug}/")
    assert "Gamma Film" in text(response) and response["X-Cache"] == "miss"
    assert client.get(other.url)["X-Cache"] == "hit"


def test_dropping_a_credit_updates_the_old_filmography(client, site):
    url = f"/people/{site['actor'].slug}/"
    warm(client, {"filmography": url})
    review = site["review"]
    review.cast.remove(review.cast.get(person=site["actor"]))
    publish(review)
    assert "Alpha Film" not in text(client.get(url))


def _review_pages(settings, **values):
    settings.REVIEW_PAGES = {**getattr(settings, "REVIEW_PAGES", {}), **values}


def test_a_search_is_kept_until_a_review_person_or_studio_changes(client, site, person_factory):
    assert client.get("/search/?q=alpha")["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/search/?q=alpha")
    assert again["X-Cache"] == "hit" and len(queries) == 0
    assert "Alpha Film" in text(again)

    review = site["review"]
    review.film_title = "Alpha Film Restored"
    publish(review)
    fresh = client.get("/search/?q=alpha")
    assert fresh["X-Cache"] == "miss" and "Alpha Film Restored" in text(fresh)

    assert client.get("/search/?q=dana")["X-Cache"] == "miss"
    assert client.get("/search/?q=dana")["X-Cache"] == "hit"
    director = site["director"]
    director.name = "Dana Renamed"
    director.save()
    renamed = client.get("/search/?q=dana")
    assert renamed["X-Cache"] == "miss" and "Dana Renamed" in text(renamed)

    person_factory(name="Someone New")  # a new person may be a new name match
    assert client.get("/search/?q=dana")["X-Cache"] == "miss"


def test_searches_sharing_a_slot_take_turns_and_never_answer_for_each_other(client, site, settings):
    _review_pages(settings, SEARCH_CACHE_SLOTS=1)
    alpha, beta = client.get("/search/?q=alpha"), client.get("/search/?q=beta")
    assert alpha["X-Cache"] == beta["X-Cache"] == "miss"
    again = client.get("/search/?q=alpha")  # beta holds the only slot now
    assert again["X-Cache"] == "miss"
    assert "Alpha Film" in text(again) and "Beta Film" not in text(again)
    assert client.get("/search/?q=alpha")["X-Cache"] == "hit"
    assert "Beta Film" in text(client.get("/search/?q=beta"))


def test_a_new_search_takes_the_empty_or_the_older_of_its_two_slots(client, site, settings):
    _review_pages(settings, SEARCH_CACHE_SLOTS=2)
    factory = RequestFactory()

    def slots(query):
        request = factory.get("/search/", {"q": query})
        return set(middleware.storage_keys(request, middleware.request_address(request))[0])

    both = [q for q in (f"alpha film {n}" for n in range(200)) if len(slots(q)) == 2][:3]
    first, second, third = both
    assert client.get("/search/", {"q": first})["X-Cache"] == "miss"
    assert client.get("/search/", {"q": second})["X-Cache"] == "miss"  # the other, empty slot
    assert client.get("/search/", {"q": first})["X-Cache"] == "hit"
    assert client.get("/search/", {"q": second})["X-Cache"] == "hit"
    assert client.get("/search/", {"q": third})["X-Cache"] == "miss"  # takes first's, older
    assert client.get("/search/", {"q": second})["X-Cache"] == "hit"
    assert client.get("/search/", {"q": third})["X-Cache"] == "hit"
    assert client.get("/search/", {"q": first})["X-Cache"] == "miss"


def test_searches_kept_are_bounded_in_keys_and_bytes(client, site, settings):
    _review_pages(settings, SEARCH_CACHE_SLOTS=4)
    cache = store.get_cache()
    factory = RequestFactory()
    for number in range(40):
        assert client.get(f"/search/?q=word{number}")["X-Cache"] == "miss"
        # Never at the address's own key (any cache backend: locmem here, Redis in CI).
        request = factory.get(f"/search/?q=word{number}")
        assert cache.get(middleware.response_key(request)) is None
    slots = [f"{middleware.RESPONSE_PREFIX}search-slot:{slot}" for slot in range(4)]
    kept = cache.get_many(slots)
    assert 1 <= len(kept) <= 4
    asked = {f"http://testserver/search/?q=word{number}" for number in range(40)}
    assert {entry["address"] for entry in kept.values()} <= asked

    _review_pages(settings, SEARCH_CACHE_SLOTS=4, SEARCH_CACHE_MAX_BYTES=100)
    for _ in range(2):
        assert client.get("/search/?q=alpha")["X-Cache"] == "miss"  # too big to keep


def test_searches_are_not_kept_when_the_slots_are_off(client, site, settings):
    _review_pages(settings, SEARCH_CACHE_SLOTS=0)
    for _ in range(2):
        response = client.get("/search/?q=alpha")
        assert response.status_code == 200 and response["X-Cache"] == "bypass"
        assert "Alpha Film" in text(response)


def test_api_searches_are_never_kept(client, site):
    for _ in range(2):
        assert client.get("/api/v3/reviews/?search=alpha")["X-Cache"] == "miss"


def test_editors_the_admin_and_previews_bypass_the_cache(admin_client, site):
    client = Client()  # anonymous (admin_client is the signed-in default client)
    review = site["review"]
    warm(client, {"review": review.url})

    with CaptureQueriesContext(connection) as queries:
        signed_in = admin_client.get(review.url)
    assert signed_in["X-Cache"] == "bypass" and len(queries) > 0

    review.title = "'Alpha Film' Review: A Draft Headline"
    review.save_revision()
    draft = admin_client.get(f"/admin/pages/{review.pk}/view_draft/")
    assert draft.status_code == 200 and "A Draft Headline" in text(draft)
    assert draft["X-Cache"] == "bypass"
    assert admin_client.get("/admin/")["X-Cache"] == "bypass"
    # the public still sees the published page, from the cache
    public = client.get(review.url)
    assert public["X-Cache"] == "hit" and "A Draft Headline" not in text(public)


def test_api_tokens_bypass_the_cache(client, site):
    url = "/api/v3/reviews/"
    warm(client, {"listing": url})
    assert client.get(url, HTTP_AUTHORIZATION="Bearer x")["X-Cache"] == "bypass"


def test_an_answer_made_while_something_it_shows_changed_is_not_stored(db):
    factory = RequestFactory()

    def view(changes_meanwhile):
        def get_response(request):
            shown.record(reviews=[1])
            if changes_meanwhile:
                store.bump("review:1")  # another server publishes while this one renders
            return HttpResponse("<p>old rows</p>", content_type="text/html")

        return middleware.TaggedResponseCacheMiddleware(get_response)

    racing = view(changes_meanwhile=True)
    assert racing(factory.get("/x/"))["X-Cache"] == "miss"
    assert racing(factory.get("/x/"))["X-Cache"] == "miss"  # never stored

    calm = view(changes_meanwhile=False)
    assert calm(factory.get("/y/"))["X-Cache"] == "miss"
    assert calm(factory.get("/y/"))["X-Cache"] == "hit"


def test_answers_that_set_cookies_or_are_private_are_not_stored(db):
    factory = RequestFactory()

    def cached(make_response):
        def get_response(request):
            shown.record(lists=[shown.REVIEWS])
            return make_response()

        return middleware.TaggedResponseCacheMiddleware(get_response)

    def with_cookie():
        response = HttpResponse("hi", content_type="text/html")
        response.set_cookie("csrftoken", "personal")
        return response

    def private():
        response = HttpResponse("hi", content_type="text/html")
        response["Cache-Control"] = "private"
        return response

    for make in (with_cookie, private):
        handler = cached(make)
        handler(factory.get("/z/"))
        assert handler(factory.get("/z/"))["X-Cache"] == "miss", make.__name__


def test_a_memoised_value_is_made_once_per_version_of_its_tags(db):
    made = []

    def compute():
        made.append(len(made))
        return [len(made)]

    assert store.memoise("numbers", compute, REVIEWS) == [1]
    assert store.memoise("numbers", compute, REVIEWS) == [1]
    store.invalidate("review:7")  # another tag: still valid
    assert store.memoise("numbers", compute, REVIEWS) == [1]
    store.invalidate("reviews")
    assert store.memoise("numbers", compute, REVIEWS) == [2]
    store.invalidate_all()
    assert store.memoise("numbers", compute, REVIEWS) == [3]
    assert store.memoise("other", compute, REVIEWS) == [4]  # by name
    assert store.memoise("falsy", lambda: [], REVIEWS) == []
    assert store.memoise("falsy", compute, REVIEWS) == []  # an empty value is kept too


def test_a_memoised_value_is_computed_when_the_cache_is_down(db):
    down = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    made = []
    with override_settings(CACHES=down):
        for _ in range(2):
            assert store.memoise("numbers", lambda: made.append(1) or len(made), REVIEWS) == len(
                made
            )
    assert made == [1, 1]


@override_settings(REVIEW_PAGES={"CACHE_SECONDS": 0})
def test_the_cache_can_be_turned_off(client, site):
    client.get("/")
    assert client.get("/")["X-Cache"] == "bypass"


def test_pages_still_serve_when_redis_is_down(client, site):
    down = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens there
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    with override_settings(CACHES=down):
        for url in surfaces(site).values():
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Cache"] == "miss"
        review = site["review"]
        review.title = "'Alpha Film' Review: Published While Redis Is Down"
        publish(review)  # invalidation fails quietly; publishing works
        assert "Published While Redis Is Down" in text(client.get(review.url))


class Unreachable:
    """A cache that cannot be reached: every operation fails, as django-redis's do."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail


def test_a_change_made_while_the_cache_was_unreachable_is_not_hidden_when_it_returns(
    client, site, monkeypatch
):
    review = site["review"]
    warm(client, {"review": review.url, "front page": "/"})

    reachable = store.get_cache
    monkeypatch.setattr(store, "get_cache", Unreachable)
    review.title = "'Alpha Film' Review: Published During The Outage"
    publish(review)  # its invalidation fails; publishing works
    assert store._pending_tags

    # The cache comes back with everything it held before the outage.
    monkeypatch.setattr(store, "get_cache", reachable)
    for url in (review.url, "/"):
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Published During The Outage" in text(response), url
    assert not store._pending_tags


def cached_endpoints(site):
    """Every address docs/caching.md lists as cached, with real ids and slugs."""
    review, director, studio = site["review"], site["director"], site["studio"]
    return {
        "front page": "/",
        "front page, page 2 and a filter": "/?page=2&rating=PG-13",
        "review": review.url,
        "person filmography": f"/people/{director.slug}/",
        "studio filmography": f"/studios/{studio.slug}/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "v2 pages": "/api/v2/pages/",
        "v2 review listing": "/api/v2/pages/?type=review_pages.ReviewPage&fields=*",
        "v2 page detail": f"/api/v2/pages/{review.pk}/",
        "v2 people": "/api/v2/people/",
        "v2 people, names only": "/api/v2/people/?fields=_,id,name",
        "v2 person": f"/api/v2/people/{director.pk}/",
        "v2 studios": "/api/v2/studios/",
        "v2 studio": f"/api/v2/studios/{studio.pk}/",
        "v3 reviews": "/api/v3/reviews/",
        "v3 review": f"/api/v3/reviews/{review.pk}/",
        "v3 review by slug": f"/api/v3/reviews/by-slug/{review.slug}/",
        "v3 people": "/api/v3/people/",
        "v3 person": f"/api/v3/people/{director.pk}/",
        "v3 person by slug": f"/api/v3/people/by-slug/{director.slug}/",
        "v3 studios": "/api/v3/studios/",
        "v3 studio": f"/api/v3/studios/{studio.pk}/",
        "v3 studio by slug": f"/api/v3/studios/by-slug/{studio.slug}/",
    }


def test_every_cached_endpoint_hits_with_zero_queries(client, site):
    urls = cached_endpoints(site)
    # The list is complete: every read route of the plugin's v3 routers and v2 endpoints.
    schema = client.get("/api/v3/openapi.json").json()
    plugin_reads = {
        path
        for path, item in schema["paths"].items()
        if "get" in item and set(item["get"].get("tags", [])) & {"reviews", "people", "studios"}
    } - {"/api/v3/reviews/preview/"}  # a draft's: never cached (tests/plugin/test_previews.py)
    templates = {
        re.sub(r"by-slug/[^/]+/", "by-slug/{}/", re.sub(r"/\d+/", "/{}/", u)) for u in urls.values()
    }
    for path in plugin_reads:
        assert re.sub(r"{[^}]+}", "{}", path) in templates, path
    for name in ("pages", "people", "studios"):
        assert any(u.startswith(f"/api/v2/{name}/") for u in urls.values()), name

    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, (name, first.status_code)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
        assert second["X-Cache"] == "hit", (name, url, first["X-Cache"])
        assert len(queries) == 0, (name, [q["sql"] for q in queries])
        assert blank_nonce(second.content) == blank_nonce(first.content), name
