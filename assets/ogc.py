"""The assets as OGC API feature collections (`impor.ogc`): ``assets``, every asset, and
one per discipline, ``assets-<discipline>`` (``assets-riolering``, …), so a GIS user adds
the sewers as one layer and the trees as another.

Who reads them is who reads the asset API: the `assets.view_asset` permission; reading is
never limited by discipline (`assets.access`), so every asset is in the collections.

The queryset stays a plain filter on the asset table, so the service's key paging walks
the primary key of a million rows; a discipline is its asset classes as a subquery. The
lifecycle (`lifespan_years`, `end_of_life`, `preferred_year`, `remaining_life`,
`urgency`, `replacement_value`) is the asset list's and API's one definition
(`assets.filters.with_lifecycle`), read for the rows of one page only: two queries per
page (the asset classes, then the page's lifecycle), never over the whole table.

Properties (the asset API's names):

=====================  =================================================================
``source``             the system the asset came from
``external_id``        its id there
``asset_class``        the asset class's code
``asset_class_name``   the asset class's name
``discipline``         the discipline's code (``riolering``, …)
``area``               the area's id; ``area_name`` its name
``street``             the street
``quantity``           the quantity in the class's unit (``unit``: m, m2, st)
``material``           the material
``construction_year``  the year of construction
``condition``          NEN 2767 score 1–6 (null: not inspected); ``condition_date``
``owner``              the owning organisation's id
lifecycle              ``lifespan_years``, ``end_of_life``, ``preferred_year``,
                       ``remaining_life``, ``urgency``, ``replacement_value`` (euros at
                       this year's prices, 2 decimals), as the asset list computes them
=====================  =================================================================

Queryables: ``discipline`` (``assets`` only), ``asset_class`` (code), ``area`` (id),
``street`` (exact), ``construction_year``, ``condition``, ``material``. ``datetime``
selects by construction year: an asset built in the period.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assets.filters import with_lifecycle
from assets.models import Asset, AssetClass
from impor.choices import Discipline
from impor.ogc.collections import Collection, Queryable

#: The lifecycle annotations of `with_lifecycle`, in the order the properties show them.
LIFECYCLE = (
    "lifespan_years",
    "end_of_life",
    "preferred_year",
    "remaining_life",
    "urgency",
    "replacement_value",
)

QUERYABLES = (
    Queryable("asset_class", "asset_class__code", "string", "De code van het objecttype."),
    Queryable("area", "area_id", "integer", "Het id van het gebied."),
    Queryable("street", "street", "string", "De straat (precies)."),
    Queryable("construction_year", "construction_year", "integer", "Het aanlegjaar."),
    Queryable("condition", "condition", "integer", "De conditie (NEN 2767, 1–6)."),
    Queryable("material", "material", "string", "Het materiaal (precies)."),
)
DISCIPLINE = Queryable("discipline", "asset_class__discipline", "string", "De beheerdiscipline.")


class AssetCollection(Collection):
    """Every asset, or those of one discipline."""

    geometry_field = "geometry"
    has_bbox_columns = True
    # Built in the period: the construction year is both the first and the last year.
    temporal = ("construction_year", "construction_year")

    def __init__(self, discipline: str | None = None) -> None:
        self.discipline = discipline
        if discipline is None:
            self.id = "assets"
            self.title = str(_("Beheerobjecten"))
            self.description = str(_("Alle beheerobjecten met hun levenscyclus."))
            self.queryables = (DISCIPLINE, *QUERYABLES)
        else:
            label = Discipline(discipline).label
            self.id = f"assets-{discipline}"
            self.title = str(_("Beheerobjecten: %(discipline)s") % {"discipline": label})
            self.description = str(
                _("De beheerobjecten van %(discipline)s met hun levenscyclus.")
                % {"discipline": label}
            )
            self.queryables = QUERYABLES

    def available_to(self, user: Any) -> bool:
        return bool(user.has_perm("assets.view_asset"))

    def queryset(self, user: Any) -> QuerySet[Asset]:
        # The page reads only the key and the geometry: `properties` reads the rest.
        rows = Asset.objects.only("pk", "geometry").order_by()
        if self.discipline is None:
            return rows
        classes = AssetClass.objects.filter(discipline=self.discipline).values("pk")
        return rows.filter(asset_class_id__in=classes)

    def properties(self, user: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
        ids = [row.pk for row in rows]
        page = with_lifecycle(Asset.objects.filter(pk__in=ids)).values_list(
            "pk",
            "source",
            "external_id",
            "asset_class__code",
            "asset_class__name",
            "asset_class__discipline",
            "asset_class__unit",
            "area_id",
            "area__name",
            "street",
            "quantity",
            "material",
            "construction_year",
            "condition",
            "condition_date",
            "owner_id",
            *LIFECYCLE,
        )
        found = {row[0]: row[1:] for row in page}
        return [_properties(*found[pk]) for pk in ids]


def _euros(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _properties(
    source: str,
    external_id: str,
    class_code: str,
    class_name: str,
    discipline: str,
    unit: str,
    area: int | None,
    area_name: str | None,
    street: str,
    quantity: Any,
    material: str,
    construction_year: int,
    condition: int | None,
    condition_date: Any,
    owner: int | None,
    *lifecycle: Any,
) -> dict[str, Any]:
    figures = dict(zip(LIFECYCLE, lifecycle, strict=True))
    figures["replacement_value"] = _euros(figures["replacement_value"])
    return {
        "source": source,
        "external_id": external_id,
        "asset_class": class_code,
        "asset_class_name": class_name,
        "discipline": discipline,
        "area": area,
        "area_name": area_name,
        "street": street,
        "quantity": float(quantity),
        "unit": unit,
        "material": material,
        "construction_year": construction_year,
        "condition": condition,
        "condition_date": condition_date.isoformat() if condition_date else None,
        "owner": owner,
        **figures,
    }


def collections(user: Any) -> list[Collection]:
    """``assets`` and one collection per discipline, in the disciplines' order."""
    return [AssetCollection(), *(AssetCollection(value) for value in Discipline.values)]
