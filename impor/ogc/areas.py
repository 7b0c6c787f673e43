"""The area tree as four layers, one per level (gemeente, kernen, wijken, buurten): a GIS
draws a level as one layer, and the levels overlap. All four are always listed, also a
level without areas, so a client's list of layers does not change with the data."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from impor.choices import AreaLevel
from impor.models import Area
from impor.ogc.collections import Collection, Queryable

QUERYABLES = (
    Queryable("name", "name", "string", "Naam van het gebied."),
    Queryable("cbs_code", "cbs_code", "string", "Code uit de CBS Wijk- en buurtkaart."),
    Queryable("parent", "parent_id", "integer", "Id van het gebied waarin dit gebied ligt."),
)


class AreaCollection(Collection):
    """The areas of one level; their properties as the area API gives them."""

    queryables = QUERYABLES

    def __init__(self, level: AreaLevel):
        self.level = level
        self.id = f"areas-{level.value}"
        self.title = _("Gebieden: %(level)s") % {"level": level.label}
        self.description = _("Alle gebieden van niveau %(level)s, met hun sociale opgave.") % {
            "level": level.label
        }

    def available_to(self, user: Any) -> bool:
        return user.has_perm("impor.view_area")

    def queryset(self, user: Any) -> QuerySet[Area]:
        return Area.objects.filter(level=self.level)

    def properties(self, user: Any, rows: Sequence[Area]) -> list[dict[str, Any]]:
        return [
            {
                "name": area.name,
                "level": area.level,
                "parent": area.parent_id,
                "cbs_code": area.cbs_code,
                "area_type": area.area_type,
                "quality_level": area.quality_level,
                "population": area.population,
                "liveability_score": (
                    float(area.liveability_score) if area.liveability_score is not None else None
                ),
                "social_priority": area.social_priority,
                "social_tasks": area.social_tasks,
            }
            for area in rows
        ]


def collections(user: Any) -> list[Collection]:
    return [AreaCollection(level) for level in AreaLevel]
