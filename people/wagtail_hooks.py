"""People and studios as snippets, grouped under a "Credits" menu.

Their choosers can add a new entry without leaving the review being edited, and deleting
one still credited on a review (live or draft) is refused with the reviews' names.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet, SnippetViewSetGroup

from . import usage
from .forms import PersonCreationForm, StudioCreationForm
from .models import Person, Studio


class CreditedDeleteView(DeleteView):
    """Shows, and refuses, deleting an entry that reviews still credit (not only by FK)."""

    @cached_property
    def credited_on(self) -> list[str]:
        return usage.referencing_names(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.credited_on:
            context["is_protected"] = True
            context["credited_on"] = self.credited_on
            context["refusal_message"] = usage.refusal_message(self.object, self.credited_on)
        return context

    def form_valid(self, form):
        if self.credited_on:
            messages.error(self.request, usage.refusal_message(self.object, self.credited_on))
            return redirect(self.get_delete_url())
        return super().form_valid(form)


class CreditedBulkDeleteAction(DeleteBulkAction):
    """Bulk delete for people and studios, refused while any selected entry is credited."""

    models = [Person, Studio]

    def annotate_items(self, items):
        items = super().annotate_items(items)
        drafts = usage.draft_references()  # read once for every selected entry
        self.refusals = [
            usage.refusal_message(item, names)
            for item in items
            if (names := usage.referencing_names(item, drafts))
        ]
        self.is_protected = self.is_protected or bool(self.refusals)
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for refusal in self.refusals:
            messages.error(self.request, refusal)
        return context

    def prepare_action(self, objects, objects_without_access):
        if self.refusals:
            raise PermissionDenied
        super().prepare_action(objects, objects_without_access)


# Registered after Wagtail's own snippet delete action (order 0) so it replaces it here.
hooks.register("register_bulk_action", CreditedBulkDeleteAction, order=10)


class PersonChooserViewSet(SnippetChooserViewSet):
    creation_form_class = PersonCreationForm
    create_action_label = "Add a new person"
    create_action_clicked_label = "Adding…"
    creation_tab_label = "Add a new person"


class StudioChooserViewSet(SnippetChooserViewSet):
    creation_form_class = StudioCreationForm
    create_action_label = "Add a new studio"
    create_action_clicked_label = "Adding…"
    creation_tab_label = "Add a new studio"


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    list_display = ["name", "slug"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False
    chooser_viewset_class = PersonChooserViewSet
    delete_view_class = CreditedDeleteView
    delete_template_name = "people/admin/confirm_delete.html"


class StudioViewSet(SnippetViewSet):
    model = Studio
    icon = "site"
    menu_label = "Studios"
    list_display = ["name", "slug", "website"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False
    chooser_viewset_class = StudioChooserViewSet
    delete_view_class = CreditedDeleteView
    delete_template_name = "people/admin/confirm_delete.html"


class CreditsViewSetGroup(SnippetViewSetGroup):
    items = (PersonViewSet, StudioViewSet)
    menu_icon = "group"
    menu_label = "Credits"
    menu_name = "credits"
    menu_order = 250
    # Other apps add their own libraries to this menu with a viewset whose `menu_hook` is
    # this (the plugin's genres do).
    submenu_hook = "register_credits_menu_item"


register_snippet(CreditsViewSetGroup)
