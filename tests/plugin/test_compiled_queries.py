"""Queries compiled once (`review_pages.models.compiled`) answer as the ORM does: the review
routing reads, the view restrictions and the private sections."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from people.models import Person
from review_pages.models import ReviewPage, restricted_sections
from review_pages.models.compiled import CompiledQuery
from review_pages.models.index import CHILD_REVIEW

PEOPLE_STARTING = CompiledQuery(
    lambda prefix: Person.objects.filter(name__startswith=prefix).order_by("name"),
    prefix="NAMEPREFIXSTANDIN",
)


def test_a_compiled_query_gives_the_instances_the_orm_gives(index_page, make_review):
    review = make_review(film_title="Ballerina", score="4.5")
    (found,) = CHILD_REVIEW.instances(
        path=index_page.path, depth=index_page.depth + 1, slug=review.slug
    )
    expected = ReviewPage.objects.get(pk=review.pk)
    for field in ReviewPage._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    # Converted as the ORM converts: an aware datetime, a Decimal, the body's blocks.
    assert found.first_published_at.tzinfo is not None
    assert str(found.score) == "4.5"
    assert [block.block_type for block in found.body] == [b.block_type for b in expected.body]
    assert found._state.adding is False and found._state.db == "default"


def test_each_call_runs_with_its_own_values(index_page, make_review):
    first, second = make_review(film_title="First"), make_review(film_title="Second")
    path, depth = index_page.path, index_page.depth + 1
    assert [r.pk for r in CHILD_REVIEW.instances(path=path, depth=depth, slug=first.slug)] == [
        first.pk
    ]
    assert [r.pk for r in CHILD_REVIEW.instances(path=path, depth=depth, slug=second.slug)] == [
        second.pk
    ]
    assert CHILD_REVIEW.instances(path=path, depth=depth, slug="no-such-review") == []
    assert CHILD_REVIEW.instances(path=path, depth=depth + 1, slug=first.slug) == []


def test_like_patterns_escape_the_values_as_the_orm_does(db):
    for name in ("50% off", "50 cents", "A_b", "Ab"):
        Person.objects.create(name=name)
    for prefix in ("50%", "50", "A_", "A"):
        expected = list(Person.objects.filter(name__startswith=prefix).order_by("name"))
        assert PEOPLE_STARTING.instances(prefix=prefix) == expected, prefix
    assert [p.name for p in PEOPLE_STARTING.instances(prefix="50%")] == ["50% off"]


def test_a_query_missing_a_value_is_refused_when_compiled(db):
    broken = CompiledQuery(lambda name: Person.objects.all(), name="UNUSEDSTANDIN")
    with pytest.raises(ValueError, match="name"):
        broken.instances(name="x")


def test_a_review_is_read_in_one_query_and_served(client, index_page, make_review):
    review = make_review(film_title="Ballerina")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(review.url)
    assert response.status_code == 200
    assert "Ballerina" in response.content.decode()
    sqls = [q["sql"].replace("`", '"') for q in queries]  # MySQL quotes names with backticks
    by_slug = [sql for sql in sqls if f"\"slug\" = '{review.slug}'" in sql]
    # Read once, specific (Wagtail reads the child page, then its review row).
    assert len(by_slug) == 1, by_slug
    assert 'FROM "review_pages_reviewpage"' in by_slug[0]


def test_other_children_and_the_index_routes_are_served_as_before(client, index_page, make_review):
    make_review(film_title="Ballerina")
    index_page.add_child(instance=Page(title="About us", slug="about"))
    assert client.get(f"{index_page.url}about/").status_code == 200
    assert client.get(f"{index_page.url}search/?q=Ballerina").status_code == 200
    assert client.get(f"{index_page.url}no-such-review/").status_code == 404


def _restriction(page, kind=PageViewRestriction.PASSWORD):
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="pw")


def _same_as_wagtails(page):
    ours = list(page.get_view_restrictions())
    wagtails = list(Page.get_view_restrictions(page))
    assert {r.pk for r in ours} == {r.pk for r in wagtails}
    # A queryset still, as callers expect (the admin orders it).
    assert list(page.get_view_restrictions().order_by("pk")) == sorted(ours, key=lambda r: r.pk)
    return ours


def test_view_restrictions_are_wagtails(client, index_page, make_review):
    review = make_review(film_title="Ballerina")
    assert _same_as_wagtails(review) == []
    on_index = _restriction(index_page)
    assert [r.pk for r in _same_as_wagtails(review)] == [on_index.pk]
    assert [r.pk for r in _same_as_wagtails(index_page)] == [on_index.pk]
    on_review = _restriction(review, PageViewRestriction.LOGIN)
    assert {r.pk for r in _same_as_wagtails(review)} == {on_index.pk, on_review.pk}
    # Served: the password form, not the review.
    response = client.get(review.url)
    assert "Ballerina" not in response.content.decode()


def test_an_alias_has_its_source_pages_restrictions(index_page, make_review):
    review = make_review(film_title="Ballerina")
    on_review = _restriction(review)
    home = index_page.get_parent()
    alias = review.create_alias(parent=home, update_slug="ballerina-elsewhere")
    _restriction(alias)  # an alias's own restriction does not apply, as in Wagtail
    assert [r.pk for r in _same_as_wagtails(alias)] == [on_review.pk]


def test_private_sections_are_the_orms(index_page, make_review):
    review = make_review(film_title="Ballerina")
    assert restricted_sections() == []
    _restriction(review)
    (section,) = restricted_sections()
    assert (section.pk, section.path, section.depth) == (review.pk, review.path, review.depth)
