"""Content negotiation that answers an unknown `?format=` with 406, as an unknown
`Accept` gets, instead of DRF's 404 (the resource exists; the format does not)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise exceptions.NotAcceptable(
                _("Formaat %(format)s bestaat hier niet; kies uit: %(formats)s.")
                % {"format": format, "formats": formats}
            )
        return found
