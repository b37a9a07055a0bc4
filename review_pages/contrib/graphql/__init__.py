"""Opt-in: a GraphQL endpoint for reviews, people and studios (strawberry-graphql).

    pip install "wagtail-film-reviews[graphql]"
    INSTALLED_APPS += ["review_pages.contrib.graphql"]
    path("graphql/", include("review_pages.contrib.graphql.urls")),  # before Wagtail's

The schema (`schema`) says what the REST APIs say, from the same shapes and the same
visibility rules; `limits` bounds what one operation may cost; `views` serves it over HTTP
with the REST APIs' caching. See docs/graphql.md.
"""
