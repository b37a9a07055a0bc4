from django.apps import AppConfig


class ReviewsiteConfig(AppConfig):
    """The demo site: its data migrations (site root, groups, workflow) and commands."""

    name = "reviewsite"
    verbose_name = "review site (demo)"
