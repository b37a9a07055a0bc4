"""The review page reads its performers in its credits' one query (`PerformerChooserBlock`,
`people_already_read`), and the block answers as Wagtail's `SnippetChooserBlock` does."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.snippets.blocks import SnippetChooserBlock

from review_pages.blocks import PerformerChooserBlock, people_already_read
from tests.support.factories import complete_body


def test_the_review_page_reads_no_performer_on_its_own(client, make_review, person_factory):
    ada, bram = person_factory(name="Ada Lead"), person_factory(name="Bram Partner")
    review = make_review(
        cast=[(ada, "Keeper"), (bram, "Tom")], body=complete_body([ada.pk, bram.pk])
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(review.url)
    page = response.content.decode()
    assert 'class="section__performers"' in page
    performers = page.split('class="section__performers"', 1)[1].split("</p>", 1)[0]
    assert "Ada Lead" in performers and "Bram Partner" in performers
    alone = [q["sql"] for q in queries if q["sql"].startswith('SELECT "people_person"')]
    assert alone == [], alone  # the people came with the credits (one UNION query)


def _as_wagtail(person_ids):
    return SnippetChooserBlock("people.Person").bulk_to_python(person_ids)


def test_performers_already_read_are_not_read_again(django_assert_num_queries, person_factory):
    ada, bram = person_factory(), person_factory()
    block = PerformerChooserBlock("people.Person")
    values = [ada.pk, None, bram.pk, ada.pk]
    with django_assert_num_queries(0), people_already_read({ada.pk: ada, bram.pk: bram}):
        found = block.bulk_to_python(values)
    expected = _as_wagtail(values)
    assert [p and p.pk for p in found] == [p and p.pk for p in expected]
    assert found[0] is not found[3]  # named twice, two instances, as Wagtail gives


def test_a_performer_not_read_yet_is_read_as_wagtail_reads(
    django_assert_num_queries, person_factory
):
    ada, bram = person_factory(), person_factory()
    block = PerformerChooserBlock("people.Person")
    with django_assert_num_queries(1), people_already_read({ada.pk: ada}):
        found = block.bulk_to_python([ada.pk, bram.pk, 999_999])
    assert [p and p.pk for p in found] == [ada.pk, bram.pk, None]
    with django_assert_num_queries(1):  # outside a page's reading
        assert [p.pk for p in block.bulk_to_python([bram.pk])] == [bram.pk]
    with django_assert_num_queries(1), people_already_read({ada.pk: ada}):
        as_text = block.bulk_to_python([str(ada.pk)])
    assert [p and p.pk for p in as_text] == [p and p.pk for p in _as_wagtail([str(ada.pk)])]
