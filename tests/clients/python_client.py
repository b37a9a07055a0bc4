"""An app's script with the Python client generated from the live OpenAPI document
(openapi-python-client, untouched): list reviews, one by slug, follow a credit to its person,
read a draft with a preview token, and get a 404 as a typed error.

    python python_client.py BASE_URL PREVIEW_TOKEN     (the generated package on sys.path)
"""

import sys

from film_reviews_client import Client
from film_reviews_client.api.people import people_detail
from film_reviews_client.api.reviews import (
    reviews_by_slug,
    reviews_detail,
    reviews_list,
    reviews_preview,
)
from film_reviews_client.models import PersonDetail, ProblemDetail, Review, ReviewList


def main(base_url: str, token: str) -> None:
    client = Client(base_url=base_url, raise_on_unexpected_status=True)

    listing = reviews_list.sync(client=client, limit=2)
    assert isinstance(listing, ReviewList), listing
    print(f"reviews: {listing.count} published; first page {[r.film_title for r in listing.items]}")
    print(f"  next: {listing.next_}")

    first = listing.items[0]
    review = reviews_by_slug.sync(client=client, slug=first.meta.slug)
    assert isinstance(review, Review) and review.id == first.id, review
    cast = ", ".join(f"{c.person.name} as {c.character}" for c in review.cast)
    print(f"by slug {first.meta.slug!r}: {review.title} (cast: {cast})")
    if review.poster:
        sizes = ", ".join(f"{r.width} {r.format_.value}" for r in review.poster.renditions)
        print(f"  poster renditions: {sizes}")

    director = review.directors[0]
    person = people_detail.sync(client=client, person_id=director.id)
    assert isinstance(person, PersonDetail), person
    roles = sorted({credit.role for credit in person.credits_})
    print(f"director {person.name}: {len(person.credits_)} credit(s) as {', '.join(roles)}")

    draft = reviews_preview.sync(client=client, token=token)
    assert isinstance(draft, Review), draft
    print(f"draft with a preview token: {draft.title!r} (id {draft.id})")

    missing = reviews_detail.sync_detailed(client=client, review_id=999_999)
    assert missing.status_code == 404 and isinstance(missing.parsed, ProblemDetail), missing
    print(f"review 999999: {missing.status_code} {missing.parsed.title}: {missing.parsed.detail}")

    refused = reviews_preview.sync_detailed(client=client, token=token + "x")
    assert refused.status_code == 403 and isinstance(refused.parsed, ProblemDetail), refused
    print(f"tampered token: {refused.status_code} {refused.parsed.detail}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
