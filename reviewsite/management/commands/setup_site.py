"""Everything `make run` needs after migrate: the site root, demo reviews, an admin login.

Safe to run again: it reuses the index page, the reviews (the importer reports them
unchanged) and the admin account.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from review_pages.models import ReviewIndexPage

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the site root, load the demo reviews from samples/ and an admin login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--samples",
            default=str(Path(settings.BASE_DIR) / "samples"),
            help="Folder of plain-text reviews to load as demo content.",
        )
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo reviews.")
        parser.add_argument(
            "--hostname",
            help="The address the site is served on (`make run` passes HOST): the Site record "
            "gets it, so that the absolute URLs of pages and API answers work as they are.",
        )
        parser.add_argument("--port", type=int, help="The port it is served on (`make run`: PORT).")

    def handle(self, *args, **options):
        index = self.ensure_site_root(options["hostname"], options["port"])
        if not options["no_demo"] and Path(options["samples"]).is_dir():
            call_command(
                "import_reviews",
                options["samples"],
                publish=True,
                parent=index.pk,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        username, password, created = self.ensure_admin()
        self.stdout.write("")
        site = Site.objects.get(is_default_site=True)
        self.stdout.write(self.style.SUCCESS(f"Admin login for {site.root_url}/admin/"))
        self.stdout.write(f"  username: {username}")
        if password:
            self.stdout.write(f"  password: {password}")
        else:
            self.stdout.write("  password: (unchanged; set DJANGO_SUPERUSER_PASSWORD to reset it)")

    @transaction.atomic
    def ensure_site_root(self, hostname: str | None = None, port: int | None = None):
        index = ReviewIndexPage.objects.order_by("path").first()
        if index is None:
            root = Page.get_first_root_node()
            index = root.add_child(
                instance=ReviewIndexPage(title="Latest reviews", slug="reviews", live=True)
            )
            self.stdout.write("Created the review index page.")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        changed = site.pk is None or site.root_page_id != index.pk
        site.root_page = index
        for name, value in (("hostname", hostname), ("port", port)):
            if value is not None and getattr(site, name) != value:
                setattr(site, name, value)
                changed = True
        if changed:
            site.save()
            self.stdout.write(f"The default site is {site.root_url}/, its root the review index.")
        return index

    def ensure_admin(self) -> tuple[str, str | None, bool]:
        """The local admin: its password from the environment, a file, or made up now."""
        User = get_user_model()
        password_file = Path(settings.BASE_DIR) / ".admin_password"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        user = User.objects.filter(username=ADMIN_USERNAME).first()
        if password is None and password_file.exists():
            password = password_file.read_text().strip() or None
        if user is not None and password is None:
            return ADMIN_USERNAME, None, False
        if password is None:
            password = secrets.token_urlsafe(12)
        if user is None:
            user = User.objects.create_superuser(ADMIN_USERNAME, "admin@example.com", password)
            created = True
        else:
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            created = False
        if "DJANGO_SUPERUSER_PASSWORD" not in os.environ:
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        return ADMIN_USERNAME, password, created
