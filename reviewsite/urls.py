from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from review_pages.http_caching import cache_headers

from . import views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Public answers with the plugin's caching headers (the CDN purge names the sitemap).
    path("sitemap.xml", cache_headers(sitemap, purged=True), name="sitemap"),
    path("robots.txt", cache_headers(views.robots_txt), name="robots_txt"),
    path("api/", include("review_pages.api.urls")),
    path("graphql/", include("review_pages.contrib.graphql.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

elif getattr(settings, "SERVE_MEDIA", False):
    # One machine (production without S3, README "Deploying") and the browser tests' live
    # server: uploaded posters and photos.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [path("", include(wagtail_urls))]
