"""DRF serializer fields of API v2: the review's fields and the people and studios entries.

Each review field reads its value from `shapes.REVIEW_FIELDS`, the one definition of the
review object; the v2 pages endpoint puts them in place of Wagtail's defaults for reviews
(`ReviewPagesAPIViewSet.get_field_serializer_overrides`).
"""

from __future__ import annotations

from rest_framework import serializers

from .. import shown
from ..filmography import listed_review_ids, person_filmography, studio_filmography
from ..links import IndexLinks
from ..models import ReviewPage
from ..text import rich_text_html
from . import shapes

#: The serializer context key under which a view passes its `shapes.ShapeContext`.
SHAPE_CONTEXT = "review_shape_context"


class _WholeObjectField(serializers.Field):
    """A read-only field computed from the whole object (`source="*"`)."""

    def __init__(self, *args, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(*args, **kwargs)

    @property
    def request(self):
        return self.context.get("request")

    def shape_context(self) -> shapes.ShapeContext:
        context = self.context.get(SHAPE_CONTEXT)
        return context if context is not None else shapes.ShapeContext(self.request)


class ReviewField(_WholeObjectField):
    """One field of the review object, e.g. `cast` or `body`."""

    def __init__(self, name: str, **kwargs):
        self.shape = shapes.REVIEW_FIELDS[name]
        super().__init__(**kwargs)

    def to_representation(self, page):
        return self.shape(page, self.shape_context())


class ImageField(serializers.Field):
    """An image foreign key as `ImageInfo` (rendition URL, size, alt) or null."""

    def __init__(self, spec: str = shapes.POSTER_RENDITION, **kwargs):
        self.spec = spec
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, image):
        return shapes.image_info(image, self.context.get("request"), self.spec)


class PrefetchedTagsField(serializers.Field):
    """Tag names, read from prefetched tags (Wagtail's `TagsField` queries once per item)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class RichTextHTMLField(serializers.Field):
    """Rich text as display HTML, whatever WAGTAILAPI_RICH_TEXT_FORMAT says."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return rich_text_html(value or "")


class FilmographyURLField(_WholeObjectField):
    """The absolute URL of a person's or studio's filmography page."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_representation(self, entity) -> str | None:
        links = self.context.get("index_links") or IndexLinks.for_site(self.request, absolute=True)
        return getattr(links, self.kind)(entity.slug)


class FilmographyCreditsField(_WholeObjectField):
    """A person's or studio's credits across public reviews: [{review, role, character}]."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_representation(self, entity) -> list:
        roles_of = person_filmography if self.kind == "person" else studio_filmography
        roles = roles_of(entity, ReviewPage.objects.public_now())
        shown.record(reviews=listed_review_ids(roles))  # unpublishing one changes this
        return shapes.filmography_credits(roles, self.request)
