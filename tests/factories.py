"""factory_boy factories for every IMPOR model, in one place.

Every factory makes a row that passes ``full_clean()``: the defaults describe a small,
plausible piece of the municipality of Dalfsen (RD New coordinates around the village).
Values are fixed or come from sequences, never from random data, so a failing test
fails the same way twice. Unique fields and unique combinations use a sequence, so
``create_batch`` on a shared parent works without passing values by hand.
"""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory, Password

from assets.choices import Condition, GeometryKind, ReportCategory, Unit
from assets.models import (
    Asset,
    AssetClass,
    DeteriorationMethod,
    DeteriorationModel,
    ImportMapping,
    Inspection,
    Report,
)
from impor.choices import AreaLevel, Discipline, ImportKind, ImportStatus
from impor.models import Area, ImportRun
from programming.choices import (
    CouplingDecisionStatus,
    CouplingKind,
    CriterionCode,
    ProgrammeStatus,
    WorkKind,
)
from programming.models import (
    ActualCost,
    AssessmentFramework,
    BudgetOverride,
    CostRule,
    Coupling,
    CouplingCostSharing,
    CouplingDecision,
    CouplingReservation,
    CouplingResponse,
    Criterion,
    KpiValue,
    NewsletterDelivery,
    NewsletterEdition,
    Programme,
    ProgrammeRun,
    Realisation,
    RealisationStatus,
    ScenarioChange,
    Subscriber,
    UnfundedItem,
    UnfundedReason,
    Work,
    WorkCost,
    WorkHours,
    WorkSetting,
)
from projects.choices import (
    Certainty,
    DecisionLevel,
    ProjectKind,
    ProjectRoleKind,
    RegisterKind,
)
from projects.models import (
    AmbitionContribution,
    Funding,
    IndicatorContribution,
    Project,
    ProjectBrief,
    ProjectRole,
    RegisterEntry,
)
from stakeholders.choices import ActorKind, Domain, Involvement, ProcessStep, TaskDomain
from stakeholders.models import (
    Actor,
    Alert,
    AlertKind,
    AlertSettings,
    Ambition,
    ApiToken,
    AreaOfInterest,
    AreaTask,
    BudgetAmount,
    BudgetLine,
    ContactPerson,
    Indicator,
    IndicatorMeasurement,
    IndicatorTarget,
    Notification,
    ProcessPosition,
    SingleSignOnIdentity,
    Team,
    TeamHours,
    Theme,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    hash_token_key,
)

#: A 40 m sewer stretch along the Prinsenstraat in Dalfsen, in RD New (EPSG:28992).
DALFSEN_LINE = "LINESTRING (214500 500800, 214540 500800)"


def _year(n: int) -> int:
    """A distinct year per sequence number, so rows unique per (parent, year) never clash."""
    return 2025 + n % 150


# --- impor -----------------------------------------------------------------------------


class AreaFactory(DjangoModelFactory):
    """The gemeente by default; the traits build the chain of parents a lower level needs."""

    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Gebied {n}")
    level = AreaLevel.GEMEENTE
    parent = None
    population = 28_000
    social_priority = 3

    class Params:
        kern = factory.Trait(
            level=AreaLevel.KERN,
            name=factory.Sequence(lambda n: f"Kern {n}"),
            parent=factory.SubFactory("tests.factories.AreaFactory"),
        )
        wijk = factory.Trait(
            level=AreaLevel.WIJK,
            name=factory.Sequence(lambda n: f"Wijk {n}"),
            parent=factory.SubFactory("tests.factories.AreaFactory", kern=True),
        )
        buurt = factory.Trait(
            level=AreaLevel.BUURT,
            name=factory.Sequence(lambda n: f"Buurt {n}"),
            parent=factory.SubFactory("tests.factories.AreaFactory", wijk=True),
        )


# --- stakeholders ----------------------------------------------------------------------


class ActorFactory(DjangoModelFactory):
    """A municipal department by default; ``partner=True`` gives an external grid operator."""

    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Afdeling {n}")
    is_internal = True
    kind = ActorKind.AFDELING
    domain = Domain.FYSIEK

    class Params:
        partner = factory.Trait(
            name=factory.Sequence(lambda n: f"Netbeheerder {n}"),
            is_internal=False,
            kind=ActorKind.NETBEHEERDER,
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@dalfsen.example")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Jansen {n}")
    password = Password("impor-test-wachtwoord")
    organisation = None

    class Params:
        partner = factory.Trait(organisation=factory.SubFactory(ActorFactory, partner=True))


