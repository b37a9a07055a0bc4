"""wagtail-film-reviews: Wagtail page models, admin, importer and APIs for film reviews."""

__version__ = "0.2.0"
