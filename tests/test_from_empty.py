"""From an empty database to a computed programme with the municipality's own files, as a
new user does it (README, "Je eigen gemeente inrichten"), with no demo code involved:
set-up from a CBS-shaped map, the Leeuwarden tree register as a loose Shapefile, budget
amounts, one project and a computed programme."""

import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils.formats import localize_input

from assets.models import Asset, AssetClass
from impor.choices import AreaLevel
from impor.models import Area
from programming.choices import WorkKind
from programming.forms import ProgrammeForm
from programming.models import PROGRAMME_SETTINGS, Programme
from programming.services import DEFAULT_CRITERIA, programme_compute
from projects.choices import Certainty, ProjectKind
from projects.models import Funding, Project
from stakeholders.models import Actor, BudgetAmount, BudgetLine
from tests.assets.test_setup_municipality import write_cbs_map
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

#: Every module that builds demo data; the flow must not need any of them.
DEMO_MODULES = (
    "impor.demo",
    "stakeholders.demo",
    "assets.demo",
    "projects.demo",
    "programming.demo",
)
FIRST_YEAR = 2026


@pytest.fixture
def no_demo_code(monkeypatch):
    """Make importing a demo module fail for the duration of the test (a None entry in
    sys.modules raises ImportError), and leave none of them half-used."""
    for module in DEMO_MODULES:
        monkeypatch.setitem(sys.modules, module, None)


def test_an_empty_database_becomes_a_computed_programme(tmp_path, no_demo_code, capsys):
    trees = shared_data("leeuwarden-bomen") / "monumentale_en_waardevolle_bomen.shp"
    assert not Area.objects.exists(), "an empty database"
    assert not AssetClass.objects.exists(), "an empty database"

    # 1. Set up the municipality from the CBS map; Groningen in the same file is left out.
    cbs_map = write_cbs_map(tmp_path / "wijkenbuurten.gpkg")
    call_command(
        "setup_municipality", "--gemeentecode", "GM0080", "--areas", str(cbs_map), "--commit"
    )
    assert Area.objects.filter(level=AreaLevel.BUURT).count() == 3

    # 2. The trees as loose parts: the .shp with its .shx, .dbf, .prj and .cpg beside it.
    call_command(
        "import_assets",
        str(trees),
        "--source",
        "leeuwarden-bomen",
        "--mapping",
        '{"external_id": {"column": "ELEMENTNR", "with_location": true}, '
        '"construction_year": "PLANTJAAR", "asset_class": {"value": "boom"}}',
        "--commit",
        "--only-valid",
    )
    imported = Asset.objects.filter(source="leeuwarden-bomen", asset_class__code="boom")
    assert imported.count() > 1_500, "most of the 2,088 trees have a planting year"
    assert not imported.filter(area__isnull=True).exists(), "every tree lies in a buurt"

    # 3. Budget amounts on the lines the set-up made without money: trees and roads.
    groen = BudgetLine.objects.get(asset_classes__code="boom")
    wegen = BudgetLine.objects.get(code="wegen")
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget_line=line, year=year, amount=Decimal("400000"))
        for line in (groen, wegen)
        for year in range(FIRST_YEAR, FIRST_YEAR + 10)
    )

    # 4. One project of the municipality, paid from the roads line.
    project = Project.objects.create(
        code="P-0001",
        name="Herinrichting Nieuwestad",
        kind=ProjectKind.BEHEER,
        certainty=Certainty.VOORGENOMEN,
        owner=Actor.objects.get(name="Team Verharding"),
        street="Nieuwestad",
        geometry="LINESTRING (182300 579300, 182700 579500)",
        start_year=FIRST_YEAR + 1,
        end_year=FIRST_YEAR + 2,
        shift_early=1,
        shift_late=2,
        opens_street=True,
        cost_estimate=Decimal("350000"),
    )
    Funding.objects.create(
        project=project, budget_line=wegen, year=FIRST_YEAR + 1, amount=Decimal("350000")
    )

    # 5. A programme over ten years, computed.
    #    Through the page's form as a user fills it in: the framework left empty, so the
    #    programme gets the default one, made here for the first time.
    settings = model_to_dict(Programme(), fields=PROGRAMME_SETTINGS)
    data = {name: localize_input(value) for name, value in settings.items() if value is not None}
    data.update(name="IMPOR Leeuwarden", first_year=FIRST_YEAR, horizon=10, framework="")
    data["price_year"] = FIRST_YEAR - 1
    form = ProgrammeForm(data=data)
    assert form.is_valid(), form.errors
    programme = form.save()
    assert programme.framework.criteria.count() == len(DEFAULT_CRITERIA)
    programme_compute(programme)

    # Trees planted before 1966 are past their 60-year lifespan in 2026: their replacements
    # are grouped into measures of the green discipline (trees have no street, so per
    # buurt); €400,000 a year pays for some 330 trees (€1,200 each) a year.
    tree_works = programme.works.filter(kind=WorkKind.MEASURE, discipline="groen")
    assert tree_works.exists()
    assert sum(tree_works.values_list("asset_count", flat=True)) > 500
    assert tree_works.filter(scheduled_year__isnull=False).exists(), "some are funded and planned"
    assert programme.works.get(project__code="P-0001").scheduled_year == FIRST_YEAR + 1
    assert all(sys.modules.get(module) is None for module in DEMO_MODULES), "no demo code"