class SingleSignOnIdentityFactory(DjangoModelFactory):
    """A municipal account at the identity provider, linked to a municipal user."""

    class Meta:
        model = SingleSignOnIdentity

    user = factory.SubFactory(UserFactory)
    issuer = "https://login.dalfsen.example"
    subject = factory.Sequence(lambda n: f"onderwerp-{n}")


class ApiTokenFactory(DjangoModelFactory):
    """A token row; its key is "sleutel-<n>" (real keys come from `ApiToken.objects.issue`)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("user.organisation")
    name = factory.Sequence(lambda n: f"Koppeling {n}")
    key_hash = factory.Sequence(lambda n: hash_token_key(f"sleutel-{n}"))
    prefix = "sleutel-"


class AreaOfInterestFactory(DjangoModelFactory):
    """A 100 m square around the Prinsenstraat sewer stretch (DALFSEN_LINE)."""

    class Meta:
        model = AreaOfInterest

    organisation = factory.SubFactory(ActorFactory, partner=True)
    name = factory.Sequence(lambda n: f"Interessegebied {n}")
    geometry = (
        "POLYGON ((214470 500750, 214570 500750, 214570 500850, 214470 500850, 214470 500750))"
    )
    buffer = 0


class AlertFactory(DjangoModelFactory):
    class Meta:
        model = Alert

    organisation = factory.SubFactory(ActorFactory, partner=True)
    kind = AlertKind.WERKEN
    data = factory.LazyFunction(
        lambda: {"programme": {"id": 1, "name": "IMPOR 2026-2035", "url": "/"}, "works": []}
    )


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    alert = factory.SubFactory(AlertFactory)
    user = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..alert.organisation")
    )


class AlertSettingsFactory(DjangoModelFactory):
    class Meta:
        model = AlertSettings

    user = factory.SubFactory(UserFactory)


class WebhookEndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    organisation = factory.SubFactory(ActorFactory, partner=True)
    url = factory.Sequence(lambda n: f"https://planning{n}.example.nl/impor")


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    alert = factory.SubFactory(
        AlertFactory, organisation=factory.SelfAttribute("..endpoint.organisation")
    )


class ContactPersonFactory(DjangoModelFactory):
    class Meta:
        model = ContactPerson

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Contactpersoon {n}")
    function = "adviseur"
    email = factory.Sequence(lambda n: f"contact{n}@dalfsen.example")


class ProcessPositionFactory(DjangoModelFactory):
    class Meta:
        model = ProcessPosition

    actor = factory.SubFactory(ActorFactory)
    step = factory.Iterator(ProcessStep.values)
    now = Involvement.GEINFORMEERD
    desired = Involvement.BETROKKEN


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    code = factory.Sequence(lambda n: f"thema-{n}")
    name = factory.Sequence(lambda n: f"Thema {n}")
    colour = "#00689e"


class AmbitionFactory(DjangoModelFactory):
    class Meta:
        model = Ambition

    code = factory.Sequence(lambda n: f"ambitie-{n}")
    name = factory.Sequence(lambda n: f"Ambitie {n}")
    source = "Omgevingsvisie 1.0"
    owner = factory.SubFactory(ActorFactory)
    horizon_year = 2040


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    ambition = factory.SubFactory(AmbitionFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    baseline_value = Decimal("40.00")
    baseline_year = 2022
    target_value = Decimal("60.00")
    target_year = 2030


class IndicatorMeasurementFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorMeasurement

    indicator = factory.SubFactory(IndicatorFactory)
    year = factory.Sequence(_year)
    value = Decimal("45.00")


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    year = factory.Sequence(_year)
    value = Decimal("50.00")


class AreaTaskFactory(DjangoModelFactory):
    class Meta:
        model = AreaTask

    area = factory.SubFactory(AreaFactory, kern=True)
    domain = TaskDomain.FYSIEK
    title = factory.Sequence(lambda n: f"Gebiedsopgave {n}")
    situation_now = "Wateroverlast bij hevige buien."
    situation_desired = "Regenwater wordt vastgehouden in het groen."
    priority = 3


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    code = factory.Sequence(lambda n: f"budget-{n}")
    name = factory.Sequence(lambda n: f"Budgetregel {n}")
    owner = factory.SubFactory(ActorFactory)


class BudgetAmountFactory(DjangoModelFactory):
    class Meta:
        model = BudgetAmount

    budget_line = factory.SubFactory(BudgetLineFactory)
    year = factory.Sequence(_year)
    amount = Decimal("500000.00")


class TeamFactory(DjangoModelFactory):
    """A municipal team of the sewer discipline; give `actor` a partner for a partner team."""

    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    actor = factory.SubFactory(ActorFactory)
    discipline = Discipline.RIOLERING


class TeamHoursFactory(DjangoModelFactory):
    class Meta:
        model = TeamHours

    team = factory.SubFactory(TeamFactory)
    year = factory.Sequence(_year)
    hours = 1000


# --- assets ----------------------------------------------------------------------------


class AssetClassFactory(DjangoModelFactory):
    """A concrete gravity sewer: replaced by digging up the street."""

    class Meta:
        model = AssetClass

    code = factory.Sequence(lambda n: f"riool-{n}")
    name = factory.Sequence(lambda n: f"Vrijvervalriool {n}")
    discipline = Discipline.RIOLERING
    unit = Unit.METRE
    geometry_kind = GeometryKind.LINE
    lifespan = 60
    window_early = 5
    window_late = 10
    unit_cost = Decimal("600.00")
    price_year = 2024
    opens_street = True
    source = "Stichting RIONED, Leidraad Riolering: levensduur en kostenkengetallen (2024)."


class AssetFactory(DjangoModelFactory):
    class Meta:
        model = Asset

    source = "gbi"
    external_id = factory.Sequence(lambda n: f"R{n:06d}")
    asset_class = factory.SubFactory(AssetClassFactory)
    area = factory.SubFactory(AreaFactory, kern=True)
    street = "Prinsenstraat"
    geometry = DALFSEN_LINE
    quantity = Decimal("40.00")
    material = "beton"
    construction_year = 1975
    condition = Condition.REDELIJK
    condition_date = datetime.date(2023, 5, 1)


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    asset = factory.SubFactory(AssetFactory)
    date = datetime.date(2024, 4, 15)
    condition = Condition.MATIG
    inspector = "Rioolinspectie Oost"


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    source = "meldingen"
    external_id = factory.Sequence(lambda n: f"M-{n:06d}")
    asset = factory.SubFactory(AssetFactory)
    area = factory.SelfAttribute("asset.area")
    street = "Prinsenstraat"
    reported_on = datetime.date(2024, 3, 1)
    category = ReportCategory.VERZAKKING
    description = "Putdeksel ligt los."


# --- projects --------------------------------------------------------------------------


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"Herinrichting {n}")
    kind = ProjectKind.BEHEER
    certainty = Certainty.VOORGENOMEN
    owner = factory.SubFactory(ActorFactory)
    street = "Prinsenstraat"
    geometry = DALFSEN_LINE
    start_year = 2026
    end_year = 2027
    shift_early = 1
    shift_late = 2
    opens_street = True
    cost_estimate = Decimal("250000.00")


class AmbitionContributionFactory(DjangoModelFactory):
    class Meta:
        model = AmbitionContribution

    project = factory.SubFactory(ProjectFactory)
    ambition = factory.SubFactory(AmbitionFactory)
    weight = Decimal("1.00")


class FundingFactory(DjangoModelFactory):
    class Meta:
        model = Funding

    project = factory.SubFactory(ProjectFactory)
    budget_line = factory.SubFactory(BudgetLineFactory)
    year = factory.Sequence(_year)
    amount = Decimal("125000.00")
    secured = True


class ProjectRoleFactory(DjangoModelFactory):
    class Meta:
        model = ProjectRole

    project = factory.SubFactory(ProjectFactory)
    actor = factory.SubFactory(ActorFactory)
    person = factory.Sequence(lambda n: f"Projectleider {n}")
    role = ProjectRoleKind.PROJECTLEIDER
    from_step = ProcessStep.PROJECTOPDRACHT


class RegisterEntryFactory(DjangoModelFactory):
    class Meta:
        model = RegisterEntry

    project = factory.SubFactory(ProjectFactory)
    kind = RegisterKind.RISICO
    description = "Kabels en leidingen liggen anders dan op tekening."
    measure = "Proefsleuven graven vóór het ontwerp."
    likelihood = 3
    impact = 4


class ProjectBriefFactory(DjangoModelFactory):
    """An empty brief by default; ``answered=True`` answers every question."""

    class Meta:
        model = ProjectBrief

    project = factory.SubFactory(ProjectFactory)

    class Params:
        answered = factory.Trait(
            leading_task="Vervanging van het riool is leidend.",
            priority_criteria="Klimaatadaptatie gaat vóór parkeren.",
            governance="De afdeling Openbare Ruimte stuurt; het college beslist.",
            frames="Budget, planning en kwaliteit volgens het beheerplan.",
            social_paragraph="De straat wordt een ontmoetingsplek voor de buurt.",
            participation="Bewoners denken mee over het groen.",
            scope_in="Riool, verharding en groen.",
            competences="Projectleider, ontwerper en omgevingsmanager.",
        )


# --- programming -----------------------------------------------------------------------


class AssessmentFrameworkFactory(DjangoModelFactory):
    class Meta:
        model = AssessmentFramework

    name = factory.Sequence(lambda n: f"Afwegingskader {n}")


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    framework = factory.SubFactory(AssessmentFrameworkFactory)
    code = factory.Iterator(CriterionCode.values)
    weight = Decimal("1.00")


class ProgrammeFactory(DjangoModelFactory):
    """A draft ten-year programme; ``adopted=True`` gives one adopted by the council."""

    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"IMPOR {n}")
    first_year = 2026
    horizon = 10
    framework = factory.SubFactory(AssessmentFrameworkFactory)
    price_year = 2025

    class Params:
        adopted = factory.Trait(
            status=ProgrammeStatus.VASTGESTELD,
            adopted_on=datetime.date(2025, 11, 6),
            adopted_by=DecisionLevel.RAAD,
        )


class BudgetOverrideFactory(DjangoModelFactory):
    class Meta:
        model = BudgetOverride

    programme = factory.SubFactory(ProgrammeFactory)
    budget_line = factory.SubFactory(BudgetLineFactory)
    year = factory.Sequence(_year)
    amount = Decimal("400000.00")


class ProgrammeRunFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeRun

    programme = factory.SubFactory(ProgrammeFactory)


class CouplingFactory(DjangoModelFactory):
    class Meta:
        model = Coupling

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"koppeling-{n:06d}")
    kind = CouplingKind.OPPORTUNITY
    street = "Prinsenstraat"
    window_start = 2027
    window_end = 2028
    year = 2027
    savings = Decimal("45000.00")
    openings_avoided = 1
    score = 0.8


class CouplingDecisionFactory(DjangoModelFactory):
    """An accepted decision by default; ``rejected=True`` gives a rejection with its reason."""

    class Meta:
        model = CouplingDecision

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"koppeling-{n:06d}")
    status = CouplingDecisionStatus.ACCEPTED

    class Params:
        rejected = factory.Trait(
            status=CouplingDecisionStatus.REJECTED,
            reason="De netbeheerder kan pas in 2031.",
        )


class CouplingCostSharingFactory(DjangoModelFactory):
    """A split by the parties' own costs, the cost items left to their defaults."""

    class Meta:
        model = CouplingCostSharing

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"koppeling-{n:06d}")
    rule = CostRule.COST_SHARE


