"""The sections of a review body.

Their API form (performers as PersonRefs, rich text as display HTML) is made from the raw
stream data by `review_pages.api.shapes.review_body`, for v2 and v3 alike: a listing then
resolves every performer of every review with one query.
"""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


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
        SnippetChooserBlock("people.Person", label="performer"),
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
