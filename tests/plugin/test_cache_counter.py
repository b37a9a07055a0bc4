"""A stored answer whose request began at the shared counter's present value is fresh
without reading its tags' versions (no tag can have had a new version since); once any tag
has one, its own tags are read, as before."""

import pytest

from review_pages.cache import store


@pytest.fixture
def tag_reads(monkeypatch):
    calls = []
    original = store.versions_of

    def counting(cache, tags):
        calls.append(list(tags))
        return original(cache, tags)

    monkeypatch.setattr(store, "versions_of", counting)
    return calls


def test_a_hit_reads_no_tag_while_nothing_changed(client, make_review, person_factory, tag_reads):
    review = make_review(film_title="Quiet", cast=[(person_factory(), "Keeper")])
    assert client.get(review.url).headers["X-Cache"] == "miss"
    stored = len(tag_reads)
    assert client.get(review.url).headers["X-Cache"] == "hit"
    assert len(tag_reads) == stored  # the hit read no tag version

    store.bump("person:999999")  # something this page does not show
    assert client.get(review.url).headers["X-Cache"] == "hit"
    assert len(tag_reads) == stored + 1  # its tags read, still fresh

    review.title = "'Quiet' Review: Published Again"
    review.save_revision().publish()
    answer = client.get(review.url)
    assert answer.headers["X-Cache"] == "miss"
    assert "Published Again" in answer.content.decode()
