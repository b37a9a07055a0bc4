"""Bench-only routes in front of the site's own URLconf (used through `bench.settings`).

- `/bench/floor/`: a plain Django view rendering a one-line template;
- `/bench/floor/review/<id>/`: a plain Django view rendering a review with the project's own
  context and template, the review read by its id (the floor that the review page served
  by Wagtail is measured against);
- `/bench/stock-api/v2/pages/`: stock Wagtail's `PagesAPIViewSet` (the stock build "as the
  docs teach"), and `/bench/careful-api/v2/pages/` (the careful stock build).
"""

from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from bench.stockbuild.api import CarefulPagesAPIViewSet
from review_pages.models import ReviewPage
from reviewsite.urls import urlpatterns as site_urlpatterns


def floor(request):
    return render(request, "bench/floor.html", {"message": "Hello from the floor."})


def review_floor(request, pk: int):
    """The review page without Wagtail's routing: the review read by its id, then the
    page's own context (`ReviewPage.get_context`: the credits in their one query, ...)
    and template, as a plain Django view."""
    try:
        page = ReviewPage.objects.get(pk=pk, live=True)
    except ReviewPage.DoesNotExist as missing:
        raise Http404("No such review.") from missing
    return TemplateResponse(request, page.get_template(request), page.get_context(request))


stock_api = WagtailAPIRouter("benchstockapi")
stock_api.register_endpoint("pages", PagesAPIViewSet)
careful_api = WagtailAPIRouter("benchcarefulapi")
careful_api.register_endpoint("pages", CarefulPagesAPIViewSet)

urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/floor/review/<int:pk>/", review_floor, name="bench_review_floor"),
    path("bench/stock-api/v2/", stock_api.urls),
    path("bench/careful-api/v2/", careful_api.urls),
    *site_urlpatterns,
]
