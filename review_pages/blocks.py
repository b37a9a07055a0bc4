"""The sections of a review body.

Their API form (performers as PersonRefs, rich text as display HTML) is made from the raw
stream data by `credits.review_body`, for v2 and v3 alike: a listing then resolves every
performer of every review with one query.
"""

from html import unescape

from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.rich_text import expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def rich_text_html(value) -> str:
    """Display HTML of a RichTextBlock value (page links resolved, no internal markup)."""
    return expand_db_html(value.source if hasattr(value, "source") else str(value or ""))


class SynopsisBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, help_text="What the film is about.")

    class Meta:
        icon = "doc-full"
        label = "synopsis"
        template = "blocks/synopsis.html"
        help_text = "Exactly one synopsis, as the first section."


class PerformanceBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    performers = blocks.ListBlock(
        SnippetChooserBlock("people.Person"),
        default=[],
        help_text="The people this section discusses.",
    )
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "user"
        label = "performance"
        template = "blocks/performance.html"


class CritiqueBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "openquote"
        label = "critique"
        template = "blocks/critique.html"


class FinalStatementBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, help_text="The verdict, in brief.")

    class Meta:
        icon = "pick"
        label = "final statement"
        template = "blocks/final_statement.html"
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


def plain_text(html: str) -> str:
    """Rich text as one line of plain text (tags dropped, entities decoded, spaces folded)."""
    return " ".join(unescape(strip_tags(html or "")).split())
