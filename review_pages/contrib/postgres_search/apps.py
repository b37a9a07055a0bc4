from django.apps import AppConfig


class PostgresSearchIndexConfig(AppConfig):
    name = "review_pages.contrib.postgres_search"
    label = "review_pages_postgres_search"
    verbose_name = "reviews: PostgreSQL search index"
