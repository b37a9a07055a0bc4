"""Cache invalidation: what changed, and so which cached answers are stale.

A review's publication, unpublication, move or deletion makes stale its own page
(`review:<id>`), every list of reviews (`reviews`: front page, feed, sitemap, API listings)
and the filmographies of the people and studios it credits now (`person:<id>`,
`studio:<id>`); filmographies it no longer credits carry `review:<id>` already. Saving a
person or studio makes stale whatever shows them. Changing the front page itself, or who may
view pages, makes everything stale.

When a CDN is configured (`WAGTAILFRONTENDCACHE`, see settings), the same addresses are
purged there with one `PurgeBatch`. Connected in `ReviewPagesConfig.ready()`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from people.models import Person, Studio

from . import credits
from .caching import invalidate, invalidate_all, person_tags, studio_tags

logger = logging.getLogger(__name__)

LISTS = "reviews"


def review_cache_tags(page, credited: tuple[set[int], set[int]]) -> list[str]:
    """Tags of everything that shows this review; `credited`: `credits.credited_ids(page)`."""
    person_ids, studio_ids = credited
    return [
        f"review:{page.pk}",
        LISTS,
        *person_tags(sorted(person_ids)),
        *studio_tags(sorted(studio_ids)),
    ]


# The CDN (Wagtail's frontend cache)


def frontend_cache_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def _index_urls(links: credits.FilmographyLinks) -> list[str]:
    index = links.index_page
    if index is None or not links.root:
        return []
    site = index.get_site()
    sitemap = [f"{site.root_url}/sitemap.xml"] if site else []
    return [links.root, links.root + index.reverse_subpage("feed"), *sitemap]


def review_purge_urls(page, credited: tuple[set[int], set[int]]) -> list[str]:
    """The addresses that show this review: its own, the front page, the feed, the sitemap
    and the filmographies of everyone it credits (`credited`, as for `review_cache_tags`)."""
    links = credits.FilmographyLinks.for_request(None, absolute=True)
    urls = [url for url in [page.get_full_url()] if url] + _index_urls(links)
    person_ids, studio_ids = credited
    for slug in Person.objects.filter(pk__in=person_ids).values_list("slug", flat=True):
        urls.append(links.person(slug))
    for slug in Studio.objects.filter(pk__in=studio_ids).values_list("slug", flat=True):
        urls.append(links.studio(slug))
    return [url for url in urls if url]


def credited_purge_urls(entity, kind: str) -> list[str]:
    """A person's or studio's filmography, the front page, the feed and their reviews."""
    from .models import ReviewPage

    links = credits.FilmographyLinks.for_request(None, absolute=True)
    urls = [getattr(links, kind)(entity.slug)] + _index_urls(links)
    reviews = credits.ReviewFilters(**{kind: entity.slug}).apply(ReviewPage.objects.live().public())
    urls += [review.get_full_url() for review in reviews.defer_streamfields()]
    return [url for url in urls if url]


def purge_from_cdn(urls: list[str]) -> None:
    """Purge these addresses from the configured CDN, after the commit (never raises)."""
    if not urls:
        return
    urls = sorted(set(urls))

    def purge():
        from wagtail.contrib.frontend_cache.utils import PurgeBatch

        try:
            batch = PurgeBatch()
            batch.add_urls(urls)
            batch.purge()
        except Exception:
            logger.exception("Could not purge %d addresses from the frontend cache", len(urls))

    transaction.on_commit(purge)


def _review_changed(page) -> None:
    credited = credits.credited_ids(page)  # the credits as they are in the database now
    invalidate(*review_cache_tags(page, credited))
    if frontend_cache_configured():
        purge_from_cdn(review_purge_urls(page, credited))


# Handlers


def _is_review(instance) -> bool:
    """Also for a plain `Page` instance (the move signals send one)."""
    from .models import ReviewPage

    return issubclass(instance.specific_class or type(instance), ReviewPage)


def _is_index(instance) -> bool:
    from .models import ReviewIndexPage

    return issubclass(instance.specific_class or type(instance), ReviewIndexPage)


def review_publication_changed(sender, instance, **kwargs):
    """page_published / page_unpublished."""
    if _is_review(instance):
        _review_changed(instance.specific)
    elif _is_index(instance):
        # Its title, intro and slug show on (and address) every page.
        invalidate_all()
        if frontend_cache_configured():
            purge_from_cdn(_index_urls(credits.FilmographyLinks(instance, absolute=True)))


def review_about_to_move(sender, instance, **kwargs):
    """pre_page_move: the review's old address must go from the CDN too."""
    if _is_review(instance) and frontend_cache_configured():
        purge_from_cdn([url for url in [instance.get_full_url()] if url])


def review_moved(sender, instance, **kwargs):
    """post_page_move."""
    if _is_review(instance):
        _review_changed(instance.specific)
    elif _is_index(instance):
        invalidate_all()


def review_deleted(sender, instance, **kwargs):
    """pre_delete of a ReviewPage: read its credits while they still exist."""
    _review_changed(instance)


def person_changed(sender, instance, **kwargs):
    invalidate(f"person:{instance.pk}", "people")
    if frontend_cache_configured() and instance.slug:
        purge_from_cdn(credited_purge_urls(instance, "person"))


def studio_changed(sender, instance, **kwargs):
    invalidate(f"studio:{instance.pk}", "studios")
    if frontend_cache_configured() and instance.slug:
        purge_from_cdn(credited_purge_urls(instance, "studio"))


def view_restrictions_changed(sender, instance, **kwargs):
    """Who may see which pages changed: cached public answers may now show too much."""
    invalidate_all()


def connect() -> None:
    from .models import ReviewPage

    uid = "review_pages.caching"
    page_published.connect(review_publication_changed, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(review_publication_changed, dispatch_uid=f"{uid}.unpublished")
    pre_page_move.connect(review_about_to_move, dispatch_uid=f"{uid}.pre_move")
    post_page_move.connect(review_moved, dispatch_uid=f"{uid}.moved")
    pre_delete.connect(review_deleted, sender=ReviewPage, dispatch_uid=f"{uid}.deleted")
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(person_changed, sender=Person, dispatch_uid=f"{uid}.person.{name}")
        signal.connect(studio_changed, sender=Studio, dispatch_uid=f"{uid}.studio.{name}")
        signal.connect(
            view_restrictions_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"{uid}.restriction.{name}",
        )
