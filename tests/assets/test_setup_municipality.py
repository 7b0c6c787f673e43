"""Setting up a municipality from its CBS map (or any polygon file): areas, organisation,
departments, budget lines and the IMBOR class defaults, dry run by default, idempotent."""

from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from assets.models import AssetClass
from assets.municipality import municipality_setup
from impor.area_import import import_areas, kern_name_of_wijk
from impor.choices import AreaLevel, ImportKind, ImportStatus
from impor.models import Area, ImportRun
from stakeholders.choices import ActorKind, Role
from stakeholders.models import Actor, BudgetLine
from tests.api.conftest import user_with_role

pytestmark = pytest.mark.django_db


def box(xmin, ymin, xmax, ymax):
    return shapely.box(xmin, ymin, xmax, ymax)


#: Leeuwarden (GM0080) around its tree register (RD New x 179,339–185,535, y 571,984–
#: 582,410), cut in two wijken of one kern and three buurten; Groningen (GM0014) must be
#: filtered out. The second row of BU00800000 is water and is left out.
GEMEENTEN = [
    ("GM0080", "Leeuwarden", "NEE", box(175_000, 568_000, 190_000, 586_000)),
    ("GM0014", "Groningen", "NEE", box(230_000, 575_000, 240_000, 585_000)),
]
WIJKEN = [
    ("WK008000", "Wijk 00 Leeuwarden", "GM0080", "NEE", box(175_000, 568_000, 182_500, 586_000)),
    ("WK008001", "Wijk 01 Leeuwarden", "GM0080", "NEE", box(182_500, 568_000, 190_000, 586_000)),
    ("WK001400", "Wijk 00 Centrum", "GM0014", "NEE", box(230_000, 575_000, 240_000, 585_000)),
]
BUURTEN = [
    (
        "BU00800000",
        "Binnenstad",
        "WK008000",
        "GM0080",
        "NEE",
        box(175_000, 568_000, 182_500, 586_000),
    ),
    (
        "BU00800000",
        "Binnenstad",
        "WK008000",
        "GM0080",
        "JA",
        box(100_000, 400_000, 101_000, 401_000),
    ),
    ("BU00800100", "Oost", "WK008001", "GM0080", "NEE", box(182_500, 568_000, 190_000, 577_000)),
    ("BU00800101", "Noord", "WK008001", "GM0080", "NEE", box(182_500, 577_000, 190_000, 586_000)),
    (
        "BU00140000",
        "Binnenstad",
        "WK001400",
        "GM0014",
        "NEE",
        box(230_000, 575_000, 240_000, 585_000),
    ),
]


def write_layer(path: Path, layer: str, columns: dict[str, list], shapes: list) -> None:
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(shapes), dtype=object),
        [np.array(values, dtype=object) for values in columns.values()],
        list(columns),
        geometry_type="Polygon",
        crs="EPSG:28992",
        driver="GPKG",
        layer=layer,
        append=path.exists(),
    )


def write_cbs_map(
    path: Path, *, leave_out: str | None = None, drop_column: str = "", buurten=BUURTEN
) -> Path:
    """A GeoPackage in the layout of the CBS Wijk- en buurtkaart."""
    layers = {
        "gemeenten": (
            ["gemeentecode", "gemeentenaam", "water"],
            [row[:3] for row in GEMEENTEN],
            [row[3] for row in GEMEENTEN],
        ),
        "wijken": (
            ["wijkcode", "wijknaam", "gemeentecode", "water"],
            [row[:4] for row in WIJKEN],
            [row[4] for row in WIJKEN],
        ),
        "buurten": (
            ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "water"],
            [row[:5] for row in buurten],
            [row[5] for row in buurten],
        ),
    }
    for layer, (names, rows, shapes) in layers.items():
        if layer == leave_out:
            continue
        columns = {
            name: [row[i] for row in rows]
            for i, name in enumerate(names)
            if name != drop_column or layer != "wijken"
        }
        write_layer(path, layer, columns, shapes)
    return path


@pytest.fixture
def cbs_map(tmp_path):
    return write_cbs_map(tmp_path / "wijkenbuurten.gpkg")


def setup(path, *extra):
    call_command(
        "setup_municipality", "--gemeentecode", "GM0080", "--areas", str(path), *extra, verbosity=0
    )


