"""The API of a parent with one value per year (a budget line's amounts, a team's
hours): the parent with its rows as a nested list of {year, value}."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from impor.api.serializers import ModelSerializer


class PerYearSerializer(ModelSerializer):
    """A parent with its rows per year in the nested list `year_rows` (the reverse
    relation of the rows, declared as a field of their serializer with ``many=True,
    required=False``).

    Writing the list replaces all the parent's rows, in the transaction that writes the
    parent, so a reader never sees half of them; leaving it out keeps them. A year twice
    in the list is refused under the list's name and nothing is stored. impor names no
    app's model: the row model and its parent field follow from the relation.
    """

    year_rows = ""

    def __init_subclass__(cls, **kwargs) -> None:
        # DRF validates a field through the method named after it.
        super().__init_subclass__(**kwargs)
        if cls.year_rows:
            setattr(cls, f"validate_{cls.year_rows}", cls.validate_one_row_per_year)

    def validate_one_row_per_year(self, rows: list[dict]) -> list[dict]:
        seen = set()
        for row in rows:
            if row["year"] in seen:
                raise serializers.ValidationError(
                    _("Het jaar %(year)s staat meer dan eens in de lijst.") % {"year": row["year"]}
                )
            seen.add(row["year"])
        return rows

    def validate(self, attrs: dict) -> dict:
        # The rows are no field of the parent: the base sets every value on the would-be
        # parent for its full_clean, and a reverse relation cannot be assigned.
        rows = attrs.pop(self.year_rows, None)
        attrs = super().validate(attrs)
        if rows is not None:
            attrs[self.year_rows] = rows
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict) -> models.Model:
        rows = validated_data.pop(self.year_rows, [])
        parent = super().create(validated_data)
        self._replace_rows(parent, rows)
        return parent

    @transaction.atomic
    def update(self, instance: models.Model, validated_data: dict) -> models.Model:
        rows = validated_data.pop(self.year_rows, None)
        parent = super().update(instance, validated_data)
        if rows is not None:
            self._replace_rows(parent, rows)
        return parent

    def _replace_rows(self, parent: models.Model, rows: list[dict]) -> None:
        relation = self.Meta.model._meta.get_field(self.year_rows)
        getattr(parent, self.year_rows).all().delete()
        relation.related_model.objects.bulk_create(
            relation.related_model(**{relation.field.name: parent}, **row) for row in rows
        )
