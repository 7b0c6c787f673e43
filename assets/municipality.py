"""Starting a municipality from an empty database: what `seed_demo` does for the demo, from
the municipality's own files.

`municipality_setup` creates, in one transaction:

1. the areas (`impor.area_import.import_areas`: the CBS Wijk- en buurtkaart filtered on
   the gemeentecode, or any polygon file), logged as an import of kind ``areas``;
2. the organisation (an `Actor` of kind gemeente, named after the gemeente) and under it
   one department per discipline of the asset classes, since budget lines, assets and
   projects need an owner;
3. one budget line per line the class defaults name, owned by its discipline's
   department and without amounts: the amounts are the municipality's own choice;
4. the asset classes from the IMBOR defaults (`assets.services.asset_classes_load_defaults`),
   linked to those budget lines.

Without ``commit`` it is a dry run: the areas are checked and counted and the log records
the dry run, nothing else is written. Running it again updates and creates only what is
missing: actors and budget lines are matched on name and code, classes on code, areas on
CBS code or name and level.
"""

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from assets.models import AssetClass
from assets.services import DEFAULT_CLASSES, asset_classes_load_defaults
from impor.area_import import AreaPlan, import_areas, normalise_gemeentecode
from impor.choices import AreaLevel, Discipline, ImportStatus
from impor.importing.report import ImportReport
from impor.models import Area
from stakeholders.choices import ActorKind, Domain
from stakeholders.models import Actor, BudgetLine

Progress = Callable[[str, int, int], None]

#: The names of the budget lines the class defaults name (their codes), as the demo has them.
BUDGET_LINE_NAMES = {
    "grp-riolering": "GRP riolering (vervangingsinvesteringen)",
    "wegen": "Onderhoud en reconstructie wegen",
    "groen": "Groen en bomen",
    "verlichting": "Openbare verlichting",
    "kunstwerken": "Kunstwerken en oevers",
    "spelen": "Speelvoorzieningen",
    "vri-meubilair": "Verkeersregelinstallaties en meubilair",
}


@dataclass
class SetupReport:
    """What a set-up found and (committed) did: the areas' import report and the counts."""

    areas: ImportReport
    plan: AreaPlan
    gemeente_name: str = ""
    organisation: str = ""
    #: Per kind of record (organisation, departments, budget lines, classes): new ones.
    creates: dict[str, int] = field(default_factory=dict)
    #: Per kind of record: existing ones it keeps or updates.
    existing: dict[str, int] = field(default_factory=dict)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.areas.ok


def default_classes() -> list[dict[str, str]]:
    """The rows of the class defaults file."""
    with DEFAULT_CLASSES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def department_name(discipline: str) -> str:
    """'Team Riolering', 'Team Groen en bomen': one department per discipline."""
    label = str(Discipline(discipline).label)
    return f"Team {label[:1].upper()}{label[1:]}"


def is_set_up() -> bool:
    """Whether the municipality has its gemeente and asset classes (the demo has both)."""
    return Area.objects.filter(level=AreaLevel.GEMEENTE).exists() and AssetClass.objects.exists()


def municipality_setup(
    *,
    path: Path,
    file_name: str | None = None,
    gemeentecode: str | None = None,
    name: str | None = None,
    kernen: Path | None = None,
    mapping: dict[str, Any] | None = None,
    level: str | None = None,
    layer: str | None = None,
    user: Any = None,
    commit: bool = False,
    progress: Progress | None = None,
) -> SetupReport:
    """Set up the municipality from its area file; see the module docstring. The area
    arguments are those of `import_areas` (``gemeentecode`` for the CBS map, else
    ``level`` and ``mapping`` for any polygon file)."""
    plan = AreaPlan()
    with transaction.atomic():
        areas = import_areas(
            path=path,
            file_name=file_name,
            gemeentecode=normalise_gemeentecode(gemeentecode) if gemeentecode else None,
            name=name,
            kernen=kernen,
            mapping=mapping,
            level=level,
            layer=layer,
            user=user,
            commit=commit,
            progress=progress,
            plan_out=plan,
        )
        gemeente_name = name or plan.gemeente_name or _stored_gemeente_name()
        report = SetupReport(areas=areas, plan=plan, gemeente_name=gemeente_name)
        report.organisation = f"Gemeente {gemeente_name}" if gemeente_name else ""
        _count(report)
        if commit and areas.status == ImportStatus.COMMITTED:
            started = time.perf_counter()
            _write(report)
            report.committed = True
            areas.seconds += round(time.perf_counter() - started, 3)
    return report


def _stored_gemeente_name() -> str:
    root = Area.objects.filter(level=AreaLevel.GEMEENTE).order_by("pk").first()
    return root.name if root else ""


def _count(report: SetupReport) -> None:
    rows = default_classes()
    departments = {department_name(row["discipline"]) for row in rows}
    lines = {row["budget_line"] for row in rows if row["budget_line"]}
    codes = {row["code"] for row in rows}
    existing = {
        "organisation": Actor.objects.filter(name=report.organisation).count(),
        "departments": Actor.objects.filter(name__in=departments).count(),
        "budget_lines": BudgetLine.objects.filter(code__in=lines).count(),
        "asset_classes": AssetClass.objects.filter(code__in=codes).count(),
    }
    wanted = {
        "organisation": 1 if report.organisation else 0,
        "departments": len(departments),
        "budget_lines": len(lines),
        "asset_classes": len(codes),
    }
    report.existing = existing
    report.creates = {kind: wanted[kind] - existing[kind] for kind in wanted}


def _write(report: SetupReport) -> None:
    organisation, _ = Actor.objects.get_or_create(
        name=report.organisation,
        defaults={"kind": ActorKind.GEMEENTE, "is_internal": True, "domain": Domain.FYSIEK},
    )
    rows = default_classes()
    departments: dict[str, Actor] = {}
    for discipline in dict.fromkeys(row["discipline"] for row in rows):
        departments[discipline], _ = Actor.objects.get_or_create(
            name=department_name(discipline),
            defaults={
                "kind": ActorKind.AFDELING,
                "is_internal": True,
                "domain": Domain.FYSIEK,
                "parent": organisation,
            },
        )
    for row in rows:
        code = row["budget_line"]
        if code and not BudgetLine.objects.filter(code=code).exists():
            BudgetLine.objects.create(
                code=code,
                name=BUDGET_LINE_NAMES.get(code, code),
                owner=departments[row["discipline"]],
            )
    asset_classes_load_defaults()