def test_the_cbs_map_sets_up_the_municipality(cbs_map):
    setup(cbs_map, "--commit")

    gemeente = Area.objects.get(level=AreaLevel.GEMEENTE)
    assert (gemeente.name, gemeente.cbs_code) == ("Leeuwarden", "GM0080")
    assert list(Area.objects.filter(level=AreaLevel.KERN).values_list("name", flat=True)) == [
        "Leeuwarden"
    ], "both wijken are named after Leeuwarden, so they share one kern"
    wijken = Area.objects.filter(level=AreaLevel.WIJK)
    assert sorted(wijken.values_list("cbs_code", flat=True)) == ["WK008000", "WK008001"]
    assert {w.parent.level for w in wijken} == {AreaLevel.KERN}
    buurten = Area.objects.filter(level=AreaLevel.BUURT)
    assert sorted(buurten.values_list("cbs_code", flat=True)) == [
        "BU00800000",
        "BU00800100",
        "BU00800101",
    ], "Groningen's buurt is filtered out"
    assert Area.objects.get(cbs_code="BU00800100").parent.cbs_code == "WK008001"
    binnenstad = shapely.from_wkt(Area.objects.get(cbs_code="BU00800000").geometry)
    assert binnenstad.bounds == (175_000, 568_000, 182_500, 586_000), "the water part is left out"
    kern = shapely.from_wkt(Area.objects.get(level=AreaLevel.KERN).geometry)
    assert kern.area == pytest.approx(15_000 * 18_000), "the kern is the union of its wijken"

    organisation = Actor.objects.get(kind=ActorKind.GEMEENTE)
    assert organisation.name == "Gemeente Leeuwarden"
    assert organisation.is_internal
    departments = Actor.objects.filter(parent=organisation)
    assert {d.kind for d in departments} == {ActorKind.AFDELING}
    assert "Team Groen en bomen" in set(departments.values_list("name", flat=True))
    boom = AssetClass.objects.get(code="boom")
    assert "Objecttype in IMBOR 2022: Boom." in boom.source
    assert boom.budget_line.owner.name == "Team Groen en bomen"
    assert AssetClass.objects.filter(budget_line__isnull=True).count() == 0
    assert all("IMBOR" in source for source in AssetClass.objects.values_list("source", flat=True))
    run = ImportRun.objects.get(kind=ImportKind.AREAS, status=ImportStatus.COMMITTED)
    assert run.created == 1 + 1 + 2 + 3


def test_without_commit_nothing_is_written_but_the_log(cbs_map, capsys):
    setup(cbs_map)

    assert not Area.objects.exists()
    assert not Actor.objects.exists()
    assert not AssetClass.objects.exists()
    run = ImportRun.objects.get(kind=ImportKind.AREAS)
    assert run.status == ImportStatus.DRY_RUN
    assert run.created == 7
    out = capsys.readouterr().out
    assert "Gemeente: Leeuwarden" in out
    assert "1 gemeente, 1 kern, 2 wijk, 3 buurt" in out
    assert "Proefrun, niets opgeslagen" in out


def test_running_twice_duplicates_nothing(cbs_map):
    setup(cbs_map, "--commit")
    counts = (Area.objects.count(), Actor.objects.count(), BudgetLine.objects.count())

    setup(cbs_map, "--commit")

    assert (Area.objects.count(), Actor.objects.count(), BudgetLine.objects.count()) == counts
    assert AssetClass.objects.count() == 21
    second = ImportRun.objects.filter(kind=ImportKind.AREAS).order_by("-pk").first()
    assert (second.created, second.updated) == (0, 7)


def test_the_name_option_overrides_the_files(cbs_map):
    setup(cbs_map, "--name", "Ljouwert", "--commit")

    assert Area.objects.get(level=AreaLevel.GEMEENTE).name == "Ljouwert"
    assert Actor.objects.filter(name="Gemeente Ljouwert", kind=ActorKind.GEMEENTE).exists()


def test_an_unknown_gemeentecode_is_refused_with_the_codes_there_are(cbs_map):
    with pytest.raises(CommandError):
        call_command(
            "setup_municipality", "--gemeentecode", "GM9999", "--areas", str(cbs_map), "--commit"
        )

    run = ImportRun.objects.get(kind=ImportKind.AREAS)
    assert run.status == ImportStatus.REFUSED
    assert "gemeentecode GM9999 staat niet in laag gemeenten" in run.messages[0]
    assert "GM0080 (Leeuwarden)" in run.messages[0]
    assert not Area.objects.exists()
    assert not Actor.objects.exists()


