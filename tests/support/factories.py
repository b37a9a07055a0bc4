"""factory_boy / wagtail-factories fixtures for people, studios and reviews."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from people.models import Person, Studio
from review_pages.models import (
    ReviewCastMember,
    ReviewDirector,
    ReviewIndexPage,
    ReviewPage,
    ReviewProductionCompany,
    ReviewWriter,
)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")


class StudioFactory(DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"Studio {n}")


def complete_body(performer_ids=(), critiques=1):
    """A body that satisfies the publishing rules, as raw StreamField data."""
    body = [
        {"type": "synopsis", "value": {"text": "<p>A lighthouse keeper hears a voice.</p>"}},
        {
            "type": "performance",
            "value": {
                "heading": "A quiet, commanding lead",
                "performers": list(performer_ids),
                "text": "<p>The lead holds every scene.</p>",
            },
        },
    ]
    for number in range(1, critiques + 1):
        body.append(
            {
                "type": "critique",
                "value": {
                    "heading": f"Critique heading {number}",
                    "text": f"<p>Critique text {number}.</p>",
                },
            }
        )
    body.append({"type": "final_statement", "value": {"text": "<p>Worth the trip.</p>"}})
    return body


class ReviewIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ReviewIndexPage

    title = "Latest reviews"


class ReviewPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ReviewPage

    title = factory.LazyAttribute(lambda o: f"'{o.film_title}' Review: A test headline")
    film_title = factory.Sequence(lambda n: f"Film {n}")
    intro = "<p>A short standfirst.</p>"
    mpa_rating = "PG-13"
    mpa_rating_reason = "some peril"
    runtime_minutes = 98
    release_date = datetime.date(2025, 6, 6)
    body = factory.LazyFunction(complete_body)


def publish(page):
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    return page


def credit(page, *, directors=(), writers=(), cast=(), companies=()):
    """Attach credits to a saved review; `cast` is a list of (person, character)."""
    for order, person in enumerate(directors):
        ReviewDirector.objects.create(page=page, person=person, sort_order=order)
    for order, person in enumerate(writers):
        ReviewWriter.objects.create(page=page, person=person, sort_order=order)
    for order, (person, character) in enumerate(cast):
        ReviewCastMember.objects.create(
            page=page, person=person, character=character, sort_order=order
        )
    for order, studio in enumerate(companies):
        ReviewProductionCompany.objects.create(page=page, studio=studio, sort_order=order)
    return page


class GenreFactory(DjangoModelFactory):
    class Meta:
        model = "review_pages.Genre"

    name = factory.Sequence(lambda n: f"Genre {n}")


def add_genres(page, genres):
    """Give a saved review these genres (Genre objects), in order."""
    from review_pages.models import ReviewGenre

    for order, genre in enumerate(genres):
        ReviewGenre.objects.create(page=page, genre=genre, sort_order=order)
    return page


def add_stills(page, stills):
    """Give a saved review stills: (image, alt text, caption) each, in order."""
    from review_pages.models import ReviewStill

    for order, (image, alt_text, caption) in enumerate(stills):
        ReviewStill.objects.create(
            page=page, image=image, alt_text=alt_text, caption=caption, sort_order=order
        )
    return page
