"""Where the plugin's background work runs: a django-tasks backend (Wagtail 8's task
framework), named by `REVIEW_PAGES["TASK_BACKEND"]` (by default the webhooks' alias, so that
one `TASKS` entry and one worker serve everything).

The database backend (django-tasks-db, `manage.py db_worker`) suits one server; RQ on Redis
(django-tasks-rq) several. See docs/scheduling.md and docs/webhooks.md.
"""

from __future__ import annotations

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends

from .conf import reviews_settings


def configured_alias() -> str:
    return reviews_settings.TASK_BACKEND or reviews_settings.WEBHOOKS_TASK_BACKEND


def backend_alias() -> str | None:
    """The configured backend's alias, or None when TASKS does not define it."""
    alias = configured_alias()
    return alias if alias in task_backends.settings else None


def can_run_later() -> bool:
    """Whether the backend can hold a task until a given time (`run_after`): the database
    and RQ backends can; the immediate and dummy ones cannot."""
    alias = backend_alias()
    return alias is not None and task_backends[alias].supports_defer


def declared_task(function):
    """Declare `function` as a task of the plugin's backend, so that its worker accepts it.

    A task's class is its backend's `task_class`, and a worker runs only its own class (on
    Django 6, django-tasks-db and django-tasks-rq run `django.tasks.Task`, Wagtail's default
    backend makes `django_tasks.Task`). Without the plugin's backend in TASKS, the task is
    declared on the default one.
    """
    return task(function, backend=backend_alias() or DEFAULT_TASK_BACKEND_ALIAS)
