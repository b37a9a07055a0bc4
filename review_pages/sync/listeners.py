"""The plugin's change signals start reconciles of the sync log, in the change's transaction.

- a review published, moved, unpublished: that review (republished or moved: an upsert
  even with nothing else changed); deleted: once it is gone (its `post_delete`);
- a person or studio saved or deleted: that one;
- a view restriction saved or deleted, a page above reviews moved: every review under it;
- a review index published, unpublished or moved: its reviews, and every person and studio,
  when their addresses changed with it.

Other listeners read what a change did from here (`review_transition`,
`entity_transition`): the webhooks' previous paths and credits added or removed.
Connected by `ReviewPagesConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete
from wagtail.models import Page, PageViewRestriction

from .. import events
from ..models import ReviewIndexPage, ReviewPage, SyncKind, SyncState, publicly_credited
from . import log, truth

WORKED_OUT_KEY = "sync"
ENTITY_KINDS = {"person": SyncKind.PERSON, "studio": SyncKind.STUDIO}
#: Reviews being deleted (by id): reconciled once they are gone.
_deleting: set[int] = set()


def reconciled_change(change: events.ReviewChange) -> log.Reconciled | None:
    """What the change did to the log, reconciled once whichever listener asks first."""
    if WORKED_OUT_KEY not in change.worked_out:
        pk = change.page.pk
        pending = _deferred.get()
        if pending is not None:
            pending.discard(pk)  # reconciled now, for the listener asking
        if change.action in (events.PUBLISHED, events.MOVED):
            done = log.reconcile(reviews=[pk], edited=[(SyncKind.REVIEW, pk)])
        elif change.action == events.UNPUBLISHED:
            done = log.reconcile(reviews=[pk])
        else:
            if change.action == events.DELETED:
                _deleting.add(pk)
            done = None
        change.worked_out[WORKED_OUT_KEY] = done
    return change.worked_out[WORKED_OUT_KEY]


def review_transition(change: events.ReviewChange) -> log.Transition | None:
    """The review before this change (what front ends had been told) and after it."""
    done = reconciled_change(change)
    return done.of(SyncKind.REVIEW, change.page.pk) if done is not None else None


ENTITY_ATTRIBUTE = "_review_pages_sync"


def entity_transition(instance, kind: str) -> log.Transition | None:
    """A saved person or studio before and after its save, as reconciled by this module's
    listener (connected before any other, it keeps it on the instance the signal sends)."""
    done = getattr(instance, ENTITY_ATTRIBUTE, None)
    return done.of(ENTITY_KINDS[kind], instance.pk) if done is not None else None


#: The publications whose reconciles wait for `deferred_reconciles`' end, in this thread.
_deferred: ContextVar[set[int] | None] = ContextVar("review_pages_deferred_sync", default=None)


@contextmanager
def deferred_reconciles(pending: set[int]) -> Iterator[None]:
    """Publications reconciled together rather than one by one (a bulk import: the log's
    comparisons took half of each imported review's time): inside, this module's own
    listener only adds each published review to `pending`, which the caller reconciles
    later (`reconcile_published`, as upserts). A listener that asks what a change did
    (`review_transition`: webhooks) still gets it reconciled at once. Were the process to
    stop before the caller reconciles, the next reconcile, or the next read of the feed,
    finds those publications by their time (`log.due_reviews`)."""
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)


def reconcile_published(pending: set[int]) -> None:
    """Reconcile the publications `deferred_reconciles` noted in `pending`, and empty it."""
    if pending:
        ids = sorted(pending)
        pending.clear()
        log.reconcile(reviews=ids, edited=[(SyncKind.REVIEW, pk) for pk in ids])


def review_changed(sender, change: events.ReviewChange, **kwargs):
    pending = _deferred.get()
    if pending is not None and change.action == events.PUBLISHED:
        if WORKED_OUT_KEY not in change.worked_out:
            pending.add(change.page.pk)
        return
    reconciled_change(change)


def review_deleted(sender, instance, **kwargs):
    if instance.pk in _deleting:
        _deleting.discard(instance.pk)
        log.reconcile(reviews=[instance.pk])


def credit_changed(sender, instance, kind: str, **kwargs):
    if instance.pk is None:
        return
    code = ENTITY_KINDS[kind]
    done = log.reconcile(
        **{"people" if kind == "person" else "studios": [instance.pk]},
        edited=[(code, instance.pk)],
    )
    setattr(instance, ENTITY_ATTRIBUTE, done)


def _reviews_under(page_id: int):
    """The reviews under a page (itself included), as a queryset of ids."""
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:
        return ReviewPage.objects.none().values_list("pk", flat=True)
    return ReviewPage.objects.filter(path__startswith=path).values_list("pk", flat=True)


def _section_changed(page_id: int) -> None:
    """Who may see the reviews under a page changed, or where they are: all of them."""
    reviews = list(_reviews_under(page_id))
    if reviews:
        log.reconcile(reviews=reviews)


def _addresses_moved(page_id: int) -> None:
    """A review index published, unpublished or moved: its reviews' addresses may have
    changed, and (people and studios link to the site's first live index) everyone's.
    One public review and one public person and studio are compared first, so republishing
    an index at the same address costs a few queries, not a reconcile of its catalogue."""
    if not log.tables_exist():
        return
    reviews = _reviews_under(page_id)
    sample = truth.public_reviews().filter(pk__in=reviews).order_by("pk").first()
    if sample is not None and _moved(SyncKind.REVIEW, sample.pk, truth.review_path(sample)):
        log.reconcile(reviews=list(reviews))
    for kind, name in truth.ENTITY_KINDS.items():
        found = publicly_credited(name).order_by("pk").values_list("pk", "slug").first()
        if found is None:
            continue
        pk, slug = found
        if _moved(kind, pk, truth.entity_path(truth.entity_links(), kind, slug)):
            said = SyncState.objects.filter(kind=kind, public=True)
            ids = list(said.values_list("object_id", flat=True))
            log.reconcile(**{"people" if kind == SyncKind.PERSON else "studios": ids})


def _moved(kind: int, pk: int, html_path: str) -> bool:
    """Whether the feed last gave this public entity another path (or none)."""
    said = SyncState.objects.filter(kind=kind, object_id=pk, public=True)
    return said.values_list("html_path", flat=True).first() != html_path


def site_changed(sender, page_id: int | None = None, **kwargs):
    if page_id is None:
        return
    if sender is PageViewRestriction:  # saved or deleted: who may see what is under it
        _section_changed(page_id)
    elif issubclass(sender, ReviewIndexPage):
        _addresses_moved(page_id)


def page_taken_down(sender, page, reason: str, include_descendants: bool = False, **kwargs):
    """A page moved to a new address: the reviews under it moved with it (a review's own
    move, and an index's, are said by their own signals)."""
    if reason != events.MOVED_TAKEDOWN or not include_descendants:
        return
    specific_class = page.specific_class or type(page)
    if not issubclass(specific_class, ReviewPage | ReviewIndexPage):
        _section_changed(page.pk)


def connect() -> None:
    uid = "review_pages.sync"
    events.review_changed.connect(review_changed, dispatch_uid=f"{uid}.review")
    events.credit_changed.connect(credit_changed, dispatch_uid=f"{uid}.credit")
    events.site_changed.connect(site_changed, dispatch_uid=f"{uid}.site")
    events.page_taken_down.connect(page_taken_down, dispatch_uid=f"{uid}.taken_down")
    post_delete.connect(review_deleted, sender=ReviewPage, dispatch_uid=f"{uid}.deleted")
