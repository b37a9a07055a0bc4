from django.apps import AppConfig


class ReviewPagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review_pages"
    verbose_name = "reviews"

    def import_models(self):
        # While the app registry is populated, before any app's ready(): another app's
        # ready() (Wagtail's redirects, in every stock site) may import Wagtail's v3 pages
        # router before this app's ready() runs; the review's schema is registered then.
        from .api import wiring

        wiring.register_before_pages_router()
        super().import_models()

    def ready(self):
        """Wire the plugin in, whatever the order of INSTALLED_APPS."""
        from . import cdn, checks, compat, events, throttle  # noqa: F401 - checks register themselves
        from .api import images, wiring
        from .importing import indexing
        from .previews import takedowns

        events.connect()
        takedowns.connect()
        cdn.connect()
        indexing.install()
        # Before anything imports Wagtail's v3 pages router (compat.install does), unless an
        # app listed earlier imported it already, which registered the schema at that moment.
        wiring.register_review_schema()
        wiring.uninstall_pages_router_hook()
        compat.install()
        images.make_ids_filterable()
        throttle.install()  # before the URL configuration reads Wagtail's password view
        from .api import renditions
        from .scheduling import hooks as scheduling
        from .sync import listeners as sync_log
        from .webhooks import outbox  # it reads the API's shapes: after the schema wiring

        renditions.connect()
        sync_log.connect()  # before the webhooks, which read what each change did to it
        outbox.connect()
        scheduling.connect()
