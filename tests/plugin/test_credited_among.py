"""`credited_people(among=...)` / `credited_studios(among=...)` (the search's name matches)
find exactly the matches that `credited_people()` / `credited_studios()` find: credited on a
review public now, in any role, never only on a draft or a private one."""

from wagtail.models import PageViewRestriction

from review_pages.models import ReviewPage


def test_the_matches_credited_are_those_the_whole_rule_finds(
    index_page, make_review, person_factory, studio_factory
):
    director, writer, actor, critic = (person_factory() for _ in range(4))
    on_draft, on_private, nowhere = person_factory(), person_factory(), person_factory()
    company, distributor, drafts_studio = studio_factory(), studio_factory(), studio_factory()
    make_review(
        directors=[director],
        writers=[writer],
        cast=[(actor, "Lead")],
        companies=[company],
        author=critic,
        distributor=distributor,
    )
    make_review(directors=[on_draft], companies=[drafts_studio], live=False)
    private = make_review(cast=[(on_private, "Lead")])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

    reviews = index_page.reviews()
    everyone = [director, writer, actor, critic, on_draft, on_private, nowhere]
    among = [person.pk for person in everyone]
    found = set(reviews.credited_people(among=among).values_list("pk", flat=True))
    assert found == {director.pk, writer.pk, actor.pk, critic.pk}
    assert found == set(reviews.credited_people().filter(pk__in=among).values_list("pk", flat=True))

    studios = [company.pk, distributor.pk, drafts_studio.pk]
    found_studios = set(reviews.credited_studios(among=studios).values_list("pk", flat=True))
    assert found_studios == {company.pk, distributor.pk}
    assert reviews.credited_people(among=[]).count() == 0
    assert ReviewPage.objects.public_now().credited_people(among=[nowhere.pk]).count() == 0
