"""The periodic sweep's state: when the next sweep of scheduled go-lives and expiries is due.

One row. A sweep task re-enqueues itself only when it moves `next_run_at` on (a conditional
update), and whatever starts a sweep does so only when the row says none is due soon: so
one chain of sweeps runs, whichever processes start it (see `review_pages.scheduling`).
"""

from __future__ import annotations

from django.db import models


class ScheduleSweep(models.Model):
    name = models.CharField(max_length=40, unique=True, default="sweep")
    next_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "schedule sweep"

    def __str__(self) -> str:
        return f"{self.name}: next at {self.next_run_at}"