def test_a_missing_layer_is_named(tmp_path):
    path = write_cbs_map(tmp_path / "wijkenbuurten.gpkg", leave_out="buurten")

    report = import_areas(path=path, gemeentecode="GM0080")

    assert "mist de laag buurten" in report.errors[0].message


def test_a_missing_column_is_named(tmp_path):
    path = write_cbs_map(tmp_path / "wijkenbuurten.gpkg", drop_column="wijknaam")

    report = import_areas(path=path, gemeentecode="80")

    assert "laag wijken: de kolom wijknaam ontbreekt (of wk_naam)" in report.errors[0].message


def test_a_buurt_in_an_unknown_wijk_names_its_row(tmp_path):
    buurten = list(BUURTEN)
    buurten[2] = ("BU00800100", "Oost", "WK008099", *BUURTEN[2][3:])
    path = write_cbs_map(tmp_path / "wijkenbuurten.gpkg", buurten=buurten)

    report = import_areas(path=path, gemeentecode="GM0080", commit=True)

    assert [str(e) for e in report.errors] == [
        "rij 3, wijkcode (laag buurten): "
        "wijk WK008099 staat niet in laag wijken van gemeente GM0080"
    ]
    assert not Area.objects.exists()


def test_kernen_from_woonplaatsen(cbs_map, tmp_path):
    places = tmp_path / "woonplaatsen.gpkg"
    write_layer(
        places,
        "woonplaats",
        {"woonplaatsnaam": ["Leeuwarden", "Stiens", "Groningen"]},
        [
            box(175_000, 568_000, 183_000, 586_000),
            box(183_000, 568_000, 190_000, 586_000),
            box(230_000, 575_000, 240_000, 585_000),
        ],
    )

    setup(cbs_map, "--kernen", str(places), "--commit")

    kernen = {a.name: a for a in Area.objects.filter(level=AreaLevel.KERN)}
    assert set(kernen) == {"Leeuwarden", "Stiens"}, "Groningen lies outside the gemeente"
    assert Area.objects.get(cbs_code="WK008000").parent == kernen["Leeuwarden"]
    assert Area.objects.get(cbs_code="WK008001").parent == kernen["Stiens"], "overlaps most"


@pytest.mark.parametrize(
    ("wijk", "kern"),
    [
        ("Wijk 01 Nieuwleusen", "Nieuwleusen"),
        ("wijk 3 - Oost", "Oost"),
        ("Wijk 00", "Wijk 00"),
        ("Dalfsen", "Dalfsen"),
    ],
)
def test_the_kern_of_a_wijk_by_its_name(wijk, kern):
    assert kern_name_of_wijk(wijk) == kern


def test_any_polygon_file_with_a_name_and_a_parent_column(cbs_map, tmp_path):
    setup(cbs_map, "--commit")
    extra = tmp_path / "buurten.geojson"
    write_layer_geojson(
        extra,
        {"naam": ["Zuid", "Westeinde"], "wijk": ["Wijk 01 Leeuwarden", ""]},
        [box(183_000, 568_500, 184_000, 569_500), box(176_000, 570_000, 177_000, 571_000)],
    )

    call_command(
        "setup_municipality",
        "--areas",
        str(extra),
        "--level",
        "buurt",
        "--name-column",
        "naam",
        "--commit",
        verbosity=0,
    )

    zuid = Area.objects.get(name="Zuid")
    assert zuid.level == AreaLevel.BUURT
    assert zuid.parent.cbs_code == "WK008001", "placed by location without a parent column"
    assert Area.objects.get(name="Westeinde").parent.cbs_code == "WK008000"


def test_any_polygon_file_refuses_an_unknown_parent(cbs_map, tmp_path):
    setup(cbs_map, "--commit")
    extra = tmp_path / "buurten.geojson"
    write_layer_geojson(
        extra, {"naam": ["Zuid"], "wijk": ["Nergens"]}, [box(183_000, 568_500, 184_000, 569_500)]
    )

    report = municipality_setup(
        path=extra, level="buurt", mapping={"name": "naam", "parent": "wijk"}, commit=True
    )

    assert [str(e) for e in report.areas.errors] == [
        "rij 1, wijk: wijk Nergens bestaat niet; lees eerst de gebieden van dat niveau in"
    ]
    assert not Area.objects.filter(name="Zuid").exists()


