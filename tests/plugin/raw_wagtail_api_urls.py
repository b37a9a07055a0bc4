"""Wagtail's v3 API mounted without the plugin's URL include (no NUL guard, no ETags), for
tests/plugin/test_compat.py to show what the guard works around."""

from django.urls import path
from wagtail.api.v3.api import api

urlpatterns = [path("raw/v3/", api.urls)]
