"""Genres: a snippet library editors manage, several per review (an ordered inline list, as
the credits are), each with its own page on the review index (`genres/<slug>/`)."""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from people.models import CreditedEntity


class Genre(CreditedEntity):
    """A genre (Thriller, Drama…): its slug is made once from the name, Unicode kept, and
    imports find it again by its normalised name, as people and studios."""

    slug = models.SlugField(
        max_length=255,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="Used in the genre page's address; made from the name when left blank.",
    )
    description = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Optional: a sentence or two shown at the top of the genre's page.",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta(CreditedEntity.Meta):
        verbose_name = "genre"
        verbose_name_plural = "genres"


class ReviewGenre(Orderable):
    """One of a review's genres, in the order the editor gave them (each once: the editor's
    form and the importer see to it, as for credits)."""

    page = ParentalKey("review_pages.ReviewPage", on_delete=models.CASCADE, related_name="genres")
    genre = models.ForeignKey(Genre, on_delete=models.PROTECT, related_name="review_genres")

    panels = [FieldPanel("genre")]

    class Meta(Orderable.Meta):
        verbose_name = "genre"
        verbose_name_plural = "genres"

    def __str__(self) -> str:
        return str(self.genre)
