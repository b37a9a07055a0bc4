"""The search load's queries: at least 1,000 distinct ones from the catalogue's own words and
names, in a Zipf-like mix, so that the HTTP phase measures search rather than one hot query.

Taken from the PostgreSQL catalogue of the HTTP phase: the words of film titles and the
names of credited people (whole names and surnames), 1,000 distinct queries ranked at random
(seeded), then a list of requests where the query of rank r comes with weight 1/r (Zipf,
s = 1), every query at least once. wrk (`wrk_report.lua`, `WRK_PATHS`) picks from that list
at random, so the mix holds for any duration.
"""

from __future__ import annotations

import random
import subprocess
import urllib.parse
from pathlib import Path

DISTINCT = 1000
REQUESTS = 20_000
SEED = 15


def catalogue_terms(database_url: str) -> list[str]:
    """Distinct title words and credited names of the catalogue, in a stable order."""
    sql = (
        "SELECT DISTINCT lower(w) FROM wagtailcore_page, "
        "regexp_split_to_table(title, '[^[:alnum:]]+') AS w WHERE length(w) > 3 "
        "UNION SELECT DISTINCT p.name FROM people_person p "
        "JOIN review_pages_reviewcastmember c ON c.person_id = p.id "
        "UNION SELECT DISTINCT split_part(p.name, ' ', 2) FROM people_person p "
        "JOIN review_pages_reviewdirector d ON d.person_id = p.id"
    )
    out = subprocess.run(  # noqa: S603 - the bench's own database
        ["psql", database_url, "-At", "-c", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


def write_paths(database_url: str, path: Path, index_url: str = "/") -> dict:
    """Write the request list (one URL path a line, the search route of the review index at
    `index_url`); return what the report says of it."""
    terms = catalogue_terms(database_url)
    rng = random.Random(SEED)
    chosen = rng.sample(terms, min(DISTINCT, len(terms)))
    weights = [1 / rank for rank in range(1, len(chosen) + 1)]
    drawn = chosen + rng.choices(chosen, weights=weights, k=REQUESTS - len(chosen))
    rng.shuffle(drawn)
    search = f"{index_url}search/"
    path.write_text("".join(f"{search}?{urllib.parse.urlencode({'q': term})}\n" for term in drawn))
    top_ten = set(chosen[:10])
    top_share = sum(1 for term in drawn if term in top_ten) / len(drawn)
    return {"distinct": len(chosen), "requests": len(drawn), "top10_share": top_share}
