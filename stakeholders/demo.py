"""Actors, themes, ambitions, budget lines, teams and users of the demo municipality.

The four ambitions are those of Dalfsen's Omgevingsvisie 1.0 (seed document 000); the
themes are the societal tasks of DOMAIN.md §3. Organisations outside the municipality are
the public bodies of the region; their plans in the demo are fictional.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import shapely

from impor import geometry
from impor.choices import Discipline
from impor.models import Area
from stakeholders.choices import ActorKind, Domain, Involvement, ProcessStep, Role, TaskDomain
from stakeholders.models import (
    Actor,
    AlertFrequency,
    AlertSettings,
    Ambition,
    AreaOfInterest,
    AreaOfInterestSource,
    AreaTask,
    BudgetAmount,
    BudgetLine,
    ContactPerson,
    Indicator,
    ProcessPosition,
    Team,
    TeamHours,
    Theme,
    User,
)
from stakeholders.roles import ensure_role_groups


@dataclass(frozen=True)
class ActorSpec:
    code: str
    name: str
    kind: str
    domain: str
    parent: str | None = None
    short_name: str = ""


INTERNAL = ActorKind.AFDELING
ACTORS = (
    ActorSpec("stadsbeheer", "Stadsbeheer", INTERNAL, Domain.FYSIEK),
    ActorSpec("riolering", "Team Riolering en water", INTERNAL, Domain.FYSIEK, "stadsbeheer"),
    ActorSpec("wegen", "Team Wegen en verkeer", INTERNAL, Domain.FYSIEK, "stadsbeheer"),
    ActorSpec("groen", "Team Groen en bomen", INTERNAL, Domain.FYSIEK, "stadsbeheer"),
    ActorSpec("verlichting", "Team Openbare verlichting", INTERNAL, Domain.FYSIEK, "stadsbeheer"),
    ActorSpec("kunstwerken", "Team Kunstwerken en spelen", INTERNAL, Domain.FYSIEK, "stadsbeheer"),
    ActorSpec("ontwikkeling", "Ruimtelijke ontwikkeling", INTERNAL, Domain.RUIMTELIJK),
    ActorSpec("klimaat", "Beleid klimaat en energie", INTERNAL, Domain.RUIMTELIJK),
    ActorSpec("mobiliteit", "Beleid mobiliteit", INTERNAL, Domain.RUIMTELIJK),
    ActorSpec("sociaal", "Sociaal domein", INTERNAL, Domain.SOCIAAL),
    ActorSpec("gezondheid", "Gezondheid en welzijn", INTERNAL, Domain.SOCIAAL, "sociaal"),
    ActorSpec("economie", "Economische zaken", INTERNAL, Domain.ECONOMISCH),
    ActorSpec("geo", "Team Geo-informatie en data", INTERNAL, Domain.FYSIEK),
    ActorSpec("impor", "Programmabureau IMPOR", INTERNAL, Domain.RUIMTELIJK),
    ActorSpec("enexis", "Enexis Netbeheer", ActorKind.NETBEHEERDER, Domain.FYSIEK),
    ActorSpec("rendo", "Rendo Netwerken", ActorKind.NETBEHEERDER, Domain.FYSIEK),
    ActorSpec("vitens", "Vitens (drinkwater)", ActorKind.NETBEHEERDER, Domain.FYSIEK),
    ActorSpec(
        "wdodelta",
        "Waterschap Drents Overijsselse Delta",
        ActorKind.WATERSCHAP,
        Domain.FYSIEK,
        short_name="WDODelta",
    ),
    ActorSpec("provincie", "Provincie Overijssel", ActorKind.PROVINCIE, Domain.RUIMTELIJK),
    ActorSpec("ggd", "GGD IJsselland", ActorKind.GGD, Domain.SOCIAAL),
    ActorSpec("vechthorst", "Woonstichting Vechthorst", ActorKind.WONINGCORPORATIE, Domain.SOCIAAL),
    ActorSpec("glasvezel", "Glasvezel Vechtdal", ActorKind.TELECOM, Domain.ECONOMISCH),
    ActorSpec("warmte", "Warmtecoöperatie Dalfsen", ActorKind.WARMTEBEDRIJF, Domain.FYSIEK),
    ActorSpec("db-hoonhorst", "Dorpsbelang Hoonhorst", ActorKind.DORPSBELANG, Domain.SOCIAAL),
    ActorSpec("db-oudleusen", "Dorpsbelang Oudleusen", ActorKind.DORPSBELANG, Domain.SOCIAAL),
    ActorSpec(
        "pb-lemelerveld", "Plaatselijk Belang Lemelerveld", ActorKind.DORPSBELANG, Domain.SOCIAAL
    ),
    ActorSpec(
        "ondernemers", "Ondernemersvereniging Dalfsen", ActorKind.ONDERNEMERS, Domain.ECONOMISCH
    ),
    ActorSpec("aannemer", "Aannemerscombinatie Vechtdal", ActorKind.AANNEMER, Domain.FYSIEK),
)

THEMES = (
    ("energietransitie", "Energietransitie", "#e17000"),
    ("klimaatadaptatie", "Klimaatadaptatie", "#007bc7"),
    ("klimaatmitigatie", "Klimaatmitigatie", "#39870c"),
    ("rioolvervanging", "Rioolvervanging", "#6b4423"),
    ("netaansluitingen", "Netaansluitingen", "#ffb612"),
    ("woningbouw", "Woningbouw", "#a90061"),
    ("mobiliteit", "Mobiliteit", "#42145f"),
    ("biodiversiteit", "Biodiversiteit", "#275937"),
    ("gezondheid", "Gezondheid", "#d52b1e"),
    ("sociale-opgave", "Sociale opgave", "#ca005d"),
)

#: Dalfsen's four ambitions (Omgevingsvisie 1.0), with themes and indicators.
AMBITIONS = (
    (
        "leefomgeving",
        "Een toekomstbestendige, sociale, gezonde en veilige woon- en leefomgeving",
        "sociaal",
        ("klimaatadaptatie", "gezondheid", "sociale-opgave", "rioolvervanging", "energietransitie"),
        (
            ("Woningen aardgasvrij", "%", 4, 2022, 30, 2030),
            ("Verhard oppervlak afgekoppeld van het riool", "%", 18, 2022, 40, 2035),
            ("Inwoners dat zich veilig voelt in de buurt", "%", 82, 2021, 90, 2030),
        ),
    ),
    (
        "kernen",
        "Aantrekkelijke, leefbare kernen voor iedereen",
        "ontwikkeling",
        ("woningbouw", "mobiliteit", "sociale-opgave"),
        (
            ("Nieuwe woningen opgeleverd", "woningen", 0, 2022, 1200, 2030),
            ("Gemiddelde leefbaarheidsscore van de buurten", "klasse (1–9)", 6.8, 2022, 7.2, 2030),
        ),
    ),
    (
        "platteland",
        "Een eigentijds, aantrekkelijk en onderscheidend platteland",
        "ontwikkeling",
        ("biodiversiteit", "klimaatmitigatie", "netaansluitingen"),
        (
            ("Aansluitingen glasvezel buitengebied", "%", 55, 2021, 98, 2027),
            ("Bermen met ecologisch beheer", "km", 40, 2022, 120, 2030),
        ),
    ),
    (
        "ondernemerschap",
        (
            "Een lokaal geworteld, vitaal en innovatief ondernemerschap "
            "dat goed aangehaakt is op de regio"
        ),
        "economie",
        ("netaansluitingen", "mobiliteit", "energietransitie"),
        (
            ("Bedrijven met een netaansluiting op wachtlijst", "bedrijven", 35, 2023, 0, 2030),
            ("Leegstand winkels in de centra", "%", 9, 2022, 5, 2030),
        ),
    ),
)

#: Budget lines: code, name, owner, annual amount (euro, price level 2025).
BUDGET_LINES = (
    ("grp-riolering", "GRP riolering (vervangingsinvesteringen)", "riolering", 5_500_000),
    ("wegen", "Onderhoud en reconstructie wegen", "wegen", 3_200_000),
    ("groen", "Groen en bomen", "groen", 550_000),
    ("verlichting", "Openbare verlichting", "verlichting", 550_000),
    ("kunstwerken", "Kunstwerken en oevers", "kunstwerken", 500_000),
    ("spelen", "Speelvoorzieningen", "kunstwerken", 250_000),
    ("vri-meubilair", "Verkeersregelinstallaties en meubilair", "wegen", 120_000),
    ("klimaatadaptatie", "Programma klimaatadaptatie", "klimaat", 600_000),
    ("energietransitie", "Programma energietransitie", "klimaat", 400_000),
    ("mobiliteit", "Uitvoeringsprogramma mobiliteit", "mobiliteit", 500_000),
    ("sociaal", "Wijk- en dorpsbudgetten sociaal domein", "sociaal", 150_000),
    ("ontwikkeling", "Grondexploitaties en gebiedsontwikkeling", "ontwikkeling", 1_200_000),
    ("enexis", "Investeringen Enexis Netbeheer", "enexis", 2_500_000),
    ("rendo", "Investeringen Rendo Netwerken", "rendo", 900_000),
    ("vitens", "Investeringen Vitens", "vitens", 600_000),
    ("wdodelta", "Investeringen waterschap", "wdodelta", 800_000),
    ("vechthorst", "Renovatie en nieuwbouw Vechthorst", "vechthorst", 3_000_000),
    ("glasvezel", "Uitrol glasvezel", "glasvezel", 700_000),
    ("warmte", "Warmtenet Dalfsen", "warmte", 1_500_000),
)

#: Productive hours of one full-time employee per year: 1,363 in the Handleiding
#: Overheidstarieven 2023 (Ministerie van Financiën), 1,872 contract hours less leave,
#: illness, training and overhead.
PRODUCTIVE_HOURS = 1363
#: Teams that prepare, tender and supervise works: code, name, actor, discipline and the
#: full-time staff on works. The staff is a demo assumption, sized so that teams run out
#: of hours in the years a colleague is missing (`SHORT_YEARS`) and the schedule moves
#: works, while the exact schedule still proves its plan in seconds (with half this
#: staff capacity bound in most years and the demo hit the 30 s time limit); Enexis's
#: team is a partner team (its works ask its hours).
TEAMS = (
    ("riolering", "Team Riolering", "riolering", Discipline.RIOLERING, 15.0),
    ("water", "Team Water en oevers", "riolering", Discipline.WATER, 1.2),
    ("wegen", "Team Wegen", "wegen", Discipline.VERHARDING, 11.0),
    ("groen", "Team Groen en bomen", "groen", Discipline.GROEN, 2.4),
    ("verlichting", "Team Openbare verlichting", "verlichting", Discipline.VERLICHTING, 3.0),
    ("kunstwerken", "Team Kunstwerken", "kunstwerken", Discipline.KUNSTWERKEN, 1.4),
    ("spelen", "Team Spelen", "kunstwerken", Discipline.SPELEN, 0.8),
    ("enexis", "Netversterking Enexis", "enexis", "", 4.0),
)
#: Years after the programme's first year in which the municipal teams have a third
#: fewer hours (a vacancy that is hard to fill): the capacity page shows them full.
SHORT_YEARS = (1, 2)
SHORT_FACTOR = 2 / 3

DEMO_USERS = (
    ("admin", "Anna", "de Beheerder", Role.ADMINISTRATOR, None),
    ("programma", "Pieter", "Programmamanager", Role.PROGRAMME_MANAGER, "impor"),
    ("riolering", "Rik", "Rioolbeheerder", Role.EDITOR, "riolering"),
    ("beleid", "Bea", "Beleidsmedewerker", Role.EDITOR, "klimaat"),
    ("lezer", "Lotte", "Lezer", Role.VIEWER, None),
    ("enexis", "Eva", "van Enexis", Role.PARTNER, "enexis"),
    ("vechthorst", "Victor", "van Vechthorst", Role.PARTNER, "vechthorst"),
)


def build_actors(rng: np.random.Generator, areas: list[Area]) -> dict[str, Actor]:
    """Create the actors with contacts and areas of interest; return them by code."""
    actors: dict[str, Actor] = {}
    for spec in ACTORS:
        actor = Actor.objects.create(
            name=spec.name,
            short_name=spec.short_name,
            is_internal=spec.kind == INTERNAL,
            kind=spec.kind,
            domain=spec.domain,
            parent=actors.get(spec.parent) if spec.parent else None,
            email=f"{spec.code}@example.org",
        )
        ContactPerson.objects.create(
            actor=actor, name=f"Contactpersoon {spec.name}", function="Accounthouder IMPOR"
        )
        actors[spec.code] = actor
    kern_areas = {area.name: area for area in areas if area.level == "kern"}
    interests = {
        "db-hoonhorst": "Hoonhorst",
        "db-oudleusen": "Oudleusen",
        "pb-lemelerveld": "Lemelerveld",
        "ondernemers": "Dalfsen",
        "rendo": "Nieuwleusen",
        "glasvezel": "Buitengebied",
    }
    for code, kern in interests.items():
        if kern in kern_areas:
            actors[code].areas_of_interest.add(kern_areas[kern])
    return actors


def build_process_positions(rng: np.random.Generator, actors: dict[str, Actor]) -> None:
    """Where each actor stands in the process now and wants to be (as in the Dalfsen session:
    most want to be involved earlier, at programming and the project brief)."""
    steps = list(ProcessStep.values)
    levels = list(Involvement.values)
    rows = []
    for actor in actors.values():
        for index, step in enumerate(steps):
            if actor.is_internal:
                now = levels[min(4, max(0, int(rng.integers(0, 3)) + (index >= 5)))]
            else:
                now = Involvement.GEEN if index < 5 else levels[int(rng.integers(1, 3))]
            earlier = index in (2, 3)
            desired_index = max(levels.index(now), 2 if earlier else levels.index(now))
            rows.append(
                ProcessPosition(actor=actor, step=step, now=now, desired=levels[desired_index])
            )
    ProcessPosition.objects.bulk_create(rows)


def build_themes_and_ambitions(
    actors: dict[str, Actor],
) -> tuple[dict[str, Theme], dict[str, Ambition]]:
    themes = {
        code: Theme.objects.create(code=code, name=name, colour=colour)
        for code, name, colour in THEMES
    }
    ambitions = {}
    for code, name, owner, theme_codes, indicators in AMBITIONS:
        ambition = Ambition.objects.create(
            code=code,
            name=name,
            source="Omgevingsvisie Dalfsen 1.0",
            owner=actors[owner],
            horizon_year=2040,
        )
        ambition.themes.set([themes[c] for c in theme_codes])
        Indicator.objects.bulk_create(
            Indicator(
                ambition=ambition,
                name=label,
                unit=unit,
                baseline_value=Decimal(str(base)),
                baseline_year=base_year,
                target_value=Decimal(str(target)),
                target_year=target_year,
            )
            for label, unit, base, base_year, target, target_year in indicators
        )
        ambitions[code] = ambition
    return themes, ambitions


def build_budget_lines(
    rng: np.random.Generator, actors: dict[str, Actor], years: range, scale: float = 1.0
) -> dict[str, BudgetLine]:
    """Budget lines with an amount per year; amounts vary ±10% around the base, in thousands."""
    lines = {}
    for code, name, owner, base in BUDGET_LINES:
        line = BudgetLine.objects.create(code=code, name=name, owner=actors[owner])
        factors = rng.uniform(0.9, 1.1, len(years))
        BudgetAmount.objects.bulk_create(
            BudgetAmount(
                budget_line=line,
                year=year,
                amount=Decimal(round(base * scale * factor, -3)),
            )
            for year, factor in zip(years, factors, strict=True)
        )
        lines[code] = line
    return lines


def build_teams(
    actors: dict[str, Actor], years: range, first_year: int, scale: float = 1.0
) -> dict[str, Team]:
    """The teams of `TEAMS` with their hours per year: staff × `PRODUCTIVE_HOURS`, a
    third less for the municipal teams in `SHORT_YEARS` after `first_year`."""
    teams = {}
    for code, name, actor, discipline, staff in TEAMS:
        team = Team.objects.create(code=code, name=name, actor=actors[actor], discipline=discipline)
        short = actors[actor].is_internal
        TeamHours.objects.bulk_create(
            TeamHours(
                team=team,
                year=year,
                hours=round(
                    staff
                    * scale
                    * PRODUCTIVE_HOURS
                    * (SHORT_FACTOR if short and year - first_year in SHORT_YEARS else 1)
                ),
            )
            for year in years
        )
        teams[code] = team
    return teams


def build_area_tasks(
    rng: np.random.Generator,
    kernen: list[Area],
    themes: dict[str, Theme],
    actors: dict[str, Actor],
) -> None:
    """Physical, social and technical tasks per kern, now and desired (the area anatomy)."""
    templates = (
        (
            TaskDomain.TECHNISCH,
            "Vervanging riolering en wegen uit de jaren '60 en '70",
            "rioolvervanging",
            "riolering",
            "Betonriolen bereiken het eind van hun levensduur; "
            "meldingen over verzakkingen nemen toe.",
            "Riolering vervangen en direct klimaatbestendig inrichten.",
        ),
        (
            TaskDomain.FYSIEK,
            "Hittestress en wateroverlast in versteende straten",
            "klimaatadaptatie",
            "klimaat",
            "Veel verharding, weinig groen; bij piekbuien staat water op straat.",
            "Minder verharding, meer groen en waterberging in de straat.",
        ),
        (
            TaskDomain.FYSIEK,
            "Aardgasvrije wijk en netversterking",
            "energietransitie",
            "klimaat",
            "Woningen op aardgas; het elektriciteitsnet zit aan zijn grens.",
            "Warmtenet of all-electric met een versterkt net.",
        ),
        (
            TaskDomain.SOCIAAL,
            "Ontmoeting en eenzaamheid onder ouderen",
            "sociale-opgave",
            "sociaal",
            "Weinig plekken om elkaar te ontmoeten; ouderen wonen steeds vaker alleen.",
            "Een beweegvriendelijke openbare ruimte met ontmoetingsplekken.",
        ),
        (
            TaskDomain.SOCIAAL,
            "Gezond opgroeien en bewegen",
            "gezondheid",
            "gezondheid",
            "Speelplekken zijn verouderd; kinderen bewegen te weinig (GGD-monitor).",
            "Uitdagende speel- en beweegplekken binnen 300 meter van elke woning.",
        ),
    )
    tasks = []
    for kern in kernen:
        for index in rng.choice(len(templates), size=3, replace=False):
            domain, title, theme, owner, now, desired = templates[int(index)]
            tasks.append(
                AreaTask(
                    area=kern,
                    domain=domain,
                    title=title,
                    theme=themes[theme],
                    owner=actors[owner],
                    situation_now=now,
                    situation_desired=desired,
                    priority=int(rng.integers(2, 6)),
                    has_budget=domain != TaskDomain.SOCIAAL,
                )
            )
    AreaTask.objects.bulk_create(tasks)


def build_users(actors: dict[str, Actor], password: str) -> list[User]:
    """One user per role, all with the same demo password. Their e-mail comes as a daily
    digest (`send_digests`), so computing the demo fills the inboxes without printing an
    e-mail per alert on the console of `make demo`."""
    groups = ensure_role_groups()
    users = []
    for username, first, last, role, organisation in DEMO_USERS:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            organisation=actors[organisation] if organisation else None,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        user.set_password(password)
        user.save()
        user.groups.add(groups[role.value])
        users.append(user)
    AlertSettings.objects.bulk_create(
        AlertSettings(user=user, frequency=AlertFrequency.DAGELIJKS) for user in users
    )
    return users


def build_interest_areas(
    actors: dict[str, Actor], areas: list[Area], streets: pd.DataFrame
) -> list[AreaOfInterest]:
    """Areas of interest of the demo partners and one department, so their inboxes fill
    when the demo programme is computed (programming/alerts.py): Enexis follows its
    medium-voltage cables under the main roads (a 25 m buffer around them, as a network
    upload gives), Vechthorst the wijk where its rental homes are, Team Riolering the
    largest kern."""
    mains = streets[streets["kind"] == "hoofdweg"]
    cables = shapely.MultiLineString(
        [[(r.x0, r.y0), (r.x1, r.y1)] for r in mains.itertuples(index=False)]
    )
    wijken = sorted((a for a in areas if a.level == "wijk" and a.geometry), key=lambda a: a.name)
    kernen = sorted(
        (a for a in areas if a.level == "kern" and a.geometry),
        key=lambda a: -shapely.from_wkt(a.geometry).area,
    )
    rows = [
        AreaOfInterest(
            organisation=actors["enexis"],
            name="Middenspanningsnet onder de hoofdwegen",
            geometry=geometry.to_storage(cables),
            buffer=25,
            source=AreaOfInterestSource.BESTAND,
            file_name="enexis-middenspanning.gpkg",
        )
    ]
    if wijken:
        rows.append(
            AreaOfInterest(
                organisation=actors["vechthorst"],
                name=f"Huurwoningen {wijken[0].name}",
                geometry=wijken[0].geometry,
            )
        )
    if kernen:
        rows.append(
            AreaOfInterest(
                organisation=actors["riolering"],
                name=f"Rioolgebied {kernen[0].name}",
                geometry=kernen[0].geometry,
            )
        )
    return AreaOfInterest.objects.bulk_create(rows)
