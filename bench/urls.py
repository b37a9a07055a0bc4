"""Bench-only routes in front of the site's own URLconf (used through `bench.settings`).

- `/bench/floor/`: a plain Django view rendering a one-line template — the floor;
- `/bench/stock-api/v2/pages/`: stock Wagtail's `PagesAPIViewSet`, on the same reviews.
"""

from django.shortcuts import render
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from reviewsite.urls import urlpatterns as site_urlpatterns


def floor(request):
    return render(request, "bench/floor.html", {"message": "Hello from the floor."})


stock_api = WagtailAPIRouter("benchstockapi")
stock_api.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/stock-api/v2/", stock_api.urls),
    *site_urlpatterns,
]