class CouplingReservationFactory(DjangoModelFactory):
    """A partner's empty duct of 120 m in the coupling's trench."""

    class Meta:
        model = CouplingReservation

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"koppeling-{n:06d}")
    organisation = factory.SubFactory(ActorFactory, partner=True)
    kind = "lege_buis"
    length = Decimal("120.0")


class CouplingResponseFactory(DjangoModelFactory):
    class Meta:
        model = CouplingResponse

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"koppeling-{n:06d}")
    organisation = factory.SubFactory(ActorFactory, partner=True)
    answer = "akkoord"


class WorkFactory(DjangoModelFactory):
    """A sewer replacement measure, scheduled in its preferred year."""

    class Meta:
        model = Work

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"maatregel:{n}")
    kind = WorkKind.MEASURE
    label = factory.Sequence(lambda n: f"Riool vervangen {n}")
    asset_class = factory.SubFactory(AssetClassFactory)
    street = "Prinsenstraat"
    geometry = DALFSEN_LINE
    window_start = 2027
    window_end = 2031
    preferred_year = 2029
    scheduled_year = 2029
    cost = Decimal("24000.00")
    opens_street = True
    asset_count = 1


class WorkHoursFactory(DjangoModelFactory):
    class Meta:
        model = WorkHours

    work = factory.SubFactory(WorkFactory)
    team = factory.SubFactory(TeamFactory)
    offset = factory.Sequence(lambda n: n % 10)
    hours = Decimal("120.0")


