"""gunicorn settings for `make serve` and production; each value can be overridden by env."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = 5000
# Load Django once in the master: a recycled worker then forks ready in milliseconds instead
# of importing Wagtail for seconds while its connections wait (seen as waves of slow requests
# in the benchmark).
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "reviewsite.wsgi:application"
raw_env = ["DJANGO_SETTINGS_MODULE=reviewsite.settings.production"]


def when_ready(server):
    """Freeze what the preloaded application made (Django, Wagtail, the URL conf, the models),
    before the workers fork: the cycle collector never walks those objects again, and the
    workers keep sharing their pages with the master (the collector writes to every object it
    visits)."""
    gc.collect()
    gc.freeze()
