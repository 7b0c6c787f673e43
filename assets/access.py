"""The discipline limit on writing assets, for pages, API and imports alike.

An editor may be limited to disciplines (`User.disciplines`; the rule itself is
`User.may_edit_discipline`). Such an editor writes only assets whose asset class has one
of those disciplines, and only those assets' inspections and reports. A report without
an asset belongs to no discipline and stays open to every editor. Reading is never
limited by discipline.
"""

from django.utils.translation import gettext

from assets.models import Asset, AssetClass, Inspection, Report
from impor.choices import Discipline


def discipline_of(obj: Asset | AssetClass | Inspection | Report | None) -> str | None:
    """The discipline a row belongs to; None for a report without an asset."""
    if obj is None:
        return None
    if isinstance(obj, AssetClass):
        return obj.discipline
    if isinstance(obj, Asset):
        return obj.asset_class.discipline
    return discipline_of(obj.asset)


def may_write(user, obj: Asset | AssetClass | Inspection | Report | None) -> bool:
    """Whether `user` may create, change or delete `obj` as far as its discipline goes
    (the model permission is checked apart, as for every model)."""
    discipline = discipline_of(obj)
    return discipline is None or user.may_edit_discipline(discipline)


def refusal(user, discipline: str) -> str:
    """The message for a write outside the user's disciplines, naming both."""
    labels = dict(Discipline.choices)
    return gettext(
        "U bewerkt alleen beheerobjecten van %(allowed)s; dit object hoort bij %(discipline)s."
    ) % {
        "allowed": ", ".join(str(labels.get(code, code)) for code in user.disciplines),
        "discipline": labels.get(discipline, discipline),
    }
