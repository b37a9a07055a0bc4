"""Middleware of the demo site."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, leaving Wagtail previews out like the rest of the admin.

    A preview renders the page through the middleware for the page's own address, so it
    would get `frame-ancestors 'none'` and be refused by the admin's preview panel (an
    iframe). Wagtail marks such requests `is_preview`.
    """

    def process_response(self, request, response):
        if getattr(request, "is_preview", False):
            response._csp_exempt = True
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """A `Permissions-Policy` header on every answer: the site uses no camera, microphone,
    location, payment or other powerful browser feature, so none may be used by it or by
    anything it embeds (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