class ScenarioChangeFactory(DjangoModelFactory):
    """A budget change: €100,000 more on a line in a year."""

    class Meta:
        model = ScenarioChange

    programme = factory.SubFactory(ProgrammeFactory)
    kind = "budget"
    budget_line = factory.SubFactory(BudgetLineFactory)
    year = 2027
    operation = "erbij"
    amount = Decimal("100000.00")


class WorkSettingFactory(DjangoModelFactory):
    class Meta:
        model = WorkSetting

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"werk-{n}")
    hours = 200
    maintenance = Decimal("-1500.00")


class WorkCostFactory(DjangoModelFactory):
    class Meta:
        model = WorkCost

    work = factory.SubFactory(WorkFactory)
    budget_line = factory.SubFactory(BudgetLineFactory)
    offset = factory.Sequence(lambda n: n % 10)
    amount = Decimal("24000.00")


class UnfundedItemFactory(DjangoModelFactory):
    class Meta:
        model = UnfundedItem

    work = factory.SubFactory(WorkFactory, scheduled_year=None)
    budget_line = factory.SubFactory(BudgetLineFactory)
    year = 2029
    gap = Decimal("24000.00")
    reason = "Het budget riolering voor 2029 is op."
    code = UnfundedReason.BUDGET_FULL
    facts = factory.LazyAttribute(
        lambda item: {"line": item.budget_line.code, "years": [item.year], "by": []}
    )


