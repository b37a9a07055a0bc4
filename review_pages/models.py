"""Review pages: the publication's front page and the reviews under it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from people.models import Person, Studio

from . import credits
from .api.fields import (
    CastField,
    ImageField,
    PeopleCreditField,
    PersonCreditField,
    ReviewBodyField,
    ScoreField,
    StudioCreditField,
    StudiosCreditField,
)
from .blocks import ReviewBodyBlock
from .forms import ReviewPageForm
from .rules import score_problem


class MPARating(models.TextChoices):
    G = "G", "G"
    PG = "PG", "PG"
    PG_13 = "PG-13", "PG-13"
    R = "R", "R"
    NC_17 = "NC-17", "NC-17"
    NR = "NR", "not rated"


class ReviewIndexPage(RoutablePageMixin, Page):
    """The front page: latest reviews, filmographies, the feed and search."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["review_pages.ReviewPage"]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = "review index page"

    def reviews(self):
        """Live, public reviews under this page, newest first."""
        return (
            ReviewPage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-first_published_at", "-pk")
        )

    def paginate(self, request, queryset):
        paginator = Paginator(queryset, getattr(settings, "REVIEWS_PER_PAGE", 12))
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    @path("")
    def review_list(self, request):
        reviews = self.reviews()
        filters = credits.ReviewFilters.from_query(request.GET)
        reviews = filters.apply(reviews)
        page_of_reviews = self.paginate(request, credits.with_listing_data(reviews))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "reviews": page_of_reviews,
                "filters": filters,
                "filters_query": query.urlencode(),
                "rating_choices": MPARating.choices,
                "years": self.reviews()
                .exclude(release_date=None)
                .dates("release_date", "year", order="DESC"),
            },
        )

    @path("people/<str:slug>/", name="person")
    def person_filmography(self, request, slug):
        person = get_object_or_404(Person, slug=slug)
        return self.render(
            request,
            template="review_pages/filmography.html",
            context_overrides={
                "subject": person,
                "kind": "person",
                "roles": credits.person_filmography(person, self.reviews()),
            },
        )

    @path("studios/<str:slug>/", name="studio")
    def studio_filmography(self, request, slug):
        studio = get_object_or_404(Studio, slug=slug)
        return self.render(
            request,
            template="review_pages/filmography.html",
            context_overrides={
                "subject": studio,
                "kind": "studio",
                "roles": credits.studio_filmography(studio, self.reviews()),
            },
        )


