"""GET /api/v1/<resource>/{id}/geschiedenis: an object's audit trail (`impor.history`).

`HistoryMixin` gives a viewset the action. The object is looked up with the viewset's own
`get_object`, so its permissions and row visibility hold: what the detail answers 404 to
has no history either, unless it was deleted and the user sees every row of its model
(`impor.visibility.sees_every_row`), as on the history page. `history_permission` asks
for more where the history shows more than the detail (a programme's history shows
decisions on every coupling).
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action

from impor.history import CHANGE_KINDS, ObjectHistory, deleted


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("Naam van het veld in de API."))
    label = serializers.CharField(help_text=_("Naam van het veld zoals de pagina's hem tonen."))
    old = serializers.CharField(
        allow_null=True,
        help_text=_("Oude waarde zoals getoond; leeg (null) bij een samengevatte wijziging."),
    )
    new = serializers.CharField(
        help_text=_(
            "Nieuwe waarde zoals getoond, of de samenvatting (bijvoorbeeld 'geometrie gewijzigd')."
        )
    )


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Nummer van de versie, uniek per soort (model)."))
    model = serializers.CharField(
        help_text=_("Soort rij: het object zelf of een deel ervan (funding, projectbrief, …).")
    )
    subject = serializers.CharField(help_text=_("Waarover de versie gaat, zoals getoond."))
    at = serializers.DateTimeField(help_text=_("Wanneer."))
    user = serializers.CharField(
        allow_null=True,
        help_text=_("Door wie; null bij het systeem of een import zonder gebruiker."),
    )
    change = serializers.ChoiceField(choices=list(CHANGE_KINDS.values()))
    changes = FieldChangeSerializer(many=True)
    reason = serializers.CharField(
        allow_blank=True, help_text=_("Reden, bijvoorbeeld de import die de wijziging deed.")
    )


class HistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


class HistoryMixin:
    """Adds `GET …/{id}/geschiedenis` to a viewset: who changed what and when, newest
    first, in pages of 50."""

    history_permission = ""

    @extend_schema(
        summary="Geschiedenis",
        description=(
            "Wie wat wanneer veranderde aan dit object (en aan de delen die erbij horen), "
            "de nieuwste versie eerst."
        ),
        request=None,
        responses=HistoryPageSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="geschiedenis", filter_backends=[])
    def history(self, request, pk=None):
        if self.history_permission and not request.user.has_perm(self.history_permission):
            raise exceptions.PermissionDenied()
        page = self.paginate_queryset(ObjectHistory(self._object_or_deleted(pk)))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    def _object_or_deleted(self, pk):
        try:
            return self.get_object()
        except Http404:
            obj = deleted(self.get_queryset(), self.request.user, pk)
            if obj is None:
                raise
            return obj
