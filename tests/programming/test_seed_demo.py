"""seed_demo builds a realistic, deterministic demo municipality and a benchmark city."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assets.models import Asset, Inspection, Report
from impor.choices import Discipline
from impor.models import Area
from programming.choices import RunStatus
from programming.freshness import stale_reasons
from programming.models import (
    CostRule,
    CouplingCostSharing,
    CouplingReservation,
    CouplingResponse,
    Programme,
)
from projects.choices import ProjectKind
from projects.models import Funding, Project, ProjectBrief
from stakeholders.choices import ActorKind, Role
from stakeholders.models import Actor, Alert, BudgetLine, Notification, User
from stakeholders.services import alert_mails_send

pytestmark = pytest.mark.django_db

DALFSEN_KERNEN = {"Dalfsen", "Nieuwleusen", "Lemelerveld", "Hoonhorst", "Oudleusen"}


def fingerprint() -> str:
    """A digest of the content by natural keys (database ids may differ between runs)."""
    digest = hashlib.sha256()
    rows = [
        Area.objects.order_by("name", "level").values_list("name", "level", "geometry"),
        Asset.objects.order_by("external_id").values_list(
            "external_id",
            "asset_class__code",
            "area__name",
            "street",
            "geometry",
            "quantity",
            "construction_year",
            "condition",
            "condition_date",
            "extra",
        ),
        Project.objects.order_by("code").values_list(
            "code", "name", "kind", "owner__name", "start_year", "geometry", "cost_estimate"
        ),
        Funding.objects.order_by("project__code", "year", "budget_line__code").values_list(
            "project__code", "budget_line__code", "year", "amount"
        ),
        Report.objects.order_by("external_id").values_list("external_id", "asset__external_id"),
    ]
    for queryset in rows:
        for row in queryset.iterator():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def seed_and_fingerprint(seed: int) -> str:
    with transaction.atomic():
        call_command("seed_demo", seed=seed, no_compute=True, verbosity=0)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_municipality_and_another_seed_another():
    first = seed_and_fingerprint(11)
    assert seed_and_fingerprint(11) == first
    assert seed_and_fingerprint(12) != first


def test_the_demo_is_a_complete_municipality_with_a_computed_programme():
    """The only test here that computes (through the compute service, as `make demo`
    does): the others seed with --no-compute."""
    out = StringIO()
    call_command("seed_demo", stdout=out)

    programme = Programme.objects.get(based_on__isnull=True)
    assert programme.computed_at is not None, "the first visit shows a plan"
    assert stale_reasons(programme) == [], "computed after seeding: fresh, may be adopted"
    assert programme.works.filter(scheduled_year__isnull=False).exists()
    assert programme.runs.get().status == RunStatus.DONE
    assert "Berekend in" in out.getvalue()

    kernen = set(Area.objects.filter(level="kern").values_list("name", flat=True))
    assert kernen >= DALFSEN_KERNEN
    assert Area.objects.filter(level="buurt").count() >= 20
    assert all(a.geometry for a in Area.objects.all())

    assert 15_000 <= Asset.objects.count() <= 30_000
    disciplines = set(Asset.objects.values_list("asset_class__discipline", flat=True).distinct())
    assert disciplines == set(Discipline.values)
    years = Asset.objects.values_list("construction_year", flat=True)
    assert min(years) < 1950, "the village cores are old"
    assert max(years) >= 2015, "there is recent new-build"
    assert Inspection.objects.count() > 0
    assert Report.objects.count() > 0

    assert 50 <= Project.objects.count() <= 70
    assert set(Project.objects.values_list("kind", flat=True)) == set(ProjectKind.values)
    partner = Project.objects.filter(owner__is_internal=False)
    partner_kinds = set(partner.values_list("owner__kind", flat=True))
    assert {
        ActorKind.NETBEHEERDER,
        ActorKind.WATERSCHAP,
        ActorKind.WONINGCORPORATIE,
        ActorKind.TELECOM,
        ActorKind.WARMTEBEDRIJF,
        ActorKind.DORPSBELANG,
    } <= partner_kinds

    sewer = Project.objects.filter(name__startswith="Rioolvervanging", start_year=2027).get()
    assert sewer.assets.filter(asset_class__discipline=Discipline.RIOLERING).exists()
    same_street = Project.objects.filter(street=sewer.street).exclude(pk=sewer.pk)
    assert same_street.filter(owner__kind=ActorKind.NETBEHEERDER).exists(), "sewer is the trigger"
    heat = Project.objects.get(name__startswith="Warmtenet Dalfsen")
    assert heat.start_year >= 2030, "the heat network is planned years ahead"
    social = Project.objects.filter(kind=ProjectKind.WIJKGERICHT, fundings__isnull=True)
    assert social.exists(), "a social task without budget"
    assert ProjectBrief.objects.exists()

    assert 20 <= Actor.objects.count() <= 30
    assert Actor.objects.filter(kind=ActorKind.GGD).exists()
    assert (
        BudgetLine.objects.filter(amounts__year=2026).distinct().count()
        == BudgetLine.objects.count()
    )
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert roles == set(Role.values)
    assert User.objects.get(username="enexis").organisation.kind == ActorKind.NETBEHEERDER
    assert Programme.objects.get(based_on__isnull=True).framework.criteria.count() == 7

    # One coupling shows what parties add to it: a split rule other than the default, a
    # partner's reservation and its response, all by the key of a computed coupling.
    sharing = CouplingCostSharing.objects.get()
    assert sharing.rule != CostRule.EQUAL
    assert programme.couplings.filter(key=sharing.key).exists()
    reservation = CouplingReservation.objects.get(key=sharing.key)
    assert not reservation.organisation.is_internal
    assert CouplingResponse.objects.filter(
        key=sharing.key, organisation=reservation.organisation
    ).exists()
    assert "kostenverdeling, meeliften en reactie" in out.getvalue()
    # The partners' areas of interest met the computation: their inboxes hold alerts,
    # which reach e-mail as a daily digest, not as one e-mail each on the console.
    assert Notification.objects.filter(user__username="enexis").exists()
    assert alert_mails_send(list(Alert.objects.values_list("pk", flat=True))) == 0


def test_assets_have_geometry_in_their_area_and_a_consistent_bbox():
    call_command("seed_demo", no_compute=True, verbosity=0)
    sample = Asset.objects.select_related("area").order_by("?")[:200]
    for asset in sample:
        assert asset.bbox_xmin <= asset.bbox_xmax
        assert asset.bbox_ymin <= asset.bbox_ymax
        assert 200_000 < asset.bbox_xmin < 230_000
        assert 490_000 < asset.bbox_ymin < 520_000


def test_the_large_option_builds_a_city_of_at_least_the_asked_size():
    call_command("seed_demo", large=5_000, verbosity=0)
    assert Asset.objects.count() >= 5_000
    assert not Area.objects.filter(name="Dalfsen").exists()
    assert Project.objects.exists()


def test_seeding_a_filled_database_is_refused_unless_asked_to_skip():
    call_command("seed_demo", no_compute=True, verbosity=0)
    assert Programme.objects.get(based_on__isnull=True).computed_at is None, (
        "--no-compute leaves it a concept"
    )
    count = Asset.objects.count()
    with pytest.raises(CommandError, match="bevat al"):
        call_command("seed_demo", verbosity=0)
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert Asset.objects.count() == count
