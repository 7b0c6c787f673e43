"""The demo municipality's first (concept) programme and, once
it is computed, a coupling that shows a cost split, riding along and a partner's answer."""

from decimal import Decimal

from django.db.models import Q

from programming import couplings, services
from programming.models import (
    CostRule,
    Coupling,
    Programme,
    ReservationKind,
    ResponseAnswer,
)
from stakeholders.models import User

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
