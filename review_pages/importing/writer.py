"""Writes parsed plain-text reviews into Wagtail: the Django side of `import_reviews`.

`parser.parse_review` turns a file into a `ParsedReview`; `ReviewImporter` turns that
into a `ReviewPage` with its credits, its sections and one revision, and reports an
`ImportOutcome` (imported, updated, unchanged or refused). The management command is a
thin shell around it.

Decisions worth knowing:

- A review is identified by its parent index, film title (normalised) and release date. A
  changed file for the same film becomes a new revision of the same page.
- `ReviewPage.import_fingerprint` holds a sha256 of the parsed review. When the latest
  revision carries the same fingerprint, the file is `unchanged` and nothing is written.
  The field is not editable, so an editor's later revisions keep it: re-importing an
  unchanged file never overwrites an editor's work, a changed file does (a new revision,
  the old ones stay in the history).
- `--publish` publishes. An unchanged file whose page still has unpublished changes (it
  was imported as a draft, or edited since) gets its latest revision published and is
  reported `updated (published)`. Without `--publish`, a changed file for a live page is
  saved as a draft revision and the live version stays as it was.
- Each file is one transaction: a refused file writes nothing at all.
- Speed: Wagtail updates the search index and the reference index on every save of a page
  (three times when creating and publishing one). The importer defers both while it
  writes a file and updates them once per page at the end, creates new pages with a
  single insert (credits included), and creates new people and studios in bulk, looked
  up by `match_name` once per file and cached for the run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, Site
from wagtail.search.backends import get_search_backends, get_search_backends_with_name
from wagtail.signals import page_published, published

from people.models import Person, Studio, slug_key, slugs_starting_with
from people.naming import FreeSlugs, normalise_name

from ..conf import reviews_settings
from ..models import (
    Genre,
    ReviewCastMember,
    ReviewDirector,
    ReviewGenre,
    ReviewIndexPage,
    ReviewPage,
    ReviewProductionCompany,
    ReviewWriter,
)
from ..rules import (
    FINAL_STATEMENT,
    SYNOPSIS,
    BodyCaps,
    body_cost_problems,
    body_publication_problems,
)
from ..sync.listeners import deferred_reconciles, reconcile_published
from .files import ImportRefused, read_review_bytes, review_text
from .indexing import deferred_indexing
from .parser import ParsedReview, ReviewFormatError, paragraphs_to_html, parse_review

IMPORTED = "imported"
UPDATED = "updated"
UNCHANGED = "unchanged"
REFUSED = "refused"
STATUSES = (IMPORTED, UPDATED, UNCHANGED, REFUSED)

# Bump when the way a parsed review is written changes, so old imports count as changed.
FINGERPRINT_VERSION = 2  # 2: the critic, the score and the IMDb id

logger = logging.getLogger(__name__)

#: How many written pages `import_reviews` indexes in one bulk update (bounded, so the
#: memory an import takes does not grow with the number of files).
INDEX_BATCH = 200

#: A new page's fields that `ReviewImporter._add_child` does not validate again: the tree's
#: and Wagtail's own bookkeeping, and the foreign keys the importer resolved itself.
TREE_AND_IMPORTER_FIELDS = [
    "path",
    "depth",
    "numchild",
    "translation_key",
    "locale",
    "content_type",
    "page_ptr",
    "owner",
    "author",
    "distributor",
    "live_revision",
    "latest_revision",
]


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


def _max_value(model, field_name: str) -> int:
    return min(
        validator.limit_value
        for validator in model._meta.get_field(field_name).validators
        if isinstance(validator, MaxValueValidator)
    )


@dataclass(frozen=True)
class ImportOutcome:
    source: str
    status: str  # one of STATUSES
    message: str = ""  # the reason when refused, a note otherwise
    page_id: int | None = None
    film_title: str = ""  # the film the file reviews, once parsed

    def __str__(self) -> str:
        if self.status == REFUSED:
            return f"{self.source}: {REFUSED}: {self.message}"
        note = f" ({self.message})" if self.message else ""
        return f"{self.source}: {self.status}{note}"


# ------------------------------------------------------------------------------------------
# What a parsed review becomes
# ------------------------------------------------------------------------------------------


def review_fingerprint(review: ParsedReview) -> str:
    """sha256 of everything the importer writes from a parsed review."""
    written = dataclasses.asdict(review)
    # Lines added since version 2 count only when present: a file without them keeps the
    # fingerprint it had (and is still `unchanged`).
    for optional in ("genres", "trailer_url"):
        if not written[optional]:
            del written[optional]
    data = {"version": FINGERPRINT_VERSION, "review": written}
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def section_types(review: ParsedReview) -> list[str]:
    types = [SYNOPSIS] if review.synopsis else []
    types += [section.kind for section in review.sections]
    if review.final_statement:
        types.append(FINAL_STATEMENT)
    return types


#: The most credits of each kind one review may have (docs/importing.md).
MAX_CREDITS = {
    "cast members": 500,
    "directors": 50,
    "writers": 50,
    "production companies": 50,
    "genres": 20,
}


def review_problems(review: ParsedReview, *, publish: bool) -> list[str]:
    """Why this review cannot be written (or published, with `publish`)."""
    problems = []
    limits = {
        "headline": (review.headline, _max_length(ReviewPage, "title")),
        "film title": (review.film_title, _max_length(ReviewPage, "film_title")),
        "rating reason": (review.mpa_rating_reason, _max_length(ReviewPage, "mpa_rating_reason")),
    }
    for label, (value, limit) in limits.items():
        if len(value) > limit:
            problems.append(f"the {label} is {len(value)} characters long (at most {limit})")
    max_runtime = _max_value(ReviewPage, "runtime_minutes")
    if review.runtime_minutes is not None and review.runtime_minutes > max_runtime:
        problems.append(
            f"a runtime of {review.runtime_minutes} minutes is not plausible "
            f"(at most {max_runtime})"
        )
    # A review credits tens of people, not thousands: past these the file is refused before
    # anything is matched or written (100,000 cast names took minutes, then failed).
    counts = {
        "cast members": len(review.cast),
        "directors": len(review.directors),
        "writers": len(review.writers),
        "production companies": len(review.production_companies),
        "genres": len(review.genres),
    }
    for label, count in counts.items():
        if count > MAX_CREDITS[label]:
            problems.append(f"{count:,} {label} is too many (at most {MAX_CREDITS[label]:,})")
    # Names, characters and section headings share the snippets' and credits' limit.
    name_limit = min(
        _max_length(Person, "name"),
        _max_length(Studio, "name"),
        _max_length(ReviewCastMember, "character"),
    )
    names = person_names(review)
    names += [*review.production_companies, review.distributor or "", *review.genres]
    names += [c.character for c in review.cast] + [s.heading for s in review.sections]
    if any(len(name) > name_limit for name in names):
        problems.append(f"a name or heading is longer than {name_limit} characters")
    # The body's sections, paragraphs and size, before anything is matched or written: the
    # size with stand-in ids for the performers, a few bytes under the page's own, which
    # `apply_review` measures again.
    problems += body_cost_problems(body_data(review, StandInIds()), body_caps())
    if publish:
        problems += [
            f"cannot publish: {problem}"
            for problem in body_publication_problems(section_types(review))
        ]
    return problems


def body_caps() -> BodyCaps:
    """What a review body may cost, from the settings (`rules.BodyCaps`)."""
    return BodyCaps.from_settings(reviews_settings)


class StandInIds(dict):
    """Ids for names not yet looked up: 1, 2, 3... in order of asking (a body's size
    before its people are matched)."""

    def __missing__(self, key: str) -> int:
        self[key] = len(self) + 1
        return self[key]


def person_names(review: ParsedReview) -> list[str]:
    names = [*review.directors, *review.writers, *(credit.name for credit in review.cast)]
    return names + ([review.critic] if review.critic else [])


def studio_names(review: ParsedReview) -> list[str]:
    return [*review.production_companies, *([review.distributor] if review.distributor else [])]


def _unique_ids(names: Iterable[str], ids: dict[str, int]) -> list[int]:
    """Ids of the names in order, each once (two spellings of one name are one credit)."""
    result: list[int] = []
    for name in names:
        pk = ids[_key(name)]
        if pk not in result:
            result.append(pk)
    return result


def _key(name: str) -> str:
    return normalise_name(name)


def body_data(review: ParsedReview, people: dict[str, int]) -> list[dict]:
    """The StreamField's raw data, in the shape the page editor saves."""

    def block(block_type: str, value: dict) -> dict:
        return {"type": block_type, "value": value, "id": str(uuid.uuid4())}

    body = []
    if review.synopsis:
        body.append(block(SYNOPSIS, {"text": paragraphs_to_html(review.synopsis)}))
    for section in review.sections:
        text = paragraphs_to_html(section.paragraphs)
        if section.kind == "performance":
            performers = [
                {"type": "item", "value": pk, "id": str(uuid.uuid4())}
                for pk in _unique_ids(section.performers, people)
            ]
            value = {"heading": section.heading, "performers": performers, "text": text}
            body.append(block("performance", value))
        else:
            body.append(block("critique", {"heading": section.heading, "text": text}))
    if review.final_statement:
        body.append(block(FINAL_STATEMENT, {"text": paragraphs_to_html(review.final_statement)}))
    return body


