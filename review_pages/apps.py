from django.apps import AppConfig


class ReviewPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review_pages"
    verbose_name = "reviews"

    def ready(self):
        from . import signals

        signals.connect()
