"""Template tags of the review pages.

In a site's `base.html`, inside `<head>`:

    {% load review_pages_tags %}{% review_pages_head %}

gives a review page its description, canonical link, Open Graph and Twitter tags, JSON-LD,
the feed link and the plugin's stylesheet (and the right subset on the other review pages;
nothing elsewhere). A base without it still gets the JSON-LD and the stylesheet, in the body
(`review_pages_body_extras`, placed by the plugin's own templates).
"""

from django import template
from django.utils.html import format_html

from review_pages import links
from review_pages.links import IndexLinks
from review_pages.publication import publication_name
from review_pages.structured_data import json_ld_text

register = template.Library()

#: Set in the template's render context once the head tags are in its <head>.
HEAD_RENDERED = "review_pages_head_rendered"


def _links(context) -> IndexLinks:
    """The links the page put in its context, else those of the site's first review index."""
    links = context.get("index_links")
    if links is None:
        links = IndexLinks.for_site(context.get("request"))
    return links


@register.inclusion_tag("review_pages/head.html", takes_context=True)
def review_pages_head(context):
    context.render_context[HEAD_RENDERED] = True
    values = context.flatten()
    if values.get("review_pages_head"):
        values["publication_name"] = publication_name(context.get("request"))
    return values


@register.inclusion_tag("review_pages/body_extras.html", takes_context=True)
def review_pages_body_extras(context):
    if context.render_context.get(HEAD_RENDERED):
        return {"review_pages_head": None, "skip": True}
    return context.flatten()


@register.simple_tag(takes_context=True)
def review_index_url(context, name: str) -> str:
    """The address of a route of the review index ("search", "feed"), or "" without one."""
    return _links(context).route(name) or ""


@register.filter
def index_route(links: IndexLinks, name: str) -> str:
    return links.route(name) or ""


@register.simple_tag(takes_context=True)
def filmography_url(context, credited) -> str:
    """The filmography address of a Person or a Studio."""
    links = _links(context)
    if credited._meta.model_name == "studio":
        return links.studio(credited.slug) or ""
    return links.person(credited.slug) or ""


@register.simple_tag(takes_context=True)
def review_json_ld(context, page, poster_rendition=None) -> str:
    """The review's schema.org JSON-LD in its <script> element, with the request's CSP nonce
    when the site sends one (django-csp's `request.csp_nonce`). `poster_rendition`: the
    poster the page already rendered for its link previews."""
    request = context.get("request")
    data = json_ld_text(page, request, poster_rendition or None)
    nonce = getattr(request, "csp_nonce", None)
    if nonce is not None:
        return format_html(
            '<script type="application/ld+json" nonce="{}">{}</script>', str(nonce), data
        )
    return format_html('<script type="application/ld+json">{}</script>', data)


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """`url` on the public base (`links.public_base_url`), for Open Graph tags."""
    return links.absolute_url(url, context.get("request"))
