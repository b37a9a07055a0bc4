"""Critics: the people who wrote a publication's public reviews, with their pages and feeds.

A critic is a Person who is the `author` of at least one review public now in the review
index (`ReviewIndexPage.reviews()`); anyone else has no critic's page (404, as a draft).
The review index's routes (`critics/`, `critics/<slug>/`, `critics/<slug>/feed/`) read
them through here, in a fixed number of queries however many critics and reviews there are.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils.feedgenerator import Rss201rev2Feed

from people.models import Person

from .text import plain_text

#: Critics on a page of `critics/` (a publication has tens, an archive maybe hundreds).
CRITICS_PER_PAGE = 48


def photo_renditions() -> Prefetch:
    """The photos' existing renditions, so that a critic's `<picture>` costs no query."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.all()
    return Prefetch("photo__renditions", queryset=renditions)


def critics_of(reviews):
    """The critics of `reviews` (public reviews), each with `review_count` (how many of
    them they wrote), by name, their photos joined: one query, and one for the photos'
    renditions."""
    return (
        Person.objects.filter(authored_reviews__in=reviews.order_by().values("pk"))
        .annotate(review_count=Count("authored_reviews"))
        .select_related("photo")
        .prefetch_related(photo_renditions())
        .order_by("name", "pk")
    )


def reviews_by(critic, reviews):
    """The critic's reviews among `reviews`, newest first, as cards show them."""
    return reviews.filter(author=critic).with_listing_data().order_by("-first_published_at", "-pk")


def build_critic_feed(
    critic, reviews, *, title: str, link: str, feed_url: str, request, length: int
):
    """RSS 2.0 of the critic's newest `length` reviews (a list of them is returned with it,
    for what the answer shows), their items as the index's own feed writes them."""
    feed = Rss201rev2Feed(
        title=title,
        link=link,
        feed_url=feed_url,
        description=plain_text(critic.bio) or f"Film reviews by {critic.name}.",
        language="en",
        author_name=critic.name,
    )
    latest = list(reviews.filter(author=critic).order_by("-first_published_at", "-pk")[:length])
    for review in latest:
        url = review.get_full_url(request)
        feed.add_item(
            title=review.title,
            link=url,
            description=plain_text(review.intro),
            pubdate=review.first_published_at,
            updateddate=review.last_published_at,
            unique_id=url,
            unique_id_is_permalink=True,
            author_name=critic.name,
            categories=[review.film_title],
        )
    return feed, latest
