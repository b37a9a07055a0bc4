"""Stampede protection: simultaneous first requests for one address render it once while
the others wait a bounded time (or get a recent stale answer); a lock left by a crashed
render blocks nobody past the wait; errors are not stored and release the lock."""

import threading
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from review_pages import shown
from review_pages.cache import middleware, store

factory = RequestFactory()
PATH = "/first/"


class SlowView:
    """A view taking `seconds` to render, counting its renders (no database)."""

    def __init__(self, seconds=0.3, status=200, records=True):
        self.seconds, self.status, self.records = seconds, status, records
        self.renders = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.renders += 1
            number = self.renders
        time.sleep(self.seconds)
        if self.records:
            shown.record(reviews=[1])
        return HttpResponse(f"<p>render {number}</p>", status=self.status, content_type="text/html")


def fire(handler, count, path=PATH):
    """`count` requests at once (a barrier), each in its own thread."""
    barrier = threading.Barrier(count)
    answers = [None] * count

    def one(index):
        barrier.wait()
        began = time.perf_counter()
        response = handler(factory.get(path))
        answers[index] = (response, time.perf_counter() - began)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def lock_key(path=PATH):
    return middleware.LOCK_PREFIX + middleware.response_key(factory.get(path))


def test_simultaneous_first_requests_render_the_address_once(db):
    view = SlowView()
    answers = fire(middleware.TaggedResponseCacheMiddleware(view), 16)
    assert view.renders <= 2
    labels = sorted(response["X-Cache"] for response, _ in answers)
    assert labels.count("miss") == view.renders
    assert labels.count("hit") == 16 - view.renders
    assert {response.status_code for response, _ in answers} == {200}
    assert {response.content for response, _ in answers} <= {b"<p>render 1</p>", b"<p>render 2</p>"}
    slowest = max(seconds for _, seconds in answers)
    assert slowest < 2 * view.seconds + 0.5  # waited one render, not sixteen in turn
    assert store.get_cache().get(lock_key()) is None  # released


@override_settings(REVIEW_PAGES={"CACHE_RENDER_WAIT_SECONDS": 0})
def test_without_waiting_every_request_renders(db):
    view = SlowView(seconds=0.2)
    fire(middleware.TaggedResponseCacheMiddleware(view), 4)
    assert view.renders == 4


@override_settings(REVIEW_PAGES={"CACHE_RENDER_WAIT_SECONDS": 0.4})
def test_a_lock_never_released_blocks_no_one_past_the_wait(db):
    store.get_cache().add(lock_key(), "a render that crashed", timeout=60)
    view = SlowView(seconds=0)
    handler = middleware.TaggedResponseCacheMiddleware(view)
    began = time.perf_counter()
    response = handler(factory.get(PATH))
    waited = time.perf_counter() - began
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    assert 0.4 <= waited < 1.5
    assert view.renders == 1
    # It stored its answer: the next requests are hits at once, the lock notwithstanding.
    began = time.perf_counter()
    assert handler(factory.get(PATH))["X-Cache"] == "hit"
    assert time.perf_counter() - began < 0.2


def test_the_lock_expires(db):
    with override_settings(REVIEW_PAGES={"CACHE_LOCK_SECONDS": 1}):
        lock = middleware.RenderLock(store.get_cache(), middleware.response_key(factory.get(PATH)))
        assert lock.acquire()
        assert not middleware.RenderLock(
            lock.cache, lock.key[len(middleware.LOCK_PREFIX) :]
        ).acquire()
        time.sleep(1.2)
        assert middleware.RenderLock(lock.cache, lock.key[len(middleware.LOCK_PREFIX) :]).acquire()


@pytest.mark.parametrize("status", [500, 503])
def test_errors_are_not_stored_and_release_the_lock(db, status):
    view = SlowView(seconds=0.2, status=status)
    handler = middleware.TaggedResponseCacheMiddleware(view)
    answers = fire(handler, 4)
    assert {response.status_code for response, _ in answers} == {status}
    assert store.get_cache().get(lock_key()) is None
    assert store.get_cache().get(middleware.response_key(factory.get(PATH))) is None
    view.status = 200
    assert handler(factory.get(PATH))["X-Cache"] == "miss"  # rendered again, now stored
    assert handler(factory.get(PATH))["X-Cache"] == "hit"


