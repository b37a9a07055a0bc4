"""The stock build's pages: a review and its index, as the Wagtail documentation teaches.

The same fields as `review_pages.ReviewPage`; credits as `Orderable` + `ParentalKey` inline
models pointing at the project's own `people.Person` / `people.Studio` snippets; performers
as `ListBlock(SnippetChooserBlock(Person))`; `api_fields` with stock serialisation; plain
templates; a routable index with the listing, filmographies and a bakerydemo-style search.

Two variants share these models, chosen per request (`?variant=careful`, see `is_careful`):

- *as the docs teach*: querysets as the tutorials write them; templates follow relations
  (a card's critic, a credit's person) one query at a time;
- *careful*: the same code plus the obvious `select_related` / `prefetch_related`.
"""

from __future__ import annotations

import datetime

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.search.backends import get_search_backend

from people.models import Person, Studio
from review_pages.models import Genre

from .blocks import BodyBlock

PER_PAGE = 20
MPA_RATINGS = [
    ("G", "G"),
    ("PG", "PG"),
    ("PG-13", "PG-13"),
    ("R", "R"),
    ("NC-17", "NC-17"),
    ("NR", "Not rated"),
]


def is_careful(request) -> bool:
    """The careful variant answers requests asking for it (`?variant=careful`)."""
    return request.GET.get("variant") == "careful"


