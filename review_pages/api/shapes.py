"""The review, person and studio objects of both APIs, built in one place.

`REVIEW_FIELDS` gives each field of the review (`ReviewPage.api_fields`) its value; API v2's
serializer fields, Wagtail's v3 page detail and the v3 reviews router all read it, so the
shape is written once and typed once (`schemas.Review`). Credits are PersonRefs and
StudioRefs (`refs`), rich text is display HTML, images are a rendition's URL and size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .. import refs
from ..links import IndexLinks, absolute_url
from ..models import load_still_images, performers_by_id, raw_performer_ids
from ..text import rich_text_html
from . import renditions

POSTER_RENDITION = renditions.POSTER_RENDITION
STILL_RENDITION = renditions.STILL_RENDITION
# WebP, as the poster's: cheap to make, and it keeps a logo's transparency.
PORTRAIT_RENDITION = "max-400x400|format-webp"


@dataclass
class ShapeContext:
    """What building the objects of one answer needs besides the objects themselves.

    `performers`: every performer of a listing, looked up at once
    (`models.performers_by_id`); without it each review looks up its own. `pages`: the
    reviews of a listing, whose missing poster renditions are then made all at once.
    """

    request: HttpRequest | None = None
    performers: dict[int, Any] | None = None
    pages: list | None = None
    _links: dict[int, IndexLinks] = field(default_factory=dict, repr=False)
    _posters_ready: bool = field(default=False, repr=False)
    _stills_ready: bool = field(default=False, repr=False)

    def ready_posters(self, page) -> None:
        """Make the listing's missing poster renditions (or this review's) at once."""
        if self._posters_ready:
            return
        pages = self.pages if self.pages is not None else [page]
        renditions.ensure(
            [p.poster for p in pages if p.poster_id],
            lambda image: [POSTER_RENDITION, *renditions.poster_specs(image)],
        )
        self._posters_ready = True

    def ready_stills(self, page) -> None:
        """The listing's stills (or this review's) with their images, and their missing
        renditions made at once: a fixed number of queries however many stills."""
        if self._stills_ready:
            return
        pages = self.pages if self.pages is not None else [page]
        load_still_images(pages)
        renditions.ensure(
            [still.image for p in pages for still in p.stills.all()],
            lambda image: [STILL_RENDITION, *renditions.poster_specs(image)],
        )
        self._stills_ready = True

    def links_for(self, page) -> IndexLinks:
        """The absolute filmography links of the review's index, made once per review."""
        links = self._links.get(page.pk)
        if links is None:
            links = self._links[page.pk] = IndexLinks.for_review(page, self.request, absolute=True)
        return links


def image_info(image, request: HttpRequest | None = None, spec: str = POSTER_RENDITION):
    """An image as apps show it, or None: one rendition's absolute URL, its size, alt text."""
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    url = absolute_url(rendition.url, request)
    return {
        "id": image.pk,
        "title": image.title,
        "url": url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": getattr(image, "default_alt_text", "") or image.title,
    }


def poster_info(page, context: ShapeContext):
    """The poster as `PosterInfo`: `image_info` plus the renditions a client picks from."""
    if not page.poster_id:
        return None
    context.ready_posters(page)
    info = image_info(page.poster, context.request)
    info["renditions"] = renditions.poster_renditions(page.poster, context.request)
    return info


def stills_info(page, context: ShapeContext) -> list[dict[str, Any]]:
    """The stills as `StillInfo`: `image_info` with the still's own alt text and caption,
    and renditions as the poster's."""
    stills = list(page.stills.all())
    if not stills:
        return []
    context.ready_stills(page)
    shown = []
    for still in stills:
        info = image_info(still.image, context.request, STILL_RENDITION)
        info["alt"] = still.alt_text
        info["caption"] = still.caption
        info["renditions"] = renditions.poster_renditions(still.image, context.request)
        shown.append(info)
    return shown


def trailer_info(page, context: ShapeContext) -> dict[str, str] | None:
    trailer = page.trailer
    if trailer is None:
        return None
    return {"provider": trailer.provider, "url": trailer.url, "embed_url": trailer.embed_url}


def review_body(page, context: ShapeContext) -> list[dict[str, Any]]:
    """The body as both APIs show it: sections with display HTML, performers as PersonRefs.

    Built from the raw stream data so that a listing resolves every performer with the one
    lookup its context carries; a single page looks its own up.
    """
    people = context.performers if context.performers is not None else performers_by_id([page])
    links = context.links_for(page)
    sections = []
    for block in page.body.raw_data:
        kind, raw = block.get("type"), block.get("value") or {}
        if kind == "performance":
            value = {
                "heading": raw.get("heading") or "",
                "performers": [
                    refs.person_ref(people[pk], links)
                    for pk in raw_performer_ids(raw.get("performers"))
                    if pk in people
                ],
                "text": rich_text_html(raw.get("text")),
            }
        elif kind == "critique":
            value = {"heading": raw.get("heading") or "", "text": rich_text_html(raw.get("text"))}
        elif kind in ("synopsis", "final_statement"):
            value = {"text": rich_text_html(raw.get("text"))}
        else:  # a section type this version does not know: leave it out
            continue
        sections.append({"type": kind, "value": value, "id": block.get("id")})
    return sections


