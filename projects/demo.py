"""Projects of the demo municipality: municipal projects of all five kinds and partner works.

Includes the cases the source documents describe: a sewer replacement that triggers the
other works in its street (seed 002, Den Haag and Tilburg), a heat network planned years
ahead (seed 002, Groningen), and a social task without a budget (seed 001/002).
"""

import csv
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from assets.models import Asset
from impor.geometry import STORAGE_PRECISION
from impor.models import Area
from projects.choices import (
    Certainty,
    ContractForm,
    DecisionLevel,
    ParticipationLevel,
    ProjectKind,
    ProjectRoleKind,
    ProjectStatus,
    RegisterKind,
    Scale,
)
from projects.models import (
    AmbitionContribution,
    Funding,
    Project,
    ProjectBrief,
    ProjectRole,
    RegisterEntry,
)
from stakeholders.choices import ProcessStep
from stakeholders.models import Actor, Ambition, BudgetLine, Theme


@dataclass(frozen=True)
class ProjectSpec:
    """A project template (one row of data/demo_projects.csv): placed in a street, buurt or
    kern of `kern`, of construction wave `wave` when given."""

    name: str
    kind: str
    owner: str
    line: str
    themes: tuple[str, ...]
    start: int
    duration: int
    cost: int
    kern: str
    wave: str | None = None
    opens_street: bool = True
    discipline: str | None = None
    certainty: str = Certainty.VOORGENOMEN
    status: str = ProjectStatus.VERKENNING
    shift: tuple[int, int] = (1, 1)
    scale: str = Scale.STRAAT
    lead: str | None = None
    unfunded: bool = False
    same_street_as: str | None = None


DEMO_PROJECTS = Path(__file__).parent / "data" / "demo_projects.csv"


def load_specs(path: Path = DEMO_PROJECTS) -> list[ProjectSpec]:
    """Read the project templates; `{street}`, `{buurt}` and `{kern}` in a name are filled in."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ProjectSpec(
                name=row["name"],
                kind=row["kind"],
                owner=row["owner"],
                line=row["line"],
                themes=tuple(row["themes"].split()),
                start=int(row["start"]),
                duration=int(row["duration"]),
                cost=int(row["cost"]),
                kern=row["kern"],
                wave=row["wave"] or None,
                opens_street=row["opens_street"] == "true",
                discipline=row["discipline"] or None,
                certainty=row["certainty"],
                status=row["status"],
                shift=(int(row["shift_early"]), int(row["shift_late"])),
                scale=row["scale"],
                lead=row["lead"] or None,
                unfunded=row["unfunded"] == "true",
                same_street_as=row["same_street_as"] or None,
            )
            for row in csv.DictReader(handle)
        ]


REGISTER_TEMPLATES = (
    (
        RegisterKind.RISICO,
        "Kabels en leidingen liggen anders dan op tekening",
        "KLIC-melding en proefsleuven in de voorbereiding",
        3,
        3,
    ),
    (
        RegisterKind.RISICO,
        "Bewoners voelen zich laat betrokken",
        "Participatieplan vóór het ontwerp; vast aanspreekpunt",
        3,
        4,
    ),
    (
        RegisterKind.RISICO,
        "Partner schuift zijn planning",
        "Afspraken over planning vastleggen in een samenwerkingsovereenkomst",
        2,
        4,
    ),
    (
        RegisterKind.KANS,
        "Werk met werk maken met de netbeheerder",
        "Planning afstemmen aan de programmeertafel",
        None,
        None,
    ),
    (
        RegisterKind.KANS,
        "Subsidie klimaatadaptatie (Impulsregeling)",
        "Aanvraag voorbereiden met het programmabureau",
        None,
        None,
    ),
    (
        RegisterKind.SUCCESFACTOR,
        "Eén aanspreekpunt voor bewoners en partners",
        "Omgevingsmanager aanwijzen",
        None,
        None,
    ),
    (
        RegisterKind.RANDVOORWAARDE,
        "Dekking in de begroting vóór de start van het ontwerp",
        "Opnemen in de kadernota",
        None,
        None,
    ),
)


def _street_choice(
    streets: pd.DataFrame, spec: ProjectSpec, rng: np.random.Generator, used: set
) -> pd.DataFrame:
    """Segments of one not yet used street in the spec's kern (and wave, if given)."""
    pool = streets[streets.kern == spec.kern]
    if spec.wave:
        pool = pool[pool.wave == spec.wave] if (pool.wave == spec.wave).any() else pool
    names = sorted(set(pool.name) - {n for k, n in used if k == spec.kern}) or sorted(
        set(pool.name)
    )
    name = names[int(rng.integers(len(names)))]
    used.add((spec.kern, name))
    return pool[pool.name == name]


