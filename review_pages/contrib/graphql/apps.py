from django.apps import AppConfig


class GraphQLConfig(AppConfig):
    name = "review_pages.contrib.graphql"
    label = "review_pages_graphql"
    verbose_name = "reviews: GraphQL"
