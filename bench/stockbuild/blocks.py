"""The review body as stock StreamField blocks: performers are a `ListBlock` of
`SnippetChooserBlock(Person)`, as the snippets documentation teaches."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SynopsisBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=FEATURES)

    class Meta:
        template = "stockbuild/blocks/synopsis.html"


class PerformanceBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    performers = blocks.ListBlock(SnippetChooserBlock("people.Person"), default=[])
    text = blocks.RichTextBlock(features=FEATURES)

    class Meta:
        template = "stockbuild/blocks/performance.html"


class CritiqueBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    text = blocks.RichTextBlock(features=FEATURES)

    class Meta:
        template = "stockbuild/blocks/critique.html"


class FinalStatementBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=FEATURES)

    class Meta:
        template = "stockbuild/blocks/final_statement.html"


class BodyBlock(blocks.StreamBlock):
    synopsis = SynopsisBlock()
    performance = PerformanceBlock()
    critique = CritiqueBlock()
    final_statement = FinalStatementBlock()
