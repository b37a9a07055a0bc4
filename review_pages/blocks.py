"""The sections of a review body.

Each block's `get_api_representation` gives the API shape of the design
(`performers` as PersonRefs, rich text as display HTML); Wagtail's v2 and v3 APIs both
call it, so one method serves both.
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

    def get_api_representation(self, value, context=None):
        return {"text": rich_text_html(value["text"])}


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

    def get_api_representation(self, value, context=None):
        from .credits import FilmographyLinks, person_ref

        request = (context or {}).get("request")
        links = FilmographyLinks.for_request(request, absolute=True)
        return {
            "heading": value["heading"],
            "performers": [person_ref(person, links) for person in value["performers"] if person],
            "text": rich_text_html(value["text"]),
        }


class CritiqueBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    class Meta:
        icon = "openquote"
        label = "critique"
        template = "blocks/critique.html"

    def get_api_representation(self, value, context=None):
        return {"heading": value["heading"], "text": rich_text_html(value["text"])}


class FinalStatementBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, help_text="The verdict, in brief.")

    class Meta:
        icon = "pick"
        label = "final statement"
        template = "blocks/final_statement.html"
        help_text = "Exactly one final statement, as the last section."

    def get_api_representation(self, value, context=None):
        return {"text": rich_text_html(value["text"])}


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