def test_a_file_that_is_no_cbs_map_needs_a_level_and_name_column(tmp_path):
    extra = tmp_path / "buurten.geojson"
    write_layer_geojson(extra, {"naam": ["Zuid"]}, [box(183_000, 568_500, 184_000, 569_500)])

    with pytest.raises(CommandError) as error:
        call_command("setup_municipality", "--areas", str(extra))

    assert "--level en --name-column" in str(error.value)


def write_layer_geojson(path: Path, columns: dict[str, list], shapes: list) -> None:
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(shapes), dtype=object),
        [np.array(values, dtype=object) for values in columns.values()],
        list(columns),
        geometry_type="Polygon",
        crs="EPSG:28992",
        driver="GeoJSON",
    )


def test_same_named_areas_are_shown_with_their_level(cbs_map):
    setup(cbs_map, "--commit")

    assert str(Area.objects.get(level=AreaLevel.GEMEENTE)) == "Leeuwarden (gemeente)"
    assert str(Area.objects.get(level=AreaLevel.KERN)) == "Leeuwarden (kern)"
    assert str(Area.objects.get(cbs_code="BU00800100")) == "Oost", "a name of one level only"
    Area.objects.filter(level=AreaLevel.KERN).update(name="Ljouwert")
    Area.objects.get(cbs_code="BU00800100").save()  # any saved area renews the shared names
    assert str(Area.objects.get(level=AreaLevel.GEMEENTE)) == "Leeuwarden"


# --- The wizard "Gemeente inrichten" ----------------------------------------------------


@pytest.fixture
def admin_browser(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    client = Client()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    return client


def cbs_upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_the_wizard_shows_what_it_would_create_and_creates_it_on_confirm(admin_browser, cbs_map):
    start = admin_browser.get(reverse("assets:setup"))
    assert "Nog niets ingericht" in start.text
    dashboard = admin_browser.get(reverse("programming:dashboard")).text
    assert "Nog niets ingericht: richt uw gemeente in" in dashboard, "prominent when empty"
    assert f'href="{reverse("assets:setup")}"' in dashboard

    check = admin_browser.post(
        reverse("assets:setup"), {"areas": cbs_upload(cbs_map), "gemeentecode": "GM0080"}
    )

    assert check.status_code == 200
    assert "<dd>Leeuwarden</dd>" in check.text
    assert '<th scope="row">buurt</th><td class="numeric">3</td>' in check.text
    assert not Area.objects.exists(), "the check is a dry run"
    token = check.context["token"]

    done = admin_browser.post(reverse("assets:setup_commit", args=[token]))

    assert done.status_code == 302
    assert Area.objects.filter(level=AreaLevel.BUURT).count() == 3
    assert Actor.objects.filter(name="Gemeente Leeuwarden").exists()
    assert "al ingericht" in admin_browser.get(reverse("assets:setup")).text
    dashboard = admin_browser.get(reverse("programming:dashboard")).text
    assert "Nog niets ingericht" not in dashboard


def test_the_wizard_asks_for_the_gemeentecode_of_a_cbs_map(admin_browser, cbs_map):
    response = admin_browser.post(reverse("assets:setup"), {"areas": cbs_upload(cbs_map)})

    assert "vul de code van uw gemeente in" in response.text
    assert not ImportRun.objects.exists()


def test_the_wizard_shows_row_errors_and_offers_no_confirm(admin_browser, cbs_map):
    response = admin_browser.post(
        reverse("assets:setup"), {"areas": cbs_upload(cbs_map), "gemeentecode": "GM9999"}
    )

    assert "gemeentecode GM9999 staat niet in laag gemeenten" in response.text
    assert "Inrichten</button>" not in response.text


def test_another_sessions_upload_cannot_be_confirmed(admin_browser, cbs_map):
    check = admin_browser.post(
        reverse("assets:setup"), {"areas": cbs_upload(cbs_map), "gemeentecode": "GM0080"}
    )
    other = Client()
    other.force_login(user_with_role(Role.ADMINISTRATOR))

    response = other.post(reverse("assets:setup_commit", args=[check.context["token"]]))

    assert response.status_code == 404
    assert not Area.objects.exists()


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.EDITOR, Role.VIEWER])
def test_only_the_administrator_may_set_up(role):
    client = Client()
    client.force_login(user_with_role(role))

    assert client.get(reverse("assets:setup")).status_code == 403
    assert reverse("assets:setup") not in client.get(reverse("programming:dashboard")).text