def apply_review(
    page: ReviewPage,
    review: ParsedReview,
    people: dict[str, int],
    studios: dict[str, int],
    fingerprint: str,
) -> None:
    """Set every field the file decides on `page` (in memory); its credits are `credit_rows`."""
    page.title = review.headline
    page.draft_title = review.headline
    page.film_title = review.film_title
    page.intro = paragraphs_to_html(review.intro)
    page.mpa_rating = review.mpa_rating
    page.mpa_rating_reason = review.mpa_rating_reason
    page.runtime_minutes = review.runtime_minutes
    page.release_date = review.release_date
    page.distributor_id = studios[_key(review.distributor)] if review.distributor else None
    # Optional lines: a file without them leaves what an editor set.
    if review.critic:
        page.author_id = people[_key(review.critic)]
    if review.score is not None:
        page.score = review.score
    if review.imdb_id:
        page.imdb_id = review.imdb_id
    if review.trailer_url:
        page.trailer_url = review.trailer_url
    page.import_fingerprint = fingerprint
    body = body_data(review, people)
    problems = body_cost_problems(body, body_caps())
    if problems:  # over by the people's real ids: the file's transaction writes nothing
        raise ImportRefused(" ".join(problems))
    page.body = body


def credit_rows(review: ParsedReview, people: dict[str, int], studios: dict[str, int]) -> dict:
    """The review's credit rows (unsaved), by the page's relation name, in billing order."""
    company_ids: list[int] = []
    for name in review.production_companies:
        if studios[_key(name)] not in company_ids:
            company_ids.append(studios[_key(name)])
    return {
        "directors": [
            ReviewDirector(person_id=pk, sort_order=order)
            for order, pk in enumerate(_unique_ids(review.directors, people))
        ],
        "writers": [
            ReviewWriter(person_id=pk, sort_order=order)
            for order, pk in enumerate(_unique_ids(review.writers, people))
        ],
        "cast": [
            ReviewCastMember(
                person_id=people[_key(credit.name)], character=credit.character, sort_order=order
            )
            for order, credit in enumerate(review.cast)
        ],
        "production_companies": [
            ReviewProductionCompany(studio_id=pk, sort_order=order)
            for order, pk in enumerate(company_ids)
        ],
    }


