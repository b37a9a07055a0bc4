"""The editors' "Reviews" desk: every review in one flat, filterable list."""

from django.contrib.admin import SimpleListFilter
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from .models import ReviewPage


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
    list_display = ("film_title", "title", "release_date", "mpa_rating", "status")
    list_filter = ("mpa_rating", ReleaseYearFilter, StatusFilter)
    search_fields = ("film_title", "title")
    ordering = ("-release_date", "film_title")
    list_per_page = 50

    def status(self, obj) -> str:
        if not obj.live:
            return "draft"
        return "live + draft" if obj.has_unpublished_changes else "live"

    status.short_description = "status"


modeladmin_register(ReviewDeskAdmin)
