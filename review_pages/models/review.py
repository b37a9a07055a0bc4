"""A film review: its facts, its credits and its sections."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.db.models.expressions import Col, Expression
from django.shortcuts import redirect
from django.utils.functional import cached_property
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.admin.widgets import AdminAutoHeightTextInput
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from people.identifiers import IMDB_TITLE, TMDB_MOVIE, WIKIDATA, clean_tmdb
from people.models import (
    Person,
    Studio,
    clean_identifiers,
    identifier_field,
    identity_links,
    identity_urls,
)

from .. import refs, related, shown, text
from ..blocks import ReviewBodyBlock, people_already_read
from ..conf import reviews_settings
from ..forms import ReviewPageForm
from ..links import IndexLinks, PublicURLMixin, frontend_preview_template, preview_url
from ..panels import VerdictPanel
from ..ratings import MPA_RATINGS
from ..rules import rich_result_problems, score_problem
from ..trailers import Trailer, TrailerURLError, normalise_trailer_url, parse_trailer_url
from .compiled import CompiledQuery
from .credits import (
    CREDIT_LISTS,
    GENRE_LIST,
    PERSON_CREDITS,
    STILL_LIST,
    STUDIO_CREDITS,
    credited_entity_ids,
    read_credits,
)
from .genres import Genre, ReviewGenre
from .previews import PreviewGrant
from .restrictions import ViewRestrictionsInOneQuery
from .stills import ReviewStill
from .visibility import LiveNowPageMixin, live_now_q

MPARating = models.TextChoices(
    "MPARating", [(code.replace("-", "_"), (code, label)) for code, label in MPA_RATINGS.items()]
)

#: The review's fields in both APIs, beside Wagtail's id, meta and title. The API package
#: gives each its typed shape (`review_pages.api.shapes`): credits are never bare ids.
REVIEW_API_FIELDS = (
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
    "genres",
    "trailer",
    "stills",
    "body",
    "reading_minutes",
    "featured",
    "imdb_id",
    "tmdb_id",
    "wikidata_id",
)

PEOPLE_CHOOSER_HELP = (
    "Search the people library; use “Add a new person” in the chooser for someone "
    "who is not there yet. Drag to reorder."
)


def _credit_prefetch(relation: str) -> Prefetch:
    model, target = CREDIT_LISTS[relation]
    return Prefetch(relation, queryset=model.objects.select_related(target))


def credit_prefetches() -> list[Prefetch]:
    return [_credit_prefetch(relation) for relation in CREDIT_LISTS]


def poster_prefetch() -> Prefetch:
    """Posters with their existing renditions, so a card's <picture> costs no query."""
    from wagtail.images import get_image_model

    return Prefetch("poster", queryset=get_image_model().objects.prefetch_renditions())


def restricted_sections() -> list[Page]:
    """The pages that head a private section (a view restriction), with their tree paths.

    Wagtail reads them by joining the restrictions to their pages, which SQLite (without
    statistics for an empty restrictions table) answers by reading every page: 0.9 ms per
    read at 10,000 reviews, against nothing for this form (the restrictions first).
    """
    return RESTRICTED_SECTIONS.instances()


#: `restricted_sections`' query, compiled once (`compiled`): every listing reads it.
RESTRICTED_SECTIONS = CompiledQuery(
    lambda: Page.objects.filter(pk__in=PageViewRestriction.objects.values("page_id")),
    fields=("id", "path", "depth"),
)


class PageTableId(Expression):
    """The page table's own `id` column, through the join that `first_published_at` takes.

    Django writes a review's `id` or `pk` as the review table's `page_ptr_id` (the same
    value, one join fewer), and ordered by that column no index of the page table gives the
    order: SQLite after `ANALYZE`, with as many other pages as reviews in the tree, then
    scanned every review and sorted them all (issue 22: 38.7 ms instead of 0.5 ms at
    10,000 reviews). Ordered by the page table's `id`, `(first_published_at, id)` is the
    order of that table's `first_published_at` index (SQLite keeps the rowid in each index
    entry), from which a listing reads one page and stops.
    """

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        published = F("first_published_at").resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        field = Page._meta.get_field("id")
        return Col(published.alias, field, field)


