"""Page passwords cannot be guessed at speed: wrong passwords are counted per client address
and page, and past `REVIEW_PAGES["PASSWORD_ATTEMPTS"]` the form answers 429 for
`PASSWORD_LOCKOUT_SECONDS`, with a message on the page's own password form.

Wagtail's `authenticate_with_password` view checks a page's password as often as it is
asked (about 80 guesses a second here). It is the plugin's job because the secrets are its
reviews, in any host: the plugin wraps Wagtail's view from its `ready()` (before the URL
configuration is read), so every site that installs it is protected without a middleware.
The counts live in Django's default cache: shared by every server with Redis (`cache.add`
+ `cache.incr` keep them exact under concurrent guesses); a per-process cache counts per
worker.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.core.cache import caches

from .conf import reviews_settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "pagepw:"


def client_address(request) -> str:
    """The address the request came from (a proxy in front must set REMOTE_ADDR to the
    client's, e.g. nginx's real_ip module; X-Forwarded-For is not trusted here)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(request, page_id) -> str:
    raw = f"{client_address(request)}|{page_id}"
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _cache():
    return caches["default"]


def failures(request, page_id) -> int:
    try:
        return int(_cache().get(_key(request, page_id)) or 0)
    except Exception:  # a cache outage must not lock readers out
        logger.warning("Could not read page password attempts", exc_info=True)
        return 0


def count_failure(request, page_id) -> None:
    key = _key(request, page_id)
    try:
        cache = _cache()
        if not cache.add(key, 1, timeout=int(reviews_settings.PASSWORD_LOCKOUT_SECONDS)):
            cache.incr(key)
    except Exception:
        logger.warning("Could not count a page password attempt", exc_info=True)


def lockout_message() -> str:
    minutes = max(1, round(int(reviews_settings.PASSWORD_LOCKOUT_SECONDS) / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many wrong passwords for this page from your address. Try again in {minutes} {unit}."
    )


def throttled(view):
    """Wagtail's password view, refusing guesses past the limit (429) and counting wrong
    ones (any answer to a POST but the redirect of a right password)."""

    @functools.wraps(view)
    def guarded(request, page_view_restriction_id, page_id):
        limit = int(reviews_settings.PASSWORD_ATTEMPTS)
        if request.method != "POST" or limit <= 0:
            return view(request, page_view_restriction_id, page_id)
        if failures(request, page_id) >= limit:
            return _refused(request, page_view_restriction_id, page_id)
        response = view(request, page_view_restriction_id, page_id)
        if response.status_code == 200:  # the form again: a wrong password
            count_failure(request, page_id)
        return response

    guarded.review_pages_throttled = True
    return guarded


def _refused(request, page_view_restriction_id, page_id):
    """The page's own password form, with the lockout message, answering 429."""
    from django.shortcuts import get_object_or_404
    from django.urls import reverse
    from wagtail.forms import PasswordViewRestrictionForm
    from wagtail.models import Page, PageViewRestriction

    restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
    page = get_object_or_404(Page, id=page_id).specific
    form = PasswordViewRestrictionForm(
        initial={"return_url": request.POST.get("return_url", "")}, instance=restriction
    )
    form.full_clean()  # an unbound form: no errors yet, and no data to clean
    form.cleaned_data = {}
    form.add_error(None, lockout_message())
    action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, page.id])
    response = page.serve_password_required_response(request, form, action_url)
    if hasattr(response, "render"):
        response.render()
    response.status_code = 429
    response["Retry-After"] = str(int(reviews_settings.PASSWORD_LOCKOUT_SECONDS))
    return response


def install() -> None:
    """Wrap Wagtail's password view (idempotent); `wagtail.urls` reads it when imported."""
    from wagtail import views

    if not getattr(views.authenticate_with_password, "review_pages_throttled", False):
        views.authenticate_with_password = throttled(views.authenticate_with_password)
