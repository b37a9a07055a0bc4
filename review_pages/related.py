"""What a reader may read next: reviews related to a review, and more from its critic.

**Related** reviews share things with the review, each worth a weight (`SHARED`): a genre 3,
a director 3, a writer 2, a cast member 1 (one of the review's first `CAST_BILLING` billed:
a bit part does not make two films related). A review's score is the sum over everything it
shares; the highest scores come first, the newest published first among equals. A person
counts once per role they share: the director of both films adds 3, the director of one who
wrote the other adds nothing.

**More from the critic**: the newest reviews by the review's critic (`author`).

A review appears once: a related review by the same critic is listed as related, and the
critic's list takes the next of their reviews instead. Only reviews public now, in the same
review index (`ReviewIndexPage.reviews()`, which the caller passes as the siblings that are
public now), are listed, never the review itself.

Cost: ONE query ranks both lists (a UNION ALL of the credits the review shares, grouped by
review with the SUM of their weights, beside the critic's newest reviews), ONE reads the
cards (critic and poster joined) and ONE their posters' renditions: the same for a catalogue
of 10 or 10,000 reviews and for a cast of 2 or 50.

Exact invalidation in the response cache: the answer records the reviews it lists (a change
to one of them, or its unpublication, makes it stale), their critics (shown on the cards)
and the people it was scored by (`NextReads.scored_by`): publishing any review that credits
one of them, in a role or as the critic, makes the answer stale, and only such a
publication can change either list. The review's own page records all its credits anyway.
With genres, it records the genres it was scored by too (`genre:<id>`): a publication makes
them stale when its change names the review's genres, as it names its people.

This module imports no models (they import it): the credit tables are found through the
review's own relations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import F, Prefetch
from wagtail.models import Page

from . import shown

#: How many of each list a review shows.
RELATED_COUNT = 4
MORE_BY_CRITIC_COUNT = 4
#: Only the first billed cast members make two films related.
CAST_BILLING = 10


@dataclass(frozen=True)
class SharedThing:
    """One kind of thing two reviews may share: a credit list of the review (`relation`),
    the field naming what it credits (`target`), and what sharing one is worth."""

    relation: str
    target: str
    weight: int
    limit: int | None = None  # the first so many in billing order count


#: The weights of a shared genre, director, writer and cast member. The genre term applies
#: from when reviews have genres (the `genres` list of `ReviewGenre`s, naming a `genre`):
#: a review model without that relation is scored by its people alone.
SHARED = (
    SharedThing("genres", "genre", 3),
    SharedThing("directors", "person", 3),
    SharedThing("writers", "person", 2),
    SharedThing("cast", "person", 1, limit=CAST_BILLING),
)


@dataclass
class NextReads:
    """The two lists under a review, as cards (reviews with their critic and poster)."""

    related: list = field(default_factory=list)
    more_by_critic: list = field(default_factory=list)
    #: What the related reviews were scored by: person ids, and genre ids (once reviews
    #: have genres).
    scored_by: dict[str, set[int]] = field(default_factory=dict)
    #: The related reviews' scores, by review id (what each shares, weighed).
    scores: dict[int, int] = field(default_factory=dict)

    @property
    def listed(self) -> list:
        return [*self.related, *self.more_by_critic]


def _credit_table(model, thing: SharedThing):
    """(credit model, its page column, its target column), or None when reviews have no
    such list (genres, until they exist)."""
    try:
        relation = model._meta.get_field(thing.relation)
    except FieldDoesNotExist:  # a list this version of the reviews lacks
        return None
    credit_model = relation.related_model
    return (
        credit_model,
        relation.field.column,
        credit_model._meta.get_field(thing.target).column,
    )


def shared_ids(review) -> dict[SharedThing, list[int]]:
    """The ids of what the review credits in each list of `SHARED`, in billing order, read
    from its loaded credits (`load_credits`, or the unsaved ones of a preview)."""
    found = {}
    for thing in SHARED:
        if _credit_table(type(review), thing) is None:
            continue
        ids = []
        for credit in getattr(review, thing.relation).all():
            pk = getattr(credit, f"{thing.target}_id")
            if pk is not None and pk not in ids:
                ids.append(pk)
        found[thing] = ids[: thing.limit] if thing.limit else ids
    return found


def _compiled(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _related_arm(review, shared: dict[SharedThing, list[int]], public, quote) -> tuple[str, list]:
    """The SELECT ranking related reviews: (kind, review id, score), at most RELATED_COUNT
    rows (empty SQL when the review credits nothing that could be shared)."""
    arms, params = [], []
    for thing, ids in shared.items():
        if not ids:
            continue
        credit_model, page_column, target_column = _credit_table(type(review), thing)
        placeholders = ", ".join(["%s"] * len(ids))
        arms.append(
            # Only names from the models' metadata, an int and placeholders go in the SQL.
            f"SELECT {quote(page_column)} AS review_id, {int(thing.weight)} AS weight "  # noqa: S608
            f"FROM {quote(credit_model._meta.db_table)} "
            f"WHERE {quote(target_column)} IN ({placeholders})"
        )
        params += ids
    if not arms:
        return "", []
    candidates = public.exclude(pk=review.pk) if review.pk is not None else public
    public_sql, public_params = _compiled(candidates.order_by().values("pk"))
    page_table = quote(Page._meta.db_table)
    sql = (
        "SELECT 'related' AS kind, ranked.review_id, ranked.score FROM ("  # noqa: S608
        "SELECT shared.review_id AS review_id, SUM(shared.weight) AS score, "
        "MAX(p.first_published_at) AS published "
        f"FROM ({' UNION ALL '.join(arms)}) shared "
        f"JOIN {page_table} p ON p.{quote('id')} = shared.review_id "
        f"WHERE shared.review_id IN ({public_sql}) "
        "GROUP BY shared.review_id "
        "ORDER BY score DESC, published DESC, review_id DESC "
        f"LIMIT {int(RELATED_COUNT)}"
        ") ranked"
    )
    return sql, params + public_params


def _critic_arm(review, public) -> tuple[str, list]:
    """The SELECT of the critic's newest reviews: (kind, review id, 0), enough of them to
    fill the list when some are listed as related already."""
    if not review.author_id:
        return "", []
    newest = public.filter(author_id=review.author_id)
    if review.pk is not None:
        newest = newest.exclude(pk=review.pk)
    newest = newest.newest_first().values(review_id=F("pk"))
    sql, params = _compiled(newest[: MORE_BY_CRITIC_COUNT + RELATED_COUNT])
    return f"SELECT 'critic' AS kind, newest.review_id, 0 FROM ({sql}) newest", params  # noqa: S608


def _ranking_name(review, shared: dict[SharedThing, list[int]]) -> str:
    """The memoised ranking's name: the review, its critic and what it shares (a preview's
    unsaved credits name another ranking than the saved review's)."""
    parts = [str(review.pk), str(review.author_id or "")]
    parts += [f"{thing.relation}={','.join(map(str, ids))}" for thing, ids in shared.items()]
    return "next-reads:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _ranked(review, shared, public) -> list[tuple[str, int, int]]:
    """(kind, review id, score) of both lists, in ONE query."""
    quote = connection.ops.quote_name
    selects = [_related_arm(review, shared, public, quote), _critic_arm(review, public)]
    selects = [(sql, params) for sql, params in selects if sql]
    if not selects:
        return []
    sql = " UNION ALL ".join(sql for sql, _ in selects)
    params = [param for _, select_params in selects for param in select_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(kind, int(pk), int(score or 0)) for kind, pk, score in cursor.fetchall()]


