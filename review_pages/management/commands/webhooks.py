"""`manage.py webhooks add|list|remove|deliver`: the webhook endpoints, and sending what is due.

    manage.py webhooks add https://app.example.com/hooks --secret S \\
        --events review.published,review.unpublished
    manage.py webhooks list
    manage.py webhooks remove 3            # an id, or the URL
    manage.py webhooks deliver             # every delivery that is due, once; then exits
"""

from django.core.management.base import BaseCommand, CommandError

from review_pages.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from review_pages.webhooks import delivery, hosts


class Command(BaseCommand):
    help = "Add, list and remove webhook endpoints; deliver what is due."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="Add an endpoint.")
        add.add_argument("url")
        add.add_argument("--secret", required=True, help="Signs every delivery (HMAC-SHA256).")
        add.add_argument(
            "--events",
            required=True,
            help=f"Comma-separated, of: {', '.join(WEBHOOK_EVENTS)}.",
        )
        add.add_argument("--description", default="")
        add.add_argument("--inactive", action="store_true", help="Add it switched off.")
        commands.add_parser("list", help="List the endpoints and their deliveries.")
        remove = commands.add_parser("remove", help="Remove an endpoint (and its log).")
        remove.add_argument("endpoint", help="Its id or its URL.")
        commands.add_parser("deliver", help="Deliver everything due, once, and exit.")

    def handle(self, *args, command, **options):
        getattr(self, f"handle_{command}")(**options)

    def handle_add(self, *, url, secret, events, description, inactive, **options):
        chosen = [name.strip() for name in events.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in WEBHOOK_EVENTS]
        if unknown or not chosen:
            raise CommandError(
                f"Unknown events: {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(WEBHOOK_EVENTS)}."
            )
        refused = hosts.refusal(url)
        if refused:
            raise CommandError(refused)
        if not secret.strip():
            raise CommandError("The secret cannot be empty.")
        endpoint = WebhookEndpoint.objects.create(
            url=url, secret=secret, events=chosen, active=not inactive, description=description
        )
        self.stdout.write(f"Added endpoint {endpoint.pk}: {url} ({', '.join(chosen)})")

    def handle_list(self, **options):
        endpoints = WebhookEndpoint.objects.all()
        if not endpoints:
            self.stdout.write("No webhook endpoints.")
        for endpoint in endpoints:
            deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
            counts = ", ".join(
                f"{deliveries.filter(status=status).count()} {label}"
                for status, label in WebhookDelivery.STATUSES
            )
            state = "active" if endpoint.active else "inactive"
            self.stdout.write(
                f"{endpoint.pk}\t{endpoint.url}\t{state}\t{endpoint.event_list()}\t{counts}"
            )

    def handle_remove(self, *, endpoint, **options):
        found = WebhookEndpoint.objects.filter(url=endpoint)
        if endpoint.isdigit():
            found = found | WebhookEndpoint.objects.filter(pk=int(endpoint))
        if not found.exists():
            raise CommandError(f"No webhook endpoint has the id or URL {endpoint!r}.")
        urls = list(found.values_list("url", flat=True))
        found.delete()
        self.stdout.write(f"Removed {', '.join(urls)}")

    def handle_deliver(self, **options):
        counts = delivery.deliver_due()
        self.stdout.write(
            f"{counts['delivered']} delivered, {counts['pending']} to retry, "
            f"{counts['failed']} given up; "
            f"{WebhookDelivery.due().count()} due, "
            f"{WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING).count()} pending."
        )