def _lines_wkt(segments: pd.DataFrame) -> str:
    coords = np.stack(
        [segments[["x0", "y0"]].to_numpy(), segments[["x1", "y1"]].to_numpy()], axis=1
    )
    geom = shapely.multilinestrings(shapely.linestrings(coords))
    return str(shapely.to_wkt(geom, rounding_precision=STORAGE_PRECISION, trim=True))


def generate_projects(
    streets: pd.DataFrame,
    rng: np.random.Generator,
    actors: dict[str, Actor],
    lines: dict[str, BudgetLine],
    themes: dict[str, Theme],
    ambitions: dict[str, Ambition],
    places: list[dict[str, str]] | None = None,
) -> list[Project]:
    """Create the demo projects with funding, roles, register entries and briefs.

    `places` maps the kern names in the templates to the town's own kernen, once per copy
    of the template set (the benchmark city repeats it for every five districts); a
    template whose kern is not mapped is skipped.
    """
    buurten = {a.pk: a for a in Area.objects.filter(level="buurt")}
    kernen = {a.name: a for a in Area.objects.filter(level="kern")}
    ambition_by_theme = {
        theme.code: [a for a in ambitions.values() if theme in a.themes.all()]
        for theme in themes.values()
    }
    used: set[tuple[str, str]] = set()
    by_template: dict[tuple[str, str], pd.DataFrame] = {}
    projects = []
    jobs = [
        (copy, number, replace(spec, kern=mapping[spec.kern]))
        for copy, mapping in enumerate(places or [{k: k for k in kernen}])
        for number, spec in enumerate(load_specs(), start=1)
        if spec.kern in mapping
    ]
    for copy, number, spec in jobs:
        if spec.same_street_as and (spec.kern, spec.same_street_as) in by_template:
            segments = by_template[(spec.kern, spec.same_street_as)]
        else:
            segments = _street_choice(streets, spec, rng, used)
        by_template.setdefault((spec.kern, spec.name), segments)
        area = buurten[int(segments.area_id.iloc[0])]
        street = str(segments.name.iloc[0])
        wkt = _lines_wkt(segments)
        if spec.scale in (Scale.BUURT, Scale.WIJK, Scale.KERN, Scale.GEMEENTE):
            street = ""
            wkt = area.geometry if spec.scale == Scale.BUURT else kernen[spec.kern].geometry
        name = spec.name.format(street=segments.name.iloc[0], buurt=area.name, kern=spec.kern)
        owner = actors[spec.owner]
        shift_early, shift_late = spec.shift
        project = Project.objects.create(
            code=f"P{2026 + number % 3}-{number:03d}" + (f"-{copy}" if copy else ""),
            name=name,
            description=f"{name}: {ProjectKind(spec.kind).label} project in {spec.kern}.",
            kind=spec.kind,
            status=spec.status,
            certainty=spec.certainty,
            owner=owner,
            lead=actors[spec.lead] if spec.lead else owner,
            street=street,
            geometry=wkt,
            start_year=spec.start,
            end_year=spec.start + spec.duration - 1,
            shift_early=shift_early,
            shift_late=shift_late,
            scale=spec.scale,
            opens_street=spec.opens_street,
            cost_estimate=Decimal(spec.cost),
            participation_level=ParticipationLevel.values[int(rng.integers(0, 5))],
            decision_level=DecisionLevel.RAAD if spec.cost > 2_000_000 else DecisionLevel.COLLEGE,
            contract_form=ContractForm.PARTNER
            if not owner.is_internal
            else ContractForm.values[int(rng.integers(0, 6))],
        )
        project.areas.add(area if spec.scale in (Scale.STRAAT, Scale.BUURT) else kernen[spec.kern])
        project.themes.set([themes[c] for c in spec.themes])
        for ambition in {a for c in spec.themes for a in ambition_by_theme[c]}:
            AmbitionContribution.objects.create(
                project=project, ambition=ambition, weight=Decimal(int(rng.integers(1, 4)))
            )
        if spec.discipline and street:
            project.assets.set(
                Asset.objects.filter(
                    street=street,
                    area_id__in=segments.area_id.unique().tolist(),
                    asset_class__discipline=spec.discipline,
                ).values_list("pk", flat=True)
            )
        if not spec.unfunded:
            secured = spec.certainty == Certainty.VASTGESTELD
            Funding.objects.bulk_create(
                Funding(
                    project=project,
                    budget_line=lines[spec.line],
                    year=spec.start + offset,
                    amount=Decimal(round(spec.cost / spec.duration, -3)),
                    secured=secured,
                )
                for offset in range(spec.duration)
            )
        ProjectRole.objects.bulk_create(
            [
                ProjectRole(
                    project=project,
                    actor=owner,
                    role=ProjectRoleKind.OPDRACHTGEVER,
                    from_step=ProcessStep.PROGRAMMERING,
                ),
                ProjectRole(
                    project=project,
                    actor=project.lead,
                    role=ProjectRoleKind.TREKKER,
                    from_step=ProcessStep.PROJECTOPDRACHT,
                ),
                ProjectRole(
                    project=project,
                    actor=project.lead,
                    person=f"Projectleider {number}",
                    role=ProjectRoleKind.PROJECTLEIDER,
                    from_step=ProcessStep.ONTWERP,
                ),
                ProjectRole(
                    project=project,
                    actor=actors["geo"],
                    role=ProjectRoleKind.ADVISEUR,
                    from_step=ProcessStep.PROGRAMMERING,
                ),
            ]
        )
        picks = rng.choice(len(REGISTER_TEMPLATES), size=int(rng.integers(1, 4)), replace=False)
        RegisterEntry.objects.bulk_create(
            RegisterEntry(
                project=project,
                kind=kind,
                description=text,
                measure=measure,
                owner=project.lead,
                likelihood=likelihood,
                impact=impact,
            )
            for kind, text, measure, likelihood, impact in (
                REGISTER_TEMPLATES[int(i)] for i in picks
            )
        )
        if spec.status != ProjectStatus.INITIATIEF:
            _brief(project, spec, themes, rng)
        projects.append(project)
    return projects


