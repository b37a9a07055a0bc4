"""Which stored answers a change makes stale (listening to `review_pages.events`).

A review's publication, unpublication, move or deletion makes stale its own page, every
list of reviews and whatever shows the people, studios and genres it credits now; filmographies it
no longer credits carry its `review:<id>` tag already. Saving a person or studio makes stale
whatever shows them; saving a genre, whatever shows it and the lists of genres. A change
every page shows (an index, view restrictions) makes everything stale.
"""

from __future__ import annotations

from .. import events
from . import store
from . import tags as cache_tags


def review_changed(sender, change: events.ReviewChange, **kwargs):
    if change.action == events.MOVING:
        return  # the move itself follows
    person_ids, studio_ids = change.credited
    # Its genres too: other reviews' related lists were scored by them (`related` records
    # the genres it scored by), so a review now sharing one may belong in those lists.
    genre_ids = list(change.page.genres.values_list("genre_id", flat=True))
    store.invalidate(
        *cache_tags.of_review_change(change.page.pk, person_ids, studio_ids),
        *cache_tags.genres(genre_ids),
    )


def credit_changed(sender, instance, kind: str, **kwargs):
    if kind == "person":
        store.invalidate(*cache_tags.of_person_change(instance.pk))
    else:
        store.invalidate(*cache_tags.of_studio_change(instance.pk))


def genre_changed(sender, instance, **kwargs):
    store.invalidate(*cache_tags.of_genre_change(instance.pk))


def site_changed(sender, **kwargs):
    store.invalidate_all()


def connect() -> None:
    uid = "review_pages.cache"
    events.review_changed.connect(review_changed, dispatch_uid=f"{uid}.review")
    events.credit_changed.connect(credit_changed, dispatch_uid=f"{uid}.credit")
    events.genre_changed.connect(genre_changed, dispatch_uid=f"{uid}.genre")
    events.site_changed.connect(site_changed, dispatch_uid=f"{uid}.site")
