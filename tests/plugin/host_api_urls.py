"""A host that mounts Wagtail's APIs itself and registers the plugin's endpoints on its own
router and API (docs/installation.md)."""

from django.urls import path
from ninja import NinjaAPI
from wagtail.api.v2.router import WagtailAPIRouter

from review_pages.api import register_v2_endpoints, register_v3_routers

host_v2 = WagtailAPIRouter("hostapi")
register_v2_endpoints(host_v2)

host_v3 = NinjaAPI(title="A host's own API", urls_namespace="host_v3")
register_v3_routers(host_v3)

urlpatterns = [
    path("host/v2/", host_v2.urls),
    path("host/v3/", host_v3.urls),
]