def _brief(
    project: Project, spec: ProjectSpec, themes: dict[str, Theme], rng: np.random.Generator
) -> None:
    """A project brief, more or less complete: real briefs are work in progress."""
    answers = {
        "leading_task": (
            f"{ProjectKind(spec.kind).label}: {project.name} is leidend; "
            "andere opgaven in de straat haken aan."
        ),
        "priority_criteria": (
            "Technische urgentie eerst, daarna bijdrage aan klimaatadaptatie "
            "en hinder voor bewoners."
        ),
        "governance": (
            f"{project.owner} is opdrachtgever; {project.lead} trekt. "
            f"Besluit door {project.get_decision_level_display()}."
        ),
        "frames": (
            "Budget volgens de raming; afwijking tot 10% en een half jaar "
            "binnen het mandaat van de trekker."
        ),
        "social_paragraph": (
            "Afstemmen met het sociaal domein over ontmoetingsplekken en toegankelijkheid."
        ),
        "participation": f"Participatie op niveau '{project.get_participation_level_display()}'.",
        "scope_in": "Riolering, verharding en inrichting van de straat tussen de kruisingen.",
        "scope_out": "Werk achter de erfgrens.",
        "competences": "Projectleider, omgevingsmanager, ontwerper, werkvoorbereider.",
    }
    keep = rng.random(len(answers)) < 0.75
    ProjectBrief.objects.create(
        project=project,
        leading_theme=themes[spec.themes[0]] if spec.themes else None,
        budget_frame=project.cost_estimate,
        **{
            field: text if kept else ""
            for (field, text), kept in zip(answers.items(), keep, strict=True)
        },
    )
