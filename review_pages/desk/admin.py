"""The desk itself: wagtail-modeladmin's index over every review, with its columns, filters,
search, and the checkboxes that drive the bulk actions (`bulk_actions`)."""

from __future__ import annotations

from django.contrib.admin import SimpleListFilter
from django.db.models import F
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from wagtail.models import Page, PagePermissionTester, Task
from wagtail.utils.timestamps import render_timestamp
from wagtail_modeladmin.helpers import PagePermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from ..models import ReviewPage
from ..text import format_score
from .search import CreditedNameSearchHandler
from .state import STATUSES, status_label, with_desk_state, with_workflow_states


class ReleaseYearFilter(SimpleListFilter):
    title = "release year"
    parameter_name = "release_year"

    def lookups(self, request, model_admin):
        years = ReviewPage.objects.exclude(release_date=None).dates(
            "release_date", "year", order="DESC"
        )
        return [(str(year.year), str(year.year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(release_date__year=int(value))
        return queryset


class StatusFilter(SimpleListFilter):
    """One choice per status the column shows; each narrows to the reviews wearing it (the
    same annotation as the column, `state.with_desk_state`)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUSES.items())

    def queryset(self, request, queryset):
        if self.value() in STATUSES:
            return queryset.filter(desk_status=self.value())
        return queryset


#: Columns sorted with their empty values last, whichever the direction (reviews without a
#: go-live time would otherwise lead the ascending order on SQLite and trail it on PostgreSQL).
NULLS_LAST = {"desk_go_live"}


class LeafPagePermissionTester(PagePermissionTester):
    """Wagtail's permission tester, answering `can_delete` for a page without children (every
    review) from the page itself.

    Wagtail's answer reads the page's descendants, itself included, from the database (are
    any live? owned by someone else?): one query per row of the desk for a user who may not
    publish. For a leaf those descendants are the page alone, so the same rule reads its
    own fields. A page with children gets Wagtail's own answer.
    """

    def can_delete(self, ignore_bulk=False):
        if self.page.numchild or not self.user.is_active or self.page_is_root:
            return super().can_delete(ignore_bulk=ignore_bulk)
        if self.user.is_superuser:
            return True
        may_publish = "publish" in self.permissions
        if "change" in self.permissions:
            return may_publish or not self.page.live
        if "add" in self.permissions:
            return self.page.owner_id == self.user.pk and (may_publish or not self.page.live)
        return False


class DeskPermissionHelper(PagePermissionHelper):
    def user_can_delete_obj(self, user, obj):
        return LeafPagePermissionTester(user, obj).can_delete()


class ReviewDeskIndexView(IndexView):
    """modeladmin's index, with what each row's buttons need read for the whole page at once.

    modeladmin's page buttons ask, per row, for the review's parent (may the user copy it
    there?) and for its locks (may the user unpublish it?): one query each, per row. The
    locks read the annotations of `with_desk_state` and the prefetched workflow states; the
    parents are read here, in one query for the page.
    """

    def get_ordering(self, request, queryset):
        ordering = []
        for field in super().get_ordering(request, queryset):
            name = field.lstrip("-") if isinstance(field, str) else None
            if name in NULLS_LAST:
                expression = F(name)
                field = (
                    expression.desc(nulls_last=True)
                    if field.startswith("-")
                    else expression.asc(nulls_last=True)
                )
            ordering.append(field)
        return ordering

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])  # evaluated once: the template reads this cache
        self.attach_parents(rows)
        self.attach_workflow_tasks(rows)
        return context

    @staticmethod
    def attach_workflow_tasks(rows) -> None:
        """The specific task (e.g. a group approval) of each review in moderation, whose lock
        the row's buttons ask about, read in one query for the page rather than one a row."""
        task_states = [
            state.current_task_state
            for row in rows
            for state in getattr(row, "_current_workflow_states", ())
            if state.current_task_state is not None
        ]
        if not task_states:
            return
        task_ids = {task_state.task_id for task_state in task_states}
        tasks = {task.pk: task for task in Task.objects.filter(pk__in=task_ids).specific()}
        for task_state in task_states:
            if task_state.task_id in tasks:
                # What `Task.specific` (a cached property) would read.
                task_state.task.__dict__["specific"] = tasks[task_state.task_id]

    @staticmethod
    def attach_parents(rows) -> None:
        """Each review's parent (the index it is under), as treebeard's `get_parent` caches
        it, read in one query for the page."""
        steplen = Page.steplen
        parent_paths = {row.path[:-steplen] for row in rows}
        parents = {page.path: page for page in Page.objects.filter(path__in=parent_paths)}
        for row in rows:
            parent = parents.get(row.path[:-steplen])
            if parent is not None:
                row._cached_parent_obj = parent


class ReviewDeskAdmin(ModelAdmin):
    model = ReviewPage
    menu_label = "Reviews"
    menu_icon = "openquote"
    menu_order = 200
    add_to_settings_menu = False
    exclude_from_explorer = False
    index_view_class = ReviewDeskIndexView
    permission_helper_class = DeskPermissionHelper
    index_template_name = "review_pages/admin/reviews_desk_index.html"
    list_display = (
        "select",
        "film_title",
        "title",
        "critic",
        "verdict",
        "mpa_rating",
        "release_date",
        "go_live",
        "published",
        "status",
    )
    list_display_add_buttons = "film_title"
    list_select_related = ("author",)
    list_filter = ("mpa_rating", ReleaseYearFilter, StatusFilter)
    search_handler_class = CreditedNameSearchHandler
    ordering = ("-release_date", "film_title")
    list_per_page = 50

    # Names wrap between words only; the row buttons (edit, view, ...) stay on one line
    # beside long headlines.
    index_view_extra_css = ["review_pages/admin/reviews_desk.css"]

    def get_queryset(self, request):
        reviews = super().get_queryset(request)
        return with_workflow_states(with_desk_state(reviews))

    def select(self, obj) -> str:
        """The row's checkbox, as Wagtail's listings draw it (`wagtailadmin/bulk_actions/
        listing_checkbox_cell.html`), for Wagtail's bulk-actions script."""
        return format_html(
            '<input type="checkbox" class="bulk-action-checkbox" data-bulk-action-checkbox '
            'data-object-id="{}" data-page-status="{}" aria-label="Select {}">',
            obj.pk,
            "live" if obj.live else "draft",
            obj.film_title or obj.title,
        )

    select.short_description = mark_safe(  # noqa: S308 - a constant
        '<input type="checkbox" data-bulk-action-select-all-checkbox '
        'aria-label="Select all reviews on this page">'
    )

    def critic(self, obj) -> str:
        return obj.author.name if obj.author_id else "—"

    critic.short_description = "critic"
    critic.admin_order_field = "author__name"

    def verdict(self, obj) -> str:
        return f"{format_score(obj.score)}/5" if obj.score is not None else "—"

    verdict.short_description = "score"
    verdict.admin_order_field = "score"

    def go_live(self, obj) -> str:
        """When it goes (or went) live: the go-live of the revision approved to go live,
        else the page's own go-live time."""
        return render_timestamp(obj.desk_go_live) if obj.desk_go_live else "—"

    go_live.short_description = "go-live"
    go_live.admin_order_field = "desk_go_live"

    def published(self, obj) -> str:
        if not obj.first_published_at:
            return "—"
        return date_format(localtime(obj.first_published_at), "DATE_FORMAT")

    published.short_description = "published"
    published.admin_order_field = "first_published_at"

    def status(self, obj) -> str:
        return status_label(obj)

    status.short_description = "status"
