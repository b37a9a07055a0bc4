"""Critics: the people who wrote a publication's public reviews, with their pages and feeds.

A critic is a Person who is the `author` of at least one review public now in the review
index (`ReviewIndexPage.reviews()`); anyone else has no critic's page (404, as a draft).
The review index's routes (`critics/`, `critics/<slug>/`, `critics/<slug>/feed/`) read
them through here, in a fixed number of queries however many critics and reviews there are.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch

from people.models import Person

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
