"""A review's credits: ordered inline lists of people and studios (Orderable + ParentalKey).

Each list is its own table, so one person may hold several roles on one film (director,
writer and cast member), and each role keeps its billing order.
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from people.models import Person, Studio


class PersonCredit(Orderable):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return str(self.person)


class ReviewDirector(PersonCredit):
    page = ParentalKey(
        "review_pages.ReviewPage", on_delete=models.CASCADE, related_name="directors"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="director_credits")

    class Meta(PersonCredit.Meta):
        verbose_name = "director"


class ReviewWriter(PersonCredit):
    page = ParentalKey("review_pages.ReviewPage", on_delete=models.CASCADE, related_name="writers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="writer_credits")

    class Meta(PersonCredit.Meta):
        verbose_name = "writer"


class ReviewCastMember(PersonCredit):
    page = ParentalKey("review_pages.ReviewPage", on_delete=models.CASCADE, related_name="cast")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cast_credits")
    character = models.CharField(
        max_length=255, blank=True, help_text="The part they play, e.g. Eve Macarro."
    )

    panels = [FieldPanel("person"), FieldPanel("character")]

    class Meta(PersonCredit.Meta):
        verbose_name = "cast member"


class ReviewProductionCompany(Orderable):
    page = ParentalKey(
        "review_pages.ReviewPage", on_delete=models.CASCADE, related_name="production_companies"
    )
    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="production_credits")

    panels = [FieldPanel("studio")]

    class Meta(Orderable.Meta):
        verbose_name = "production company"
        verbose_name_plural = "production companies"

    def __str__(self) -> str:
        return str(self.studio)


#: The credit lists of a review: relation name -> (model, the field naming whom it credits).
PERSON_CREDITS = {
    "directors": (ReviewDirector, "person"),
    "writers": (ReviewWriter, "person"),
    "cast": (ReviewCastMember, "person"),
}
STUDIO_CREDITS = {"production_companies": (ReviewProductionCompany, "studio")}
CREDIT_LISTS = {**PERSON_CREDITS, **STUDIO_CREDITS}
