"""Who may import where: the permission, the review indexes a user may add to and publish
under, and an importer that updates only the reviews its user may edit."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from wagtail.locks import BasicLock, ScheduledForPublishLock, WorkflowLock

from ...models import ReviewIndexPage, ReviewPage
from ..files import ImportRefused
from ..writer import ReviewImporter

IMPORT_PERMISSION = "review_pages.import_reviews"


def permissions():
    """The import permission, as Wagtail's `register_permissions` hook lists it."""
    app_label, codename = IMPORT_PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def may_import(user) -> bool:
    return user.is_active and user.has_perm(IMPORT_PERMISSION)


def import_indexes(user) -> list[ReviewIndexPage]:
    """The live review indexes the user may add reviews to, in the tree's order."""
    indexes = ReviewIndexPage.objects.live().order_by("path")
    return [index for index in indexes if index.permissions_for_user(user).can_add_subpage()]


def may_publish_under(user, index: ReviewIndexPage) -> bool:
    """Whether the user may publish a new review under the index (Wagtail's page
    permissions: a moderator may, an editor submits it for moderation instead)."""
    return index.permissions_for_user(user).can_publish_subpage()


class PermittedImporter(ReviewImporter):
    """The importer as a user of the admin: a file that would update a review refuses, like
    the page editor, when the user may not edit that review or another user has locked it.
    (Adding and publishing under the index are checked once per batch.)"""

    def _find_existing(self, parent, review):
        existing = super()._find_existing(parent, review)
        if existing is None or self.user is None:
            return existing
        page = ReviewPage.objects.get(pk=existing.pk)
        if not page.permissions_for_user(self.user).can_edit():
            raise ImportRefused(
                f"it would update the review “{page.title}” (page {page.pk}), "
                "which you may not edit"
            )
        lock = page.get_lock()
        if lock is not None and lock.for_user(self.user):
            raise ImportRefused(
                f"it would update the review “{page.title}” (page {page.pk}), "
                f"which {LOCK_REASONS.get(type(lock), 'is locked')}"
            )
        return existing


#: Why the page editor would not let the user edit a review now, by Wagtail's lock.
LOCK_REASONS = {
    BasicLock: "another user has locked",
    WorkflowLock: "is awaiting moderation",
    ScheduledForPublishLock: "is scheduled for publishing: cancel the schedule first",
}
