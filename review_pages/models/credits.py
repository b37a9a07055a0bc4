"""A review's credits: ordered inline lists of people and studios (Orderable + ParentalKey).

Each list is its own table, so one person may hold several roles on one film (director,
writer and cast member), and each role keeps its billing order.
"""

from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from people.models import Person, Studio

from .genres import Genre, ReviewGenre
from .stills import ReviewStill


class PersonCredit(Orderable):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return str(self.person)


class ReviewDirector(PersonCredit):
    page = ParentalKey(
        "review_pages.ReviewPage", on_delete=models.CASCADE, related_name="directors"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="director_credits")

    class Meta(PersonCredit.Meta):
        verbose_name = "director"


class ReviewWriter(PersonCredit):
    page = ParentalKey("review_pages.ReviewPage", on_delete=models.CASCADE, related_name="writers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="writer_credits")

    class Meta(PersonCredit.Meta):
        verbose_name = "writer"


class ReviewCastMember(PersonCredit):
    page = ParentalKey("review_pages.ReviewPage", on_delete=models.CASCADE, related_name="cast")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cast_credits")
    character = models.CharField(
        max_length=255, blank=True, help_text="The part they play, e.g. Eve Macarro."
    )

    panels = [FieldPanel("person"), FieldPanel("character")]

    class Meta(PersonCredit.Meta):
        verbose_name = "cast member"


class ReviewProductionCompany(Orderable):
    page = ParentalKey(
        "review_pages.ReviewPage", on_delete=models.CASCADE, related_name="production_companies"
    )
    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="production_credits")

    panels = [FieldPanel("studio")]

    class Meta(Orderable.Meta):
        verbose_name = "production company"
        verbose_name_plural = "production companies"

    def __str__(self) -> str:
        return str(self.studio)


#: The credit lists of a review: relation name -> (model, the field naming whom it credits).
PERSON_CREDITS = {
    "directors": (ReviewDirector, "person"),
    "writers": (ReviewWriter, "person"),
    "cast": (ReviewCastMember, "person"),
}
STUDIO_CREDITS = {"production_companies": (ReviewProductionCompany, "studio")}
CREDIT_LISTS = {**PERSON_CREDITS, **STUDIO_CREDITS}
#: Lists a review shows beside its credits, read in the same query (`read_credits`): its
#: genres, with each genre, and its stills (their images apart: `load_still_images`).
GENRE_LIST = "genres"
STILL_LIST = "stills"


@dataclass
class FoundCredits:
    """What `read_credits` read: each page's credit lists (with their people and studios
    attached, in billing order), and the people and studios asked for by id."""

    lists: dict[tuple[int, str], list] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    studios: dict[int, Studio] = field(default_factory=dict)


#: Where a row of `read_credits` comes from, besides the credit lists (named by relation).
_PERSON_BY_ID = "person"
_STUDIO_BY_ID = "studio"


def _entity_columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _entity_width() -> int:
    return max(len(_entity_columns(model)) for model in (Person, Studio, Genre))


def _entity_select(model, alias: str, quote, padding: str = "''") -> str:
    """The person's or studio's columns, padded with '' to the same width for the UNION
    (the padding stands only after the last column they share, all text). A genre's
    (id, name, slug, match_name, description) is padded with NULL: its padding stands where
    a person's photo id does."""
    columns = [f"{alias}.{quote(column)}" for column in _entity_columns(model)]
    return ", ".join(columns + [padding] * (_entity_width() - len(columns)))


def _credit_arm(relation: str, model, target: str, pages: str, quote) -> str:
    entity = Person if target == "person" else Studio
    character = "c." + quote("character") if relation == "cast" else "''"
    return (
        # Only names from the models' own metadata and "%s" placeholders are put in the SQL.
        f"SELECT '{relation}', c.{quote('id')}, c.{quote('sort_order')}, "  # noqa: S608
        f"c.{quote('page_id')}, {character}, {_entity_select(entity, 'e', quote)} "
        f"FROM {quote(model._meta.db_table)} c "
        f"JOIN {quote(entity._meta.db_table)} e ON e.{quote('id')} = c.{quote(target + '_id')} "
        f"WHERE c.{quote('page_id')} IN ({pages})"
    )


def _genre_arm(pages: str, quote) -> str:
    return (
        f"SELECT '{GENRE_LIST}', c.{quote('id')}, c.{quote('sort_order')}, "  # noqa: S608
        f"c.{quote('page_id')}, '', {_entity_select(Genre, 'e', quote, 'NULL')} "
        f"FROM {quote(ReviewGenre._meta.db_table)} c "
        f"JOIN {quote(Genre._meta.db_table)} e ON e.{quote('id')} = c.{quote('genre_id')} "
        f"WHERE c.{quote('page_id')} IN ({pages})"
    )


def _still_arm(pages: str, quote) -> str:
    """A still's own columns: its caption where a cast member's part stands, its image id
    and alt text where an entity's id and name do (the images are read apart)."""
    padding = ", ".join(["NULL"] * (_entity_width() - 2))
    return (
        f"SELECT '{STILL_LIST}', s.{quote('id')}, s.{quote('sort_order')}, "  # noqa: S608
        f"s.{quote('page_id')}, s.{quote('caption')}, s.{quote('image_id')}, "
        f"s.{quote('alt_text')}, {padding} "
        f"FROM {quote(ReviewStill._meta.db_table)} s WHERE s.{quote('page_id')} IN ({pages})"
    )


def _entity_arm(kind: str, model, ids: str, quote) -> str:
    return (
        f"SELECT '{kind}', NULL, NULL, NULL, '', {_entity_select(model, 'e', quote)} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} e WHERE e.{quote('id')} IN ({ids})"
    )


