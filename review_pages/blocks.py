"""The sections of a review body.

Their API form (performers as PersonRefs, rich text as display HTML) is made from the raw
stream data by `review_pages.api.shapes.review_body`, for v2 and v3 alike: a listing then
resolves every performer of every review with one query.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


_known_people: ContextVar[dict | None] = ContextVar("review_pages_known_people", default=None)


@contextmanager
def people_already_read(people: dict) -> Iterator[None]:
    """Inside, performers found among `people` (by id) are taken from it, not read again."""
    token = _known_people.set(people)
    try:
        yield
    finally:
        _known_people.reset(token)


class PerformerChooserBlock(SnippetChooserBlock):
    """Wagtail's `SnippetChooserBlock`, which reads the performers of a body in one query,
    unless the page read them already (`people_already_read`): the review page reads them
    in its credits' one query.

    It stores, validates and edits as Wagtail's block does, and migrations know it as that
    block (`canonical_module_path`): no stored value and no schema changes with it.
    """

    canonical_module_path = "wagtail.snippets.blocks.SnippetChooserBlock"

    def bulk_to_python(self, values):
        known = _known_people.get()
        values = list(values)
        if known is None:
            return super().bulk_to_python(values)
        # Any value not among them (an id stored as text included) is read as Wagtail reads it.
        if any(value is not None and value not in known for value in values):
            return super().bulk_to_python(values)
        # As Wagtail's: a person named twice is two instances.
        seen, found = set(), []
        for pk in values:
            person = known.get(pk) if pk is not None else None
            if person is not None and pk in seen:
                person = copy.copy(person)
            found.append(person)
            seen.add(pk)
        return found


class SynopsisBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, help_text="What the film is about.")

    class Meta:
        icon = "doc-full"
        label = "synopsis"
        template = "review_pages/blocks/synopsis.html"
        help_text = "Exactly one synopsis, as the first section."


class PerformanceBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    performers = blocks.ListBlock(
        # Labelled, so that each row of the list reads "performer" rather than "*".
        PerformerChooserBlock("people.Person", label="performer"),
        default=[],
        help_text="The people this section discusses.",
    )
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "user"
        label = "performance"
        template = "review_pages/blocks/performance.html"


class CritiqueBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "openquote"
        label = "critique"
        template = "review_pages/blocks/critique.html"


class FinalStatementBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, help_text="The verdict, in brief.")

    class Meta:
        icon = "pick"
        label = "final statement"
        template = "review_pages/blocks/final_statement.html"
        help_text = "Exactly one final statement, as the last section."


class ReviewBodyBlock(blocks.StreamBlock):
    synopsis = SynopsisBlock()
    performance = PerformanceBlock()
    critique = CritiqueBlock()
    final_statement = FinalStatementBlock()

    class Meta:
        block_counts = {
            "synopsis": {"max_num": 1},
            "final_statement": {"max_num": 1},
        }
