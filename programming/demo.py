"""The demo municipality's first (concept) programme with two ready scenarios and, once
it is computed, a coupling that shows a cost split, riding along and a partner's answer."""

from decimal import Decimal

from django.db.models import Q

from programming import couplings, scenarios, services
from programming.models import (
    ChangeKind,
    ChangeOperation,
    CostRule,
    Coupling,
    Programme,
    ReservationKind,
    ResponseAnswer,
)
from programming.selectors import _first_project_with_code as first_project_with_code
from programming.selectors import project_work_key
from projects.models import Project
from stakeholders.models import BudgetLine, User

#: The demo's partner users (`stakeholders.demo.DEMO_USERS`), in the order tried for the
#: example coupling.
DEMO_PARTNERS = ("enexis", "vechthorst")
#: Couplings of a partner looked at for one with another party (the best first).
CANDIDATES = 20


def build_programme(first_year: int, created_by: User | None) -> Programme:
    framework = services.default_framework()
    return Programme.objects.create(
        name=f"IMPOR {first_year}–{first_year + 9}",
        description="Integraal meerjarenprogramma openbare ruimte, eerste concept.",
        first_year=first_year,
        horizon=10,
        framework=framework,
        price_year=first_year - 1,
        created_by=created_by,
    )


def build_coupling_example(programme: Programme) -> Coupling | None:
    """One coupling of the computed demo programme that shows what parties add to it: a
    split by trench length, a partner's sleeve riding along and the partner's response,
    so a newcomer sees them on the coupling page. Stored by the coupling's key, they
    survive every recomputation. The best coupling of a demo partner with another party;
    None when the demo has none."""
    manager = User.objects.filter(username="programma").first()
    coupling = None
    for partner in User.objects.filter(username__in=DEMO_PARTNERS).select_related("organisation"):
        theirs = Q(works__owner=partner.organisation) | Q(
            works__project__owner=partner.organisation
        )
        candidates = Coupling.objects.filter(theirs, programme=programme).distinct()
        coupling = next(
            (
                c
                for c in candidates.order_by("-score", "pk")[:CANDIDATES]
                if len(couplings.parties_of(couplings.member_works(c))) >= 2
            ),
            None,
        )
        if coupling is not None:
            break
    if coupling is None:
        return None
    services.coupling_cost_sharing_save(
        coupling, user=manager, rule=CostRule.TRENCH_LENGTH, items={}
    )
    services.reservation_add(
        coupling,
        user=partner,
        kind=ReservationKind.SLEEVE,
        length=Decimal("120"),
        note="Mantelbuis voor laadpalen die later komen.",
    )
    services.coupling_respond(
        coupling,
        user=partner,
        answer=ResponseAnswer.REMARK,
        comment="Akkoord als de sleuf binnen zes weken weer dicht is.",
    )
    return coupling


#: The demo's sewer budget line (`stakeholders.demo`) and the partner work that slips: the
#: grid operator's reinforcement of a business park (`projects/data/demo_projects.csv`),
#: firm and planned, so its delay moves works in the comparison (the heat networks, the
#: first idea, do not fit their line's budget at all and would move nothing).
SEWER_LINE = "grp-riolering"
DELAYED_WORK = "Netversterking bedrijventerrein"
#: The part of the sewer budget the cut takes off, in the third and fourth year.
CUT_SHARE = Decimal("0.4")


def build_scenarios(programme: Programme, created_by: User | None) -> list[Programme]:
    """Two ready scenarios of the demo programme, so the comparison has something to
    show: "Bezuiniging riolering" (40% off the sewer line in two years) and
    "Netversterking uitgesteld" (the grid operator's work two years later). Built, not
    computed: `compute_scenarios` computes them after their base."""
    made = []
    line = BudgetLine.objects.filter(code=SEWER_LINE).first()
    if line is not None:
        cut = scenarios.scenario_create(programme, "Bezuiniging riolering", created_by)
        for year in (programme.first_year + 2, programme.first_year + 3):
            amount = line.amounts.filter(year=year).values_list("amount", flat=True).first()
            scenarios.change_add(
                cut,
                created_by,
                kind=ChangeKind.BUDGET,
                budget_line=line,
                year=year,
                operation=ChangeOperation.ADD,
                amount=-((amount or Decimal(0)) * CUT_SHARE).quantize(Decimal(1000)),
                note="Bezuinigingsvoorstel uit de voorjaarsnota.",
            )
        made.append(cut)
    project = Project.objects.filter(name__startswith=DELAYED_WORK).order_by("code").first()
    if project is not None:
        later = scenarios.scenario_create(programme, "Netversterking uitgesteld", created_by)
        scenarios.change_add(
            later,
            created_by,
            kind=ChangeKind.WINDOW,
            work_key=project_work_key(project, first_project_with_code()),
            window_start=project.earliest_start + 2,
            window_end=project.latest_start + 2,
            note="De netbeheerder heeft twee jaar later pas monteurs.",
        )
        made.append(later)
    return made


def compute_scenarios(programme: Programme) -> list[Programme]:
    """Compute the demo programme's scenarios, after the programme itself (each starts
    from its plan)."""
    made = list(programme.scenarios.order_by("pk"))
    for scenario in made:
        services.programme_compute(scenario)
    return made