def _row_maker(model, alias: str):
    """A function making a `model` instance from a row of all its concrete fields, in order:
    what `model.from_db` makes, without the per-field `setattr` and the init signals.

    A listing of 20 reviews makes some 500 credits, people and studios; `Model.__init__`
    was about half of `read_credits`. The shortcut is exact only for a model whose
    `__init__` is Django's and whose init signals nobody listens to; any other model (or
    one that gains a listener) is made by `from_db`.
    """
    attnames = [f.attname for f in model._meta.concrete_fields]
    plain = (
        model.__init__ is models.Model.__init__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )
    if not plain:
        return lambda values: model.from_db(alias, attnames, values)

    def make(values):
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding, state.db = False, alias
        instance.__dict__.update(zip(attnames, values, strict=True))
        return instance

    return make


def read_credits(page_ids, *, people=(), studios=()) -> FoundCredits:
    """Every credit list of these pages, with whom each credits, their genres and stills,
    plus the people and studios with the given ids (critics, distributors): ONE query, a
    UNION ALL over the credit tables.

    It stands for four prefetches and two foreign-key reads: on a review page, the ORM's
    compiling of those six queries cost more than the database answering them. The credit
    arms come first, so their typed columns fix the column types of the NULLs after them.
    """
    quote = connection.ops.quote_name
    page_ids, people, studios = list(page_ids), list(people), list(studios)
    arms, params = [], []
    for relation, (model, target) in CREDIT_LISTS.items() if page_ids else ():
        arms.append(_credit_arm(relation, model, target, ", ".join(["%s"] * len(page_ids)), quote))
        params += page_ids
    if page_ids:
        placeholders = ", ".join(["%s"] * len(page_ids))
        arms += [_genre_arm(placeholders, quote), _still_arm(placeholders, quote)]
        params += page_ids * 2
    for kind, model, ids in ((_PERSON_BY_ID, Person, people), (_STUDIO_BY_ID, Studio, studios)):
        if ids:
            arms.append(_entity_arm(kind, model, ", ".join(["%s"] * len(ids)), quote))
            params += ids
    found = FoundCredits()
    if not arms:
        return found
    sql = " UNION ALL ".join(arms) + " ORDER BY 1, 4, 3, 2"
    alias = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    make_person, make_studio = _row_maker(Person, alias), _row_maker(Studio, alias)
    make_genre, make_still = _row_maker(Genre, alias), _row_maker(ReviewStill, alias)
    make_review_genre = _row_maker(ReviewGenre, alias)
    person_width, studio_width = len(_entity_columns(Person)), len(_entity_columns(Studio))
    genre_width = len(_entity_columns(Genre))
    still_fields = [f.attname for f in ReviewStill._meta.concrete_fields]
    review_genre_fields = [f.attname for f in ReviewGenre._meta.concrete_fields]
    credit_fields = {
        relation: [f.attname for f in model._meta.concrete_fields]
        for relation, (model, _target) in CREDIT_LISTS.items()
    }
    credit_makers = {
        relation: _row_maker(model, alias) for relation, (model, _target) in CREDIT_LISTS.items()
    }
    for kind, credit_id, sort_order, page_id, character, *entity in rows:
        if kind == STILL_LIST:
            known = {
                "id": credit_id,
                "sort_order": sort_order,
                "page_id": page_id,
                "image_id": entity[0],
                "caption": character or "",
                "alt_text": entity[1] or "",
            }
            still = make_still([known[f] for f in still_fields])
            found.lists.setdefault((page_id, kind), []).append(still)
            continue
        if kind == GENRE_LIST:
            genre = make_genre(entity[:genre_width])
            known = {"id": credit_id, "sort_order": sort_order, "page_id": page_id}
            known["genre_id"] = genre.pk
            review_genre = make_review_genre([known[f] for f in review_genre_fields])
            ReviewGenre._meta.get_field("genre").set_cached_value(review_genre, genre)
            found.lists.setdefault((page_id, kind), []).append(review_genre)
            continue
        if kind in PERSON_CREDITS or kind == _PERSON_BY_ID:
            credited = make_person(entity[:person_width])
        else:
            credited = make_studio(entity[:studio_width])
        if kind == _PERSON_BY_ID:
            found.people[credited.pk] = credited
        elif kind == _STUDIO_BY_ID:
            found.studios[credited.pk] = credited
        else:
            model, target = CREDIT_LISTS[kind]
            known = {
                "id": credit_id,
                "sort_order": sort_order,
                "page_id": page_id,
                f"{target}_id": credited.pk,
                "character": character,
            }
            credit = credit_makers[kind]([known[f] for f in credit_fields[kind]])
            model._meta.get_field(target).set_cached_value(credit, credited)
            found.lists.setdefault((page_id, kind), []).append(credit)
    return found


def credited_entity_ids(page_id: int) -> tuple[set[int], set[int]]:
    """(person ids, studio ids) in the credit tables of one page: ONE query, raw like
    `read_credits` (it runs on every publication, where compiling four ORM queries cost
    more than the database answering them)."""
    quote = connection.ops.quote_name
    arms = [
        # Only names from the models' own metadata and "%s" placeholders are put in the SQL.
        f"SELECT '{target}', {quote(target + '_id')} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} WHERE {quote('page_id')} = %s"
        for model, target in CREDIT_LISTS.values()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), [page_id] * len(arms))
        rows = cursor.fetchall()
    people = {pk for kind, pk in rows if kind == "person"}
    studios = {pk for kind, pk in rows if kind != "person"}
    return people, studios
