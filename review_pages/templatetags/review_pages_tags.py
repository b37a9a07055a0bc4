"""Template tags of the review pages.

In a site's `base.html`, inside `<head>`:

    {% load review_pages_tags %}{% review_pages_head %}

gives a review page its description, canonical link, Open Graph and Twitter tags, JSON-LD,
the feed link and the plugin's stylesheet (and the right subset on the other review pages;
nothing elsewhere). A base without it still gets the JSON-LD and the stylesheet, in the body
(`review_pages_body_extras`, placed by the plugin's own templates).
"""

import datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from review_pages import links
from review_pages.links import IndexLinks
from review_pages.publication import publication_name
from review_pages.structured_data import critic_structured_data, json_ld_text, script_text
from review_pages.text import format_score, plain_text

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
    if values.get("review_pages_head") == "front":
        values["front_description"] = front_description(values.get("page"), values)
    return values


def front_description(page, values) -> str:
    """The front page's description: the editor's, else its intro, else a plain sentence."""
    if page is None:
        return ""
    return (
        page.search_description
        or plain_text(getattr(page, "intro", ""))
        or f"Film reviews from {values['publication_name']}: the latest verdicts, "
        "critics and filmographies."
    )


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
    return _ld_script(request, json_ld_text(page, request, poster_rendition or None))


def _ld_script(request, data) -> str:
    nonce = getattr(request, "csp_nonce", None)
    if nonce is not None:
        return format_html(
            '<script type="application/ld+json" nonce="{}">{}</script>', str(nonce), data
        )
    return format_html('<script type="application/ld+json">{}</script>', data)


@register.simple_tag(takes_context=True)
def critic_json_ld(context, critic, url: str, photo_rendition=None) -> str:
    """A critic's page's JSON-LD (a ProfilePage of their Person) in its <script> element,
    with the request's CSP nonce as `review_json_ld`. `url`: the page's absolute address."""
    request = context.get("request")
    data = critic_structured_data(critic, url, request, photo_rendition or None)
    return _ld_script(request, script_text(data))


@register.filter
def critic_page(links: IndexLinks, slug: str) -> str:
    """A critic's page (`critics/<slug>/`) on the index of these links."""
    return (links.critic(slug) if links is not None and slug else None) or ""


#: Where each share link sends the reader: (name, address template). Plain links, so no
#: third-party script runs and nothing is sent anywhere before the reader clicks.
SHARE_TARGETS = {
    "bluesky": "https://bsky.app/intent/compose?{query}",
    # mastodonshare.com asks the reader for their own instance, then opens its composer.
    "mastodon": "https://mastodonshare.com/?{query}",
}


@register.inclusion_tag("review_pages/includes/share_buttons.html", takes_context=True)
def share_buttons(context, page) -> dict:
    """Share links for a page: copy link, email, Bluesky, Mastodon, and the browser's own
    share sheet where it has one (the buttons come alive with `review_pages/share.js`)."""
    request = context.get("request")
    url = page.get_full_url(request) or ""
    title = page.title
    text = f"{title} {url}".strip()
    return {
        "request": request,
        "share_url": url,
        "share_title": title,
        "share_text": plain_text(str(getattr(page, "intro", "") or "")),
        "email_url": "mailto:?"
        + urlencode({"subject": title, "body": f"{title}\n\n{url}"}, quote_via=quote),
        "bluesky_url": SHARE_TARGETS["bluesky"].format(
            query=urlencode({"text": text}, quote_via=quote)
        ),
        "mastodon_url": SHARE_TARGETS["mastodon"].format(
            query=urlencode({"text": text}, quote_via=quote)
        ),
    }


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """`url` on the public base (`links.public_base_url`), for Open Graph tags."""
    return links.absolute_url(url, context.get("request"))


@register.filter
def iso_datetime(value: datetime.datetime | None) -> str:
    """A `<time datetime>` value the HTML standard accepts: to the second (Django's "c"
    writes microseconds, and a fraction of a second may have at most 3 digits)."""
    if not value:
        return ""
    return value.replace(microsecond=0).isoformat()


@register.filter
def score_text(score) -> str:
    """4.5 -> "4.5", 4.0 -> "4"."""
    return format_score(score)


@register.filter
def stars_class(score) -> str:
    """The star fill in half stars, 0 to 10 (a class: no inline style under a strict CSP)."""
    if score is None:
        return "0"
    return str(max(0, min(10, int(round(float(score) * 2)))))


@register.simple_tag
def verdict(score, size: str = "small") -> str:
    """Stars for a score, with the score in words for screen readers ("4.5 out of 5").

    The markup depends on nothing but the score and the size (eleven half-star scores), so
    each is rendered once per process: a listing of 20 cards spent a tenth of its render in
    this template and its two includes. Rendered every time with DEBUG on, where templates
    are edited and reloaded.
    """
    score = None if score is None else Decimal(score)
    if settings.DEBUG:
        return render_verdict(score, size)
    return _memoised_verdict(score, size)


def render_verdict(score: Decimal | None, size: str) -> str:
    return mark_safe(  # noqa: S308 - rendered by the autoescaping template engine
        render_to_string("review_pages/includes/verdict.html", {"score": score, "size": size})
    )


_memoised_verdict = lru_cache(maxsize=128)(render_verdict)


@register.filter(name="plain_text")
def plain_text_filter(html: str) -> str:
    """Rich text as one line of plain text, a space between paragraphs (for descriptions)."""
    return plain_text(str(html or ""))
