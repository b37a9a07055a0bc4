"""The plugin's one URL include: API v2 at `v2/` and v3 at `v3/`.

    path("api/", include("review_pages.api.urls")),   # before Wagtail's catch-all

Every view answers with an ETag (304 on `If-None-Match`) and caching headers, answers HEAD
as GET, and refuses NUL characters with a 400 (`api.http`). v3 is Wagtail 8's own API, with
the plugin's routers added.
"""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v3.api import api as api_v3

from . import register_v2_endpoints, register_v3_routers
from .http import guarded_include

api_v2 = WagtailAPIRouter("wagtailapi")
register_v2_endpoints(api_v2)
register_v3_routers(api_v3)

urlpatterns = [
    path("v2/", guarded_include(api_v2.urls)),
    path("v3/", guarded_include(api_v3.urls, problem_json=True)),
]
