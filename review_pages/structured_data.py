"""schema.org JSON-LD for a review: a `Review` of a `Movie`, built as a dict in Python.

The dict is made from `refs.review_credits` (the one source of credit data) and emitted
with `json_script` escaping (`json_ld_text`), so a headline or a character name containing
`</script>`, quotes or `&` cannot end the script element or change its meaning.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from .links import IndexLinks, absolute_url
from .publication import publication_name
from .refs import review_credits
from .text import plain_text

if TYPE_CHECKING:
    from django.http import HttpRequest

BEST_RATING = 5


#: The poster as link previews and JSON-LD show it (the template's `{% image %}` spec).
SOCIAL_RENDITION = "max-1200x1200|format-jpeg"


def _thing(schema_type: str, ref: dict) -> dict[str, Any]:
    """A schema.org Person or Organization from a PersonRef or StudioRef."""
    data = {"@type": schema_type, "name": ref["name"]}
    if ref.get("url"):
        data["url"] = ref["url"]
    return data


def _person(ref: dict) -> dict[str, Any]:
    return _thing("Person", ref)


def _organization(ref: dict) -> dict[str, Any]:
    return _thing("Organization", ref)


def review_structured_data(
    page, request: HttpRequest | None = None, poster_rendition=None
) -> dict[str, Any]:
    """The JSON-LD object of one review (absolute URLs throughout).

    `poster_rendition`: the page's poster at `SOCIAL_RENDITION`, when the caller already
    has it (the review template makes it for its Open Graph tags).
    """
    links = IndexLinks.for_review(page, request, absolute=True)
    credits = review_credits(page, links)
    site_name = publication_name(request)
    movie: dict[str, Any] = {"@type": "Movie", "name": page.film_title}
    if credits["directors"]:
        movie["director"] = [_person(ref) for ref in credits["directors"]]
    if credits["writers"]:
        movie["author"] = [_person(ref) for ref in credits["writers"]]
    if credits["cast"]:
        movie["actor"] = [
            {
                "@type": "PerformanceRole",
                "actor": _person(credit["person"]),
                **({"characterName": credit["character"]} if credit["character"] else {}),
            }
            for credit in credits["cast"]
        ]
    if credits["production_companies"]:
        movie["productionCompany"] = [_organization(ref) for ref in credits["production_companies"]]
    if page.runtime_minutes:
        movie["duration"] = page.iso_duration
    if page.mpa_rating and page.mpa_rating != "NR":  # "not rated" is no rating
        movie["contentRating"] = f"MPA {page.mpa_rating}"
    if page.release_date:
        movie["dateCreated"] = page.release_date.isoformat()
    if page.poster_id:
        rendition = poster_rendition or page.poster.get_rendition(SOCIAL_RENDITION)
        movie["image"] = absolute_url(rendition.url, request)
    genres = [row.genre.name for row in page.genres.all()]
    if genres:
        movie["genre"] = genres
    if page.same_as:
        movie["sameAs"] = page.same_as

    url = page.get_full_url(request)
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Review",
        "name": page.title,
        "url": url,
        "mainEntityOfPage": url,
        "itemReviewed": movie,
        "publisher": {"@type": "Organization", "name": site_name},
    }
    description = plain_text(page.intro)
    if description:
        review["description"] = description
    if credits["author"]:
        # The critic's page, where their own Person stands (`critic_structured_data`).
        critic_url = links.critic(credits["author"]["slug"]) or credits["author"]["url"]
        review["author"] = _person({**credits["author"], "url": critic_url})
        if page.author.same_as:
            review["author"]["sameAs"] = page.author.same_as
    else:
        review["author"] = {"@type": "Organization", "name": site_name}
    published = page.first_published_at or page.last_published_at
    if published:
        review["datePublished"] = published.isoformat()
    if page.last_published_at:
        review["dateModified"] = page.last_published_at.isoformat()
    if page.score is not None:
        review["reviewRating"] = {
            "@type": "Rating",
            "ratingValue": float(page.score),
            "bestRating": BEST_RATING,
            "worstRating": 0,
        }
    return review


def critic_structured_data(
    critic, url: str, request: HttpRequest | None = None, photo_rendition=None
) -> dict[str, Any]:
    """The JSON-LD of a critic's page (`url`, absolute): a `ProfilePage` whose `mainEntity`
    is the critic's `Person` (name, bio, photo, identities), at the address the `author` of
    their reviews' JSON-LD names."""
    person: dict[str, Any] = {"@type": "Person", "name": critic.name, "url": url}
    description = plain_text(critic.bio)
    if description:
        person["description"] = description
    if critic.photo_id:
        rendition = photo_rendition or critic.photo.get_rendition(PHOTO_RENDITION)
        person["image"] = absolute_url(rendition.url, request)
    if critic.same_as:
        person["sameAs"] = critic.same_as
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": person,
        "publisher": {"@type": "Organization", "name": publication_name(request)},
    }


#: A critic's photo as their JSON-LD shows it.
PHOTO_RENDITION = "fill-320x320|format-jpeg"


def script_text(data: dict[str, Any]) -> SafeString:
    """JSON-LD as text safe inside `<script type="application/ld+json">` (`json_ld_text`)."""
    text = json.dumps(data, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(SCRIPT_ESCAPES))  # noqa: S308 - escaped here


# What json_script escapes: nothing inside can end the <script> element or open a comment.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_text(page, request: HttpRequest | None = None, poster_rendition=None) -> SafeString:
    """The JSON-LD as text safe inside `<script type="application/ld+json">`.

    <, > and & become \\u003C, \\u003E, \\u0026 (as Django's `json_script` does); the
    template writes the element itself, with the request's CSP nonce.
    """
    data = json.dumps(
        review_structured_data(page, request, poster_rendition), cls=DjangoJSONEncoder
    )
    return mark_safe(data.translate(SCRIPT_ESCAPES))  # noqa: S308 - escaped just above
