"""The desk's search: film titles, headlines and every name a review credits.

Editors look a review up by whoever is in it or wrote it: the critic, a cast member (or the
part they play), a director, a writer, a production company or the distributor. Each word
of the query must appear in one of those (as in Django's admin), so "Marchetti lantern"
finds the film with both. The credit lists are matched by subqueries on their own tables
(`review_id IN (SELECT page_id ... WHERE name LIKE ...)`): no join multiplies the rows, so
no DISTINCT is needed, and the listing stays one query however many reviews match.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q, QuerySet
from wagtail_modeladmin.helpers.search import BaseSearchHandler

from ..models import CREDIT_LISTS

#: The review's own text fields and single credits (joined once each: no duplicates).
OWN_FIELDS = ("film_title", "title", "draft_title", "author__name", "distributor__name")


def word_q(word: str) -> Q:
    conditions = [Q(**{f"{field}__icontains": word}) for field in OWN_FIELDS]
    for relation, (model, target) in CREDIT_LISTS.items():
        matching = Q(**{f"{target}__name__icontains": word})
        if relation == "cast":
            matching |= Q(character__icontains=word)
        conditions.append(Q(pk__in=model.objects.filter(matching).values("page_id")))
    return reduce(operator.or_, conditions)


class CreditedNameSearchHandler(BaseSearchHandler):
    """modeladmin's search handler for the desk (its `search_fields` are not used)."""

    def search_queryset(self, queryset: QuerySet, search_term: str, **kwargs) -> QuerySet:
        for word in search_term.split():
            queryset = queryset.filter(word_q(word))
        return queryset

    @property
    def show_search_form(self) -> bool:
        return True