def _attribute(name: str) -> Callable[[Any, ShapeContext], Any]:
    return lambda page, context: getattr(page, name)


#: Each review field beside id, meta and title: its value for one review. The names are
#: `ReviewPage.api_fields`; the types are `schemas.Review`'s.
REVIEW_FIELDS: dict[str, Callable[[Any, ShapeContext], Any]] = {
    "film_title": _attribute("film_title"),
    "intro": lambda page, context: rich_text_html(page.intro or ""),
    "poster": poster_info,
    "mpa_rating": _attribute("mpa_rating"),
    "mpa_rating_reason": _attribute("mpa_rating_reason"),
    "runtime_minutes": _attribute("runtime_minutes"),
    "release_date": _attribute("release_date"),
    "score": lambda page, context: float(page.score) if page.score is not None else None,
    "author": lambda page, context: refs.author_ref(page, context.links_for(page)),
    "directors": lambda page, context: refs.people_refs(page, "directors", context.links_for(page)),
    "writers": lambda page, context: refs.people_refs(page, "writers", context.links_for(page)),
    "cast": lambda page, context: refs.cast_refs(page, context.links_for(page)),
    "production_companies": lambda page, context: refs.company_refs(page, context.links_for(page)),
    "distributor": lambda page, context: refs.distributor_ref(page, context.links_for(page)),
    "genres": lambda page, context: refs.genre_refs(page, context.links_for(page)),
    "trailer": trailer_info,
    "stills": stills_info,
    "body": review_body,
    "reading_minutes": _attribute("reading_minutes"),
    "featured": _attribute("featured"),
    "imdb_id": _attribute("imdb_id"),
    "tmdb_id": _attribute("tmdb_id"),
    "wikidata_id": _attribute("wikidata_id"),
}


def review_object(page, context: ShapeContext, *, detail_url: str) -> dict[str, Any]:
    """The design's review object (the v3 reviews router's answer)."""
    return {
        "id": page.pk,
        "meta": {
            "slug": page.slug,
            "detail_url": detail_url,
            "html_url": page.get_full_url(context.request),
            "first_published_at": page.first_published_at,
            "last_published_at": page.last_published_at,
        },
        "title": page.title,
        **{name: value(page, context) for name, value in REVIEW_FIELDS.items()},
    }


def review_ref(page, request: HttpRequest | None = None) -> dict[str, Any]:
    """A review as a person's or studio's credit points to it."""
    return {
        "id": page.pk,
        "title": page.title,
        "film_title": page.film_title,
        "url": page.get_full_url(request),
    }


def review_card(page, request: HttpRequest | None, detail_url: str) -> dict[str, Any]:
    """A review as a reader's next read (`schemas.ReviewCard`): its poster, score and
    dates, read from the card data `related.read` loaded."""
    return {
        **review_ref(page, request),
        "detail_url": detail_url,
        "poster": image_info(page.poster, request) if page.poster_id else None,
        "score": float(page.score) if page.score is not None else None,
        "first_published_at": page.first_published_at,
    }


def filmography_credits(roles, request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """A filmography flattened for the APIs: [{review, role, character}, ...]."""
    return [
        {
            "review": review_ref(entry.review, request),
            "role": role.role.lower(),
            "character": entry.character,
        }
        for role in roles
        for entry in role.entries
    ]


def entity_object(
    entity, kind: str, request: HttpRequest | None, links: IndexLinks, detail_url: str
) -> dict[str, Any]:
    """A person or studio (the v3 people and studios routers' answer, without credits)."""
    data: dict[str, Any] = {
        "id": entity.pk,
        "meta": {"detail_url": detail_url, "html_url": getattr(links, kind)(entity.slug)},
        "name": entity.name,
        "slug": entity.slug,
    }
    if kind == "person":
        data["bio"] = rich_text_html(entity.bio or "")
        data["photo"] = image_info(entity.photo, request, PORTRAIT_RENDITION)
        data["imdb_id"] = entity.imdb_id
        data["wikidata_id"] = entity.wikidata_id
    else:
        data["website"] = entity.website
        data["logo"] = image_info(entity.logo, request, PORTRAIT_RENDITION)
    return data
