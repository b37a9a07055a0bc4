"""Give every review without a poster a generated one (demo content; safe to run again)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from review_pages.models import ReviewPage
from reviewsite.posters import make_poster_image


class Command(BaseCommand):
    help = "Draw a poster (Pillow, no downloads) for every review that has none."

    def handle(self, *args, **options):
        made = 0
        for review in ReviewPage.objects.filter(poster__isnull=True).order_by("pk"):
            with transaction.atomic():
                poster = make_poster_image(review.film_title)
                # The live page and its latest revision both get the poster, so that a
                # later publish of the draft keeps it.
                ReviewPage.objects.filter(pk=review.pk).update(poster=poster)
                revision = review.latest_revision
                if revision is not None:
                    revision.content["poster"] = poster.pk
                    revision.save(update_fields=["content"])
            made += 1
        self.stdout.write(f"Made {made} poster{'s' if made != 1 else ''}.")
