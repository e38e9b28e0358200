"""core.prepared.PreparedQuery: the ORM's SQL, built once, run with new values (issue 9)."""

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from areas.models import Kelurahan
from core.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def test_it_answers_as_the_queryset_would_for_each_value():
    by_name = PreparedQuery(lambda name: Kelurahan.objects.filter(name=name).order_by("pk"))

    for name in ("Gunung Samarinda", "Klandasan Ilir", "Nowhere"):
        assert [k.pk for k in by_name(name)] == [k.pk for k in Kelurahan.objects.filter(name=name).order_by("pk")]


def test_the_sql_is_built_once():
    built = []
    by_id = PreparedQuery(lambda pk: built.append(pk) or Kelurahan.objects.filter(pk=pk))
    first, second = Kelurahan.objects.order_by("pk")[:2]

    with CaptureQueriesContext(connection) as queries:
        assert list(by_id(first.pk)) == [first]
        assert list(by_id(second.pk)) == [second]

    assert built == [first.pk]
    assert len(queries.captured_queries) == 2


@pytest.mark.parametrize("value", [None, [1, 2], (1,)])
def test_a_value_that_would_change_the_sql_is_refused(value):
    by_id = PreparedQuery(lambda pk: Kelurahan.objects.filter(pk=pk))
    with pytest.raises(ValueError):
        by_id(value)


def test_a_queryset_with_parameters_of_its_own_is_refused():
    labelled = PreparedQuery(lambda pk: Kelurahan.objects.filter(pk=pk).annotate(label=Value("x")))
    with pytest.raises(ValueError, match="not the values"):
        labelled(1)
