"""`manage.py preview_link PAGE_ID [--expires 24h]`: print a share link to a review's draft."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from review_pages.conf import reviews_settings
from review_pages.links import preview_url
from review_pages.models import PreviewGrant
from review_pages.previews import describe_seconds, is_review, parse_lifetime


class Command(BaseCommand):
    help = (
        "Make an expiring share link to a review's draft (its latest revision) and print it: "
        "it opens on the front end (FRONTEND_PREVIEW_URL) or on the site itself, with no login."
    )

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int, help="The review's page id.")
        parser.add_argument(
            "--expires",
            default=None,
            help="How long it works: e.g. 30m, 24h, 7d (default: SHARE_LINK_SECONDS, 24h).",
        )
        parser.add_argument(
            "--token-only", action="store_true", help="Print the token alone, not the link."
        )

    def handle(self, *args, page_id, expires, token_only, **options):
        page = Page.objects.filter(pk=page_id).first()
        if page is None:
            raise CommandError(f"No page has the id {page_id}.")
        if not is_review(page):
            raise CommandError(f"Page {page_id} ({page.title!r}) is not a review.")
        try:
            seconds = parse_lifetime(expires) if expires else reviews_settings.SHARE_LINK_SECONDS
        except ValueError as error:
            raise CommandError(str(error)) from error
        page = page.specific
        grant = PreviewGrant.share(page, seconds=seconds)
        url = preview_url(page, grant.token)
        if token_only or url is None:
            if url is None:
                self.stderr.write("The review is not under a review index: the token alone.")
            self.stdout.write(grant.token)
        else:
            self.stdout.write(url)
        self.stderr.write(
            f"Expires in {describe_seconds(seconds)}, at {grant.expires_at:%Y-%m-%d %H:%M} UTC; "
            "revoke it in the page's admin menu (Share draft)."
        )