def test_an_exception_in_the_view_releases_the_lock(db):
    def crash(request):
        raise RuntimeError("render crashed")

    handler = middleware.TaggedResponseCacheMiddleware(crash)
    with pytest.raises(RuntimeError):
        handler(factory.get(PATH))
    assert store.get_cache().get(lock_key()) is None


def test_an_address_whose_answer_is_not_stored_takes_no_lock(db):
    view = SlowView(seconds=0, records=False)  # like search: records nothing
    handler = middleware.TaggedResponseCacheMiddleware(view)
    assert handler(factory.get(PATH))["X-Cache"] == "miss"
    store.get_cache().add(lock_key(), "someone else", timeout=60)
    began = time.perf_counter()
    assert handler(factory.get(PATH))["X-Cache"] == "miss"
    assert time.perf_counter() - began < 0.5  # did not wait for the lock
    assert view.renders == 2


def test_head_requests_do_not_wait(db):
    store.get_cache().add(lock_key(), "someone else", timeout=60)
    view = SlowView(seconds=0)
    began = time.perf_counter()
    response = middleware.TaggedResponseCacheMiddleware(view)(factory.head(PATH))
    assert response.status_code == 200
    assert time.perf_counter() - began < 0.5


def stored_then_stale(handler):
    assert handler(factory.get(PATH))["X-Cache"] == "miss"
    store.bump("review:1")  # a change: the stored answer is stale
    store.get_cache().add(lock_key(), "the request rendering the fresh one", timeout=60)


def test_while_one_renders_others_get_the_recent_stale_answer(db):
    view = SlowView(seconds=0)
    handler = middleware.TaggedResponseCacheMiddleware(view)
    stored_then_stale(handler)
    began = time.perf_counter()
    stale = handler(factory.get(PATH))
    assert time.perf_counter() - began < 0.2  # no waiting
    assert stale["X-Cache"] == "stale"
    assert stale.content == b"<p>render 1</p>"
    assert view.renders == 1
    store.get_cache().delete(lock_key())  # that render ended: the next one renders fresh
    fresh = handler(factory.get(PATH))
    assert (fresh["X-Cache"], fresh.content) == ("miss", b"<p>render 2</p>")


@pytest.mark.parametrize("stale_seconds, age", [(0, 0), (30, 31)])
def test_no_stale_answer_past_the_bound(db, monkeypatch, stale_seconds, age):
    view = SlowView(seconds=0)
    handler = middleware.TaggedResponseCacheMiddleware(view)
    stored_then_stale(handler)
    now = time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: now + age)
    with override_settings(
        REVIEW_PAGES={"CACHE_STALE_SECONDS": stale_seconds, "CACHE_RENDER_WAIT_SECONDS": 0.2}
    ):
        response = handler(factory.get(PATH))
    assert (response["X-Cache"], response.content) == ("miss", b"<p>render 2</p>")


def test_a_waiter_gets_the_fresh_answer_not_the_stale_one_when_none_is_recent(db):
    """With stale answers off, simultaneous requests after a change wait for the one render."""
    view = SlowView(seconds=0.3)
    handler = middleware.TaggedResponseCacheMiddleware(view)
    handler(factory.get(PATH))
    store.bump("review:1")
    with override_settings(REVIEW_PAGES={"CACHE_STALE_SECONDS": 0}):
        answers = fire(handler, 8)
    assert view.renders <= 3  # the first, then at most two for the change
    assert all(response.content != b"<p>render 1</p>" for response, _ in answers)


def test_waiters_in_the_renders_own_process_wake_when_it_ends_without_polling(db, monkeypatch):
    # A waiter polling the cache would sleep the whole wait (3 s) before looking.
    monkeypatch.setattr(middleware, "FIRST_POLL_SECONDS", 10)
    monkeypatch.setattr(middleware, "LAST_POLL_SECONDS", 10)
    view = SlowView(seconds=0.3)
    answers = fire(middleware.TaggedResponseCacheMiddleware(view), 8)
    assert view.renders == 1
    assert sorted(response["X-Cache"] for response, _ in answers) == ["hit"] * 7 + ["miss"]
    assert max(seconds for _, seconds in answers) < 1.5
