"""Webhooks: front ends learn what changed without polling.

- `outbox`: the plugin's change signals (`review_pages.events`) become delivery rows in the
  change's own transaction, enqueued after it commits (`delivery.enqueue`);
- `delivery`: signs and POSTs a delivery, records the outcome, retries with exponential
  backoff; run by the django-tasks backend named by `REVIEW_PAGES["WEBHOOKS_TASK_BACKEND"]`
  (`manage.py db_worker`, an RQ worker) or by `manage.py webhooks deliver`;
- `hosts`: receivers on loopback, private or link-local addresses are refused unless
  `WEBHOOKS_ALLOW_PRIVATE_HOSTS`;
- `signature`: `X-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.

See docs/webhooks.md.
"""
