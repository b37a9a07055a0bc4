"""The page editor's form data for a review, as the admin posts it."""

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def review_form_data(people, studio, *, sections, action="action-publish"):
    director, writer, lead, support = people
    return nested_form_data(
        {
            "title": "'Saltwater Hymn' Review: A Choir of Ghosts",
            "film_title": "Saltwater Hymn",
            "slug": "saltwater-hymn",
            "intro": rich_text("<p>A haunted coastal choir.</p>"),
            "mpa_rating": "PG-13",
            "mpa_rating_reason": "eerie images",
            "runtime_minutes": "104",
            "release_date": "2025-09-12",
            "distributor": "",
            "author": "",
            "score": "4.5",
            "directors": inline_formset([{"person": director.pk}]),
            "writers": inline_formset([{"person": writer.pk}]),
            "cast": inline_formset(
                [
                    {"person": lead.pk, "character": "Nell Brannock"},
                    {"person": support.pk, "character": "Father Quill"},
                ]
            ),
            "production_companies": inline_formset([{"studio": studio.pk}]),
            "genres": inline_formset([]),
            "stills": inline_formset([]),
            "body": streamfield(sections),
            action: "1",
        }
    )


SYNOPSIS = ("synopsis", {"text": rich_text("<p>A choir sings to the drowned.</p>")})
CRITIQUE = ("critique", {"heading": "Too many hymns", "text": rich_text("<p>It drags.</p>")})
FINAL = ("final_statement", {"text": rich_text("<p>Haunting, if long.</p>")})
#: A body the publishing rules accept.
COMPLETE_SECTIONS = [SYNOPSIS, CRITIQUE, FINAL]


def performance(*performers):
    return (
        "performance",
        {
            "heading": "A voice like a storm",
            "performers": streamfield([("item", p.pk) for p in performers]),
            "text": rich_text("<p>She sings.</p>"),
        },
    )


def add_url(index_page):
    return reverse("wagtailadmin_pages:add", args=("review_pages", "reviewpage", index_page.pk))
