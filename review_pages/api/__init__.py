"""The reviews plugin's API: v2 endpoints (`v2`), v3 routers (`v3`), typed shapes (`schemas`).

Wire them in a project's URLconf; see `reviewsite/api.py` for this site's wiring.
"""
