"""The sync feed's change log: what front ends were told, and what changed since.

A static-site build or an app's cache asks `/api/v3/sync/` for everything public once, then
only for what changed since its cursor. The log behind it is exact because every change is
compared with what the feed last said (`SyncState`), not guessed from the kind of event:

- `log.reconcile(...)` reads the truth ("public now": `ReviewPage.objects.public_now()`,
  `publicly_credited`) for the reviews, people and studios a change may have touched,
  compares it with their `SyncState`, and writes a `SyncChange` for each one that a front
  end must apply: it appeared (or changed, or moved: an upsert), or it is gone (a remove,
  with its last public path). People and studios are touched when a review that credits
  them (before or after) appears, changes or goes. It runs in the change's transaction,
  under one lock, so the log's ids follow the commits' order.
- Time passing changes what is public with no write (an `expire_at` reached, a go-live
  time reached): every reconcile, and every read of the feed, first looks for those
  (`log.catch_up`), so a cursor taken before an expiry and read after it gets the remove,
  whether or not a worker has withdrawn the review yet.
- `listeners`: the plugin's change signals (`review_pages.events`) start reconciles.
- `feed`: the cursors (signed, opaque) and the change set between two of them, collapsed
  to each entity's state at its end.

The API answers with it at `/api/v3/sync/` (`review_pages.api.sync`); webhooks read what a
publication changed from it (previous paths, credits added and removed).
"""
