"""Review pages: the publication's front page and the reviews under it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.functional import cached_property
from django.utils.http import urlencode
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
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
from .blocks import ReviewBodyBlock, plain_text
from .caching import (
    memoise,
    person_tags,
    review_tags,
    studio_tags,
    tag_request,
    with_memoised_count,
)
from .forms import ReviewPageForm
from .rules import score_problem
from .search import SearchHit, SearchQuery, excerpt, review_text, search_names, search_reviews


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
        reviews = credits.with_listing_data(filters.apply(reviews))
        if not (filters.person or filters.studio):
            # Counting reads every live review: counted once per version of `reviews` (a
            # person's or studio's slug can change without it, so not for those filters).
            reviews = with_memoised_count(reviews, "reviews")
        page_of_reviews = self.paginate(request, reviews)
        page_of_reviews.object_list = list(page_of_reviews.object_list)
        # The cards show each review's directors; everything else comes from the reviews.
        tag_request(
            request,
            "reviews",
            *person_tags(
                {d.person_id for r in page_of_reviews.object_list for d in r.directors.all()}
            ),
        )
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "reviews": page_of_reviews,
                "filters": filters,
                "filters_query": query.urlencode(),
                "rating_choices": MPARating.choices,
                "years": self.release_years(),
            },
        )

    def release_years(self) -> list:
        """The years of the reviews' release dates, newest first, for the year filter.

        Reading them means reading every live review, so they are made once per version of
        the `reviews` cache tag (bumped when any review is published, unpublished, moved or
        deleted) rather than on every render.
        """
        return memoise(
            f"review-years:{self.pk}",
            lambda: list(
                self.reviews()
                .exclude(release_date=None)
                .dates("release_date", "year", order="DESC")
            ),
            "reviews",
        )

    @path("people/<str:slug>/", name="person")
    def person_filmography(self, request, slug):
        person = get_object_or_404(Person, slug=slug)
        roles = credits.person_filmography(person, self.reviews())
        tag_filmography(request, f"person:{person.pk}", roles)
        return self.render(
            request,
            template="review_pages/filmography.html",
            context_overrides={"subject": person, "kind": "person", "roles": roles},
        )

    @path("studios/<str:slug>/", name="studio")
    def studio_filmography(self, request, slug):
        studio = get_object_or_404(Studio, slug=slug)
        roles = credits.studio_filmography(studio, self.reviews())
        tag_filmography(request, f"studio:{studio.pk}", roles)
        return self.render(
            request,
            template="review_pages/filmography.html",
            context_overrides={"subject": studio, "kind": "studio", "roles": roles},
        )

    @path("search/", name="search")
    def search(self, request):
        """Reviews by headline, film, text and credited names; people and studios apart.

        Not tagged, so never cached: its keys (every query a reader types) are unbounded,
        and storing them would push the pages everyone reads out of the cache.
        """
        query = SearchQuery.from_request(request)
        context = {"query": query, "results": None, "people": [], "studios": []}
        if query:
            reviews = self.reviews()
            results = self.paginate(request, search_reviews(reviews, query))
            found = list(results.object_list)
            credits.prefetch_listing_data(found, with_all_credits=True)
            results.object_list = [
                SearchHit(
                    review,
                    excerpt(
                        review_text(review, credits.review_credits(review, request)),
                        query,
                    ),
                )
                for review in found
            ]
            context.update(
                results=results,
                results_query=urlencode({"q": query.raw}),
                people=search_names(Person, query, credits.credited_people(reviews)),
                studios=search_names(Studio, query, credits.credited_studios(reviews)),
            )
        return self.render(
            request,
            template="review_pages/search_results.html",
            context_overrides=context,
        )

    @path("feed/", name="feed")
    def feed(self, request):
        """RSS 2.0 of the latest live reviews."""
        feed = Rss201rev2Feed(
            title=self.title,
            link=self.get_full_url(request),
            feed_url=self.get_full_url(request) + self.reverse_subpage("feed"),
            description=plain_text(self.intro) or f"The latest film reviews: {self.title}.",
            language="en",
        )
        latest = list(
            self.reviews().select_related("author")[: getattr(settings, "REVIEWS_FEED_LENGTH", 20)]
        )
        tag_request(request, "reviews", *person_tags({r.author_id for r in latest if r.author_id}))
        for review in latest:
            url = review.get_full_url(request)
            feed.add_item(
                title=review.title,
                link=url,
                description=plain_text(review.intro),
                pubdate=review.first_published_at,
                updateddate=review.last_published_at,
                unique_id=url,
                unique_id_is_permalink=True,
                author_name=review.author.name if review.author_id else None,
                categories=[review.film_title],
            )
        return HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)

    def get_sitemap_urls(self, request=None):
        """The front page, plus the filmography of everyone credited on a live review."""
        urls = super().get_sitemap_urls(request)
        tag_request(request, "reviews", "people", "studios")
        links = credits.FilmographyLinks(self, request, absolute=True)
        reviews = self.reviews()
        for person in credits.credited_people(reviews).only("slug").order_by("slug"):
            urls.append({"location": links.person(person.slug)})
        for studio in credits.credited_studios(reviews).only("slug").order_by("slug"):
            urls.append({"location": links.studio(studio.slug)})
        return urls


def tag_filmography(request, subject_tag: str, roles) -> None:
    """A filmography shows its subject and the reviews it lists (unpublishing one of them,
    or dropping the credit, bumps `review:<id>`; a new credit bumps the subject's tag)."""
    listed = {entry.review.pk for role in roles for entry in role.entries}
    tag_request(request, subject_tag, *review_tags(sorted(listed)))


PEOPLE_CHOOSER_HELP = (
    "Search the people library; use “Add a new person” in the chooser for someone "
    "who is not there yet. Drag to reorder."
)


class ReviewPageQuerySet(PageQuerySet):
    def private_q(self):
        """Wagtail's, with the private sections read from the restrictions first.

        Wagtail joins the restrictions to their pages, which SQLite (without statistics
        for an empty restrictions table) answers by reading every page: 0.7 ms per
        `public()` at 10,000 reviews, against nothing for this form.
        """
        sections = Page.objects.filter(pk__in=PageViewRestriction.objects.values("page_id")).only(
            "path", "depth"
        )
        q = Q()
        for section in sections:
            q |= self.descendant_of_q(section, inclusive=True)
        return q if q else Q(pk__in=[])  # as Wagtail's: exclude nothing


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
        help_text="The film's poster, portrait; shown beside the facts and in link previews.",
    )
    mpa_rating = models.CharField(
        "MPA rating",
        max_length=5,
        choices=MPARating.choices,
        blank=True,
        help_text="The film's MPA rating; 'not rated' when it was released without one.",
    )
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
    release_date = models.DateField(
        null=True, blank=True, help_text="The film's first theatrical release in the US."
    )
    distributor = models.ForeignKey(
        Studio,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributed_reviews",
        help_text="The studio that releases the film in cinemas, e.g. Lionsgate.",
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
    import_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="sha256 of the plain-text review this page was last imported from.",
    )
    body = StreamField(
        ReviewBodyBlock(),
        blank=True,
        help_text="A synopsis first, then performance and critique sections, "
        "then the final statement.",
    )

    objects = PageManager.from_queryset(ReviewPageQuerySet)()

    base_form_class = ReviewPageForm
    parent_page_types = ["review_pages.ReviewIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        TitleFieldPanel(
            "title",
            heading="headline",
            help_text="The headline readers see, e.g. 'Ballerina' Review: A Spin-off That Twirls.",
        ),
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
        MultipleChooserPanel(
            "directors",
            chooser_field_name="person",
            label="directors",
            help_text=PEOPLE_CHOOSER_HELP,
        ),
        MultipleChooserPanel(
            "writers", chooser_field_name="person", label="writers", help_text=PEOPLE_CHOOSER_HELP
        ),
        MultipleChooserPanel(
            "cast",
            chooser_field_name="person",
            label="cast",
            help_text="In billing order, each with the character they play. " + PEOPLE_CHOOSER_HELP,
        ),
        MultipleChooserPanel(
            "production_companies",
            chooser_field_name="studio",
            label="production companies",
            help_text="Search the studios library; use “Add a new studio” in the chooser "
            "for one that is not there yet.",
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
        if not getattr(request, "is_preview", False):
            person_ids, studio_ids = credits.shown_ids([self])
            tag_request(
                request, f"review:{self.pk}", *person_tags(person_ids), *studio_tags(studio_ids)
            )
        return context


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
