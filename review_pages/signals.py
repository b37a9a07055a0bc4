"""Cache invalidation: what changed, and so which cached answers are stale.

A review's publication, unpublication, move or deletion makes stale its own page, every
list of reviews (front page, feed, sitemap, API listings) and the filmographies of the
people and studios it credits. Saving a person or studio makes stale whatever shows them.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from people.models import Person, Studio

from .caching import invalidate

LISTS = ("reviews",)


def review_cache_tags(page) -> list[str]:
    """Tags of everything that shows this review (as it is in the database now)."""
    from .credits import credited_ids

    person_ids, studio_ids = credited_ids(page)
    return (
        [f"review:{page.pk}", *LISTS]
        + [f"person:{pk}" for pk in sorted(person_ids)]
        + [f"studio:{pk}" for pk in sorted(studio_ids)]
    )


def _is_review(instance) -> bool:
    from .models import ReviewIndexPage, ReviewPage

    return isinstance(instance, ReviewPage | ReviewIndexPage)


@receiver(page_published)
@receiver(page_unpublished)
def review_publication_changed(sender, instance, **kwargs):
    if _is_review(instance):
        invalidate(*review_cache_tags(instance.specific))


@receiver(post_page_move)
def review_moved(sender, instance, **kwargs):
    if _is_review(instance):
        invalidate(*review_cache_tags(instance.specific))


@receiver(pre_delete)
def review_deleted(sender, instance, **kwargs):
    from .models import ReviewPage

    if isinstance(instance, ReviewPage):
        invalidate(*review_cache_tags(instance))


@receiver(post_save, sender=Person)
@receiver(post_delete, sender=Person)
def person_changed(sender, instance, **kwargs):
    invalidate(f"person:{instance.pk}", "people")


@receiver(post_save, sender=Studio)
@receiver(post_delete, sender=Studio)
def studio_changed(sender, instance, **kwargs):
    invalidate(f"studio:{instance.pk}", "studios")