#: Newest publication first, ties by id: every listing of reviews (`newest_first`).
NEWEST_FIRST = (F("first_published_at").desc(), PageTableId().desc())


class ReviewPageQuerySet(PageQuerySet):
    def newest_first(self):
        """Newest publication first, in the order of the page table's `first_published_at`
        index (`PageTableId`): a page of a listing is read from that index whatever else
        the tree holds and whatever statistics the database keeps."""
        return self.order_by(*NEWEST_FIRST)

    def below(self, page):
        """Wagtail's `descendant_of(page)` in the page table's columns alone: the depth
        leaves `page` out, where `descendant_of` adds `NOT pk = page`, a condition on the
        review table for which SQLite built a Bloom filter over every review on each
        listing (5 ms at 10,000 reviews, against 0.1 ms for the page of 20)."""
        return self.filter(path__startswith=page.path, depth__gt=page.depth)

    def public_now(self, sections=None):
        """What readers and apps see: live now (go-live reached, not expired) and outside
        every private section. The one rule (`visibility`), for every surface.
        `sections`: the private sections, when the caller has read them
        (`restricted_sections`)."""
        return self.filter(live_now_q()).exclude(self.private_q(sections))

    def private_q(self, sections=None):
        """Wagtail's, with the private sections read by `restricted_sections` (or given)."""
        q = Q()
        for section in restricted_sections() if sections is None else sections:
            q |= self.descendant_of_q(section, inclusive=True)
        return q if q else Q(pk__in=[])  # as Wagtail's: exclude nothing

    def with_credits(self):
        """Every credit loaded in a fixed number of queries, however many there are."""
        return self.select_related("distributor", "author", "poster").prefetch_related(
            *credit_prefetches()
        )

    def with_listing_data(self):
        """What a review card shows: the poster (and its renditions) and the critic."""
        return self.select_related("author").prefetch_related(poster_prefetch())

    def crediting_person(self, slug: str):
        """Reviews crediting the person with this slug, in any role (critic included)."""
        condition = Q(author__slug=slug)
        for model, target in PERSON_CREDITS.values():
            credits = model.objects.filter(**{f"{target}__slug": slug})
            condition |= Q(pk__in=credits.values("page_id"))
        return self.filter(condition)

    def in_genre(self, slug: str):
        """Reviews with the genre of this slug among their genres."""
        return self.filter(pk__in=ReviewGenre.objects.filter(genre__slug=slug).values("page_id"))

    def genres_used(self):
        """The genres of any of these reviews (a subquery: one query when read)."""
        used = ReviewGenre.objects.filter(page__in=self.values("pk")).values("genre_id")
        return Genre.objects.filter(pk__in=used)

    def crediting_studio(self, slug: str):
        """Reviews crediting the studio with this slug: production or distribution."""
        condition = Q(distributor__slug=slug)
        for model, target in STUDIO_CREDITS.values():
            credits = model.objects.filter(**{f"{target}__slug": slug})
            condition |= Q(pk__in=credits.values("page_id"))
        return self.filter(condition)

    def credited_people(self, among=None):
        """People credited (director, writer, cast or critic) on any of these reviews;
        `among` (ids), when given, narrows each credit table by its own person index first:
        checking 100 search matches reads their credits, not every credit of the catalogue
        (PostgreSQL otherwise built the whole set: 36 ms at 10,000 reviews)."""
        return Person.objects.filter(self._credited("author", PERSON_CREDITS, among))

    def credited_studios(self, among=None):
        """Studios credited (production company or distributor) on any of these reviews;
        `among` as for `credited_people`."""
        return Studio.objects.filter(self._credited("distributor", STUDIO_CREDITS, among))

    def people_credited_among(self, ids) -> list[int]:
        """Which of the people `ids` are credited on any of these reviews (the search's
        name matches): their ids, in two queries (`_credited_among`)."""
        return self._credited_among("author", PERSON_CREDITS, ids)

    def studios_credited_among(self, ids) -> list[int]:
        """Which of the studios `ids` are credited on any of these reviews: their ids."""
        return self._credited_among("distributor", STUDIO_CREDITS, ids)

    def _credited(self, own_field: str, credit_tables: dict, among) -> Q:
        """The people or studios credited on these reviews: ONE `IN` over the UNION of the
        reviews' own field and each credit table's. Each `IN` of its own, joined by OR, is
        a filter the database runs per row: PostgreSQL, the cast's ids too many to hash in
        its working memory, re-read them for every person (minutes at 100,000 reviews;
        1.3 s as a union)."""
        if among is not None:
            return Q(pk__in=self._credited_among(own_field, credit_tables, among))
        page_ids = self.order_by().values("pk")
        arms = [self.exclude(**{own_field: None}).order_by().values(f"{own_field}_id")]
        for model, target in credit_tables.values():
            arms.append(model.objects.filter(page__in=page_ids).order_by().values(f"{target}_id"))
        # No ORDER BY on the union (Django 6.1 would order it by an arm's Meta ordering).
        return Q(pk__in=arms[0].union(*arms[1:]).order_by())

    def _credited_among(self, own_field: str, credit_tables: dict, among) -> list[int]:
        """Which of the people or studios `among` (ids) these reviews credit: their credits
        first, each table read by its own person or studio index (ONE raw query over the
        credit tables and the reviews' own field), then which of the reviews those credits
        name are among these (ONE query). The single query of subqueries this replaces cost
        5.4 ms at 1,000 reviews, mostly to build and compile, and read every review three
        times over on SQLite; these two take 1.3 ms."""
        among = sorted({int(pk) for pk in among})
        if not among:
            return []
        named = credits_naming(among, own_field, credit_tables)
        pages = {page for _entity, page in named}
        if not pages:
            return []
        listed = set(self.filter(pk__in=pages).values_list("pk", flat=True))
        return sorted({entity for entity, page in named if page in listed})