def _cards(model, ids) -> dict[int, Any]:
    """The reviews as cards show them, critic and poster joined, the posters' renditions
    prefetched: two queries (one when none has a poster)."""
    if not ids:
        return {}
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.all()
    return (
        model._default_manager.filter(pk__in=ids)
        .select_related("author", "poster")
        .prefetch_related(Prefetch("poster__renditions", queryset=renditions))
        .in_bulk()
    )


def _newest_first(review) -> tuple:
    published = review.first_published_at
    return (published is not None, published.timestamp() if published else 0, review.pk)


def read(review, public: Callable[[], Any]) -> NextReads:
    """The related reviews and more from the critic of `review`, among `public()`: the
    reviews a reader of this review may see (public now, in its index), asked for only when
    the review credits something to share or has a critic (reading which reviews are public
    reads the view restrictions).

    `review`'s credits must be loaded (`load_credits`) or be a preview's own. The answer
    records what it shows (`shown.record`).
    """
    shared = shared_ids(review)
    if any(shared.values()) or review.author_id:
        # The ranking changes only with the reviews (every publication, unpublication, move
        # and expiry) and with what this one shares (named in the memo): read once per
        # change, as the front page's count is. A shared genre makes it read every review
        # in that genre, a tenth of a catalogue: 15 ms of a review page at 10,000 reviews.
        rows = shown.memoised(
            _ranking_name(review, shared),
            lambda: _ranked(review, shared, public()),
            shown.Shown(lists={shown.REVIEWS}),
        )
    else:
        rows = []
    cards = _cards(type(review), {pk for _, pk, _ in rows})
    scores = {pk: score for kind, pk, score in rows if kind == "related" and pk in cards}
    related = sorted(
        (cards[pk] for pk in scores),
        key=lambda card: (scores[card.pk], *_newest_first(card)),
        reverse=True,
    )
    critic_ids = [pk for kind, pk, _ in rows if kind == "critic" and pk in cards]
    more = sorted(
        (cards[pk] for pk in critic_ids if pk not in scores),
        key=_newest_first,
        reverse=True,
    )[:MORE_BY_CRITIC_COUNT]
    reading = NextReads(
        related=related,
        more_by_critic=more,
        scored_by={thing.target: set() for thing in shared},
        scores=scores,
    )
    for thing, ids in shared.items():
        reading.scored_by[thing.target].update(ids)
    _record(review, reading)
    return reading


def _record(review, reading: NextReads) -> None:
    listed = reading.listed
    shown.record(
        reviews=[card.pk for card in listed],
        people={
            *reading.scored_by.get("person", ()),
            *(card.author_id for card in listed if card.author_id),
            *([review.author_id] if review.author_id else []),
        },
    )
    genres = reading.scored_by.get("genre")
    if genres:  # reviews with genres: the genres it was scored by (`genre:<id>` tags)
        shown.record(genres=genres)