def genre_rows(review: ParsedReview, genres: dict[str, int]) -> dict:
    """The review's genre rows (unsaved), in the file's order; none when the file has no
    `Genres:` line (the page keeps the genres an editor gave it)."""
    if not review.genres:
        return {}
    ids = _unique_ids(review.genres, genres)
    return {"genres": [ReviewGenre(genre_id=pk, sort_order=order) for order, pk in enumerate(ids)]}


# ------------------------------------------------------------------------------------------
# Indexing once per page
# ------------------------------------------------------------------------------------------


def index_snippets(model, objects: list) -> None:
    """New people or studios into the search index, in one bulk update."""
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, objects)


def index_reviews(page_ids: Iterable[int]) -> None:
    """What Wagtail's signal handlers would have done, once per page: search and reference
    index, for a batch of pages.

    The pages are read together with their credits prefetched and written to the search
    index in one bulk update, so a batch of pages costs a fixed number of queries for the
    search index instead of a handful per page (and per credit).
    """
    pages = list(ReviewPage.objects.filter(pk__in=list(page_ids)).with_credits().order_by("pk"))
    if not pages:
        return
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            with transaction.atomic():
                backend.add_bulk(ReviewPage, pages)
        except Exception:
            # As modelsearch's own per-save update: logged, raised unless the backend is an
            # external service whose outage must not lose the data just written.
            logger.exception("Exception raised while indexing reviews in %r", name)
            if not backend.catch_indexing_errors:
                raise
    with transaction.atomic():
        for page in pages:
            ReferenceIndex.create_or_update_for_object(page)


