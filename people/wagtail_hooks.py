"""People and studios as snippets, grouped under a "Credits" menu."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Person, Studio


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    list_display = ["name", "slug"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False


class StudioViewSet(SnippetViewSet):
    model = Studio
    icon = "site"
    menu_label = "Studios"
    list_display = ["name", "slug", "website"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False


class CreditsViewSetGroup(SnippetViewSetGroup):
    items = (PersonViewSet, StudioViewSet)
    menu_icon = "group"
    menu_label = "Credits"
    menu_name = "credits"
    menu_order = 250


register_snippet(CreditsViewSetGroup)
