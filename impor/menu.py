"""The main menu, built in one place from the pages the user may open.

Each entry names a page by its URL name; whether the user may open it is asked of the
page's own view (its `has_permission`, the same check that answers 403), so the menu
can never offer a page that refuses the user, and a page added later with its
permission needs no second rule here.

A municipal user gets the register menu; a partner user (an external organisation) gets
its own workspace: its works, the couplings they take part in, its areas of interest
and notifications, imports and API tokens.
"""

from dataclasses import dataclass

from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from impor.visibility import partner_of


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str


MUNICIPAL = (
    Entry("programming:dashboard", _("Dashboard")),
    Entry("programming:programme_list", _("Programma's")),
    Entry("programming:coupling_overview", _("Koppelkansen")),
    Entry("areas:area_list", _("Gebieden")),
    Entry("areas:villages", _("Kernen")),
    Entry("assets:asset_list", _("Beheerobjecten")),
    Entry("assets:import_upload", _("Importeren")),
    Entry("projects:project_list", _("Projecten")),
    Entry("stakeholders:actor_list", _("Actoren")),
    Entry("stakeholders:ambition_list", _("Ambities")),
    Entry("stakeholders:theme_list", _("Thema's")),
    Entry("stakeholders:budgetline_list", _("Budgetregels")),
    Entry("stakeholders:team_list", _("Teams")),
    Entry("stakeholders:interest_list", _("Interessegebieden")),
    Entry("stakeholders:inbox", _("Meldingen")),
    Entry("assets:setup", _("Gemeente inrichten")),
)

PARTNER = (
    Entry("programming:dashboard", _("Start")),
    Entry("projects:project_list", _("Onze werken")),
    Entry("programming:coupling_overview", _("Koppelkansen")),
    Entry("stakeholders:interest_list", _("Interessegebieden")),
    Entry("stakeholders:inbox", _("Meldingen")),
    Entry("projects:partner_import", _("Werken uploaden")),
    Entry("stakeholders:token_list", _("API-sleutels")),
)


@dataclass(frozen=True)
class Item:
    url: str
    label: str
    current: bool


def may_open(request, url: str) -> bool:
    """Whether the view behind `url` lets the request's user in: the permission check of
    its view class (`PermissionRequiredMixin.has_permission`); a view without one needs
    only a login."""
    try:
        match = resolve(url)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is None:
        return True
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    has_permission = getattr(view, "has_permission", None)
    return has_permission() if has_permission is not None else True


def menu_items(request) -> list[Item]:
    """The menu of the request's user, in order, with the current page marked."""
    user = getattr(request, "user", None)  # none when a middleware failed before auth
    if user is None or not user.is_authenticated:
        return []
    entries = PARTNER if partner_of(user) is not None else MUNICIPAL
    items = []
    for entry in entries:
        url = reverse(entry.url_name)
        if may_open(request, url):
            items.append(Item(url=url, label=str(entry.label), current=request.path == url))
    return items


def main_menu(request) -> dict:
    """Context processor: `main_menu`, built only when a template shows it."""
    return {"main_menu": SimpleLazyObject(lambda: menu_items(request))}
