"""The stock build's API v2: Wagtail's `PagesAPIViewSet` as it comes (the docs' way), and
the careful variant, which adds the obvious `select_related` / `prefetch_related` to the
queryset the listing and the detail read."""

from django.db.models import prefetch_related_objects
from wagtail.api.v2.views import PagesAPIViewSet

from .models import StockReviewPage, credit_prefetches


class CarefulPagesAPIViewSet(PagesAPIViewSet):
    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is StockReviewPage:
            queryset = queryset.select_related(
                "locale", "author", "distributor", "poster"
            ).prefetch_related(*credit_prefetches())
        return queryset

    def get_object(self):
        page = super().get_object()
        if isinstance(page, StockReviewPage):
            # Wagtail reads the base page, then its specific row; the rest after that.
            prefetch_related_objects(
                [page], "locale", "author", "distributor", "poster", *credit_prefetches()
            )
        return page
