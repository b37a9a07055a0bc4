"""Search-index updates that a bulk writer can defer, in its own thread only.

modelsearch updates the search index on every save of an indexed model (one `post_save`
receiver per model). The importer saves a review several times before it is complete, so it
defers those updates and indexes each review once at the end (`writer.index_reviews`).

The switch is a context variable, like Wagtail's own `disable_reference_index_auto_update`:
other threads of the same process (web requests, a live test server) keep indexing as usual.
For that, `install()` puts one deferrable receiver in place of modelsearch's. It runs from
the plugin's `ready()` and again on first use, so it works whatever the order of
INSTALLED_APPS (modelsearch connects its receivers in its own `ready()`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_save
from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

_deferred_models: ContextVar[frozenset[type]] = ContextVar(
    "deferred_search_indexing", default=frozenset()
)
DISPATCH_UID = "review_pages.indexing.deferrable"


def _index_unless_deferred(sender, instance, **kwargs) -> None:
    if sender not in _deferred_models.get():
        post_save_signal_handler(instance, **kwargs)


def install() -> None:
    """Replace modelsearch's `post_save` receivers with the deferrable one (idempotent).

    Models that opted out of automatic updates (`search_auto_update = False`) had no
    receiver and get none.
    """
    for model in index.get_indexed_models():
        if post_save.disconnect(post_save_signal_handler, sender=model):
            post_save.connect(_index_unless_deferred, sender=model, dispatch_uid=DISPATCH_UID)


@contextmanager
def deferred_indexing(*models: type) -> Iterator[None]:
    """Skip the per-save search and reference index updates of these models, in this thread.

    Whoever uses it indexes the objects afterwards (see `writer.index_reviews`).
    """
    install()
    token = _deferred_models.set(_deferred_models.get() | frozenset(models))
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        _deferred_models.reset(token)
