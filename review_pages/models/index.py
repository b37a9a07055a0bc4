"""The review index: a publication's front page, with its filmographies, genres, feeds and
search."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from people.models import Person, Studio

from .. import search, shown
from ..conf import reviews_settings
from ..critics import CRITICS_PER_PAGE, critics_of, reviews_by
from ..feeds import review_feed
from ..filmography import (
    films,
    find_by_slug,
    listed_review_ids,
    person_filmography,
    studio_filmography,
    written_reviews,
)
from ..filters import ReviewFilters
from ..links import IndexLinks, PublicURLMixin
from ..text import plain_text
from .compiled import CompiledQuery
from .genres import Genre, ReviewGenre
from .previews import PreviewGrant, PreviewRefused
from .restrictions import ViewRestrictionsInOneQuery
from .review import (
    MPARating,
    ReviewPage,
    credited_names,
    load_critics,
    load_listing_data,
    load_posters,
    restricted_sections,
)
from .sync import SyncKind, filmography_lastmods, reviews_last_changed
from .visibility import LiveNowPageMixin


def shown_critics(reviews) -> set[int]:
    """The critics that review cards name (renaming one changes the cards)."""
    return {review.author_id for review in reviews if review.author_id}


#: A review by its parent's path and depth and its slug: the child Wagtail's routing finds.
CHILD_REVIEW = CompiledQuery(
    lambda path, depth, slug: ReviewPage.objects.filter(
        path__startswith=path, depth=depth, slug=slug
    ),
    path="PARENTPATHSTANDIN",
    depth=987_654_321,
    slug="review-slug-stand-in",
)


#: `ReviewIndexPage.reviews()`'s querysets as built (never evaluated: each call copies one),
#: by the index's tree path and depth and the private sections' paths; a few per site.
_PUBLIC_REVIEWS_BELOW: dict[tuple, object] = {}
_PUBLIC_REVIEWS_BELOW_KEPT = 64


class ReviewIndexPage(
    LiveNowPageMixin, PublicURLMixin, ViewRestrictionsInOneQuery, RoutablePageMixin, Page
):
    """The front page: latest reviews, filmographies, the feed and search.

    It can go anywhere in a site's tree (the site root, or under the host's home page); its
    children are reviews.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["review_pages.ReviewPage"]
    template = "review_pages/review_index_page.html"

    class Meta:
        verbose_name = "review index page"

    def reviews(self):
        """The reviews under this page that are public now, newest first.

        The queryset is built once per place in the tree and set of private sections, then
        copied: building it took half a millisecond of every listing, filmography and
        search. It holds no time (`clock.Now` is read when each copy is compiled) and no
        rows."""
        sections = restricted_sections()
        key = (self.path, self.depth, tuple(section.path for section in sections))
        built = _PUBLIC_REVIEWS_BELOW.get(key)
        if built is None:
            if len(_PUBLIC_REVIEWS_BELOW) >= _PUBLIC_REVIEWS_BELOW_KEPT:
                _PUBLIC_REVIEWS_BELOW.clear()
            built = ReviewPage.objects.public_now(sections).below(self).newest_first()
            _PUBLIC_REVIEWS_BELOW[key] = built
        return built.all()

    def route(self, request, path_components):
        """Wagtail's routing (the index's own routes first, then its children), a review
        read in one query compiled once (`CHILD_REVIEW`), where Wagtail reads the child
        page, then its specific row: 1.9 ms of ORM against 0.3 ms. A child that is not a
        review is found as Wagtail finds it."""
        if len(path_components) == 1 and self.live:
            try:
                match = self.resolve_subpage(f"/{path_components[0]}/")
            except Http404:
                review = self.child_review(path_components[0])
                if review is not None:
                    return review.route(request, [])
            else:
                request.routable_resolver_match = match
                view, args, kwargs = match
                return RouteResult(self, args=(view, args, kwargs))
        return super().route(request, path_components)

    def child_review(self, slug: str):
        """The review with this slug among the children (not a subclass's), or None."""
        found = CHILD_REVIEW.instances(path=self.path, depth=self.depth + 1, slug=slug)
        if len(found) != 1:
            return None
        review = found[0]
        if review.content_type_id != ContentType.objects.get_for_model(ReviewPage).pk:
            return None
        review._cached_parent_obj = self  # as Wagtail's routing leaves it
        return review

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["index_links"] = IndexLinks.for_index(self, request)
        context["review_pages_head"] = "front"  # which head tags `{% review_pages_head %}` gives
        return context

    def paginate(self, request, queryset, per_page: int | None = None):
        paginator = Paginator(queryset, per_page or reviews_settings.PER_PAGE)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    def lead_review(self, reviews, listed=()):
        """The review the front page leads with: the newest an editor featured, else the
        newest with a poster and a score (a lead worth leading with), else None; taken from
        `listed` (the reviews already read) when it is among them.

        Both candidates' ids come in ONE query (two scalar subqueries, each the newest of its
        kind). Read apart from the listing: ordering every live review by `featured` first
        is a sort no index serves (it spans the review and page tables), 20 ms at 10,000
        reviews, where the few featured rows come from `featured`'s own index.
        `featured__in=[True]`, not `featured=True`: Django writes the latter as a bare
        `WHERE featured`, which SQLite answers by scanning the whole index (0.4 ms at 10,000
        reviews, against 0.03 ms). Ids first: compiling a second full query of reviews cost
        more than reading it.
        """

        def newest(candidates):
            return candidates.newest_first().values("pk")[:1]

        def find_lead_id():
            featured = newest(reviews.filter(featured__in=[True]))
            worthy = newest(reviews.filter(poster__isnull=False, score__isnull=False))
            found = ReviewPage.objects.filter(
                Q(pk=Subquery(featured)) | Q(pk=Subquery(worthy))
            ).values_list("pk", "featured", "first_published_at")
            # The featured one first; of two featured (the worthy one may be too), the newer.
            candidates = sorted(
                found, key=lambda row: (row[1], row[2] is not None, row[2], row[0]), reverse=True
            )
            return candidates[0][0] if candidates else None

        # Which review leads changes only with the reviews (a publication, an expiry): read
        # once per change, as the count and the years are. Read on each request it cost 3 ms
        # of a front page, and the newest with a poster is a scan of every review where
        # none has one.
        lead_id = shown.memoised(
            f"front-lead:{self.pk}", find_lead_id, shown.Shown(lists={shown.REVIEWS})
        )
        if lead_id is None:
            return None
        for review in listed:
            if review.pk == lead_id:
                return review
        return reviews.filter(pk=lead_id).first()

    @path("")
    def review_list(self, request, genre: Genre | None = None):
        """The front page; with `genre`, that genre's page (the same list and filters, no
        lead)."""
        filters = ReviewFilters.from_query(request.GET)
        if genre is not None:
            filters.genre = ""  # the route names the genre
        reviews = self.reviews()
        if genre is not None:
            reviews = reviews.filter(
                pk__in=ReviewGenre.objects.filter(genre=genre).values("page_id")
            )
        reviews = filters.apply(reviews).with_listing_data()
        counted = reviews
        if not filters.by_credit:
            # Counting reads every live review: counted once per change of the reviews (a
            # person's, studio's or genre's slug can change on its own, so not for those
            # filters; a genre's page names its genre by id).
            counted = shown.with_memoised_count(reviews, shown.Shown(lists={shown.REVIEWS}))
        page_of_reviews = self.paginate(request, counted)
        listed = list(page_of_reviews.object_list)
        lead = None
        if page_of_reviews.number == 1 and not filters.active and genre is None:
            # The unfiltered front page leads with one review, on its first page only: the
            # newest featured one, else the newest with a poster and a score, else the
            # newest (the first of the page just read).
            lead = self.lead_review(reviews, listed) or (listed[0] if listed else None)
        # Listed once: in the lead, not again below it.
        page_of_reviews.object_list = [r for r in listed if r != lead]
        # The cards show each review's critic; everything else comes from the reviews.
        shown.record(
            lists=[shown.REVIEWS],
            people=shown_critics([*page_of_reviews.object_list, *([lead] if lead else [])]),
            genres=[genre.pk] if genre is not None else [],
        )
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "reviews": page_of_reviews,
            "lead": lead,
            "filters": filters,
            "filters_query": query.urlencode(),
            "rating_choices": MPARating.choices,
            "years": self.release_years(),
        }
        if genre is None:
            context["genre_choices"] = self.genre_choices()
            shown.record(lists=[shown.GENRES])  # the genre filter names them
            return self.render(request, context_overrides=context)
        links = IndexLinks.for_index(self, request)
        context.update(
            genre=genre,
            genre_url=links.genre(genre.slug),
            genre_feed_url=links.genre_feed(genre.slug),
            review_pages_head="genre",
        )
        return self.render(
            request, template="review_pages/genre_page.html", context_overrides=context
        )

    def genre_choices(self) -> list[tuple[str, str]]:
        """(slug, name) of the genres of the public reviews, by name, for the genre filter:
        memoised until a review or a genre changes."""
        return shown.memoised(
            f"review-genres:{self.pk}",
            lambda: list(
                self.reviews().genres_used().order_by("name", "pk").values_list("slug", "name")
            ),
            shown.Shown(lists={shown.REVIEWS, shown.GENRES}),
        )

    def public_genre(self, slug: str) -> Genre:
        """The genre of this slug when a public review of this index has it; else 404 (a
        genre only drafts have is as unknown as a draft)."""
        genre = find_by_slug(Genre, slug)
        if genre is None or not self.reviews().genres_used().filter(pk=genre.pk).exists():
            raise Http404(f"No genre has the slug {slug!r}.")
        return genre

    @path("genres/<str:slug>/", name="genre")
    def genre_reviews(self, request, slug):
        """A genre's reviews, newest first, paginated, with the front page's filters."""
        genre = self.public_genre(slug)
        if genre.slug != slug:
            return redirect(IndexLinks.for_index(self, request).genre(genre.slug), permanent=True)
        return self.review_list(request, genre=genre)

    @path("genres/<str:slug>/feed/", name="genre_feed")
    def genre_feed(self, request, slug):
        """RSS 2.0 of a genre's latest reviews (`feeds.review_feed`)."""
        genre = self.public_genre(slug)
        links = IndexLinks.for_index(self, request, absolute=True)
        if genre.slug != slug:
            return redirect(links.genre_feed(genre.slug), permanent=True)
        reviews = self.reviews().filter(
            pk__in=ReviewGenre.objects.filter(genre=genre).values("page_id")
        )
        return review_feed(
            request,
            reviews=reviews,
            title=f"{genre.name} · {self.title}",
            link=links.genre(genre.slug),
            feed_url=links.genre_feed(genre.slug),
            description=plain_text(genre.description)
            or f"The latest {genre.name} reviews: {self.title}.",
            record_genres=[genre.pk],
        )

    def release_years(self) -> list:
        """The years of the reviews' release dates, newest first, for the year filter.

        Reading them means reading every live review, so they are memoised until a review
        is published, unpublished, moved or deleted, rather than read on every render.
        """
        return shown.memoised(
            f"review-years:{self.pk}",
            lambda: list(
                self.reviews()
                .exclude(release_date=None)
                .dates("release_date", "year", order="DESC")
            ),
            shown.Shown(lists={shown.REVIEWS}),
        )

    @path("people/<str:slug>/", name="person")
    def person_filmography(self, request, slug):
        person = find_by_slug(Person, slug)
        if person is None:
            raise Http404(f"No person has the slug {slug!r}.")
        roles = person_filmography(person, self.reviews())
        if not roles:  # only on drafts or restricted reviews: as unknown as a draft
            raise Http404(f"No person has the slug {slug!r}.")
        if person.slug != slug:
            return redirect(IndexLinks.for_index(self, request).person(person.slug), permanent=True)
        shown.record(people=[person.pk])
        return self.render_filmography(request, person, "person", roles)

    @path("studios/<str:slug>/", name="studio")
    def studio_filmography(self, request, slug):
        studio = find_by_slug(Studio, slug)
        if studio is None:
            raise Http404(f"No studio has the slug {slug!r}.")
        roles = studio_filmography(studio, self.reviews())
        if not roles:  # only on drafts or restricted reviews: as unknown as a draft
            raise Http404(f"No studio has the slug {slug!r}.")
        if studio.slug != slug:
            return redirect(IndexLinks.for_index(self, request).studio(studio.slug), permanent=True)
        shown.record(studios=[studio.pk])
        return self.render_filmography(request, studio, "studio", roles)

    def render_filmography(self, request, subject, kind: str, roles):
        # It shows the reviews it lists: unpublishing one of them, or dropping the credit,
        # changes it; and their cards name their critics.
        film_credits = films(roles)
        written = written_reviews(roles)
        listed = [*(film.review for film in film_credits), *written]
        load_listing_data(listed)  # posters and critics: a fixed number of queries
        shown.record(reviews=listed_review_ids(roles), people=shown_critics(listed))
        return self.render(
            request,
            template="review_pages/filmography.html",
            context_overrides={
                "subject": subject,
                "kind": kind,
                "roles": roles,
                "films": film_credits,
                "written_reviews": written,
                "review_pages_head": "filmography",
            },
        )

    @path("critics/", name="critics")
    def critics(self, request):
        """Everyone who wrote a review public here, by name: photo, bio, how many reviews."""
        page_of_critics = self.paginate(request, critics_of(self.reviews()), CRITICS_PER_PAGE)
        # Who is listed, and their counts, change with any publication; their names,
        # photos and bios with their own saves.
        shown.record(lists=[shown.REVIEWS], people=[c.pk for c in page_of_critics.object_list])
        return self.render(
            request,
            template="review_pages/critics.html",
            context_overrides={"critics": page_of_critics, "review_pages_head": "critics"},
        )

    def find_critic(self, slug: str, reviews) -> Person:
        """The critic with this slug (a Person who wrote one of `reviews`, this index's
        public reviews), or 404."""
        critic = find_by_slug(Person, slug)
        if critic is None or not reviews.filter(author=critic).exists():
            raise Http404(f"No critic of this publication has the slug {slug!r}.")
        return critic

    @path("critics/<str:slug>/", name="critic")
    def critic(self, request, slug):
        """A critic's page: photo, bio, their reviews newest first (paginated), their feed."""
        critic = find_by_slug(Person, slug)
        reviews = self.paginate(request, reviews_by(critic, self.reviews())) if critic else None
        if reviews is None or not reviews.paginator.count:  # no public review: unknown here
            raise Http404(f"No critic of this publication has the slug {slug!r}.")
        links = IndexLinks.for_index(self, request)
        if critic.slug != slug:
            return redirect(links.critic(critic.slug), permanent=True)
        # A publication or withdrawal of one of theirs names them (the critic is among a
        # review's credits): every page of theirs is made stale, however the pages shift.
        shown.record(people=[critic.pk], reviews=[review.pk for review in reviews.object_list])
        return self.render(
            request,
            template="review_pages/critic.html",
            context_overrides={
                "critic": critic,
                "reviews": reviews,
                "critic_feed_url": links.critic_feed(critic.slug),
                "critic_url": IndexLinks.for_index(self, request, absolute=True).critic(slug),
                "review_pages_head": "critic",
            },
        )

    @path("critics/<str:slug>/feed/", name="critic_feed")
    def critic_feed(self, request, slug):
        """RSS 2.0 of a critic's latest reviews here."""
        reviews = self.reviews()  # the private sections read once
        critic = self.find_critic(slug, reviews)
        if critic.slug != slug:
            return redirect(
                IndexLinks.for_index(self, request).critic_feed(critic.slug), permanent=True
            )
        links = IndexLinks.for_index(self, request, absolute=True)
        # A publication or withdrawal of one of theirs names them (the critic is among a
        # review's credits): recorded with the reviews it lists, no list of reviews.
        shown.record(people=[critic.pk])
        return review_feed(
            request,
            reviews=reviews.filter(author=critic).order_by("-first_published_at", "-pk"),
            title=f"Reviews by {critic.name} · {self.title}",
            link=links.critic(critic.slug),
            feed_url=links.critic_feed(critic.slug),
            description=plain_text(critic.bio) or f"Film reviews by {critic.name}.",
            record_lists=(),
        )

    def critics_sitemap_urls(self, links: IndexLinks) -> list[dict]:
        """`critics/` and each critic's page, when anyone wrote a review public here."""
        authors = self.reviews().order_by().values("author_id")
        critics = Person.objects.filter(pk__in=authors).order_by("slug")
        slugs = list(critics.values_list("slug", flat=True))
        if not slugs:
            return []
        return [{"location": url} for url in (links.route("critics"), *map(links.critic, slugs))]

    @path("search/", name="search")
    def search(self, request):
        """Reviews by headline, film, text and credited names; people and studios apart.

        What it finds depends on every review, person and studio, so it records the three
        lists: any change to one makes every stored search stale. The response cache keeps
        searches in a bounded set of slots (`SEARCH_CACHE_SLOTS`), since their addresses
        are as many as the queries readers type.
        """
        shown.record(lists=[shown.REVIEWS, shown.PEOPLE, shown.STUDIOS])
        query = search.SearchQuery.from_request(request)
        context = {
            "query": query,
            "results": None,
            "people": [],
            "studios": [],
            "review_pages_head": "search",
        }
        if query:
            reviews = self.reviews()
            found = search.read_first_page(
                search.search_reviews(reviews, query),
                request.GET.get("page"),
                reviews_settings.PER_PAGE,
            )
            results = self.paginate(request, found)
            found = list(results.object_list)
            load_posters(found)
            excerpts = search.hit_excerpts(found, query, credited_names)
            load_critics(found)  # the cards name them
            results.object_list = [search.SearchHit(r, excerpts[r.pk]) for r in found]
            context.update(
                results=results,
                results_query=urlencode({"q": query.raw}),
                people=search.search_names(Person, query, reviews.people_credited_among),
                studios=search.search_names(Studio, query, reviews.studios_credited_among),
            )
        return self.render(
            request,
            template="review_pages/search_results.html",
            context_overrides=context,
        )

    @path("preview/", name="preview")
    def draft_preview(self, request):
        """A review's draft for whoever holds a preview token (a share link when no front
        end is set), with no login; never kept by a cache."""
        try:
            grant = PreviewGrant.from_token(request.GET.get("token"))
            if not grant.page.path.startswith(self.path) or grant.page.pk == self.pk:
                raise PreviewRefused(404, "This preview is not of a review of this publication.")
            draft = grant.draft()
            if not isinstance(draft, ReviewPage):
                raise PreviewRefused(404, "This preview is not of a review.")
        except PreviewRefused as refused:
            response = TemplateResponse(
                request,
                "review_pages/preview_refused.html",
                {"page": self, "message": refused.message},
                status=refused.status,
            )
        else:
            request.is_preview = True
            request.preview_mode = draft.default_preview_mode
            response = draft.serve(request)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    @path("feed/", name="feed")
    def feed(self, request):
        """RSS 2.0 of the latest live reviews (`feeds.review_feed`)."""
        links = IndexLinks.for_index(self, request, absolute=True)
        return review_feed(
            request,
            reviews=self.reviews(),
            title=self.title,
            link=links.index_url,
            feed_url=links.route("feed"),
            description=plain_text(self.intro) or f"The latest film reviews: {self.title}.",
        )

    def latest_change(self, reviews, own=None):
        """The latest of `own` (this page's last publication), the last publication of its
        public `reviews`, and the last change of a review under it the sync log holds
        (a withdrawal changes the front page too)."""
        parts = self.get_url_parts()
        changes = [
            own,
            reviews.order_by().aggregate(latest=Max("last_published_at"))["latest"],
            reviews_last_changed(parts[2] if parts is not None and parts[2] else "/"),
        ]
        known = [change for change in changes if change is not None]
        return max(known) if known else None

    def get_sitemap_urls(self, request=None):
        """The front page, plus the filmography of everyone credited on a live review.

        `<lastmod>`: the front page's is its own or its reviews' latest change (one
        published, or withdrawn: the sync log's record); a filmography's is the latest
        change of what it lists (`SyncState.page_changed_at`)."""
        urls = super().get_sitemap_urls(request)
        shown.record(lists=[shown.REVIEWS, shown.PEOPLE, shown.STUDIOS, shown.GENRES])
        links = IndexLinks.for_index(self, request, absolute=True)
        reviews = self.reviews()
        for url in urls:
            url["lastmod"] = self.latest_change(reviews, url.get("lastmod"))
        lastmods = filmography_lastmods()
        for person in reviews.credited_people().only("slug").order_by("slug"):
            lastmod = lastmods.get((SyncKind.PERSON, person.pk))
            urls.append({"location": links.person(person.slug), "lastmod": lastmod})
        for studio in reviews.credited_studios().only("slug").order_by("slug"):
            lastmod = lastmods.get((SyncKind.STUDIO, studio.pk))
            urls.append({"location": links.studio(studio.slug), "lastmod": lastmod})
        for genre in reviews.genres_used().only("slug").order_by("slug"):
            urls.append({"location": links.genre(genre.slug)})
        urls += self.critics_sitemap_urls(links)
        return urls
