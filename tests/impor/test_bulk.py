"""`impor.bulk`: the fast paths for municipal-scale tables."""

import pytest

from impor.bulk import read_pairs
from stakeholders.models import BudgetLine
from tests.factories import BudgetLineFactory

pytestmark = pytest.mark.django_db


def test_read_pairs_reads_what_values_list_reads_of_the_filtered_rows():
    for code in ("riolering", "wegen", "groen"):
        BudgetLineFactory(code=code)
    some = BudgetLine.objects.filter(code__in=["riolering", "groen"])

    pairs = read_pairs(some, "code", "pk")

    assert pairs == dict(some.values_list("code", "pk"))
    assert set(pairs) == {"riolering", "groen"}, "the filter's parameters are bound"


def test_read_pairs_of_a_filter_nothing_can_match_is_empty():
    """As values_list: an empty `__in` runs no query and reads nothing."""
    assert read_pairs(BudgetLine.objects.filter(code__in=[]), "code", "pk") == {}
