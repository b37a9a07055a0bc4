"""Purging a CDN (Wagtail's frontend cache) of the addresses a change makes stale.

Opt in with `REVIEW_PAGES["CDN_PURGE"] = True` beside Wagtail's `WAGTAILFRONTENDCACHE`. On
each change (`review_pages.events`) the review, its index's front page, feed and the
sitemap, and the filmographies of everyone it credits are purged with one `PurgeBatch`,
after the commit. Wagtail's own `wagtail.contrib.frontend_cache` purges only the page
itself.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from people.models import Person, Studio

from . import events
from .conf import reviews_settings
from .links import IndexLinks, public_base_url

logger = logging.getLogger(__name__)


def purging() -> bool:
    return bool(reviews_settings.CDN_PURGE and getattr(settings, "WAGTAILFRONTENDCACHE", None))


def index_urls(index_page) -> list[str]:
    """A review index's front page and feed, and its site's sitemap."""
    if index_page is None:
        return []
    links = IndexLinks.for_index(index_page, absolute=True)
    if not links.index_url:
        return []
    site = index_page.get_site()
    sitemap = [f"{public_base_url(site=site)}/sitemap.xml"] if site else []
    return [links.index_url, links.route("feed"), *sitemap]


def review_purge_urls(change: events.ReviewChange) -> list[str]:
    """The addresses that show this review: its own, its index's front page, feed and the
    sitemap, and the filmographies of everyone it credits."""
    page = change.page
    urls = [url for url in [page.get_full_url()] if url]
    if change.action == events.MOVING:
        return urls  # its old address; the move's own change purges the rest
    urls += index_urls(page.get_parent())
    links = IndexLinks.for_review(page, absolute=True)
    person_ids, studio_ids = change.credited
    for slug in Person.objects.filter(pk__in=person_ids).values_list("slug", flat=True):
        urls.append(links.person(slug))
    for slug in Studio.objects.filter(pk__in=studio_ids).values_list("slug", flat=True):
        urls.append(links.studio(slug))
    return [url for url in urls if url]


def credited_purge_urls(entity, kind: str) -> list[str]:
    """A person's or studio's filmography on each review index, the fronts and feeds, and
    the reviews crediting them."""
    from .models import ReviewIndexPage, ReviewPage

    urls: list[str] = []
    for index_page in ReviewIndexPage.objects.live():
        links = IndexLinks.for_index(index_page, absolute=True)
        urls.append(getattr(links, kind)(entity.slug))
        urls += index_urls(index_page)
    reviews = ReviewPage.objects.public_now()
    crediting = reviews.crediting_person if kind == "person" else reviews.crediting_studio
    urls += [review.get_full_url() for review in crediting(entity.slug).defer_streamfields()]
    return [url for url in urls if url]


def purge(urls: list[str]) -> None:
    """Purge these addresses from the configured CDN, after the commit (never raises)."""
    if not urls:
        return
    urls = sorted(set(urls))

    def send():
        from wagtail.contrib.frontend_cache.utils import PurgeBatch

        try:
            batch = PurgeBatch()
            batch.add_urls(urls)
            batch.purge()
        except Exception:
            logger.exception("Could not purge %d addresses from the frontend cache", len(urls))

    transaction.on_commit(send)


def review_changed(sender, change: events.ReviewChange, **kwargs):
    if purging():
        purge(review_purge_urls(change))


def credit_changed(sender, instance, kind: str, **kwargs):
    if purging() and instance.slug:
        purge(credited_purge_urls(instance, kind))


def site_changed(sender, **kwargs):
    if purging():
        from .models import ReviewIndexPage

        purge([url for index in ReviewIndexPage.objects.live() for url in index_urls(index)])


def every_url() -> list[str]:
    """Every address the plugin's pages answer at: each live page, each review index's
    routes, and the filmographies of everyone credited on a live review (a restore or an
    import replaces them all)."""
    from wagtail.models import Page

    from .models import ReviewIndexPage, ReviewPage

    urls = [page.get_full_url() for page in Page.objects.live().defer_streamfields().specific()]
    reviews = ReviewPage.objects.public_now()
    people = list(reviews.credited_people().values_list("slug", flat=True))
    studios = list(reviews.credited_studios().values_list("slug", flat=True))
    for index_page in ReviewIndexPage.objects.live():
        links = IndexLinks.for_index(index_page, absolute=True)
        urls += index_urls(index_page)
        urls += [links.person(slug) for slug in people] + [links.studio(slug) for slug in studios]
    return [url for url in urls if url]


def purge_everything(also: list[str] = ()) -> None:
    """Purge every address of `every_url()` and `also` (e.g. the addresses before a restore,
    which the restored database may no longer have), when a CDN is configured."""
    if purging():
        purge([*every_url(), *also])


def connect() -> None:
    uid = "review_pages.cdn"
    events.review_changed.connect(review_changed, dispatch_uid=f"{uid}.review")
    events.credit_changed.connect(credit_changed, dispatch_uid=f"{uid}.credit")
    events.site_changed.connect(site_changed, dispatch_uid=f"{uid}.site")