class StockReviewIndexPage(RoutablePageMixin, Page):
    intro = RichTextField(blank=True)

    subpage_types = ["stockbuild.StockReviewPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    def reviews(self):
        return StockReviewPage.objects.live().public().descendant_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["index"] = self  # whose routes the templates link to
        return context

    @path("")
    def review_list(self, request):
        """The listing: 20 reviews a page, newest first, filtered by rating and year,
        the newest featured review (else the newest) leading the first page."""
        reviews = self.reviews().order_by("-first_published_at")
        if is_careful(request):
            reviews = reviews.select_related("author", "poster")
        years = reviews.exclude(release_date=None).dates("release_date", "year", order="DESC")
        genres = (
            Genre.objects.filter(stock_reviews__page__in=self.reviews()).distinct().order_by("name")
        )
        rating, year = request.GET.get("rating", ""), request.GET.get("year", "")
        genre = request.GET.get("genre", "")
        if rating:
            reviews = reviews.filter(mpa_rating=rating)
        if year.isdigit():
            reviews = reviews.filter(release_date__year=int(year))
        if genre:
            reviews = reviews.filter(genres__genre__slug=genre)
        paginator = Paginator(reviews, PER_PAGE)
        try:
            page_of_reviews = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_of_reviews = paginator.page(1)
        except EmptyPage:
            page_of_reviews = paginator.page(paginator.num_pages)
        listed = list(page_of_reviews.object_list)
        lead = None
        if page_of_reviews.number == 1 and not (rating or year or genre):
            # The newest featured, else the newest with a poster and a score, else the newest.
            lead = (
                reviews.filter(featured=True).first()
                or reviews.filter(poster__isnull=False, score__isnull=False).first()
                or (listed[0] if listed else None)
            )
        page_of_reviews.object_list = [review for review in listed if review != lead]
        return self.render(
            request,
            context_overrides={
                "reviews": page_of_reviews,
                "lead": lead,
                "years": years,
                "genres": genres,
                "rating": rating,
                "year": year,
                "genre": genre,
                "rating_choices": MPA_RATINGS,
            },
        )

    @path("people/<str:slug>/", name="person")
    def person_filmography(self, request, slug):
        person = get_object_or_404(Person, slug=slug)
        return self.filmography(
            request,
            person,
            [
                ("Director", StockDirector.objects.filter(person=person)),
                ("Writer", StockWriter.objects.filter(person=person)),
                ("Cast", StockCastMember.objects.filter(person=person)),
            ],
            written=self.reviews().filter(author=person),
        )

    @path("studios/<str:slug>/", name="studio")
    def studio_filmography(self, request, slug):
        studio = get_object_or_404(Studio, slug=slug)
        return self.filmography(
            request,
            studio,
            [
                ("Production company", StockProductionCompany.objects.filter(studio=studio)),
                ("Distributor", None),
            ],
            distributed=self.reviews().filter(distributor=studio),
        )

    def filmography(self, request, subject, credit_lists, written=None, distributed=None):
        """Each film once with its roles (and the parts played), newest release first; the
        reviews a critic wrote apart."""
        careful = is_careful(request)
        live = self.reviews()
        films: dict[int, dict] = {}
        for role, credits in credit_lists:
            if credits is None:  # the distributor: a foreign key on the review itself
                rows = distributed.select_related("author") if careful else distributed
                credited = [(review, "") for review in rows]
            else:
                credits = credits.filter(page__in=live)
                if careful:
                    credits = credits.select_related("page", "page__author", "page__poster")
                credited = [(credit.page, getattr(credit, "character", "")) for credit in credits]
            for review, character in credited:
                film = films.setdefault(review.pk, {"review": review, "roles": [], "parts": []})
                if role not in film["roles"]:
                    film["roles"].append(role)
                if character:
                    film["parts"].append(character)
        for film in films.values():
            roles = [r for r in film["roles"] if r != "Cast" or not film["parts"]]
            line = [", ".join(roles)] if roles else []
            if film["parts"]:
                line.append("as " + " / ".join(film["parts"]))
            film["credit_line"] = " · ".join(line)
        ordered = sorted(
            films.values(),
            key=lambda f: (
                -(f["review"].release_date or datetime.date.min).toordinal(),
                f["review"].title,
            ),
        )
        if written is not None:
            written = written.order_by("-first_published_at")
            if careful:
                written = written.select_related("author", "poster")
            written = list(written)
        if not ordered and not written:
            raise Http404("No published review credits them.")
        return self.render(
            request,
            template="stockbuild/filmography.html",
            context_overrides={"subject": subject, "films": ordered, "written_reviews": written},
        )

    @path("search/", name="search")
    def search(self, request):
        """bakerydemo's search: the specific model's `.search()`, paginated; people and
        studios by name among those credited on a live review."""
        query = request.GET.get("q", "").strip()
        results = people = studios = None
        if query:
            live = self.reviews()
            found = live.search(query)
            paginator = Paginator(found, PER_PAGE)
            try:
                results = paginator.page(request.GET.get("page", 1))
            except PageNotAnInteger:
                results = paginator.page(1)
            except EmptyPage:
                results = paginator.page(paginator.num_pages)
            if is_careful(request):
                prefetch_related_objects(list(results.object_list), "author", "poster")
            credited_people = (
                Q(pk__in=live.values("author_id"))
                | Q(pk__in=StockDirector.objects.filter(page__in=live).values("person_id"))
                | Q(pk__in=StockWriter.objects.filter(page__in=live).values("person_id"))
                | Q(pk__in=StockCastMember.objects.filter(page__in=live).values("person_id"))
            )
            credited_studios = Q(pk__in=live.values("distributor_id")) | Q(
                pk__in=StockProductionCompany.objects.filter(page__in=live).values("studio_id")
            )
            # Snippets have no `.search()` on their manager: the backend, as the docs show.
            backend = get_search_backend()
            people = list(backend.search(query, Person.objects.filter(credited_people))[:PER_PAGE])
            studios = list(
                backend.search(query, Studio.objects.filter(credited_studios))[:PER_PAGE]
            )
        return self.render(
            request,
            template="stockbuild/search_results.html",
            context_overrides={
                "query": query,
                "results": results,
                "people": people,
                "studios": studios,
            },
        )


class StockReviewPage(Page):
    film_title = models.CharField(max_length=255)
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)
    poster = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mpa_rating = models.CharField(max_length=5, choices=MPA_RATINGS, blank=True)
    mpa_rating_reason = models.CharField(max_length=255, blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    distributor = models.ForeignKey(
        Studio, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    featured = models.BooleanField(default=False)
    imdb_id = models.CharField(max_length=100, blank=True)
    tmdb_id = models.CharField(max_length=100, blank=True)
    wikidata_id = models.CharField(max_length=100, blank=True)
    trailer_url = models.CharField(max_length=500, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    parent_page_types = ["stockbuild.StockReviewIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("film_title"),
        FieldPanel("intro"),
        FieldPanel("author"),
        FieldPanel("score"),
        FieldPanel("featured"),
        FieldPanel("body"),
        FieldPanel("mpa_rating"),
        FieldPanel("mpa_rating_reason"),
        FieldPanel("runtime_minutes"),
        FieldPanel("release_date"),
        FieldPanel("poster"),
        InlinePanel("directors", label="Directors"),
        InlinePanel("writers", label="Writers"),
        InlinePanel("cast", label="Cast"),
        InlinePanel("production_companies", label="Production companies"),
        FieldPanel("distributor"),
        InlinePanel("genres", label="Genres"),
        FieldPanel("trailer_url"),
        InlinePanel("stills", label="Stills"),
        FieldPanel("imdb_id"),
        FieldPanel("tmdb_id"),
        FieldPanel("wikidata_id"),
    ]

    # The same index as the project's review: film title, text and every credited name.
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

    api_fields = [
        APIField(name)
        for name in (
            "film_title",
            "intro",
            "poster",
            "mpa_rating",
            "mpa_rating_reason",
            "runtime_minutes",
            "release_date",
            "score",
            "author",
            "directors",
            "writers",
            "cast",
            "production_companies",
            "distributor",
            "body",
            "featured",
            "imdb_id",
            "tmdb_id",
            "wikidata_id",
            "genres",
            "trailer_url",
            "stills",
        )
    ]

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the sections' headings and text, at 230 words a minute."""
        words = 0
        for block in self.body:
            for name in ("heading", "text"):
                if name in block.value:
                    words += len(strip_tags(str(block.value[name])).split())
        return -(-words // 230)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        careful = is_careful(request)
        if careful:
            prefetch_related_objects(
                [self], "author", "distributor", "poster", *credit_prefetches(), *more_prefetches()
            )
            # The index whose routes the credits link to, in one query.
            index = StockReviewIndexPage.objects.parent_of(self).first()
        else:
            index = self.get_parent().specific
        context["index"] = index
        context["related"], context["more_by_critic"] = self.next_reads(index, careful)
        return context

    def next_reads(self, index, careful: bool) -> tuple[list, list]:
        """Up to 4 related reviews (a shared genre or director 3, writer 2, one of the first
        10 billed cast 1; the newest first among equals) and up to 4 more by the critic."""
        weights = {}
        for relation, target, weight in SHARED:
            rows = getattr(self, relation).all()
            if relation == "cast":
                rows = list(rows)[:10]
            for row in rows:
                weights[(relation, getattr(row, f"{target}_id"))] = weight
        others = index.reviews().exclude(pk=self.pk)
        condition = Q(pk__in=[])
        for relation, target, _weight in SHARED:
            ids = [pk for (name, pk) in weights if name == relation]
            if ids:
                condition |= Q(**{f"{relation}__{target}__in": ids})
        candidates = others.filter(condition).distinct()
        if careful:
            candidates = candidates.select_related("author", "poster").prefetch_related(
                *(relation for relation, _target, _weight in SHARED)
            )
        scored = []
        for review in candidates:
            score = 0
            for relation, target, _weight in SHARED:
                for row in getattr(review, relation).all():
                    score += weights.get((relation, getattr(row, f"{target}_id")), 0)
            scored.append((score, review.first_published_at, review.pk, review))
        scored.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
        related = [review for *_rest, review in scored[:4]]
        more = []
        if self.author_id:
            mine = others.filter(author_id=self.author_id).exclude(pk__in=[r.pk for r in related])
            if careful:
                mine = mine.select_related("author", "poster")
            more = list(mine.order_by("-first_published_at")[:4])
        return related, more


#: What two reviews may share, and what sharing one is worth (`next_reads`).
SHARED = [
    ("genres", "genre", 3),
    ("directors", "person", 3),
    ("writers", "person", 2),
    ("cast", "person", 1),
]


def more_prefetches() -> list[Prefetch]:
    """The genres and the stills (with their images) of the careful variant."""
    return [
        Prefetch("genres", queryset=StockGenre.objects.select_related("genre")),
        Prefetch("stills", queryset=StockStill.objects.select_related("image")),
    ]


def credit_prefetches() -> list[Prefetch]:
    """Each credit list with whom it credits: the careful variant's prefetches."""
    return [
        Prefetch("directors", queryset=StockDirector.objects.select_related("person")),
        Prefetch("writers", queryset=StockWriter.objects.select_related("person")),
        Prefetch("cast", queryset=StockCastMember.objects.select_related("person")),
        Prefetch(
            "production_companies",
            queryset=StockProductionCompany.objects.select_related("studio"),
        ),
    ]


class StockDirector(Orderable):
    page = ParentalKey(StockReviewPage, on_delete=models.CASCADE, related_name="directors")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="stock_director_credits"
    )
    panels = [FieldPanel("person")]
    api_fields = [APIField("person")]


class StockWriter(Orderable):
    page = ParentalKey(StockReviewPage, on_delete=models.CASCADE, related_name="writers")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="stock_writer_credits"
    )
    panels = [FieldPanel("person")]
    api_fields = [APIField("person")]


class StockCastMember(Orderable):
    page = ParentalKey(StockReviewPage, on_delete=models.CASCADE, related_name="cast")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="stock_cast_credits")
    character = models.CharField(max_length=255, blank=True)
    panels = [FieldPanel("person"), FieldPanel("character")]
    api_fields = [APIField("person"), APIField("character")]


class StockGenre(Orderable):
    page = ParentalKey(StockReviewPage, on_delete=models.CASCADE, related_name="genres")
    genre = models.ForeignKey(
        "review_pages.Genre", on_delete=models.PROTECT, related_name="stock_reviews"
    )
    panels = [FieldPanel("genre")]
    api_fields = [APIField("genre")]


class StockStill(Orderable):
    page = ParentalKey(StockReviewPage, on_delete=models.CASCADE, related_name="stills")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(max_length=255)
    caption = models.CharField(max_length=255, blank=True)
    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]
    api_fields = [APIField("image"), APIField("alt_text"), APIField("caption")]


class StockProductionCompany(Orderable):
    page = ParentalKey(
        StockReviewPage, on_delete=models.CASCADE, related_name="production_companies"
    )
    studio = models.ForeignKey(
        Studio, on_delete=models.PROTECT, related_name="stock_production_credits"
    )
    panels = [FieldPanel("studio")]
    api_fields = [APIField("studio")]