def credits_naming(ids: list[int], own_field: str, credit_tables: dict) -> list[tuple[int, int]]:
    """(person or studio id, review id) of every credit naming one of `ids`: the credit
    tables' rows and the reviews' own foreign key (`own_field`: the critic, the
    distributor), in ONE raw query (compiling four ORM arms cost more than running them)."""
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    page_table = quote(ReviewPage._meta.db_table)
    page_key = quote(ReviewPage._meta.pk.column)
    # Only names from the models' own metadata and "%s" placeholders are put in the SQL.
    arms = [
        f"SELECT {quote(own_field + '_id')}, {page_key} FROM {page_table} "  # noqa: S608
        f"WHERE {quote(own_field + '_id')} IN ({marks})"
    ]
    arms += [
        f"SELECT {quote(target + '_id')}, {quote('page_id')} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} WHERE {quote(target + '_id')} IN ({marks})"
        for model, target in credit_tables.values()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), ids * len(arms))
        return cursor.fetchall()


def load_credits(reviews, *, with_performers: bool = False) -> dict[int, Person]:
    """`with_credits` for reviews already fetched (a page being served, the API's detail), in
    ONE query: every credit list, the critic and the distributor (`credits.read_credits`).

    `with_performers`: the people named in the reviews' performance sections come in the
    same query, and are returned by id (what `performers_by_id` answers, one query fewer);
    otherwise the answer is empty."""
    reviews = [review for review in reviews if review.pk is not None]
    if not reviews:
        return {}
    performers = performer_ids(reviews) if with_performers else set()
    critics = {review.author_id for review in reviews if review.author_id}
    found = read_credits(
        [review.pk for review in reviews],
        people=sorted(critics | performers),
        studios=[review.distributor_id for review in reviews if review.distributor_id],
    )
    lists = {relation: model for relation, (model, _target) in CREDIT_LISTS.items()}
    lists.update({GENRE_LIST: ReviewGenre, STILL_LIST: ReviewStill})
    # Each review's lists are querysets already read, as prefetching leaves them; they share
    # one unfiltered query per model (filtering or ordering one copies it first, as always):
    # building a query for each review and list was a third of a listing's loading.
    blank = {relation: model._default_manager.all() for relation, model in lists.items()}
    for review in reviews:
        cache = review.__dict__.setdefault("_prefetched_objects_cache", {})
        for relation, model in lists.items():
            rows = blank[relation]
            rows = type(rows)(model=model, query=rows.query, using=rows._db, hints=rows._hints)
            rows._result_cache = found.lists.get((review.pk, relation), [])
            rows._prefetch_done = True
            cache[relation] = rows
        # Both are protected foreign keys: always found (else Django loads them lazily).
        if review.author_id in found.people:
            review.author = found.people[review.author_id]
        if review.distributor_id in found.studios:
            review.distributor = found.studios[review.distributor_id]
    return {pk: found.people[pk] for pk in performers if pk in found.people}


