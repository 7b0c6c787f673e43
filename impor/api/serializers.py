"""The serializer base of every endpoint: the model's own rules decide what is valid."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings

from impor.visibility import limit_choices


def field_errors(exc: DjangoValidationError) -> dict:
    """Django's errors by field, with the row-wide ones (`__all__`) under DRF's
    `non_field_errors`, as a serializer reports them."""
    errors = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


class ModelSerializer(serializers.ModelSerializer):
    """Runs `Model.full_clean()` on the would-be row, so the API refuses exactly what the
    forms and imports refuse (field validators, `clean()`, constraints), each error named
    by its field. Many-to-many values are checked by their own fields.

    A field that names a row accepts only the rows the user may see
    (`impor.visibility`): another organisation's budget line is refused as an id that
    does not exist."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        limit_choices(fields, getattr(request, "user", None))
        return fields

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model = self.Meta.model
        many = {f.name for f in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=many)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(exc)) from exc
        return attrs
