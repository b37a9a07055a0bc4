"""The stock build: the same film reviews built the way Wagtail's documentation teaches.

A bench-only Django app (installed by `bench.settings` alone, never by the plugin or the
demo): the yardstick the project's pages are measured against. `bench/findings.md` says
what its two variants do and do not do.
"""