class KpiValueFactory(DjangoModelFactory):
    class Meta:
        model = KpiValue

    programme = factory.SubFactory(ProgrammeFactory)
    code = "investering"
    year = 2029
    value = 24000.0


class ImportMappingFactory(DjangoModelFactory):
    class Meta:
        model = ImportMapping

    source = factory.Sequence(lambda n: f"bron-{n}")
    kind = ImportKind.ASSETS
    mapping = factory.LazyFunction(lambda: {"external_id": "id", "construction_year": "aanlegjaar"})
    crs = "EPSG:28992"


class ImportRunFactory(DjangoModelFactory):
    class Meta:
        model = ImportRun

    kind = ImportKind.ASSETS
    source = "gbi"
    status = ImportStatus.COMMITTED
    file_name = factory.Sequence(lambda n: f"areaal-{n}.csv")
    file_sha256 = "0" * 64
    rows = 3
    created = 3
    user = factory.SubFactory(UserFactory)


# --- #20: the plan in motion -----------------------------------------------------------


class IndicatorContributionFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorContribution

    project = factory.SubFactory(ProjectFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    expected = Decimal("2.50")


class DeteriorationModelFactory(DjangoModelFactory):
    class Meta:
        model = DeteriorationModel

    asset_class = factory.SubFactory(AssetClassFactory)
    method = DeteriorationMethod.REGRESSION
    inspections = 120
    assets = 40
    parameters = factory.LazyFunction(lambda: {"intercept": 1.0, "slope": 0.05})
    curve = factory.LazyFunction(lambda: [[0, 1.0, 1.0, 1.0], [40, 3.0, 2.6, 3.4]])
    lifespan = Decimal("60.0")


class RealisationFactory(DjangoModelFactory):
    class Meta:
        model = Realisation

    key = factory.Sequence(lambda n: f"P:R-{n}")
    label = factory.Sequence(lambda n: f"Realisatie {n}")
    status = RealisationStatus.RUNNING
    actual_start = datetime.date(2026, 3, 1)


class ActualCostFactory(DjangoModelFactory):
    class Meta:
        model = ActualCost

    realisation = factory.SubFactory(RealisationFactory)
    budget_line = factory.SubFactory(BudgetLineFactory)
    year = factory.Sequence(_year)
    amount = Decimal("125000.00")


class NewsletterEditionFactory(DjangoModelFactory):
    class Meta:
        model = NewsletterEdition

    kern = factory.SubFactory(AreaFactory, kern=True)
    number = factory.Sequence(lambda n: n + 1)
    programme = factory.SubFactory(ProgrammeFactory)
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 6, 30)
    title = factory.Sequence(lambda n: f"Nieuws uit het dorp {n}")


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    kern = factory.SubFactory(AreaFactory, kern=True)
    email = factory.Sequence(lambda n: f"abonnee{n}@example.org")
    name = "Dorpsbelang"


class NewsletterDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = NewsletterDelivery

    edition = factory.SubFactory(NewsletterEditionFactory)
    subscriber = factory.SubFactory(SubscriberFactory)