class ReviewPage(Page):
    """One film review: its facts, its credits and its sections."""

    film_title = models.CharField(
        max_length=255, help_text="The film's title alone, e.g. Ballerina."
    )
    intro = RichTextField(
        features=["bold", "italic", "link"],
        blank=True,
        help_text="The standfirst: a sentence or two under the headline.",
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mpa_rating = models.CharField("MPA rating", max_length=5, choices=MPARating.choices, blank=True)
    mpa_rating_reason = models.CharField(
        "rating reason",
        max_length=255,
        blank=True,
        help_text="Why the film got its rating, e.g. 'strong violence and language'.",
    )
    runtime_minutes = models.PositiveSmallIntegerField(
        "runtime",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="In minutes: 125 is shown as 2 hours and 5 minutes.",
    )
    release_date = models.DateField(null=True, blank=True)
    distributor = models.ForeignKey(
        Studio,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributed_reviews",
    )
    author = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authored_reviews",
        help_text="The critic who wrote the review.",
    )
    score = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
        help_text="Optional, from 0 to 5 in halves.",
    )
    body = StreamField(
        ReviewBodyBlock(),
        blank=True,
        help_text="A synopsis first, then performance and critique sections, "
        "then the final statement.",
    )

    base_form_class = ReviewPageForm
    parent_page_types = ["review_pages.ReviewIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("film_title"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    facts_panels = [
        FieldRowPanel([FieldPanel("mpa_rating"), FieldPanel("mpa_rating_reason")]),
        FieldRowPanel([FieldPanel("runtime_minutes"), FieldPanel("release_date")]),
        FieldPanel("poster"),
    ]
    credits_panels = [
        MultipleChooserPanel("directors", chooser_field_name="person", label="directors"),
        MultipleChooserPanel("writers", chooser_field_name="person", label="writers"),
        MultipleChooserPanel("cast", chooser_field_name="person", label="cast"),
        MultipleChooserPanel(
            "production_companies",
            chooser_field_name="studio",
            label="production companies",
        ),
        FieldPanel("distributor"),
        MultiFieldPanel([FieldPanel("author"), FieldPanel("score")], heading="the critic"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Review"),
            ObjectList(facts_panels, heading="Film facts"),
            ObjectList(credits_panels, heading="Credits"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("film_title", boost=3),
        index.AutocompleteField("film_title"),
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("mpa_rating"),
        index.FilterField("release_date"),
        index.RelatedFields(
            "directors", [index.RelatedFields("person", [index.SearchField("name")])]
        ),
        index.RelatedFields(
            "writers", [index.RelatedFields("person", [index.SearchField("name")])]
        ),
        index.RelatedFields(
            "cast",
            [
                index.RelatedFields("person", [index.SearchField("name")]),
                index.SearchField("character"),
            ],
        ),
        index.RelatedFields(
            "production_companies", [index.RelatedFields("studio", [index.SearchField("name")])]
        ),
        index.RelatedFields("distributor", [index.SearchField("name")]),
        index.RelatedFields("author", [index.SearchField("name")]),
    ]

    # The design's review object, in API v2 and in Wagtail's v3 page detail. Credits are
    # never bare ids: the fields read them through `credits`, like the HTML site does.
    api_fields = [
        APIField("film_title"),
        APIField("intro"),
        APIField("poster", serializer=ImageField()),
        APIField("mpa_rating"),
        APIField("mpa_rating_reason"),
        APIField("runtime_minutes"),
        APIField("release_date"),
        APIField("score", serializer=ScoreField()),
        APIField("author", serializer=PersonCreditField("author")),
        APIField("directors", serializer=PeopleCreditField("directors")),
        APIField("writers", serializer=PeopleCreditField("writers")),
        APIField("cast", serializer=CastField()),
        APIField("production_companies", serializer=StudiosCreditField("production_companies")),
        APIField("distributor", serializer=StudioCreditField("distributor")),
        APIField("body", serializer=ReviewBodyField()),
    ]

    class Meta:
        verbose_name = "review"

    def clean(self):
        super().clean()
        errors = {}
        if self.mpa_rating_reason and not self.mpa_rating:
            errors["mpa_rating"] = "Choose the rating that this reason explains."
        problem = score_problem(self.score)
        if problem:
            errors["score"] = problem
        if errors:
            raise ValidationError(errors)

    @cached_property
    def runtime_display(self) -> str:
        return credits.format_runtime(self.runtime_minutes)

    @property
    def iso_duration(self) -> str:
        return credits.iso_duration(self.runtime_minutes)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["credits"] = credits.review_credits(self, request=request)
        return context

    def serve(self, request, *args, **kwargs):
        if self.get_parent() is None:  # pragma: no cover - a detached page
            raise Http404
        return super().serve(request, *args, **kwargs)


class PersonCredit(Orderable):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return str(self.person)


class ReviewDirector(PersonCredit):
    page = ParentalKey(ReviewPage, on_delete=models.CASCADE, related_name="directors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="director_credits")

    class Meta(PersonCredit.Meta):
        verbose_name = "director"


class ReviewWriter(PersonCredit):
    page = ParentalKey(ReviewPage, on_delete=models.CASCADE, related_name="writers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="writer_credits")

    class Meta(PersonCredit.Meta):
        verbose_name = "writer"


class ReviewCastMember(PersonCredit):
    page = ParentalKey(ReviewPage, on_delete=models.CASCADE, related_name="cast")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cast_credits")
    character = models.CharField(
        max_length=255, blank=True, help_text="The part they play, e.g. Eve Macarro."
    )

    panels = [FieldPanel("person"), FieldPanel("character")]

    class Meta(PersonCredit.Meta):
        verbose_name = "cast member"


class ReviewProductionCompany(Orderable):
    page = ParentalKey(ReviewPage, on_delete=models.CASCADE, related_name="production_companies")
    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="production_credits")

    panels = [FieldPanel("studio")]

    class Meta(Orderable.Meta):
        verbose_name = "production company"
        verbose_name_plural = "production companies"

    def __str__(self) -> str:
        return str(self.studio)
