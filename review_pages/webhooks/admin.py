"""The admin's webhooks: endpoints (add, edit, delete; by the model's permissions) and the
delivery log (status, attempts, response code, last error, "Redeliver")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ..models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from . import delivery, hosts


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL", max_length=500, assume_scheme="https", help_text="Where the JSON POSTs go."
    )
    events = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {what}") for name, what in WEBHOOK_EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this endpoint receives.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "secret", "events", "active", "description"]
        widgets = {"secret": forms.TextInput(attrs={"autocomplete": "off"})}

    def clean_url(self):
        url = self.cleaned_data["url"]
        refused = hosts.refusal(url)
        if refused:
            raise forms.ValidationError(refused)
        return url


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = "Endpoints"
    url_prefix = "review-pages/webhooks/endpoints"
    url_namespace = "review_pages_webhook_endpoints"
    list_display = ["url", "event_list", "active", "description"]
    inspect_view_enabled = False

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


class DeliveryLogPolicy(ModelPermissionPolicy):
    """The model's permissions, but nobody adds a delivery by hand: sending writes them."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(WebhookDelivery, DeliveryLogPolicy(WebhookDelivery))


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = "Deliveries"
    url_prefix = "review-pages/webhooks/deliveries"
    url_namespace = "review_pages_webhook_deliveries"
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "redeliver_link",
    ]
    list_filter = ["status", "event"]
    inspect_view_enabled = True
    form_fields = ["status"]  # e.g. give one up by hand
    copy_view_enabled = False


class WebhooksViewSetGroup(ViewSetGroup):
    menu_label = "Webhooks"
    menu_icon = "link-external"
    menu_order = 900
    items = (WebhookEndpointViewSet, WebhookDeliveryViewSet)


def redeliver_view(request, delivery_id: int):
    """Confirm, then send a delivery again (a full set of attempts)."""
    if not request.user.has_perm("review_pages.change_webhookdelivery"):
        raise PermissionDenied
    item = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=delivery_id)
    if request.method == "POST":
        delivery.redeliver(item)
        messages.success(request, f"{item.event} to {item.endpoint.url} will be delivered again.")
        return redirect(reverse("review_pages_webhook_deliveries:index"))
    return TemplateResponse(request, "review_pages/admin/redeliver.html", {"delivery": item})


def urls() -> list:
    return [
        path(
            "review-pages/webhooks/redeliver/<int:delivery_id>/",
            redeliver_view,
            name="review_pages_webhook_redeliver",
        )
    ]