def load_still_images(reviews) -> None:
    """The images of the reviews' stills (loaded by `load_credits`), with their existing
    renditions: two queries when any review has stills, none otherwise."""
    from wagtail.images import get_image_model

    stills = [still for review in reviews for still in review.stills.all()]
    if not stills:
        return
    images = (
        get_image_model()
        .objects.prefetch_renditions()
        .in_bulk({still.image_id for still in stills})
    )
    field = ReviewStill._meta.get_field("image")
    for still in stills:
        if still.image_id in images:
            field.set_cached_value(still, images[still.image_id])


def shown_genre_ids(reviews) -> set[int]:
    """The genres these reviews show (loaded by `load_credits`): renaming one changes them."""
    return {row.genre_id for review in reviews for row in review.genres.all()}


def credited_names(page_ids) -> dict[int, list[str]]:
    """The names each review credits, as its search text lists them: directors, writers,
    cast (with their parts: "Ada Finch (Keeper)"), production companies, each in billing
    order, then the distributor and the critic. ONE raw query of names alone: a search hit
    matched by a credit needs only these, where `load_credits` reads every credit's people
    and studios whole."""
    page_ids = sorted({int(pk) for pk in page_ids})
    if not page_ids:
        return {}
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(page_ids))
    page_table, page_key = quote(ReviewPage._meta.db_table), quote(ReviewPage._meta.pk.column)
    arms = []
    # Only names from the models' own metadata, arm numbers and "%s" placeholders are put in
    # the SQL; each arm's number is its place in the text.
    for rank, (relation, (model, target)) in enumerate(CREDIT_LISTS.items()):
        entity = model._meta.get_field(target).related_model
        character = f"c.{quote('character')}" if relation == "cast" else "''"
        arms.append(
            f"SELECT {rank}, c.{quote('page_id')}, c.{quote('sort_order')}, "  # noqa: S608
            f"c.{quote('id')}, e.{quote('name')}, {character} "
            f"FROM {quote(model._meta.db_table)} c JOIN {quote(entity._meta.db_table)} e "
            f"ON e.{quote('id')} = c.{quote(target + '_id')} "
            f"WHERE c.{quote('page_id')} IN ({marks})"
        )
    for field_name in ("distributor", "author"):
        rank = len(arms)
        entity = ReviewPage._meta.get_field(field_name).related_model
        arms.append(
            f"SELECT {rank}, r.{page_key}, 0, 0, e.{quote('name')}, '' "  # noqa: S608
            f"FROM {page_table} r JOIN {quote(entity._meta.db_table)} e "
            f"ON e.{quote('id')} = r.{quote(field_name + '_id')} WHERE r.{page_key} IN ({marks})"
        )
    names: dict[int, list[str]] = {pk: [] for pk in page_ids}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms) + " ORDER BY 2, 1, 3, 4", page_ids * len(arms))
        for _rank, page_id, _order, _id, name, character in cursor:
            names[page_id].append(f"{name} ({character})" if character else name)
    return names


