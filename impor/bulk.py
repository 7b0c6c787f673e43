"""Bulk writes for municipal-scale tables (imports, the demo city, engine results).

`Model.objects.bulk_create` builds one Python object per row, which is the bottleneck at a
million rows. `insert_rows` takes plain tuples that are already in database form (numbers,
strings, ISO dates, JSON as text) and sends them with PostgreSQL's COPY or with SQLite's
`executemany`, inside the caller's transaction. Model validation is the caller's job: this
is the fast path after validation, not a way around it.
"""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models

BATCH_SIZE = 10_000


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows (tuples in the order of `fields`) into the model's table; return the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH_SIZE)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def read_pairs(queryset: models.QuerySet, key: str, value: str) -> dict[Any, Any]:
    """`dict(queryset.values_list(key, value))` in one fetch, for a key → id map of many
    rows (a city's ~100,000 works just written, the assets an import refers to): the
    queryset iterates in chunks of 100 rows, three to six times slower. The values come
    as the database gives them, without the fields' converters: for keys and ids, which
    need none."""
    try:
        sql, params = queryset.values_list(key, value).query.sql_with_params()
    except EmptyResultSet:  # a filter nothing can match (`pk__in=[]`): no query to run
        return {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())
