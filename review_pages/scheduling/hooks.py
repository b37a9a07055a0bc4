"""When Wagtail schedules something, the task for that moment (after the change commits).

- A revision scheduled to go live (Wagtail saves its `approved_go_live_at`): `go_live` at
  that time.
- A page published with an expiry time: `expire` at that time.
- Any task the worker starts: the sweep's chain is checked (`ensure_sweep`), so a worker
  that was down restarts it as soon as it runs anything.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import signals as django_tasks_signals
from wagtail.models import Revision
from wagtail.signals import page_published

from .. import background
from . import due, tasks


def revision_saved(sender, instance: Revision, update_fields=None, **kwargs):
    at = instance.approved_go_live_at
    if at is None or (update_fields is not None and "approved_go_live_at" not in update_fields):
        return
    page = instance.content_object
    if page is None or not due.is_scheduled_type(page):
        return
    page_id = int(instance.object_id)
    transaction.on_commit(lambda: tasks.schedule_go_live(page_id, at))


def page_was_published(sender, instance, **kwargs):
    at = instance.expire_at
    if at is None or not due.is_scheduled_type(instance):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: tasks.schedule_expiry(page_id, at))


def any_task_started(sender, task_result=None, **kwargs):
    """A worker of the plugin's backend ran something: the sweep's chain is checked (two
    queries; not for the tasks the web process runs at once, e.g. Wagtail's indexing)."""
    if task_result is None or task_result.backend != background.backend_alias():
        return
    path = getattr(task_result.task, "module_path", "")
    if path.startswith(tasks.__name__):
        return  # the scheduling tasks keep the chain themselves
    tasks.ensure_sweep()


def connect() -> None:
    uid = "review_pages.scheduling"
    post_save.connect(revision_saved, sender=Revision, dispatch_uid=f"{uid}.revision")
    page_published.connect(page_was_published, dispatch_uid=f"{uid}.published")
    for signals in task_signal_modules():
        signals.task_started.connect(any_task_started, dispatch_uid=f"{uid}.task_started")


def task_signal_modules() -> list:
    """django-tasks' signals, and Django 6's own (which its backends send there)."""
    modules = [django_tasks_signals]
    try:
        from django.tasks import signals as django_signals
    except ImportError:  # Django 5.2
        return modules
    return [*modules, django_signals]
