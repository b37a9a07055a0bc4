"""The GraphQL endpoint's URL include (docs/graphql.md), before Wagtail's catch-all:

path("graphql/", include("review_pages.contrib.graphql.urls")),
"""

from django.urls import path

from .views import graphql_view

app_name = "review_pages_graphql"

urlpatterns = [path("", graphql_view, name="graphql")]