def refresh_query_statistics() -> None:
    """Let the database re-plan its queries after a bulk load (`ANALYZE`).

    Without statistics, SQLite's planner reads the search index by content type first and
    runs the full-text match once per indexed object of that type: a name search took about
    1 s with 20,000 people indexed, and 10 ms after `ANALYZE`. PostgreSQL's autovacuum
    analyses eventually; doing it at once costs well under a second. MySQL analyses named
    tables (the plugin's and the search index's), and commits as it does: there it waits
    for a moment outside any transaction (InnoDB keeps its statistics up to date anyway).
    """
    if connection.vendor == "mysql" and connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            labels = {"people", "review_pages", "wagtailsearch", "modelsearch"}
            tables = [
                model._meta.db_table
                for config in apps.get_app_configs()
                if config.label in labels
                for model in config.get_models()
                if model._meta.managed and not model._meta.proxy
            ]
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"ANALYZE TABLE {quoted}")  # noqa: S608 - the models' own tables
            cursor.fetchall()
        else:
            cursor.execute("ANALYZE")


# ------------------------------------------------------------------------------------------
# The importer
# ------------------------------------------------------------------------------------------


def default_review_index() -> ReviewIndexPage | None:
    """The default site's root when it is a review index, else the first review index."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        root = ReviewIndexPage.objects.filter(pk=site.root_page_id).first()
        if root is not None:
            return root
    return ReviewIndexPage.objects.order_by("path").first()


class ReviewImporter:
    """Imports reviews under one review index; keeps a cache of people and studios.

    `publish=False` saves drafts; `dry_run=True` reports what would happen and writes
    nothing. `user` (optional) is recorded as the owner and in the revisions and history.

    `index_batch` > 1 defers the search and reference index updates of the pages written
    (one bulk update per that many pages, instead of one per page inside each file's
    transaction): the caller then calls `flush_indexing()` once it is done (the
    `import_reviews` command and `with importer:` do).
    """

    def __init__(
        self,
        parent: ReviewIndexPage,
        *,
        publish: bool = False,
        dry_run: bool = False,
        user=None,
        index_batch: int = 1,
    ):
        self.parent_id = parent.pk
        self.index_batch = max(1, index_batch)
        self._pending_index: list[int] = []  # written, committed, not yet indexed
        self._pending_sync: set[int] = set()  # published, not yet in the sync log
        self._pending_snippets: list = []  # people and studios created, likewise
        self._file_snippets: list = []  # people and studios created by the current file
        self.publish = publish
        self.dry_run = dry_run
        self.user = user
        # match_name -> pk, for names whose snippet exists in committed data
        self._people: dict[str, int] = {}
        self._studios: dict[str, int] = {}

    # -- entry points ----------------------------------------------------------------------

    def __enter__(self) -> ReviewImporter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.flush_indexing()

    def flush_indexing(self) -> None:
        """Index the pages, people and studios written since the last flush (a no-op with
        `index_batch=1`)."""
        for model in (Person, Studio, Genre):
            objects = [obj for obj in self._pending_snippets if type(obj) is model]
            if objects:
                index_snippets(model, objects)
        self._pending_snippets = []
        reconcile_published(self._pending_sync)
        while self._pending_index:
            batch = self._pending_index[: self.index_batch]
            index_reviews(batch)
            del self._pending_index[: len(batch)]

    def _deferred_sync(self):
        """With `index_batch` > 1, the sync log's reconciles wait for `flush_indexing`
        too (one for the batch, where each publication took one as long as the rest of
        its import)."""
        if self.index_batch > 1:
            return deferred_reconciles(self._pending_sync)
        return nullcontext()

    def import_path(self, path: str | Path) -> ImportOutcome:
        path = Path(path)
        try:
            data = read_review_bytes(path)
        except ImportRefused as error:
            return ImportOutcome(str(path), REFUSED, str(error))
        return self.import_bytes(data, source=str(path))

    def import_bytes(self, data: bytes, *, source: str) -> ImportOutcome:
        """A file's bytes (read from disk, or uploaded in the admin): the same refusals
        (empty, binary, encoding, format) and the same writing either way."""
        try:
            text = review_text(data)
            review = parse_review(text, body_caps())
        except (ImportRefused, ReviewFormatError) as error:
            return ImportOutcome(source, REFUSED, str(error))
        outcome = self.import_review(review, source=source)
        encoding = getattr(text, "encoding", "utf-8")
        if outcome.status != REFUSED and encoding != "utf-8":
            note = "; ".join(filter(None, [f"decoded as {encoding}", outcome.message]))
            outcome = dataclasses.replace(outcome, message=note)
        return outcome

    def import_text(self, text: str, *, source: str = "<text>") -> ImportOutcome:
        try:
            review = parse_review(text, body_caps())
        except ReviewFormatError as error:
            return ImportOutcome(source, REFUSED, str(error))
        return self.import_review(review, source=source)

    def import_review(self, review: ParsedReview, *, source: str = "<review>") -> ImportOutcome:
        film = review.film_title
        problems = review_problems(review, publish=self.publish)
        if problems:
            return ImportOutcome(source, REFUSED, "; ".join(problems), film_title=film)
        new_people: dict[str, int] = {}
        new_studios: dict[str, int] = {}
        to_index: list[int] = []
        self._file_snippets = []
        try:
            with self._deferred_sync(), deferred_indexing(ReviewPage), transaction.atomic():
                status, note, page_id = self._write(review, new_people, new_studios, to_index)
                if self.index_batch == 1:
                    index_reviews(to_index)  # in the file's transaction, as a page's save
        except ImportRefused as error:
            return ImportOutcome(source, REFUSED, str(error), film_title=film)
        except ValidationError as error:
            return ImportOutcome(source, REFUSED, "; ".join(error.messages), film_title=film)
        except DatabaseError as error:
            refusal = f"the database refused it ({error})"
            return ImportOutcome(source, REFUSED, refusal, film_title=film)
        # Committed: what this file created may now be reused by the next ones.
        self._people.update(new_people)
        self._studios.update(new_studios)
        if self.index_batch > 1:
            self._pending_snippets += self._file_snippets
            self._pending_index += to_index
            if len(self._pending_index) >= self.index_batch:
                self.flush_indexing()
        return ImportOutcome(source, status, note, page_id, film)

    # -- one file, inside its transaction --------------------------------------------------

    def _write(self, review, new_people, new_studios, to_index) -> tuple[str, str, int | None]:
        parent = ReviewIndexPage.objects.filter(pk=self.parent_id).first()
        if parent is None:
            raise ImportRefused(f"the review index page {self.parent_id} no longer exists")
        fingerprint = review_fingerprint(review)
        existing = self._find_existing(parent, review)

        if existing is not None and self._latest_fingerprint(existing) == fingerprint:
            if self.publish and (not existing.live or existing.has_unpublished_changes):
                if not self.dry_run:
                    self._publish_latest(existing)
                    to_index.append(existing.pk)
                return UPDATED, "published", existing.pk
            return UNCHANGED, "", existing.pk
        if self.dry_run:
            return (UPDATED if existing else IMPORTED), "", existing.pk if existing else None

        people = self._resolve(Person, self._people, person_names(review), new_people)
        studios = self._resolve(Studio, self._studios, studio_names(review), new_studios)
        # Genres are few: looked up for each file that names any, not kept across files.
        genres = self._resolve(Genre, {}, review.genres, {}) if review.genres else {}
        if existing is None:
            page = self._create(parent, review, people, studios, fingerprint, genres)
            to_index.append(page.pk)
            return IMPORTED, "", page.pk
        note = self._update(existing, review, people, studios, fingerprint, genres)
        if self.publish:
            to_index.append(existing.pk)
        return UPDATED, note, existing.pk

    def _find_existing(self, parent, review) -> ReviewPage | None:
        candidates = ReviewPage.objects.child_of(parent).only(
            "id", "film_title", "live", "has_unpublished_changes", "latest_revision_id"
        )
        if review.release_date is None:
            candidates = candidates.filter(release_date__isnull=True)
        else:
            candidates = candidates.filter(release_date=review.release_date)
        key = _key(review.film_title)
        matches = [page for page in candidates.order_by("path") if _key(page.film_title) == key]
        return matches[0] if matches else None

    @staticmethod
    def _latest_fingerprint(page: ReviewPage) -> str:
        if page.latest_revision_id is None:
            return (
                ReviewPage.objects.filter(pk=page.pk)
                .values_list("import_fingerprint", flat=True)
                .first()
                or ""
            )
        content = (
            Revision.objects.filter(pk=page.latest_revision_id)
            .values_list("content", flat=True)
            .first()
        )
        return (content or {}).get("import_fingerprint") or ""

    def _resolve(self, model, cache, names, new) -> dict[str, int]:
        """match_name -> pk for every name, creating the missing snippets in bulk."""
        spellings: dict[str, str] = {}
        for name in names:
            spellings.setdefault(_key(name), " ".join(name.split()))
        ids = {key: cache[key] for key in spellings if key in cache}
        missing = [key for key in spellings if key not in ids]
        if missing:
            rows = model.objects.filter(match_name__in=missing).order_by("pk")
            for pk, match_name in rows.values_list("pk", "match_name"):
                ids.setdefault(match_name, pk)
                new[match_name] = ids[match_name]
        to_create = [key for key in missing if key not in ids]
        if to_create:
            objects = self._new_snippets(model, [spellings[key] for key in to_create])
            model.objects.bulk_create(objects)
            for obj in objects:
                ids[obj.match_name] = new[obj.match_name] = obj.pk
            if self.index_batch == 1:
                index_snippets(model, objects)
            else:
                self._file_snippets += objects  # indexed with the batch, once committed
        return ids

    @staticmethod
    def _new_snippets(model, names: list[str]) -> list:
        """Unsaved snippets with unique slugs, the slugs in use read in one query."""
        bases = [model.slug_base(name) for name in names]
        used = set(
            model.objects.filter(
                reduce(or_, (slugs_starting_with(base) for base in set(bases)))
            ).values_list("slug", flat=True)
        )
        free = FreeSlugs(used, key=slug_key())
        return [
            model(name=name, slug=free.take(base), match_name=_key(name))
            for name, base in zip(names, bases, strict=True)
        ]

    def _unique_slug(self, parent, review) -> str:
        """The film's slug; taken, with its release year; then numbered."""
        base = slugify(review.film_title, allow_unicode=True)[:200] or "review"
        taken = set(
            Page.objects.child_of(parent)
            .filter(slugs_starting_with(base))
            .values_list("slug", flat=True)
        )
        free = FreeSlugs(taken, key=slug_key())
        if review.release_date and free.key(base) in {free.key(slug) for slug in taken}:
            base = f"{base}-{review.release_date.year}"
        return free.take(base)

    @staticmethod
    def _add_child(parent, page: ReviewPage) -> None:
        """`parent.add_child(instance=page)`, without re-validating what the importer set.

        Treebeard's way (the parent row locked, the path after its last child, `numchild`
        incremented), then the page validated like `Page.save` would, except for the fields
        the tree and the importer made themselves: the path, the locale, the content type,
        the translation key and the people and studios it has just looked up or created.
        Those cost a query each to re-check (their foreign keys and uniqueness), a fifth of
        the importer's queries.
        """
        locked = Page.objects.select_for_update().only("path", "depth", "numchild")
        locked = locked.get(pk=parent.pk)
        page.depth = locked.depth + 1
        last_path = (
            Page.objects.filter(path__startswith=locked.path, depth=page.depth)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        if last_path is None:
            page.path = Page._get_path(locked.path, page.depth, 1)
        else:
            page.path = Page(path=last_path)._inc_path()
        Page.objects.filter(pk=locked.pk).update(numchild=F("numchild") + 1)
        parent.numchild = locked.numchild + 1
        page._cached_parent_obj = parent
        page.full_clean(exclude=TREE_AND_IMPORTER_FIELDS)
        page.save(clean=False, log_action=None)  # logged with the publication (`_log_new`)

    def _first_revision(self, page: ReviewPage) -> Revision:
        """What `page.save_revision()` does for a page made a moment ago, in one update.

        The revision holds the same content (`serializable_data`, credits included); the
        page's revision columns (and `live_revision` with `--publish`) are then written in
        one update instead of a second pass through `Page.save` (which re-checks the site
        roots and reads the page's comments: a new page has none) plus a third update.
        """
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            user=self.user,
            content=page.serializable_data(),
            object_str=str(page),
        )
        page.latest_revision = revision
        page.latest_revision_created_at = revision.created_at
        page.draft_title = page.title
        columns = {
            "latest_revision": revision,
            "latest_revision_created_at": revision.created_at,
            "draft_title": page.draft_title,
        }
        if self.publish:
            page.live_revision = columns["live_revision"] = revision
        Page.objects.filter(pk=page.pk).update(**columns)
        return revision

    def _log_new(self, page: ReviewPage, revision: Revision) -> None:
        """The history Wagtail writes for a page made and published: "wagtail.create" (as
        `Page.save` logs a new page) and, with --publish, "wagtail.publish" with the
        revision (as `PublishPageRevisionAction` does), in one insert.

        `log()` saves each entry on its own after a `full_clean` that reads the page, the
        revision, the user and the content type back (a tenth of the importer's time); the
        entries here are made from those very objects, with Wagtail's registered actions.
        """
        context = get_active_log_context()
        common = {
            "page": page,
            "content_type": ContentType.objects.get_for_model(page, for_concrete_model=False),
            "label": str(page) or f"{type(page).__name__} object ({page.pk})",
            "user": self.user or context.user,
            "uuid": context.uuid,
            "content_changed": True,
            "data": {},
        }
        entries = [PageLogEntry(action="wagtail.create", timestamp=timezone.now(), **common)]
        if self.publish:  # after the creation, as in the page's history
            entries.append(
                PageLogEntry(
                    action="wagtail.publish",
                    timestamp=timezone.now(),
                    revision=revision,
                    **common,
                )
            )
        PageLogEntry.objects.bulk_create(entries)

    def _create(self, parent, review, people, studios, fingerprint, genres) -> ReviewPage:
        """One insert of the page and its credits, one revision, indexed once."""
        page = ReviewPage(
            slug=self._unique_slug(parent, review),
            locale_id=parent.locale_id,
            owner=self.user,
            live=False,
            has_unpublished_changes=True,
        )
        apply_review(page, review, people, studios, fingerprint)
        if self.publish:
            now = timezone.now()
            page.live = True
            page.has_unpublished_changes = False
            page.first_published_at = page.last_published_at = now
        self._add_child(parent, page)
        # One insert per credit table (a page's own save inserts its credits one by one),
        # then kept on the page in memory, which is what its first revision is made from.
        rows_by_relation = {**credit_rows(review, people, studios), **genre_rows(review, genres)}
        for relation, rows in rows_by_relation.items():
            for row in rows:
                row.page = page
            page._meta.get_field(relation).related_model.objects.bulk_create(rows)
            setattr(page, relation, rows)
        revision = self._first_revision(page)
        self._log_new(page, revision)
        if self.publish:
            # What PublishPageRevisionAction sends, so caches and listeners hear of it.
            page_published.send(sender=ReviewPage, instance=page, revision=revision)
            published.send(sender=ReviewPage, instance=page, revision=revision)
        return page

    def _update(self, existing, review, people, studios, fingerprint, genres) -> str:
        """A new revision of the same page, built on its latest revision (so an editor's
        poster, author or promote settings stay), published with --publish."""
        page = ReviewPage.objects.get(pk=existing.pk)
        page = page.get_latest_revision_as_object()
        apply_review(page, review, people, studios, fingerprint)
        rows_by_relation = {**credit_rows(review, people, studios), **genre_rows(review, genres)}
        for relation, rows in rows_by_relation.items():
            setattr(page, relation, rows)  # in memory: the new revision is made from them
        page.full_clean()
        revision = page.save_revision(user=self.user, log_action=True, clean=False)
        if self.publish:
            revision.publish(user=self.user)
            return ""
        if existing.live:
            return "saved as a draft; the live version is unchanged"
        return ""

    def _publish_latest(self, existing) -> None:
        page = ReviewPage.objects.get(pk=existing.pk)
        page.get_latest_revision().publish(user=self.user)
