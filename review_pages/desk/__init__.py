"""The editors' Reviews desk: every review in one flat list, for a busy week.

- `admin`: wagtail-modeladmin's index over ReviewPage (columns, filters, the checkboxes).
- `search`: film titles, headlines and every credited name (critic, cast, directors,
  writers, production companies, distributor), in the listing's one query.
- `state`: each review's status (scheduled with its time, in moderation, expired, live,
  live + draft, draft) and go-live time, read from Wagtail's own state as annotations.
- `bulk_actions`: publish, schedule, submit for moderation and unpublish the checked reviews.

How the bulk actions are built, and why. modeladmin 2.5's IndexView has no checkboxes or
bulk actions; Wagtail 8 has a bulk-action framework (`wagtail.admin.views.bulk_action`:
`BulkAction` views registered with the `register_bulk_action` hook, served at
`<admin>/bulk/<app>/<model>/<action>/`, with a confirmation page, before/after hooks, and
the footer and script the page explorer uses). The desk reuses all of it: its rows carry
the checkboxes Wagtail's script reads, its template includes Wagtail's bulk-action footer
and script, and the actions are `BulkAction` subclasses registered for ReviewPage, so the
footer's buttons and URLs come from Wagtail's registry. Wagtail's own page actions
(`PublishBulkAction`, `UnpublishBulkAction`, for `wagtailcore.Page`) were not used as they
stand: they publish whatever revision is latest without the review's publishing rules,
refuse a user who may not publish even where a workflow would take the review, and report
a count rather than each review. The desk's actions keep Wagtail's machinery (its
permission policy per page, its locks, `Revision.publish`, `Page.unpublish`, workflows'
`start`/`resume`) and add those three things. There is no Wagtail bulk action for
scheduling or for submitting to a workflow at all.
"""