def load_posters(reviews) -> None:
    """The posters of reviews already fetched, with their existing renditions (a review
    without one reads as None with no query, and is left out of the prefetch)."""
    with_posters = [review for review in reviews if review.poster_id is not None]
    if with_posters:
        prefetch_related_objects(with_posters, poster_prefetch())


def load_critics(reviews) -> None:
    """The critics of reviews already fetched (cards name them), in one raw read; a review
    whose critic is loaded already is left as it is."""
    field = ReviewPage._meta.get_field("author")
    missing = [review for review in reviews if review.author_id and not field.is_cached(review)]
    if not missing:
        return
    found = read_credits([], people=sorted({review.author_id for review in missing}))
    for review in missing:
        if review.author_id in found.people:
            review.author = found.people[review.author_id]


def load_listing_data(reviews, *, with_all_credits: bool = False) -> None:
    """`with_listing_data` for reviews already fetched (search results come as a list);
    `with_all_credits` adds every credit, the critic and the distributor in one query
    (`load_credits`)."""
    reviews = list(reviews)
    load_posters(reviews)
    if with_all_credits:
        load_credits(reviews)
    else:
        load_critics(reviews)  # a raw read: the ORM's prefetch cost twice as much


def raw_performer_ids(raw_performers) -> list[int]:
    """Person ids of a performance section, from its raw ListBlock data (no query)."""
    ids = []
    for item in raw_performers or []:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.append(int(value))
    return ids


def performer_ids(pages) -> set[int]:
    """Every person named in the performance sections of `pages`, read from raw stream data."""
    ids: set[int] = set()
    for page in pages:
        for block in page.body.raw_data:
            if block.get("type") == "performance":
                ids.update(raw_performer_ids((block.get("value") or {}).get("performers")))
    return ids


def read_performance_sections(body) -> None:
    """Have a body read its performance sections (all of them at once, as Wagtail reads a
    section type) before it is rendered."""
    for position, block in enumerate(body.raw_data):
        if block.get("type") == "performance":
            body[position]
            return


def performers_by_id(pages) -> dict[int, Person]:
    """The performers of a whole listing in ONE query (none when no section names anyone)."""
    ids = performer_ids(pages)
    return Person.objects.in_bulk(ids) if ids else {}


def shown_ids(reviews) -> tuple[set[int], set[int]]:
    """(person ids, studio ids) that reviews show, read from their loaded credits (load them
    first with `with_credits` or `load_credits`, or each relation costs a query)."""
    person_ids: set[int] = set()
    studio_ids: set[int] = set()
    for page in reviews:
        for relation in PERSON_CREDITS:
            person_ids.update(credit.person_id for credit in getattr(page, relation).all())
        for relation in STUDIO_CREDITS:
            studio_ids.update(credit.studio_id for credit in getattr(page, relation).all())
        if page.author_id:
            person_ids.add(page.author_id)
        if page.distributor_id:
            studio_ids.add(page.distributor_id)
        person_ids |= performer_ids([page])
    return person_ids, studio_ids


