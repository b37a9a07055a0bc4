"""The editors' "Reviews" desk (every review in one flat, filterable list), and the share
links of a review's draft."""

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.urls import path
from django.utils.formats import date_format
from django.utils.timezone import localtime
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from .models import ReviewPage
from .previews import is_review
from .rules import rich_result_problems, rich_result_warning
from .text import format_score


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
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("live", "live"), ("draft", "draft"), ("changed", "live with draft changes")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(live=True)
        if self.value() == "draft":
            return queryset.filter(live=False)
        if self.value() == "changed":
            return queryset.filter(live=True, has_unpublished_changes=True)
        return queryset


class ReviewDeskAdmin(ModelAdmin):
    model = ReviewPage
    menu_label = "Reviews"
    menu_icon = "openquote"
    menu_order = 200
    add_to_settings_menu = False
    exclude_from_explorer = False
    list_display = (
        "film_title",
        "title",
        "critic",
        "verdict",
        "mpa_rating",
        "release_date",
        "published",
        "status",
    )
    list_select_related = ("author",)
    list_filter = ("mpa_rating", ReleaseYearFilter, StatusFilter)
    search_fields = ("film_title", "title")
    ordering = ("-release_date", "film_title")
    list_per_page = 50

    # The row buttons (edit, view, ...) stay on one line beside long headlines.
    index_view_extra_css = ["review_pages/admin/reviews_desk.css"]

    def critic(self, obj) -> str:
        return obj.author.name if obj.author_id else "—"

    critic.short_description = "critic"
    critic.admin_order_field = "author__name"

    def verdict(self, obj) -> str:
        return f"{format_score(obj.score)}/5" if obj.score is not None else "—"

    verdict.short_description = "score"
    verdict.admin_order_field = "score"

    def published(self, obj) -> str:
        if not obj.first_published_at:
            return "—"
        return date_format(localtime(obj.first_published_at), "DATE_FORMAT")

    published.short_description = "published"
    published.admin_order_field = "first_published_at"

    def status(self, obj) -> str:
        if not obj.live:
            return "draft"
        return "live + draft" if obj.has_unpublished_changes else "live"

    status.short_description = "status"


modeladmin_register(ReviewDeskAdmin)


@hooks.register("after_publish_page")
def warn_when_not_eligible_for_rich_results(request, page):
    """Published, but a search engine will not show it as a review: say so (never block)."""
    if isinstance(page.specific, ReviewPage):
        problems = rich_result_problems(page.specific)
        if problems:
            messages.warning(request, rich_result_warning(problems))


# Share links of a review's draft (review_pages.previews): in the page's header menu and its
# listing's "more" menu.


@hooks.register("register_admin_urls")
def share_link_urls():
    from .previews import views

    return [
        path(
            "review-pages/share-links/<int:page_id>/",
            views.share_links,
            name="review_pages_share_links",
        ),
        path(
            "review-pages/share-links/revoke/<int:grant_id>/",
            views.revoke_share_link,
            name="review_pages_revoke_share_link",
        ),
    ]


class ShareDraftMenuItem(PageMenuItem):
    label = "Share draft"
    icon_name = "link"
    url_name = "review_pages_share_links"

    def is_shown(self, user):
        return is_review(self.page) and self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def share_draft_header_button(page, user, view_name, next_url=None):
    yield ShareDraftMenuItem(page=page, priority=66)


@hooks.register("register_page_listing_more_buttons")
def share_draft_listing_button(page, user, next_url=None):
    yield ShareDraftMenuItem(page=page, priority=55)


# Webhooks (review_pages.webhooks): endpoints and the delivery log, under "Webhooks".


@hooks.register("register_admin_viewset")
def register_webhooks_viewsets():
    from .webhooks.admin import WebhooksViewSetGroup

    return WebhooksViewSetGroup()


@hooks.register("register_admin_urls")
def webhook_urls():
    from .webhooks import admin

    return admin.urls()
