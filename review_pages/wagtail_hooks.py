"""The editors' "Reviews" desk (every review in one flat, filterable list), and the share
links of a review's draft."""

from django.contrib import messages
from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.options import modeladmin_register

from . import http_caching
from .desk.admin import ReviewDeskAdmin
from .desk.bulk_actions import BULK_ACTIONS
from .genres.admin import GenreViewSet
from .models import ReviewPage
from .previews import is_review
from .rules import rich_result_problems, rich_result_warning

# The Reviews desk (review_pages.desk): the list, and its bulk actions on checked reviews.
modeladmin_register(ReviewDeskAdmin)
for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)

# The genres library, in the "Credits" menu beside people and studios.
register_snippet(GenreViewSet)


@hooks.register("after_publish_page")
def warn_when_not_eligible_for_rich_results(request, page):
    """Published, but a search engine will not show it as a review: say so (never block)."""
    if isinstance(page.specific, ReviewPage):
        problems = rich_result_problems(page.specific)
        if problems:
            messages.warning(request, rich_result_warning(problems))


# HTTP caching headers on the plugin's pages (review_pages.http_caching): how long a browser
# and a CDN may keep a review, a front page, a filmography, the feed, a search.
hooks.register("on_serve_page", http_caching.on_serve_page)


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


# Importing plain-text reviews from the admin (review_pages.importing.admin), beside Reviews.


@hooks.register("register_admin_urls")
def import_urls():
    from .importing.admin import views

    return views.urls()


@hooks.register("register_admin_menu_item")
def import_menu_item():
    from .importing.admin import views

    return views.menu_item()


@hooks.register("register_permissions")
def import_permission():
    """Offered in Wagtail's group editor (Settings → Groups)."""
    from .importing.admin import access

    return access.permissions()
