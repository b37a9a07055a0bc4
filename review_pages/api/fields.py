"""Serializer fields for the review's `api_fields` (API v2, and Wagtail's v3 page detail).

Each reads from `review_pages.credits`, where the credits are serialised once for the HTML
site and both APIs. Their return annotations name the `schemas` types: Wagtail's v3
schema generator reads them, so its page schema types these fields instead of `Any`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from rest_framework import serializers
from wagtail.images import get_image_model

from .. import credits
from .schemas import CastCredit, ImageInfo, PersonRef, ReviewSection, StudioRef

POSTER_RENDITION = "max-600x900"
PORTRAIT_RENDITION = "max-400x400"


def renditions_prefetch(image_field: str) -> Prefetch:
    """The renditions of an image foreign key (itself `select_related`), so that
    `image_info` costs no query per item."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(f"{image_field}__renditions", queryset=rendition_model.objects.all())


def image_info(image, request=None, spec: str = POSTER_RENDITION) -> dict[str, Any] | None:
    """An image as apps show it, or None: one rendition's absolute URL, its size, alt text."""
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    url = request.build_absolute_uri(rendition.url) if request is not None else rendition.full_url
    return {
        "id": image.pk,
        "title": image.title,
        "url": url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": getattr(image, "default_alt_text", "") or image.title,
    }


class _PageField(serializers.Field):
    """A read-only field computed from the whole page (`source="*"`)."""

    def __init__(self, *args, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(*args, **kwargs)

    @property
    def request(self):
        return self.context.get("request")


class _CreditField(_PageField):
    def __init__(self, credit: str, **kwargs):
        self.credit = credit
        super().__init__(**kwargs)

    def credits_of(self, page):
        return credits.cached_review_credits(page, self.request)[self.credit]


class PersonCreditField(_CreditField):
    """`author`: a PersonRef or null."""

    def to_representation(self, page) -> PersonRef | None:
        return self.credits_of(page)


class PeopleCreditField(_CreditField):
    """`directors`, `writers`: PersonRefs in billing order."""

    def to_representation(self, page) -> list[PersonRef]:
        return self.credits_of(page)


class CastField(_CreditField):
    """`cast`: [{person: PersonRef, character}] in billing order."""

    def __init__(self, **kwargs):
        super().__init__("cast", **kwargs)

    def to_representation(self, page) -> list[CastCredit]:
        return self.credits_of(page)


class StudioCreditField(_CreditField):
    """`distributor`: a StudioRef or null."""

    def to_representation(self, page) -> StudioRef | None:
        return self.credits_of(page)


class StudiosCreditField(_CreditField):
    """`production_companies`: StudioRefs in billing order."""

    def to_representation(self, page) -> list[StudioRef]:
        return self.credits_of(page)


class ReviewBodyField(_PageField):
    """`body`: typed sections; performers resolved for a whole listing at once.

    A listing view puts `credits.performers_by_id(pages)` in the serializer context as
    `review_performers`; without it (a single page) the page looks up its own.
    """

    def to_representation(self, page) -> list[ReviewSection]:
        return credits.review_body(
            page, people=self.context.get("review_performers"), request=self.request
        )


class ScoreField(_PageField):
    """`score` as a number (0 to 5 in halves) or null, rather than DRF's decimal string."""

    def to_representation(self, page) -> float | None:
        return float(page.score) if page.score is not None else None


class ImageField(serializers.Field):
    """An image FK as `ImageInfo` (rendition URL, size, alt) or null."""

    def __init__(self, spec: str = POSTER_RENDITION, **kwargs):
        self.spec = spec
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, image) -> ImageInfo | None:
        return image_info(image, self.context.get("request"), self.spec)
