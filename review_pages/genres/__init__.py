"""Genres in the admin: the snippet library editors manage (`admin`). The model is
`review_pages.models.Genre`; readers browse a genre at `genres/<slug>/` on the review index."""
