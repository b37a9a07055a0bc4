"""A publish's end-to-end time: from `publish()` until every cached page showing the review
answers with the new version (`bench/scale.py` runs it beside the served site).

Run with the served site's environment (production settings, the same database and Redis):
it warms the pages that show the newest review (its page, the front page, the filmographies
of its director and lead, API v2 and v3 detail and listing) until each is a cache hit,
publishes a new headline, then asks for each page until it shows that headline. Prints one
JSON line: the publish's own seconds, each page's seconds until fresh, the slowest.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
LIMIT_SECONDS = 60


def fetch(url: str) -> tuple[str, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
        return answer.headers.get("X-Cache", ""), answer.read()


def main() -> None:
    base = sys.argv[1].rstrip("/")
    import django

    django.setup()
    from review_pages.models import ReviewPage, load_credits

    review = ReviewPage.objects.live().order_by("-first_published_at", "-pk").first()
    load_credits([review])
    director = review.directors.all()[0].person
    lead = review.cast.all()[0].person
    index_url = review.get_parent().get_url()
    pages = {
        "review page": review.get_url(),
        "front page": index_url,
        "director's filmography": f"{index_url}people/{director.slug}/",
        "lead's filmography": f"{index_url}people/{lead.slug}/",
        "API v2 detail": f"/api/v2/pages/{review.pk}/",
        "API v2 listing": "/api/v2/pages/?type=review_pages.ReviewPage&fields=*&limit=20",
        "API v3 detail": f"/api/v3/reviews/{review.pk}/",
        "API v3 listing": "/api/v3/reviews/?limit=20",
    }
    for name, path in pages.items():
        for _ in range(20):
            if fetch(base + path)[0] == "hit":
                break
        else:
            raise SystemExit(f"probe: {name} never became a cache hit")

    headline = f"'{review.film_title}' Review: Published Again at {time.time():.0f}"
    review.title = headline
    began = time.perf_counter()
    review.save_revision().publish()
    published = time.perf_counter() - began
    needle = headline.replace("'", "")  # HTML escapes the quotes, JSON does not
    fresh: dict[str, float] = {}
    while len(fresh) < len(pages) and time.perf_counter() - began < LIMIT_SECONDS:
        for name, path in pages.items():
            if name in fresh:
                continue
            _, body = fetch(base + path)
            if needle.encode() in body.replace(b"&#x27;", b"").replace(b"'", b""):
                fresh[name] = time.perf_counter() - began
    print(
        "PUBLISHJSON "
        + json.dumps(
            {
                "publish_seconds": published,
                "fresh_seconds": fresh,
                "stale": sorted(set(pages) - set(fresh)),
                "slowest_seconds": max(fresh.values()) if fresh else None,
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings.production")
    main()
