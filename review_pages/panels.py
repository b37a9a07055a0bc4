"""Editor panels of the review page."""

from wagtail.admin.panels import MultiFieldPanel

from .rules import rich_result_problems, rich_result_warning


class VerdictPanel(MultiFieldPanel):
    """The critic, the score and the featured switch, with a warning while the review
    would not be eligible for search engines' review snippet (it does not block publishing)."""

    class BoundPanel(MultiFieldPanel.BoundPanel):
        template_name = "review_pages/admin/verdict_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            problems = rich_result_problems(self.instance)
            context["rich_result_warning"] = rich_result_warning(problems) if problems else ""
            return context
