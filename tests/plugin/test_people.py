"""The people and studio snippet models: names, slugs, order."""

import pytest

from people.models import Person, Studio
from people.naming import normalise_name


@pytest.mark.django_db
def test_slugs_are_unique_and_keep_unicode():
    first = Person.objects.create(name="Zoë  Marchetti")
    second = Person.objects.create(name="Zoë Marchetti")
    assert first.name == "Zoë Marchetti"
    assert first.slug == "zoë-marchetti"
    assert second.slug == "zoë-marchetti-2"
    studio = Studio.objects.create(name="87North Productions")
    assert studio.slug == "87north-productions"


@pytest.mark.django_db
def test_match_name_folds_case_spacing_and_composition():
    person = Person.objects.create(name="Zoe\u0308 MARCHETTI")
    assert person.match_name == normalise_name("zoë marchetti")
    assert normalise_name("Ana\u00a0de  Armas") == normalise_name("ana de armas")
    assert normalise_name("D’Arcy") == normalise_name("D'Arcy")
    assert normalise_name("Zoë") != normalise_name("Zoe")


@pytest.mark.django_db
def test_people_are_ordered_by_name():
    for name in ["Carla", "Abe", "Bo"]:
        Person.objects.create(name=name)
    assert list(Person.objects.values_list("name", flat=True)) == ["Abe", "Bo", "Carla"]