class ReviewPage(LiveNowPageMixin, PublicURLMixin, ViewRestrictionsInOneQuery, Page):
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
        null=True,
        blank=True,
        # The importer finds a review again by its release date; filmographies and the
        # year filter read by it.
        db_index=True,
        help_text="The film's first theatrical release in the US.",
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
        verbose_name="critic",
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
    featured = models.BooleanField(
        default=False,
        db_index=True,  # the front page reads the featured few by it
        help_text="Lead the front page with this review (the newest featured one leads; "
        "without one, the newest review with a poster and a score does).",
    )
    imdb_id = identifier_field(
        IMDB_TITLE, "Optional: the film's IMDb id, e.g. tt0111161 (or its IMDb address)."
    )
    tmdb_id = identifier_field(
        TMDB_MOVIE, "Optional: the film's TMDB movie id, e.g. 278 (or its TMDB address)."
    )
    wikidata_id = identifier_field(
        WIKIDATA, "Optional: the film's Wikidata item, e.g. Q172241 (or its address)."
    )
    # Text, not a URLField: editors paste "youtu.be/…" as often as a full address, and
    # `clean` reads every usual form of it (`trailers`), saving the canonical one.
    trailer_url = models.CharField(
        "trailer",
        max_length=500,
        blank=True,
        help_text="Optional: the trailer's YouTube or Vimeo address. Readers see the poster "
        "(or a still) with a play button; nothing loads from YouTube or Vimeo until they "
        "press it.",
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
    template = "review_pages/review_page.html"

    content_panels = [
        TitleFieldPanel(
            "title",
            heading="headline",
            help_text="The headline readers see, e.g. 'Ballerina' Review: A Spin-off That Twirls.",
            # Grows with the text, so a long headline is read whole rather than cut off.
            widget=AdminAutoHeightTextInput(),
        ),
        FieldPanel("film_title"),
        FieldPanel("intro"),
        VerdictPanel(
            [FieldPanel("author"), FieldPanel("score"), FieldPanel("featured")],
            heading="Verdict",
        ),
        FieldPanel("body"),
    ]
    facts_panels = [
        FieldRowPanel([FieldPanel("mpa_rating"), FieldPanel("mpa_rating_reason")]),
        FieldRowPanel([FieldPanel("runtime_minutes"), FieldPanel("release_date")]),
        FieldPanel("poster"),
        MultipleChooserPanel(
            "genres",
            chooser_field_name="genre",
            label="genres",
            help_text="Search the genres library, or add a new genre from the chooser.",
        ),
        FieldPanel("trailer_url"),
        MultipleChooserPanel(
            "stills",
            chooser_field_name="image",
            label="stills",
            help_text="Frames from the film, in the order readers see them; each needs its "
            "alt text.",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("imdb_id"), FieldPanel("tmdb_id"), FieldPanel("wikidata_id")]
                )
            ],
            heading="Identities",
            help_text="Where the film is known elsewhere: search engines match the review "
            "to the film by these.",
        ),
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
        # "Public now" (`visibility`) filters searches by the schedule too.
        index.FilterField("go_live_at"),
        index.FilterField("expire_at"),
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

    api_fields = [APIField(name) for name in REVIEW_API_FIELDS]

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
        try:
            self.trailer_url = normalise_trailer_url(self.trailer_url)
        except TrailerURLError as error:
            errors["trailer_url"] = f"{str(error)[:1].upper()}{str(error)[1:]}."
        try:
            clean_identifiers(self, self.IDENTIFIERS, cleaners={"tmdb_id": clean_tmdb})
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    IDENTIFIERS = {"imdb_id": IMDB_TITLE, "tmdb_id": TMDB_MOVIE, "wikidata_id": WIKIDATA}

    #: Addresses of the film elsewhere (schema.org `sameAs`): IMDb, TMDB, Wikidata.
    same_as = property(identity_urls)
    elsewhere = property(identity_links)

    @property
    def rich_result_problems(self) -> list[str]:
        """What keeps this review out of Google's review snippet (a critic and a score)."""
        return rich_result_problems(self)

    @property
    def trailer(self) -> Trailer | None:
        """The trailer (provider, id, its page and its player), or None."""
        if not self.trailer_url:
            return None
        try:
            return parse_trailer_url(self.trailer_url)
        except TrailerURLError:  # saved before it was checked: shown as none
            return None

    @cached_property
    def runtime_display(self) -> str:
        return text.format_runtime(self.runtime_minutes)

    @property
    def runtime_short(self) -> str:
        return text.format_runtime_short(self.runtime_minutes)

    @property
    def iso_duration(self) -> str:
        return text.iso_duration(self.runtime_minutes)

    @cached_property
    def reading_minutes(self) -> int:
        """Minutes to read the body (its sections' headings and text) at
        `READING_WORDS_PER_MINUTE`, from the stream's raw data: no query."""
        words = 0
        for block in self.body.raw_data:
            value = block.get("value") or {}
            if isinstance(value, dict):
                words += text.word_count(value.get("heading")) + text.word_count(value.get("text"))
        return text.reading_minutes(words, reviews_settings.READING_WORDS_PER_MINUTE)

    def credited_ids(self) -> tuple[set[int], set[int]]:
        """(person ids, studio ids) this review credits as saved: every credit, the critic,
        the distributor and the performers named in its sections. One query over the
        credit tables (it runs on every publication, and for each imported review)."""
        person_ids, studio_ids = credited_entity_ids(self.pk)
        if self.author_id:
            person_ids.add(self.author_id)
        person_ids |= performer_ids([self])
        if self.distributor_id:
            studio_ids.add(self.distributor_id)
        return person_ids, studio_ids

    def serve_preview(self, request, mode_name):
        """With a front end for previews (`REVIEW_PAGES["FRONTEND_PREVIEW_URL"]`), the
        editor's Preview opens it with a token that reads this unsaved state; otherwise (and
        for a review not saved yet, which no token can name) Wagtail's own preview."""
        if self.pk is None or frontend_preview_template(self.get_site()) is None:
            return super().serve_preview(request, mode_name)
        user = getattr(request, "user", None)
        grant = PreviewGrant.for_editor(
            self, seconds=reviews_settings.PREVIEW_TOKEN_SECONDS, user=user
        )
        return redirect(preview_url(self, grant.token, request))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            # A preview's credits live unsaved on this object: loading them would replace
            # them with the saved ones. The performers come in the credits' query, and the
            # body's performance sections are read from them now.
            performers = load_credits([self], with_performers=True)
            with people_already_read(performers):
                read_performance_sections(self.body)
            load_still_images([self])
            person_ids, studio_ids = shown_ids([self])
            shown.record(
                reviews=[self.pk],
                people=person_ids,
                studios=studio_ids,
                genres=shown_genre_ids([self]),
            )
        links = IndexLinks.for_review(self, request)
        context["index_links"] = links
        context["credits"] = refs.review_credits(self, links)
        context["genres"] = refs.genre_refs(self, links)
        context["review_pages_head"] = "review"  # which head tags `{% review_pages_head %}` gives
        if self.pk is not None and self.path:  # a new review's preview has no siblings yet
            context["next_reads"] = self.next_reads()
        return context

    def next_reads(self) -> related.NextReads:
        """Related reviews and more from the critic (`related.read`), among the reviews of
        its index public now (`ReviewIndexPage.reviews()`: its public siblings), read
        without the index itself. Its credits must be loaded, or be a preview's own."""
        return related.read(self, lambda: ReviewPage.objects.public_now().sibling_of(self))


def publicly_credited(kind: str):
    """The people (`kind="person"`) or studios (`"studio"`) credited on at least one review
    that is public now: the only ones the public APIs list, search and serve.

    One query (subqueries inside), plus Wagtail's read of the view restrictions. A person
    credited only on a draft, an unpublished revision or a password- or login-restricted
    review is not among them.
    """
    reviews = ReviewPage.objects.public_now()
    return reviews.credited_people() if kind == "person" else reviews.credited_studios()


def publicly_credited_among(kind: str, ids) -> list[int]:
    """Which of the people or studios `ids` `publicly_credited` lists: their credits read by
    each credit table's own index, then which of the reviews those name are public now
    (`ReviewPageQuerySet.people_credited_among`). `publicly_credited(kind).filter(pk__in=
    ids)` reads the credits of every public review first: a publication's sync reconcile
    took 9 ms of it at 1,000 reviews."""
    reviews = ReviewPage.objects.public_now()
    if kind == "person":
        return reviews.people_credited_among(ids)
    return reviews.studios_credited_among(ids)
