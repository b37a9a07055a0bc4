"""The sitemap's <lastmod>: a review's last publication; the front page's latest change of
what it lists (a withdrawal included); a filmography's latest change of what it lists."""
# ruff: noqa: S314 - the XML parsed here is the site's own output under test

import xml.etree.ElementTree as ET

from freezegun import freeze_time

from review_pages.models import ReviewPage
from tests.support.factories import publish

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def lastmods(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    found = {}
    for url in root.findall("s:url", SITEMAP_NS):
        lastmod = url.find("s:lastmod", SITEMAP_NS)
        found[url.find("s:loc", SITEMAP_NS).text] = lastmod.text if lastmod is not None else None
    return found


def test_every_url_has_the_date_of_the_latest_change_of_what_it_shows(
    client, make_review, person_factory, studio_factory
):
    director = person_factory(name="Ines Varda")
    lead = person_factory(name="Ana Sol")
    studio = studio_factory(name="Lantern Pictures")
    with freeze_time("2026-03-02 10:00"):
        first = make_review(film_title="First Light", directors=[director], companies=[studio])
    with freeze_time("2026-03-05 10:00"):
        second = make_review(film_title="Second Wind", directors=[director], cast=[(lead, "M")])

    dates = lastmods(client)
    assert dates[first.full_url] == "2026-03-02"
    assert dates[second.full_url] == "2026-03-05"
    assert dates["http://localhost/"] == "2026-03-05"
    assert dates["http://localhost/people/ines-varda/"] == "2026-03-05"
    assert dates["http://localhost/people/ana-sol/"] == "2026-03-05"
    assert dates["http://localhost/studios/lantern-pictures/"] == "2026-03-02"

    with freeze_time("2026-03-09 10:00"):
        page = ReviewPage.objects.get(pk=first.pk)
        page.intro = "<p>Revised.</p>"
        publish(page)
    dates = lastmods(client)
    assert dates[first.full_url] == "2026-03-09"
    assert dates["http://localhost/people/ines-varda/"] == "2026-03-09"
    assert dates["http://localhost/studios/lantern-pictures/"] == "2026-03-09"
    assert dates["http://localhost/people/ana-sol/"] == "2026-03-05"  # lists nothing new

    with freeze_time("2026-03-12 10:00"):
        ReviewPage.objects.get(pk=second.pk).unpublish()
    dates = lastmods(client)
    # Withdrawn: the front page and the director's filmography no longer list it.
    assert dates["http://localhost/"] == "2026-03-12"
    assert dates["http://localhost/people/ines-varda/"] == "2026-03-12"
    assert "http://localhost/people/ana-sol/" not in dates
    assert second.full_url not in dates
