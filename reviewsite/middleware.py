"""Middleware of this site."""

from csp.middleware import CSPMiddleware
from django.middleware.http import ConditionalGetMiddleware


class APIConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETags and 304 answers for the API only (`/api/`), so that apps can revalidate cheaply.

    The ETag is a hash of the response body; nothing is cached on the server.
    """

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)


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
