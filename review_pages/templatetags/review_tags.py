"""Template helpers for the readers' site: addresses of the index page's routes."""

from django import template

from review_pages.credits import FilmographyLinks
from review_pages.structured_data import absolute_uri, json_ld_text

register = template.Library()


@register.simple_tag(takes_context=True)
def review_index_route(context, name: str) -> str:
    """The address of a route on the review index ("search", "feed"), or "" without one.

    Resolves the index page once per request (shared with the filmography links).
    """
    request = context.get("request")
    links = FilmographyLinks.for_request(request)
    if links.index_page is None:
        return ""
    return links.root + links.index_page.reverse_subpage(name)


@register.simple_tag(takes_context=True)
def filmography_url(context, credited) -> str:
    """The filmography address of a Person or a Studio."""
    links = FilmographyLinks.for_request(context.get("request"))
    if credited._meta.model_name == "studio":
        return links.studio(credited.slug) or ""
    return links.person(credited.slug) or ""


@register.simple_tag(takes_context=True)
def review_json_ld(context, page, poster_rendition=None) -> str:
    """The review's schema.org JSON-LD, safe to place inside a <script> element
    (`poster_rendition`: the poster the page already rendered for its link previews)."""
    return json_ld_text(page, context.get("request"), poster_rendition or None)


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """`url` made absolute against the current request (for Open Graph images)."""
    return absolute_uri(context.get("request"), url)
