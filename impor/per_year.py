"""The pages of a parent with one value per year: a budget line with its amounts, a team
with its available hours.

Both registers keep a parent and its rows of (year, value), one row a year, and list, show
and edit them alike; this module is that one way. impor is the lowest layer and names no
app's model: a view passes its parent model (`model`), the reverse relation of the rows
(`year_rows`, also the formset's prefix and the detail page's context name) and the field
of their value (`year_value`). The API writes the same rows through
`impor.api.per_year.PerYearSerializer`.
"""

from functools import cache

from django.db import models
from django.db.models import Count, Sum
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from impor.formsets import FormsetsMixin, SharedChoicesInlineFormSet


@cache
def per_year_formset(
    parent: type[models.Model], year_rows: str, year_value: str
) -> type[BaseInlineFormSet]:
    """The inline formset of a parent's rows per year: year and value, two empty rows to
    add years, each row deletable. Built once per parent (the pages ask on every request)."""
    return inlineformset_factory(
        parent,
        parent._meta.get_field(year_rows).related_model,
        formset=SharedChoicesInlineFormSet,
        fields=["year", year_value],
        extra=2,
        can_delete=True,
    )


def per_year_totals(year_rows: str, year_value: str) -> dict:
    """The annotations of a list of parents: how many years each has (`year_count`) and
    the sum of their values (`total`), as the list's columns of those names show."""
    return {"year_count": Count(year_rows), "total": Sum(f"{year_rows}__{year_value}")}


class PerYearMixin:
    """What a parent's views name: the reverse relation of its rows and their value."""

    year_rows = ""
    year_value = ""


class PerYearDetailMixin(PerYearMixin):
    """A parent's page with its rows: in the context under `year_rows`, in the order the
    row model sorts them, with their `total`."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(getattr(self.object, self.year_rows).all())
        context[self.year_rows] = rows
        context["total"] = sum(getattr(row, self.year_value) for row in rows)
        return context


class PerYearEditMixin(PerYearMixin, FormsetsMixin):
    """A parent's edit page with the formset of its rows under the legend
    `year_rows_legend`, saved with the parent or not at all (`FormsetsMixin`)."""

    year_rows_legend = ""

    def all_formset_classes(self) -> dict:
        return {self.year_rows: per_year_formset(self.model, self.year_rows, self.year_value)}

    def all_formset_legends(self) -> dict:
        return {self.year_rows: self.year_rows_legend}
