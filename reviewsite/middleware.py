"""Middleware of this site."""

from django.middleware.http import ConditionalGetMiddleware


class APIConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETags and 304 answers for the API only (`/api/`), so that apps can revalidate cheaply.

    The ETag is a hash of the response body; nothing is cached on the server.
    """

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
