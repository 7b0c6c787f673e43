"""The asset part of a work page's realisation block (`_realisation.html`):
``{% work_asset_changes work as changes %}`` gives, for who may remove assets, the form
to mark the assets of the work's scope the finished work removed, and for who may import
assets the link to the asset import, through which the new assets of the as-built drawing
come in (docs/realisation.md)."""

from django import template
from django.urls import reverse

from impor.choices import ImportKind
from programming.realisation_views import removal_form

register = template.Library()


@register.simple_tag(takes_context=True)
def work_asset_changes(context, work) -> dict:
    user = context["request"].user
    may_import = user.has_perm("assets.add_asset") and user.has_perm("assets.change_asset")
    return {
        "removal": removal_form(user, work.key),
        "import_url": (
            f"{reverse('assets:import_upload')}?soort={ImportKind.ASSETS.value}"
            if may_import
            else ""
        ),
    }
