"""List pages with filters, sorting, pagination and export: one base view for every register.

A register's list is an `impor.object_views.ObjectListView`, which adds the permission,
the rows the user may see and the template names to the view below. How to use it
(assets, actors, areas, projects, …)::

    class AssetListView(ObjectListView):
        model = Asset
        filterset_class = AssetFilterSet          # django-filter; the same one the API uses
        columns = (
            Column("external_id", _("id"), ),
            Column("asset_class__name", _("objecttype")),
            Column("construction_year", _("aanlegjaar"), kind="year"),
            Column("area__name", _("gebied"), sortable=False),
        )
        default_sort = "external_id"
        export_name = "beheerobjecten"

        def get_queryset(self):                    # optional: joins and annotations
            return super().get_queryset().select_related("asset_class", "area")

What the view does with a GET request:

1. **Filter**: the filterset reads the query string (django-filter's `FilterView`, strict:
   an invalid filter gives an empty list and the form shows the errors).
2. **Sort**: `?sort=key` or `?sort=-key`, where `key` is a sortable column's `key`. Anything
   else falls back to `default_sort`. The primary key is added as a tie-breaker so that
   pages do not overlap. A column sorts on `order_by` when given (e.g. a name instead of
   a foreign key), else on its `key`.
3. **Paginate**: `paginate_by` (50) rows per page, `?page=n`; the count stops at
   `CappedCountPaginator.count_cap` rows.
4. **Export**: `?export=xlsx` or `?export=csv` returns the *filtered and sorted* list, all
   pages, with the table's columns and Dutch headers (`impor.exports`). The rows come from
   ``values_list(*column keys).iterator(chunk_size=…)``, so a column `key` must be a field
   path or an annotation of the queryset; `choices` turns stored values into labels.

Context for the template, besides Django's `page_obj`, `paginator`, `object_list` and
django-filter's `filter`:

- `headers`: one dict per column, in order: `column`, `label`, `sortable`, `sort_url`
  (the link that sorts on it, ascending first, or reversed when it is the current sort),
  `aria_sort` ("ascending", "descending" or "none", for ``<th aria-sort>``).
- `export_links`: ``[{"format": "xlsx", "label": "Excel", "url": "?…&export=xlsx"}, …]``.
- `sort`: the sort in force, e.g. "-construction_year".
- `page_query`: the query string without `page`, for pagination links
  (``?{{ page_query }}&page=2``).

``impor/object_list.html`` puts the page together from reusable parts (plain semantic
HTML): ``components/list_filters.html`` (the filter form, GET, keeps the sort),
``components/list_head.html`` (``<thead>`` with sort links and aria-sort),
``components/list_tools.html`` (result count and export links) and
``components/pagination.html``::

    {% include "components/list_filters.html" with form=filter.form %}
    {% include "components/list_tools.html" %}
    <table><caption>…</caption>{% include "components/list_head.html" %}<tbody>…</tbody></table>
    {% include "components/pagination.html" %}
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from impor.exports import EXPORT_CHUNK_SIZE, ExportColumn, csv_response, xlsx_response

EXPORT_FORMATS = {"xlsx": _("Excel"), "csv": _("CSV")}


@dataclass(frozen=True)
class Column:
    """A column of a list page and of its export.

    `key` is a field path or annotation (``"asset_class__name"``) read with `values_list`
    for the export and used as the sort key in the URL; `label` is the Dutch header;
    `kind` is the kind of value for the export ("text", "int", "year", "decimal",
    "money", "date"); `order_by` overrides the fields to sort on; `choices` maps stored
    values to labels in the export. A `computed` column (an annotation no index holds)
    sorts lists of up to `CappedCountPaginator.count_cap` rows only: sorting a million
    computed values takes seconds.
    """

    key: str
    label: Any
    kind: str = "text"
    sortable: bool = True
    order_by: tuple[str, ...] = ()
    choices: Mapping[Any, Any] = field(default_factory=dict)
    computed: bool = False

    def ordering(self, descending: bool) -> list[str]:
        fields = self.order_by or (self.key,)
        if not descending:
            return list(fields)
        return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]

    def export_column(self) -> ExportColumn:
        return ExportColumn(
            capfirst(str(self.label)), self.kind, {k: str(v) for k, v in self.choices.items()}
        )


class CappedCountPaginator(Paginator):
    """Django's paginator that stops counting after `count_cap` rows.

    Counting a million assets takes PostgreSQL a tenth of a second on every page view;
    counting up to the cap takes a few milliseconds. Beyond the cap the page says "more
    than 100.000 results" (`count_capped`), and the pages up to the cap can be opened:
    whoever needs the rows further on sorts the other way or narrows the filter.
    """

    count_cap = 100_000

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        # Only the primary keys, unordered: no annotations to compute for the count.
        return self.object_list.order_by().values("pk")[: self.count_cap + 1].count()

    @property
    def count_capped(self) -> bool:
        return self.count > self.count_cap


class FilteredListView(PermissionRequiredMixin, FilterView):
    """A register's list page: filter form, sortable columns, 50 rows a page, export.

    Subclasses set `model` (or override `get_queryset`), `filterset_class`,
    `permission_required`, `template_name`, `columns`, `default_sort` and `export_name`.
    """

    columns: ClassVar[Sequence[Column]] = ()
    default_sort: ClassVar[str] = ""
    export_name: ClassVar[str] = "export"
    paginate_by = 50
    paginator_class = CappedCountPaginator
    raise_exception = True  # logged in but not allowed: 403, not the login page again
    strict = True

    # --- sorting ---------------------------------------------------------------------

    def _sortable(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns if column.sortable}

    def get_sort(self) -> str:
        """The sort in force: the `sort` parameter when it names a sortable column."""
        requested = self.request.GET.get("sort", "")
        if requested.lstrip("-") in self._sortable() and not getattr(self, "sort_refused", False):
            return requested
        return self.default_sort

    def paginate_queryset(self, queryset, page_size):
        column = self._sortable().get(self.get_sort().lstrip("-"))
        if column is not None and column.computed and isinstance(queryset, QuerySet):
            paginator = self.get_paginator(queryset, page_size)
            if paginator.count_capped:
                self.sort_refused = True
                queryset = queryset.order_by(*self.get_ordering())
        return super().paginate_queryset(queryset, page_size)

    def get_ordering(self) -> list[str]:
        sort = self.get_sort()
        column = self._sortable().get(sort.lstrip("-"))
        if column is None:
            return ["pk"]
        descending = sort.startswith("-")
        # The tie-breaker runs the same way, so an index on (column, id) serves the page.
        return [*column.ordering(descending), "-pk" if descending else "pk"]

    def get_queryset(self) -> QuerySet:
        # Sorting before filtering is fine: filtering keeps the order.
        return super().get_queryset().order_by(*self.get_ordering())

    # --- export ----------------------------------------------------------------------

    def get(self, request, *args, **kwargs) -> HttpResponseBase:
        export = request.GET.get("export")
        if not export:
            return super().get(request, *args, **kwargs)
        if export not in EXPORT_FORMATS:
            raise Http404(_("Onbekend exportformaat."))
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid() and self.get_strict():
            queryset = self.filterset.queryset.none()
        else:
            queryset = self.filterset.qs
        return self.export(queryset, export)

    def export(
        self, queryset: QuerySet, export_format: str
    ) -> StreamingHttpResponse | FileResponse:
        """The filtered, sorted list as a download, read in chunks from the database."""
        columns = [column.export_column() for column in self.columns]
        rows = queryset.values_list(*(c.key for c in self.columns)).iterator(
            chunk_size=EXPORT_CHUNK_SIZE
        )
        if export_format == "csv":
            return csv_response(self.export_name, columns, rows)
        return xlsx_response(self.export_name, self.export_name, columns, rows)

    # --- context ---------------------------------------------------------------------

    def _query(self, **changes: str | None) -> str:
        query = self.request.GET.copy()
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return query.urlencode()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sort = self.get_sort()
        headers = []
        for column in self.columns:
            header = {"column": column, "label": column.label, "sortable": column.sortable}
            if column.sortable:
                current = sort.lstrip("-") == column.key
                descending = current and sort.startswith("-")
                header["aria_sort"] = (
                    ("descending" if descending else "ascending") if current else "none"
                )
                next_sort = column.key if descending or not current else f"-{column.key}"
                header["sort_url"] = "?" + self._query(sort=next_sort, page=None, export=None)
            headers.append(header)
        context["headers"] = headers
        context["sort"] = sort
        context["sort_refused"] = getattr(self, "sort_refused", False)
        context["count_cap"] = CappedCountPaginator.count_cap
        context["page_query"] = self._query(page=None, export=None)
        context["export_links"] = [
            {"format": fmt, "label": label, "url": "?" + self._query(export=fmt, page=None)}
            for fmt, label in EXPORT_FORMATS.items()
        ]
        return context
