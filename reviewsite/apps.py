from django.apps import AppConfig


class ReviewsiteConfig(AppConfig):
    """The project itself: wiring that needs every other app ready, so it is listed last."""

    name = "reviewsite"
    verbose_name = "review site"

    def ready(self):
        from review_pages import indexing

        indexing.install()  # after modelsearch (wagtail.search) connected its receivers
