from django.apps import AppConfig


class ReviewPagesCacheConfig(AppConfig):
    """The optional tagged response cache: add `review_pages.cache` to INSTALLED_APPS and
    `review_pages.cache.middleware.TaggedResponseCacheMiddleware` to MIDDLEWARE."""

    name = "review_pages.cache"
    label = "review_pages_cache"
    verbose_name = "reviews: response cache"

    def ready(self):
        from .. import http_caching, shown
        from . import invalidation, store

        invalidation.connect()
        shown.install_keeper(store.memoise)
        # Caching headers read the next expiry memoised, not from the database each time.
        http_caching.install_expiry_source(store.next_expiry)
