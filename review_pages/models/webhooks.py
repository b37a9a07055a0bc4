"""Webhooks: the endpoints front ends register, and the log of every delivery to them.

A delivery row is written in the transaction of the change it reports (so a rolled-back
publish leaves none) and holds the exact body sent at each attempt; `review_pages.webhooks`
sends it after the commit, retries it with backoff and records each outcome here.
"""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

#: The events an endpoint may subscribe to.
EVENTS = {
    "review.published": "A review was published, or republished with changes (or moved).",
    "review.unpublished": "A review was unpublished.",
    "review.deleted": "A review was deleted.",
    "person.updated": "A person was saved or deleted.",
    "studio.updated": "A studio was saved or deleted.",
}


class WebhookEndpoint(models.Model):
    url = models.URLField("URL", max_length=500, help_text="Where the JSON POSTs go.")
    secret = models.CharField(
        max_length=255,
        help_text="Shared with the receiver: it signs every delivery (X-Webhook-Signature).",
    )
    events = models.JSONField(default=list, help_text="The events this endpoint receives.")
    active = models.BooleanField(default=True, help_text="Inactive endpoints receive nothing.")
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def receives(self, event: str) -> bool:
        return self.active and event in (self.events or [])

    @admin.display(description="events")
    def event_list(self) -> str:
        return ", ".join(self.events or [])


class WebhookDelivery(models.Model):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    STATUSES = [(PENDING, "pending"), (DELIVERED, "delivered"), (FAILED, "given up")]

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.UUIDField(default=uuid.uuid4, help_text="The event's id (X-Webhook-Id).")
    body = models.TextField(help_text="The JSON body, exactly as sent.")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.get_status_display()})"

    @admin.display(description="redeliver")
    def redeliver_link(self) -> str:
        url = reverse("review_pages_webhook_redeliver", args=(self.pk,))
        return format_html('<a href="{}">Redeliver</a>', url)

    @classmethod
    def due(cls):
        """Deliveries waiting for an attempt whose time has come."""
        return cls.objects.filter(status=cls.PENDING, next_attempt_at__lte=timezone.now())
