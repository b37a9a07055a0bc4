"""Embargoes to the second: scheduled go-live and expiry as tasks, without cron.

- `due`: what is due now, done once: scheduled revisions published and expired pages
  withdrawn, each claimed first (a conditional update) so that two workers, or a worker and
  Wagtail's `publish_scheduled`, never publish the same revision twice;
- `tasks`: a task at the exact time of each go-live (`go_live`) and expiry (`expire`), and
  the periodic `sweep` beside them, on the plugin's task backend (`review_pages.background`);
- `hooks`: when Wagtail schedules a revision (its go-live) or publishes a page with an
  expiry time, the task for that moment is enqueued once the change commits. Rescheduling
  enqueues a task for the new time; a task that finds nothing due (cancelled, rescheduled,
  published early) does nothing, so the latest schedule always wins.

The publication itself is Wagtail's (`Revision.publish`, `Page.unpublish`), so the caches,
the CDN purge and the webhooks follow it as they follow an editor's. Readers never wait on
the worker: from its expiry time a page is not public (`models.visibility`).

Scope: the plugin's page types (reviews and review indexes); a host's own pages keep
Wagtail's `publish_scheduled`. See docs/scheduling.md.
"""
