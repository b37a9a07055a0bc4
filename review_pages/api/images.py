"""The public images endpoints list only images that live, public pages show.

Wagtail's `/api/v2/images/` and `/api/v3/images/` list every image outside a restricted
collection, so a poster uploaded for a draft (its title, its original file's
`download_url`) was public before the review was. The plugin's pages show three kinds of
image: the posters of live, public reviews, and the photos and logos of the people and
studios credited on them (its rich text allows no images). Anonymous requests see only
those; Wagtail's collection restrictions still apply on top. A v3 request with a bearer
token sees what Wagtail gives it.

Searching needs the image model's id to be a search filter field (`index.FilterField`),
which Wagtail's image model lacks: `make_ids_filterable` adds it (no re-index on the
database backends; run `update_index` after it on Elasticsearch or OpenSearch).
"""

from __future__ import annotations

import functools

from django.db.models import Q
from wagtail.images import get_image_model
from wagtail.search import index

from ..models import ReviewPage

V3_ROUTER_MODULE = "wagtail.images.api.v3.router"


def shown_images(images):
    """`images` narrowed to those live, public pages show: one query with subqueries (and
    one read of the view restrictions), however many images there are."""
    reviews = ReviewPage.objects.public_now()
    people = reviews.credited_people().exclude(photo=None).values("photo_id")
    studios = reviews.credited_studios().exclude(logo=None).values("logo_id")
    posters = reviews.exclude(poster=None).values("poster_id")
    return images.filter(Q(pk__in=posters) | Q(pk__in=people) | Q(pk__in=studios))


def make_ids_filterable(model=None) -> None:
    """Let search results of the image model be filtered by id (idempotent)."""
    model = model or get_image_model()
    fields = list(model.search_fields)
    if any(isinstance(f, index.FilterField) and f.field_name == "id" for f in fields):
        return
    model.search_fields = [*fields, index.FilterField("id")]


def restrict_v3_images() -> None:
    """Wagtail's v3 images router: anonymous requests see only the images shown publicly,
    and a listing costs the same however many images it holds.

    Its views read `get_images_queryset(request)` from their module at each request, so the
    module's function is wrapped (idempotent). Called when the plugin's v3 routers are added
    (`register_v3_routers`), after every app is ready: the router module reads Wagtail's
    schema registry when imported.
    """
    import importlib

    router = importlib.import_module(V3_ROUTER_MODULE)
    original = router.get_images_queryset
    if getattr(original, "review_pages_public", False):
        return

    @functools.wraps(original)
    def get_images_queryset(request):
        # Each image's collection in the same query (Wagtail's reads one per image).
        queryset = original(request).select_related("collection")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # a bearer token (v3 trusts no session)
            return queryset
        return shown_images(queryset)

    get_images_queryset.review_pages_public = True
    router.get_images_queryset = get_images_queryset
