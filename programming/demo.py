"""The demo municipality's assessment framework and a first (concept) programme."""

from decimal import Decimal

from programming.choices import CriterionCode
from programming.models import AssessmentFramework, Criterion, Programme
from stakeholders.models import User

#: Weights of the demo framework. Modelled on Utrecht's PRIOR ranking (technical need,
#: use of the space, societal and political preference) extended with coupling value,
#: cost and certainty; a municipality sets its own weights.
WEIGHTS = {
    CriterionCode.URGENCY: ("30", "Conditie en restlevensduur: hoe dringend is vervanging?"),
    CriterionCode.RISK: ("15", "Gevolgen van falen: veiligheid, wateroverlast, bereikbaarheid."),
    CriterionCode.AMBITION: ("20", "Bijdrage aan de ambities van de omgevingsvisie en de thema's."),
    CriterionCode.SOCIAL: ("10", "Sociale prioriteit en leefbaarheid van het gebied."),
    CriterionCode.COUPLING: (
        "15",
        "Besparing en minder graafmomenten door werk met werk te maken.",
    ),
    CriterionCode.COST: ("5", "Waarde per euro."),
    CriterionCode.CERTAINTY: ("5", "Hoe vast staan de plannen (idee, voorgenomen, vastgesteld)?"),
}


def build_programme(first_year: int, created_by: User | None) -> Programme:
    framework = AssessmentFramework.objects.create(
        name="Afwegingskader IMPOR",
        description="Gewogen criteria om werken en koppelkansen te prioriteren.",
    )
    Criterion.objects.bulk_create(
        Criterion(framework=framework, code=code, weight=Decimal(weight), description=text)
        for code, (weight, text) in WEIGHTS.items()
    )
    return Programme.objects.create(
        name=f"IMPOR {first_year}–{first_year + 9}",
        description="Integraal meerjarenprogramma openbare ruimte, eerste concept.",
        first_year=first_year,
        horizon=10,
        framework=framework,
        price_year=first_year - 1,
        created_by=created_by,
    )
