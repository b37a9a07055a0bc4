"""A review's stills: frames from the film, each with a caption and its alt text."""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class ReviewStill(Orderable):
    """One still of the review's gallery, in the editor's order."""

    page = ParentalKey("review_pages.ReviewPage", on_delete=models.CASCADE, related_name="stills")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name="still"
    )
    caption = models.CharField(
        max_length=255, blank=True, help_text="Optional: shown under the still."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=255,
        help_text="What the still shows, for readers who cannot see it, e.g. 'Eve, bloodied, "
        "faces three attackers in a snowy square'.",
    )

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = "still"
        verbose_name_plural = "stills"

    def __str__(self) -> str:
        return self.caption or self.alt_text
