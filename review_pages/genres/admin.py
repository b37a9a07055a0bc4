"""The genres library in the admin: a snippet listed under the "Credits" menu, beside people
and studios (the group's `submenu_hook`), with a chooser that can add a new genre without
leaving the review being edited."""

from django import forms
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from people.naming import normalise_name
from people.wagtail_hooks import CreditedDeleteView

from ..models import Genre

#: The hook of the "Credits" menu group's submenu (people.wagtail_hooks).
CREDITS_SUBMENU_HOOK = "register_credits_menu_item"


class GenreCreationForm(forms.ModelForm):
    """Name only; refuses a name already in the library, so the chooser finds it instead."""

    class Meta:
        model = Genre
        fields = ["name"]
        help_texts = {"name": "e.g. Thriller. Add a description later."}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        existing = Genre.objects.filter(match_name=normalise_name(name)).first()
        if existing is not None:
            raise forms.ValidationError(
                f"“{existing}” is already in the library: search for it and choose it."
            )
        return name


class GenreChooserViewSet(SnippetChooserViewSet):
    creation_form_class = GenreCreationForm
    create_action_label = "Add a new genre"
    create_action_clicked_label = "Adding…"
    creation_tab_label = "Add a new genre"


class GenreViewSet(SnippetViewSet):
    model = Genre
    icon = "tag"
    menu_label = "Genres"
    menu_order = 30  # after people and studios
    menu_hook = CREDITS_SUBMENU_HOOK
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False
    chooser_viewset_class = GenreChooserViewSet
    # Deleting a genre a review has, live or in a draft, is refused with the reviews' names.
    delete_view_class = CreditedDeleteView
    delete_template_name = "people/admin/confirm_delete.html"
