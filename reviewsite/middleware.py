"""Middleware of this site."""

from csp.middleware import CSPMiddleware
from django.http import JsonResponse
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


class RefuseNulInAPIQueriesMiddleware:
    """An API request whose path or query holds a NUL character gets a 400, not a 500.

    PostgreSQL refuses NUL in text, so such a value can match nothing, yet Wagtail's own v3
    endpoints (pages search, `find/`) and slug lookups pass it to the database, which
    raises DataError. SQLite accepts it, so only PostgreSQL showed the 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and self._has_nul(request):
            return JsonResponse(
                {"message": "The address contains a NUL character, which nothing can match."},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        )
