"""An app's script with the official Python client (`film_reviews_client`, generated from the
live OpenAPI document by clients/python/generate.py: `make python-client`), a plain `Client`
(no token), checked with `mypy --strict`: every operation of the plugin, each answer parsed
into its model, a review revalidated with its ETag (304, no body), a 404 and a 403 as typed
errors.

    python python_client.py BASE_URL PREVIEW_TOKEN     (the generated package on sys.path)
"""

from __future__ import annotations

import sys
from http import HTTPStatus

from film_reviews_client import Client
from film_reviews_client.api.people import people_by_slug, people_detail, people_list
from film_reviews_client.api.reviews import (
    reviews_by_slug,
    reviews_detail,
    reviews_list,
    reviews_preview,
)
from film_reviews_client.api.studios import studios_by_slug, studios_detail, studios_list
from film_reviews_client.api.sync import sync_changes
from film_reviews_client.models import (
    PersonDetail,
    PersonList,
    ProblemDetail,
    Review,
    ReviewDetail,
    ReviewList,
    StudioDetail,
    StudioList,
    SyncFeed,
)


def main(base_url: str, token: str) -> None:
    client = Client(base_url=base_url, raise_on_unexpected_status=True)

    listing = reviews_list.sync(client=client, limit=2)
    assert isinstance(listing, ReviewList), listing
    print(f"reviews: {listing.count} published; first page {[r.film_title for r in listing.items]}")
    print(f"  next: {listing.next_}")

    first = listing.items[0]
    review = reviews_by_slug.sync(client=client, slug=first.meta.slug)
    assert isinstance(review, ReviewDetail) and review.id == first.id, review
    cast = ", ".join(f"{c.person.name} as {c.character}" for c in review.cast)
    print(f"by slug {first.meta.slug!r}: {review.title} (cast: {cast})")
    if review.poster:
        sizes = ", ".join(f"{r.width} {r.format_.value}" for r in review.poster.renditions)
        print(f"  poster renditions: {sizes}")

    fetched = reviews_detail.sync_detailed(client=client, review_id=review.id)
    assert isinstance(fetched.parsed, ReviewDetail), fetched
    etag = fetched.headers["ETag"]
    again = reviews_detail.sync_detailed(client=client, review_id=review.id, if_none_match=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED and again.parsed is None, again
    print(f"review {review.id} again with If-None-Match: {again.status_code.value} Not Modified")

    director = review.directors[0]
    person = people_detail.sync(client=client, person_id=director.id)
    assert isinstance(person, PersonDetail), person
    roles = sorted({credit.role for credit in person.credits_})
    print(f"director {person.name}: {len(person.credits_)} credit(s) as {', '.join(roles)}")
    same = people_by_slug.sync(client=client, slug=person.slug)
    assert isinstance(same, PersonDetail) and same.id == person.id, same
    people = people_list.sync(client=client, search=person.name)
    assert isinstance(people, PersonList) and person.id in [p.id for p in people.items], people

    company = review.production_companies[0]
    studio = studios_detail.sync(client=client, studio_id=company.id)
    assert isinstance(studio, StudioDetail), studio
    same_studio = studios_by_slug.sync(client=client, slug=studio.slug)
    assert isinstance(same_studio, StudioDetail) and same_studio.id == studio.id, same_studio
    studios = studios_list.sync(client=client)
    assert isinstance(studios, StudioList) and studios.count >= 1, studios
    print(f"studio {studio.name}: {len(studio.credits_)} credit(s); {studios.count} studio(s)")

    feed = sync_changes.sync(client=client)
    assert isinstance(feed, SyncFeed), feed
    synced = sorted(
        item.object_.film_title
        for item in feed.items
        if item.type_ == "review" and isinstance(item.object_, Review)
    )
    print(f"sync: {len(feed.items)} item(s), reviews {synced}")

    draft = reviews_preview.sync(client=client, token=token)  # the shape of a published review
    assert draft is not None and not isinstance(draft, ProblemDetail), draft
    print(f"draft with a preview token: {draft.title!r} (id {draft.id})")

    missing = reviews_detail.sync_detailed(client=client, review_id=999_999)
    assert missing.status_code == 404 and isinstance(missing.parsed, ProblemDetail), missing
    problem = missing.parsed
    print(f"review 999999: {missing.status_code.value} {problem.title}: {problem.detail}")

    refused = reviews_preview.sync_detailed(client=client, token=token + "x")
    assert refused.status_code == 403 and isinstance(refused.parsed, ProblemDetail), refused
    print(f"tampered token: {refused.status_code.value} {refused.parsed.detail}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
