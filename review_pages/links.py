"""Absolute addresses: the one public base, and a review index's routes (filmographies
`people/<slug>/`, `studios/<slug>/`, the feed and search).

Every absolute URL the plugin writes (API links, `html_url`, filmographies, redirects,
images, JSON-LD, sitemap, feed) starts with `public_base_url()`: the Wagtail Site record by
default, or `REVIEW_PAGES["PUBLIC_BASE_URL"]` when pages are rendered elsewhere. The
plugin's page models take their own full URLs from it (`PublicURLMixin`).

A review links its credits to the filmographies of its own index (its parent page: reviews
live only under a review index), so several publications in one site each keep their own.
The index's address is read off the review's own address, which Wagtail builds from its
cached site root paths: no query. People and studios shown on their own (API entries) link
to the first live review index of the request's site.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.apps import apps
from django.utils.http import RFC3986_SUBDELIMS

from .conf import reviews_settings

if TYPE_CHECKING:
    from django.http import HttpRequest


def configured_base_url() -> str | None:
    """`REVIEW_PAGES["PUBLIC_BASE_URL"]` without its trailing slash, or None."""
    base = reviews_settings.PUBLIC_BASE_URL
    return str(base).rstrip("/") if base else None


def public_base_url(request: HttpRequest | None = None, site=None) -> str:
    """The base of every absolute URL of an answer: the configured one, else the root URL
    of the Site record (the request's, the given one, or the default site). "" without
    any site."""
    configured = configured_base_url()
    if configured:
        return configured
    from wagtail.models import Site

    if site is None and request is not None:
        site = Site.find_for_request(request)
    if site is None:
        site = _default_site()
    return site.root_url if site is not None else ""


def _default_site():
    from wagtail.models import Site

    return Site.objects.filter(is_default_site=True).first()


def absolute_url(url: str, request: HttpRequest | None = None) -> str:
    """`url` on the public base; an absolute one (media on S3 or a CDN) is left alone."""
    if not url or "://" in url:
        return url
    return public_base_url(request) + url


class PublicURLMixin:
    """Page models whose full URLs use the public base (Wagtail's own use the Site
    record's root URL); relative URLs are unchanged."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        base = configured_base_url()
        if parts is None or base is None or parts[1] is None:
            return parts
        site_id, _root_url, page_path = parts
        return site_id, base, page_path


def frontend_preview_template(site=None) -> str | None:
    """The front end's preview URL template for a Site (`FRONTEND_PREVIEW_URL`), or None."""
    templates = reviews_settings.FRONTEND_PREVIEW_URL
    if not templates:
        return None
    if isinstance(templates, str):
        return templates
    hostname = getattr(site, "hostname", None)
    return templates.get(hostname) or templates.get("default")


def preview_url(page, token: str, request: HttpRequest | None = None) -> str | None:
    """Where a preview token shows the draft: the front end's preview address when one is
    set for the page's site, else the review index's own `preview/` route (None for a page
    outside a review index)."""
    template = frontend_preview_template(page.get_site())
    if template:
        return template.format(token=quote(token, safe=""), page_id=page.pk, slug=quote(page.slug))
    parent = page.get_parent()
    if parent is None or not issubclass(parent.specific_class or object, _index_model()):
        return None
    index_url = parent.specific.get_full_url(request)
    if not index_url:
        return None
    return f"{_with_slash(index_url)}{_route('preview')}?token={quote(token, safe='')}"


#: Stands for the slug while a route is reversed once (letters only: never quoted).
SLUG_PLACEHOLDER = "filmographyslugplaceholder"


def _index_model():
    return apps.get_model("review_pages", "ReviewIndexPage")


@cache
def _route_parts(route: str) -> tuple[str, str]:
    """A filmography route reversed once per process, split around the slug: the routes are
    the index class's, the same for every index. A listing of 20 reviews links some 300
    people, and reversing each cost a fifth of its time."""
    reversed_path = _index_model()().reverse_subpage(route, args=(SLUG_PLACEHOLDER,))
    before, after = reversed_path.split(SLUG_PLACEHOLDER)
    return before, after


@cache
def _route(route: str) -> str:
    return _index_model()().reverse_subpage(route)


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class IndexLinks:
    """Resolves people and studios to the filmography pages of one review index.

    `index_url` is the index's address (relative or absolute), or None when there is no
    index to link to (then every address is None).
    """

    def __init__(self, index_url: str | None):
        self.index_url = _with_slash(index_url) if index_url else None

    @classmethod
    def for_index(cls, index_page, request: HttpRequest | None = None, *, absolute=False):
        if index_page is None:
            return cls(None)
        url = index_page.get_full_url(request) if absolute else index_page.get_url(request)
        return cls(url)

    @classmethod
    def for_review(cls, review_page, request: HttpRequest | None = None, *, absolute=False):
        """The links of the index the review belongs to (its parent)."""
        url = review_page.get_full_url(request) if absolute else review_page.get_url(request)
        if url:
            return cls(url.rstrip("/").rsplit("/", 1)[0] + "/")
        # A review without an address of its own yet (the preview of a new one).
        return cls.for_index(first_review_index(request), request, absolute=absolute)

    @classmethod
    def for_site(cls, request: HttpRequest | None = None, *, absolute=False):
        """The links of the site's first live review index (one query)."""
        return cls.for_index(first_review_index(request), request, absolute=absolute)

    def _filmography(self, route: str, slug: str) -> str | None:
        """The address of a route taking one slug (a filmography, a critic's page)."""
        if self.index_url is None:
            return None
        before, after = _route_parts(route)
        # Quoted as Django's `reverse` quotes a path argument (Unicode slugs stay readable).
        return self.index_url + before + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + after

    def person(self, slug: str) -> str | None:
        return self._filmography("person", slug)

    def studio(self, slug: str) -> str | None:
        return self._filmography("studio", slug)

    def genre(self, slug: str) -> str | None:
        """A genre's page: its reviews, newest first."""
        return self._filmography("genre", slug)

    def genre_feed(self, slug: str) -> str | None:
        return self._filmography("genre_feed", slug)

    def route(self, name: str) -> str | None:
        """A route without arguments: "feed", "search", "critics"."""
        if self.index_url is None:
            return None
        return self.index_url + _route(name)

    def critic(self, slug: str) -> str | None:
        """A critic's page (`critics/<slug>/`): their photo, bio and reviews."""
        return self._filmography("critic", slug)

    def critic_feed(self, slug: str) -> str | None:
        """A critic's RSS feed (`critics/<slug>/feed/`)."""
        return self._filmography("critic_feed", slug)


def first_review_index(request: HttpRequest | None = None):
    """The first live review index in the request's site (or in any site), or None."""
    from wagtail.models import Site

    indexes = _index_model().objects.live().order_by("path")
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        found = indexes.descendant_of(site.root_page, inclusive=True).first()
        if found is not None:
            return found
    return indexes.first()
