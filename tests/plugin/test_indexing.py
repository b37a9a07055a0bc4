"""Deferred search indexing is a switch of one thread, not of the whole process."""

import threading

import pytest
from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.search.backends import get_search_backend

from people.models import Person, Studio
from review_pages.importing.indexing import _index_unless_deferred, deferred_indexing
from review_pages.models import ReviewPage
from tests.support.search import needs_search_index

pytestmark = pytest.mark.django_db


def found(model, name: str) -> bool:
    return get_search_backend().search(name, model).count() > 0


def test_modelsearch_receivers_are_replaced_by_the_deferrable_one():
    """Whatever the order of INSTALLED_APPS (the test project lists review_pages before
    wagtail.search, whose ready() connects modelsearch's receivers), the switch is in place
    once it is first used."""
    with deferred_indexing():
        pass
    for model in (ReviewPage, Person, Studio):
        receivers = post_save._live_receivers(model)[0]
        assert _index_unless_deferred in receivers
        assert post_save_signal_handler not in receivers


@needs_search_index
def test_a_save_inside_the_switch_is_not_indexed_until_indexed_again():
    with deferred_indexing(Person):
        person = Person.objects.create(name="Quillon Marsh")
        Studio.objects.create(name="Quillon Pictures")
    assert not found(Person, "Quillon")
    assert found(Studio, "Quillon")  # only the models named are deferred

    person.save()  # outside the switch: indexed as usual
    assert found(Person, "Quillon")


def test_another_thread_keeps_indexing_while_one_defers():
    entered, done = threading.Event(), threading.Event()

    def bulk_writer():
        with deferred_indexing(Person):
            entered.set()
            done.wait(timeout=10)

    writer = threading.Thread(target=bulk_writer)
    writer.start()
    try:
        assert entered.wait(timeout=10)
        Person.objects.create(name="Ysolde Varga")  # this thread is not deferring
        assert found(Person, "Ysolde")
    finally:
        done.set()
        writer.join()
