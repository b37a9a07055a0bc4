"""The scheduling tasks: one at the exact time of each go-live and expiry, and the sweep.

Each task does whatever is due for its page when it runs (`due.run_due`), so a task for a
schedule that was moved or cancelled does nothing, and a worker that was down does every
task whose time has passed as soon as it starts (the database backend keeps them; RQ's
scheduler moves them to the queue). The sweep does whatever is due for every page every
`SCHEDULE_SWEEP_SECONDS`, so nothing depends on one task being delivered: it re-enqueues
itself when it moves the sweep's row on (`ScheduleSweep`), and `ensure_sweep` starts a chain
only when the row says no sweep is due soon, so one chain runs whoever starts it.
"""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError
from django.utils import timezone

from .. import background
from ..conf import reviews_settings
from ..models import ScheduleSweep
from . import due

logger = logging.getLogger(__name__)

SWEEP_ROW = "sweep"


def sweep_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=max(1, int(reviews_settings.SCHEDULE_SWEEP_SECONDS)))


@background.declared_task
def go_live(page_id: int) -> dict[str, list[int]]:
    """At a revision's go-live time: publish it (if it is still scheduled then)."""
    return due.run_due([page_id])


@background.declared_task
def expire(page_id: int) -> dict[str, list[int]]:
    """At a page's expiry time: withdraw it (if it still expires then)."""
    return due.run_due([page_id])


@background.declared_task
def sweep() -> dict[str, list[int]]:
    """Everything due for every page, then the next sweep."""
    done = due.run_due()
    _continue_chain()
    return done


def _enqueue(task, args: tuple, at: datetime.datetime) -> bool:
    """Enqueue `task(*args)` to run at `at` (at once if it has passed); never raises."""
    alias = background.backend_alias()
    if alias is None or not background.can_run_later():
        logger.warning(
            "No task backend that can run tasks later (TASKS[%r]): scheduled go-live and "
            "expiry wait for `manage.py publish_scheduled`.",
            background.configured_alias(),
        )
        return False
    try:
        runner = task.using(backend=alias)
        if at > timezone.now():
            runner = runner.using(run_after=at)
        runner.enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r for %s", task.name, args, at)
        return False
    return True


def schedule_go_live(page_id: int, at: datetime.datetime) -> None:
    if _enqueue(go_live, (page_id,), at):
        ensure_sweep()


def schedule_expiry(page_id: int, at: datetime.datetime) -> None:
    if _enqueue(expire, (page_id,), at):
        ensure_sweep()


def _sweep_row() -> ScheduleSweep:
    row, _ = ScheduleSweep.objects.get_or_create(name=SWEEP_ROW)
    return row


def ensure_sweep() -> bool:
    """Start a chain of sweeps unless one is due within two intervals; whether it did.

    The row is moved on by a conditional update first, so of several processes calling
    this at once only one enqueues."""
    if not background.can_run_later():
        return False
    now = timezone.now()
    try:
        row = _sweep_row()
        if row.next_run_at is not None and row.next_run_at > now - 2 * sweep_interval():
            return False  # a chain is alive (or its next link is only just late)
        next_run = now + sweep_interval()
        claimed = ScheduleSweep.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=next_run
        )
    except DatabaseError:
        logger.warning("Could not read the schedule sweep's row", exc_info=True)
        return False
    if not claimed:
        return False
    # At once (its row moved in the same transaction): a sweep that runs early just sweeps.
    return _enqueue(sweep, (), next_run)


def _continue_chain() -> None:
    """After a sweep: the next one, unless another chain has already moved the row on
    beyond this one's next link (then this chain ends: one chain runs)."""
    now = timezone.now()
    next_run = now + sweep_interval()
    row = _sweep_row()
    if row.next_run_at is not None and row.next_run_at > now + sweep_interval() / 2:
        return
    claimed = ScheduleSweep.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=next_run
    )
    if claimed:
        _enqueue(sweep, (), next_run)
