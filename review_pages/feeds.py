"""RSS 2.0 feeds of reviews: the front page's, a genre's, a critic's. One builder for all.

Each item carries what a feed reader shows of a review: the headline and link, the
standfirst (with the score), the critic (`dc:creator`), the genres (`category`), the poster
(`media:content` with its size and type), the score (Media RSS `media:starRating`) and the
MPA rating (`media:rating`). A page that has a feed links it from its head
(`<link rel="alternate" type="application/rss+xml">`, `{% review_pages_head %}`).

    review_feed(request, reviews=..., title=..., link=..., feed_url=..., description=...)

answers with the feed of the newest `FEED_LENGTH` of `reviews` (public reviews, newest
first: `ReviewIndexPage.reviews()` narrowed as the page is), in a fixed number of queries.
The review index's `feed/`, `genres/<slug>/feed/` and `critics/<slug>/feed/` all use it.
It imports no model (the review index's routes call it), and takes the models it needs
from the reviews it is given.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Rss201rev2Feed

from . import shown
from .conf import reviews_settings
from .links import absolute_url
from .structured_data import BEST_RATING, SOCIAL_RENDITION
from .text import format_score, plain_text

DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
MEDIA_RSS = "http://search.yahoo.com/mrss/"
#: The MIME type of the poster rendition the items carry (`SOCIAL_RENDITION` is a JPEG).
POSTER_TYPE = "image/jpeg"


class ReviewFeedGenerator(Rss201rev2Feed):
    """RSS 2.0 with the Dublin Core and Media RSS namespaces declared once, on <rss>."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        # The critic as dc:creator under the namespace declared above (Django's own would
        # declare it again on each element).
        critic = item["author_name"]
        super().add_item_elements(handler, {**item, "author_name": None})
        if critic:
            handler.addQuickElement("dc:creator", critic)
        poster = item.get("poster")
        if poster:
            handler.startElement("media:content", poster["attributes"])
            handler.addQuickElement("media:description", poster["alt"], {"type": "plain"})
            handler.endElement("media:content")
        if item.get("mpa_rating"):
            handler.addQuickElement("media:rating", item["mpa_rating"], {"scheme": "urn:mpaa"})
        if item.get("score") is not None:
            handler.startElement("media:community", {})
            handler.addQuickElement(
                "media:starRating",
                "",
                {"average": item["score"], "min": "0", "max": str(BEST_RATING)},
            )
            handler.endElement("media:community")


def item_description(review) -> str:
    """The standfirst as plain text, after the score when there is one."""
    standfirst = plain_text(review.intro)
    if review.score is None:
        return standfirst
    score = f"Score: {format_score(review.score)}/{BEST_RATING}."
    return f"{score} {standfirst}" if standfirst else score


def poster_media(review, request: HttpRequest | None) -> dict | None:
    """The poster's `media:content`: the link-preview rendition (made at publication)."""
    if not review.poster_id or review.poster is None:
        return None
    rendition = review.poster.get_rendition(SOCIAL_RENDITION)
    return {
        "attributes": {
            "url": absolute_url(rendition.url, request),
            "medium": "image",
            "type": POSTER_TYPE,
            "width": str(rendition.width),
            "height": str(rendition.height),
        },
        "alt": f"Poster for {review.film_title}",
    }


def load_feed_data(reviews: list) -> None:
    """What the items show, for all of them at once: posters with their renditions, and
    genres with each genre (the critic comes joined to the reviews)."""
    from wagtail.images import get_image_model

    if not reviews:
        return
    genre_rows = type(reviews[0])._meta.get_field("genres").related_model
    prefetch_related_objects(
        reviews,
        Prefetch("poster", queryset=get_image_model().objects.prefetch_renditions()),
        Prefetch("genres", queryset=genre_rows.objects.select_related("genre")),
    )


def review_feed(
    request: HttpRequest,
    *,
    reviews,
    title: str,
    link: str | None,
    feed_url: str | None,
    description: str,
    record_genres: Iterable[int] = (),
    record_lists: Iterable[str] = (shown.REVIEWS,),
) -> HttpResponse:
    """The RSS answer: the newest `FEED_LENGTH` of `reviews` (a ReviewPage queryset, public
    and newest first). It records the reviews it lists, their critics and genres; with
    `record_lists`, every list of reviews (any publication may change which are newest; a
    critic's feed changes only with the critic's own reviews, which name them, and passes
    none). `record_genres`: genres the feed is about besides its items' own (a genre's feed
    changes when the genre is renamed)."""
    feed = ReviewFeedGenerator(
        title=title,
        link=link or "",
        feed_url=feed_url,
        description=description,
        language="en",
    )
    latest = list(reviews.select_related("author")[: reviews_settings.FEED_LENGTH])
    load_feed_data(latest)
    shown.record(
        lists=record_lists,
        reviews=[review.pk for review in latest],
        people={review.author_id for review in latest if review.author_id},
        genres={row.genre_id for review in latest for row in review.genres.all()}
        | set(record_genres),
    )
    for review in latest:
        url = review.get_full_url(request)
        feed.add_item(
            title=review.title,
            link=url,
            description=item_description(review),
            pubdate=review.first_published_at,
            updateddate=review.last_published_at,
            unique_id=url,
            unique_id_is_permalink=True,
            author_name=review.author.name if review.author_id else None,
            categories=[row.genre.name for row in review.genres.all()],
            poster=poster_media(review, request),
            # urn:mpaa's values; "not rated" is no rating.
            mpa_rating=review.mpa_rating.lower() if review.mpa_rating not in ("", "NR") else "",
            score=format_score(review.score) if review.score is not None else None,
        )
    return HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)
