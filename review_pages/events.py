"""What changed, said once: the plugin's own signals, sent from Wagtail's and Django's.

Whatever must follow a change listens here rather than to Wagtail's page signals: the
optional response cache (`review_pages.cache`) and the CDN purge (`cdn`). Each listener gets
one `ReviewChange` per change, whose credits are read once however many listen.

- `review_changed`: a review was published (again), unpublished, moved or deleted, or is
  about to move (`ReviewChange.action`);
- `credit_changed`: a person or studio was saved or deleted;
- `genre_changed`: a genre was saved or deleted;
- `site_changed`: something every page shows changed (a review index's title or address,
  who may view which pages); `page_id` names the page it concerns (the index, or the page
  a view restriction is on);
- `page_taken_down`: a page (any page, and with `include_descendants` the pages under it)
  stopped being public: unpublished, expired, put under a view restriction, moved to a new
  address. Its share links and preview tokens end (`review_pages.previews.takedowns`). A
  deletion is not sent: the page's grants go with it.

Connected by `ReviewPagesConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from people.models import Person, Studio

PUBLISHED = "published"
UNPUBLISHED = "unpublished"
MOVING = "moving"
MOVED = "moved"
DELETED = "deleted"

review_changed = Signal()  # kwargs: change (ReviewChange)
credit_changed = Signal()  # kwargs: instance (Person or Studio), kind ("person", "studio")
genre_changed = Signal()  # kwargs: instance (Genre)
site_changed = Signal()  # kwargs: reason (str), page_id (int)
# kwargs: page (Page), reason (a PageTakedown reason), at (datetime), include_descendants (bool)
page_taken_down = Signal()

UNPUBLISHED_TAKEDOWN = "unpublished"  # the reasons, as `PageTakedown.REASONS` names them
EXPIRED_TAKEDOWN = "expired"
RESTRICTED_TAKEDOWN = "restricted"
MOVED_TAKEDOWN = "moved"


@dataclass
class ReviewChange:
    page: object  # the ReviewPage (specific)
    action: str
    _credited: tuple[set[int], set[int]] | None = field(default=None, repr=False)
    #: What listeners work out from the change once for all of them, by listener (the sync
    #: log keeps what front ends saw before it: `review_pages.sync`).
    worked_out: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def credited(self) -> tuple[set[int], set[int]]:
        """(person ids, studio ids) the review credits now, read once for every listener."""
        if self._credited is None:
            self._credited = self.page.credited_ids()
        return self._credited


def _specific_class(instance):
    return instance.specific_class or type(instance)


def _is_review(instance) -> bool:
    """Also for a plain `Page` instance (the move signals send one)."""
    from .models import ReviewPage

    return issubclass(_specific_class(instance), ReviewPage)


def _is_index(instance) -> bool:
    from .models import ReviewIndexPage

    return issubclass(_specific_class(instance), ReviewIndexPage)


def _send_review_change(instance, action: str) -> None:
    review_changed.send(sender=_specific_class(instance), change=ReviewChange(instance, action))


def _published(sender, instance, **kwargs):
    if not instance.live:
        return  # Wagtail sends page_published for a revision it only scheduled, too
    if _is_review(instance):
        _send_review_change(instance.specific, PUBLISHED)
    elif _is_index(instance):
        site_changed.send(
            sender=type(instance), reason="a review index was published", page_id=instance.pk
        )


def _taken_down(page, reason: str, *, at=None, include_descendants: bool = False) -> None:
    page_taken_down.send(
        sender=type(page),
        page=page,
        reason=reason,
        at=at or timezone.now(),
        include_descendants=include_descendants,
    )


def _unpublished(sender, instance, **kwargs):
    now = timezone.now()
    if instance.expired and instance.expire_at is not None and instance.expire_at <= now:
        # Unpublished for its expiry (by whichever worker, however late): taken down then.
        _taken_down(instance, EXPIRED_TAKEDOWN, at=instance.expire_at)
    else:
        _taken_down(instance, UNPUBLISHED_TAKEDOWN, at=now)
    if _is_review(instance):
        _send_review_change(instance.specific, UNPUBLISHED)
    elif _is_index(instance):
        site_changed.send(
            sender=type(instance), reason="a review index was unpublished", page_id=instance.pk
        )


def _about_to_move(sender, instance, **kwargs):
    if _is_review(instance):
        _send_review_change(instance.specific, MOVING)


def _moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before != url_path_after:  # not a reordering among its siblings
        _taken_down(instance, MOVED_TAKEDOWN, include_descendants=True)
    if _is_review(instance):
        _send_review_change(instance.specific, MOVED)
    elif _is_index(instance):
        site_changed.send(sender=type(instance), reason="a review index moved", page_id=instance.pk)


def _review_deleted(sender, instance, **kwargs):
    """pre_delete: the credits are read while they still exist."""
    _send_review_change(instance, DELETED)


def _person_changed(sender, instance, **kwargs):
    credit_changed.send(sender=sender, instance=instance, kind="person")


def _studio_changed(sender, instance, **kwargs):
    credit_changed.send(sender=sender, instance=instance, kind="studio")


def _genre_changed(sender, instance, **kwargs):
    genre_changed.send(sender=sender, instance=instance)


def _restrictions_changed(sender, instance, **kwargs):
    site_changed.send(sender=sender, reason="who may view pages changed", page_id=instance.page_id)


def _restricted(sender, instance, **kwargs):
    """A view restriction saved (added or changed) takes its page and everything under it
    down from the public."""
    _taken_down(instance.page, RESTRICTED_TAKEDOWN, include_descendants=True)


def _page_saving(sender, instance, update_fields=None, **kwargs):
    """An expiry that passed with no worker to unpublish the page is a takedown all the
    same; when the page is saved with another expiry (republished, say), it is said now,
    dated when it happened, before the new date replaces it."""
    if not isinstance(instance, Page) or instance._state.adding or not instance.live:
        return  # an unpublish says its own takedown
    if update_fields is not None and "expire_at" not in update_fields:
        return
    passed = (
        Page.objects.filter(pk=instance.pk, live=True, expired=False)
        .filter(expire_at__lte=timezone.now())
        .values_list("expire_at", flat=True)
        .first()
    )
    if passed is not None and passed != instance.expire_at:
        _taken_down(instance, EXPIRED_TAKEDOWN, at=passed)


def connect() -> None:
    from .models import Genre, ReviewPage

    uid = "review_pages.events"
    page_published.connect(_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(_unpublished, dispatch_uid=f"{uid}.unpublished")
    pre_page_move.connect(_about_to_move, dispatch_uid=f"{uid}.pre_move")
    post_page_move.connect(_moved, dispatch_uid=f"{uid}.moved")
    pre_delete.connect(_review_deleted, sender=ReviewPage, dispatch_uid=f"{uid}.deleted")
    post_save.connect(_restricted, sender=PageViewRestriction, dispatch_uid=f"{uid}.restricted")
    pre_save.connect(_page_saving, dispatch_uid=f"{uid}.page_saving")
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_person_changed, sender=Person, dispatch_uid=f"{uid}.person.{name}")
        signal.connect(_studio_changed, sender=Studio, dispatch_uid=f"{uid}.studio.{name}")
        signal.connect(_genre_changed, sender=Genre, dispatch_uid=f"{uid}.genre.{name}")
        signal.connect(
            _restrictions_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"{uid}.restriction.{name}",
        )
