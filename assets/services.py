"""Writes on the asset base."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from assets.models import AssetClass
from stakeholders.models import BudgetLine

DEFAULT_CLASSES = Path(__file__).parent / "data" / "asset_classes.csv"
#: The IMBOR release whose object types (column ``imbor_class``) the defaults name.
IMBOR_VERSION = "IMBOR 2022"


@transaction.atomic
def asset_classes_load_defaults(*, path: Path = DEFAULT_CLASSES) -> list[AssetClass]:
    """Create or update the asset classes from the defaults file (each row cites its source).

    The file is a default set to start from, not a norm: each class names its object type
    in IMBOR (CROW's information model for managing the public space, column
    ``imbor_class``, `IMBOR_VERSION`), so that a municipality's IMBOR export maps onto it,
    and its lifespan, window and unit cost with the public reference they come from. The
    IMBOR type is added to the class's source text, where users read where a class comes
    from. Several classes may share an IMBOR type (concrete and PVC sewers are both a
    "Vrijverval rioolleiding"): IMBOR records the material as an attribute, the lifecycle
    needs it as a class.

    A budget line named in the file is linked when it exists; an unknown one is left empty
    so a municipality without that line can still load the defaults.

    The maintenance defaults (``maintenance_cost``, ``maintenance_saving`` and their
    ``maintenance_source``, docs/maintenance.md) are filled for a new class and for an
    existing class that has none yet (both amounts 0 and no source, as every class had
    before the columns existed), but never over what a municipality set itself.
    """
    lines = {line.code: line for line in BudgetLine.objects.all()}
    classes = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            asset_class = AssetClass.objects.filter(code=row["code"]).first() or AssetClass(
                code=row["code"]
            )
            asset_class.name = row["name"]
            asset_class.discipline = row["discipline"]
            asset_class.unit = row["unit"]
            asset_class.geometry_kind = row["geometry_kind"]
            asset_class.lifespan = int(row["lifespan"])
            asset_class.window_early = int(row["window_early"])
            asset_class.window_late = int(row["window_late"])
            asset_class.unit_cost = Decimal(row["unit_cost"])
            asset_class.price_year = int(row["price_year"])
            asset_class.opens_street = row["opens_street"] == "true"
            asset_class.budget_line = lines.get(row["budget_line"])
            asset_class.source = (
                f"{row['source']} Objecttype in {IMBOR_VERSION}: {row['imbor_class']}."
                if row.get("imbor_class")
                else row["source"]
            )
            if not (
                asset_class.maintenance_cost
                or asset_class.maintenance_saving
                or asset_class.maintenance_source
            ):
                asset_class.maintenance_cost = Decimal(row.get("maintenance_cost") or 0)
                asset_class.maintenance_saving = Decimal(row.get("maintenance_saving") or 0)
                asset_class.maintenance_source = row.get("maintenance_source", "")
            asset_class.full_clean()
            asset_class.save()
            classes.append(asset_class)
    return classes
