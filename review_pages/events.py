"""What changed, said once: the plugin's own signals, sent from Wagtail's and Django's.

Whatever must follow a change listens here rather than to Wagtail's page signals: the
optional response cache (`review_pages.cache`) and the CDN purge (`cdn`). Each listener gets
one `ReviewChange` per change, whose credits are read once however many listen.

- `review_changed`: a review was published (again), unpublished, moved or deleted, or is
  about to move (`ReviewChange.action`);
- `credit_changed`: a person or studio was saved or deleted;
- `site_changed`: something every page shows changed (a review index's title or address,
  who may view which pages).

Connected by `ReviewPagesConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from people.models import Person, Studio

PUBLISHED = "published"
UNPUBLISHED = "unpublished"
MOVING = "moving"
MOVED = "moved"
DELETED = "deleted"

review_changed = Signal()  # kwargs: change (ReviewChange)
credit_changed = Signal()  # kwargs: instance (Person or Studio), kind ("person", "studio")
site_changed = Signal()  # kwargs: reason (str)


@dataclass
class ReviewChange:
    page: object  # the ReviewPage (specific)
    action: str
    _credited: tuple[set[int], set[int]] | None = field(default=None, repr=False)

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
    if _is_review(instance):
        _send_review_change(instance.specific, PUBLISHED)
    elif _is_index(instance):
        site_changed.send(sender=type(instance), reason="a review index was published")


def _unpublished(sender, instance, **kwargs):
    if _is_review(instance):
        _send_review_change(instance.specific, UNPUBLISHED)
    elif _is_index(instance):
        site_changed.send(sender=type(instance), reason="a review index was unpublished")


def _about_to_move(sender, instance, **kwargs):
    if _is_review(instance):
        _send_review_change(instance.specific, MOVING)


def _moved(sender, instance, **kwargs):
    if _is_review(instance):
        _send_review_change(instance.specific, MOVED)
    elif _is_index(instance):
        site_changed.send(sender=type(instance), reason="a review index moved")


def _review_deleted(sender, instance, **kwargs):
    """pre_delete: the credits are read while they still exist."""
    _send_review_change(instance, DELETED)


def _person_changed(sender, instance, **kwargs):
    credit_changed.send(sender=sender, instance=instance, kind="person")


def _studio_changed(sender, instance, **kwargs):
    credit_changed.send(sender=sender, instance=instance, kind="studio")


def _restrictions_changed(sender, instance, **kwargs):
    site_changed.send(sender=sender, reason="who may view pages changed")


def connect() -> None:
    from .models import ReviewPage

    uid = "review_pages.events"
    page_published.connect(_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(_unpublished, dispatch_uid=f"{uid}.unpublished")
    pre_page_move.connect(_about_to_move, dispatch_uid=f"{uid}.pre_move")
    post_page_move.connect(_moved, dispatch_uid=f"{uid}.moved")
    pre_delete.connect(_review_deleted, sender=ReviewPage, dispatch_uid=f"{uid}.deleted")
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_person_changed, sender=Person, dispatch_uid=f"{uid}.person.{name}")
        signal.connect(_studio_changed, sender=Studio, dispatch_uid=f"{uid}.studio.{name}")
        signal.connect(
            _restrictions_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"{uid}.restriction.{name}",
        )
