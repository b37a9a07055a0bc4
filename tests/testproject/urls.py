from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from review_pages.http_caching import cache_headers

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Its caching headers; the CDN purge names it (docs/caching.md).
    path("sitemap.xml", cache_headers(sitemap, purged=True), name="sitemap"),
    # The plugin's one include, before Wagtail's catch-all (docs/installation.md).
    path("api/", include("review_pages.api.urls")),
    # The optional GraphQL endpoint (docs/graphql.md).
    path("graphql/", include("review_pages.contrib.graphql.urls")),
    path("", include(wagtail_urls)),
]
