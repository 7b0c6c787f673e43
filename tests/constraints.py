"""Assertions shared by the constraint tests of every app (``tests/<app>/test_models.py``).

Each app's test module declares its rules as tables of ``pytest.param`` rows and runs
them through these helpers, so the way a rule is broken is written once, not per model.
A CHECK constraint is matched by name: both SQLite ("CHECK constraint failed: <name>")
and PostgreSQL ('violates check constraint "<name>"') put it in the error, which makes
sure the intended constraint refused the row and not another one by accident.
"""

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

Make = Callable[..., models.Model]


def assert_insert_refused(make: Make, bad: dict[str, Any], constraint: str) -> None:
    """Inserting a row with `bad` values, bypassing validation, breaks `constraint`."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make(**bad)


def assert_update_refused(make: Make, bad: dict[str, Any], constraint: str) -> None:
    """Updating a good row to `bad` values with ``QuerySet.update`` breaks `constraint`."""
    row = make()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**bad)


def assert_full_clean_refuses(row: models.Model, key: str, message: str | None = None) -> None:
    """``full_clean()`` refuses `row` with an error under `key` (a field or NON_FIELD_ERRORS)."""
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    errors = refused.value.message_dict
    assert key in errors, errors
    if message is not None:
        assert message in errors[key]


def assert_bad_values_refused_by_full_clean(
    make: Make, bad: dict[str, Any], key: str, message: str | None = None
) -> None:
    row = make()
    for field, value in bad.items():
        setattr(row, field, value)
    assert_full_clean_refuses(row, key, message)


def assert_duplicate_insert_refused(make: Make, fields: Iterable[str]) -> None:
    """A second row with the same values in `fields` is refused by the database."""
    first = make()
    with pytest.raises(IntegrityError), transaction.atomic():
        make(**{field: getattr(first, field) for field in fields})


def assert_duplicate_refused_by_full_clean(
    make: Make, fields: Iterable[str], key: str, message: str | None = None
) -> None:
    """A second, otherwise good row copying `fields` from the first fails ``full_clean()``."""
    first, second = make(), make()
    for field in fields:
        setattr(second, field, getattr(first, field))
    assert_full_clean_refuses(second, key, message)


class ConstraintRules:
    """The standard rule tests, run over a test class's own tables.

    A subclass sets `checks` (factory, bad values, constraint, full_clean key, message),
    `uniques` (factory, fields, full_clean key, message) and `good_rows` (factories);
    ``pytest_generate_tests`` in ``tests/conftest.py`` parametrises the methods with them.
    """

    checks: list = []
    uniques: list = []
    good_rows: list = []

    def test_a_new_row_breaking_a_check_constraint_is_refused_by_the_database(
        self, make, bad, constraint, key, message
    ):
        assert_insert_refused(make, bad, constraint)

    def test_an_update_breaking_a_check_constraint_is_refused_by_the_database(
        self, make, bad, constraint, key, message
    ):
        assert_update_refused(make, bad, constraint)

    def test_a_row_breaking_a_check_constraint_is_refused_by_full_clean(
        self, make, bad, constraint, key, message
    ):
        assert_bad_values_refused_by_full_clean(make, bad, key, message)

    def test_a_duplicate_is_refused_by_the_database(self, make, fields, key, message):
        assert_duplicate_insert_refused(make, fields)

    def test_a_duplicate_is_refused_by_full_clean(self, make, fields, key, message):
        assert_duplicate_refused_by_full_clean(make, fields, key, message)

    def test_a_good_row_from_the_factory_passes_full_clean(self, make):
        make().full_clean()
