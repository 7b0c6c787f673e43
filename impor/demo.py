"""The demo municipality's geography: areas and a street network, generated from a seed.

Two shapes of town come out of the same code:

* :data:`DALFSEN` — a Dalfsen-like municipality: its five kernen at their real places
  (centres taken from the kernen's public coordinates, converted to RD New), each split
  into wijken and buurten, with a buitengebied around them;
* :func:`large_city` — a synthetic city of many districts around Utrecht's coordinates,
  sized to hold a million assets for benchmarks.

Streets are straight segments (a grid per buurt plus main roads through the centre), so
the asset generator can place assets along them with plain numpy arithmetic. Areas are
real database rows; streets are a DataFrame handed to the asset and project generators.
The demo data are fictional: names and plans only resemble the real municipality.
"""

from dataclasses import dataclass, field
from math import ceil, sqrt

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from impor.choices import AreaLevel, AreaType, QualityLevel
from impor.geometry import STORAGE_PRECISION
from impor.models import Area

#: Construction waves (aanlegperiodes) of Dutch villages and towns.
WAVES = {
    "dorpskern": (1900, 1945),
    "wederopbouw": (1950, 1969),
    "uitbreiding": (1970, 1995),
    "nieuwbouw": (2000, 2022),
}

QUALITY_BY_TYPE = {
    AreaType.CENTRUM: QualityLevel.A,
    AreaType.WOONWIJK: QualityLevel.B,
    AreaType.BEDRIJVENTERREIN: QualityLevel.C,
    AreaType.BUITENGEBIED: QualityLevel.C,
}


@dataclass(frozen=True)
class KernSpec:
    """One kern: its centre (RD New), radius and wijken (name → two buurt names)."""

    name: str
    x: float
    y: float
    radius: float
    population: int
    wijken: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_build_wijk: str | None = None
    industrial_wijk: str | None = None


@dataclass(frozen=True)
class TownSpec:
    name: str
    cbs_code: str
    kernen: tuple[KernSpec, ...]
    street_spacing: float
    has_buitengebied: bool = True


DALFSEN = TownSpec(
    name="Dalfsen",
    cbs_code="GM0148",
    street_spacing=150.0,
    kernen=(
        KernSpec(
            "Dalfsen",
            214053,
            502501,
            1300,
            10_400,
            {
                "Gerner": ("Gerner-Oost", "Gerner-West"),
                "Oosterdalfsen": ("Oosterdalfsen", "Ankummer Es"),
                "Westerbouwlanden": ("Westerbouwlanden", "De Vechtlanden"),
                "Welsum": ("Welsum", "Bedrijventerrein Welsum"),
            },
            new_build_wijk="Oosterdalfsen",
            industrial_wijk="Welsum",
        ),
        KernSpec(
            "Nieuwleusen",
            215648,
            510755,
            1300,
            9_600,
            {
                "De Meele": ("De Meele", "Meele-Noord"),
                "Oosterveld": ("Oosterveld", "De Koele"),
                "Ruitenveen": ("Ruitenveen", "Westeinde"),
                "De Evenboer": ("De Evenboer", "Bedrijventerrein Nieuwleusen"),
            },
            new_build_wijk="Oosterveld",
            industrial_wijk="De Evenboer",
        ),
        KernSpec(
            "Lemelerveld",
            219777,
            495785,
            900,
            4_100,
            {
                "Lemelerveld-Noord": ("Kanaalzone", "Vilsterhof"),
                "Lemelerveld-Zuid": ("Ommerweg", "De Koppel"),
            },
            new_build_wijk="Lemelerveld-Zuid",
        ),
        KernSpec(
            "Hoonhorst",
            211925,
            498581,
            450,
            1_100,
            {"Hoonhorst": ("Hoonhorst-Noord", "Hoonhorst-Zuid")},
        ),
        KernSpec(
            "Oudleusen",
            210633,
            504686,
            450,
            1_000,
            {"Oudleusen": ("Oudleusen-Oost", "Oudleusen-West")},
        ),
    ),
)

STREET_NAMES = (
    (
        "Kerkstraat Molenweg Schoolstraat Julianastraat Beatrixstraat Wilhelminastraat Emmastraat "
        "Oranjestraat Prinsenstraat Dorpsstraat Stationsweg Brugstraat Vechtdijk Koesteeg Esweg "
        "Eikenlaan Beukenlaan Berkenlaan Lindenlaan Kastanjelaan Wilgenlaan Esdoornlaan Elzenlaan "
        "Merelstraat Lijsterstraat Spechtstraat Zwaluwstraat Meeuwstraat Kievitstraat Reigerstraat "
        "Rozenstraat Tulpstraat Narcisstraat Irisstraat Lelystraat Seringstraat Jasmijnstraat "
        "Rembrandtlaan Vermeerstraat Mauritsstraat Nassaulaan Bentinckstraat Burgemeester van "
        "Rootselaan Sportlaan Parkweg Havezatelaan Meidoornstraat Hazelaarstraat Vlierstraat "
        "Populierenlaan Iepenlaan Klaproosstraat Korenbloemstraat Heidestraat Veldweg Marsweg "
        "Lichtmisweg Ruitenborghweg Jagersweg Middelweg Kampweg Haarweg Hessenweg Rollecate "
        "Zandspeur Baronieweg Gerberastraat Dahliastraat Anemoonstraat Goudsbloemstraat "
        "Zonnebloemstraat Valkstraat Uilenstraat Buizerdstraat Sperwerstraat Roerdompstraat "
        "Ooievaarstraat Eendrachtstraat Industrieweg Ambachtsweg Handelsweg Nijverheidsstraat "
        "Coevorderweg Ommerweg Koelmansweg Potgieterstraat Vondelstraat Bilderdijkstraat "
        "Tollensstraat Beetsstraat Staringstraat Multatulistraat Thijmstraat Lindelaan Hooiweg"
    )
    .replace("Burgemeester van Rootselaan", "Burgemeester_van_Rootselaan")
    .split()
)


def _rd(geom: BaseGeometry) -> BaseGeometry:
    return shapely.set_precision(geom, 10**-STORAGE_PRECISION)


def _wkt(geom: BaseGeometry) -> str:
    return shapely.to_wkt(geom, rounding_precision=STORAGE_PRECISION, trim=True)


def _blob(x: float, y: float, radius: float, rng: np.random.Generator) -> Polygon:
    """An irregular, star-shaped village outline around (x, y)."""
    theta = np.linspace(0, 2 * np.pi, 73)[:-1]
    phase = rng.uniform(0, 2 * np.pi, 2)
    r = radius * (1 + 0.12 * np.sin(3 * theta + phase[0]) + 0.07 * np.sin(5 * theta + phase[1]))
    return Polygon(np.column_stack([x + r * np.cos(theta), y + r * np.sin(theta)]))


def _wedge(x: float, y: float, start: float, end: float, reach: float) -> Polygon:
    theta = np.linspace(start, end, 16)
    ring = [(x, y), *zip(x + reach * np.cos(theta), y + reach * np.sin(theta), strict=True)]
    return Polygon(ring)


@dataclass
class Buurt:
    """A generated buurt with what the street and asset generators need."""

    area: Area
    polygon: Polygon
    wave: str
    kern: str


def build_areas(town: TownSpec, rng: np.random.Generator) -> list[Buurt]:
    """Create the gemeente, kernen, wijken and buurten; return the buurten.

    Steps: outline each kern; cut it into a centre and wedges (wijken); cut every wedge
    into an inner and an outer ring (buurten); what lies outside the kernen is the
    buitengebied, split north/south.
    """
    outlines = {k.name: _blob(k.x, k.y, k.radius, rng) for k in town.kernen}
    centres = shapely.multipoints([(k.x, k.y) for k in town.kernen])
    gemeente_shape = _rd(shapely.convex_hull(centres).buffer(4000, quad_segs=4))
    gemeente = Area.objects.create(
        name=town.name,
        level=AreaLevel.GEMEENTE,
        cbs_code=town.cbs_code,
        area_type=AreaType.BUITENGEBIED,
        geometry=_wkt(gemeente_shape),
        population=sum(k.population for k in town.kernen),
    )
    code = town.cbs_code[2:]
    buurten: list[Buurt] = []
    wijk_no = 0

    def add_wijk(kern_area: Area, name: str, shape: BaseGeometry, area_type: str) -> Area:
        nonlocal wijk_no
        wijk_no += 1
        return Area.objects.create(
            name=name,
            level=AreaLevel.WIJK,
            parent=kern_area,
            cbs_code=f"WK{code}{wijk_no:02d}" if code else "",
            area_type=area_type,
            quality_level=QUALITY_BY_TYPE[area_type],
            geometry=_wkt(_rd(shape)),
        )

    def add_buurt(wijk: Area, name: str, shape: BaseGeometry, area_type: str, wave: str, kern: str):
        population = int(shape.area / 1_000_000 * rng.uniform(2500, 4500))
        if area_type in (AreaType.BEDRIJVENTERREIN, AreaType.BUITENGEBIED):
            population = int(population * 0.05)
        area = Area.objects.create(
            name=name,
            level=AreaLevel.BUURT,
            parent=wijk,
            cbs_code=f"BU{wijk.cbs_code[2:]}{wijk.children.count():02d}" if code else "",
            area_type=area_type,
            quality_level=QUALITY_BY_TYPE[area_type],
            geometry=_wkt(_rd(shape)),
            population=population,
            liveability_score=round(float(rng.uniform(5.5, 8.5)), 1),
            social_priority=int(rng.integers(1, 6)),
        )
        buurten.append(Buurt(area, area_geometry(area), wave, kern))

    for kern in town.kernen:
        outline = outlines[kern.name]
        kern_area = Area.objects.create(
            name=kern.name,
            level=AreaLevel.KERN,
            parent=gemeente,
            area_type=AreaType.WOONWIJK,
            geometry=_wkt(_rd(outline)),
            population=kern.population,
        )
        centre = Point(kern.x, kern.y).buffer(kern.radius * 0.3, quad_segs=8)
        centrum = add_wijk(kern_area, f"{kern.name}-Centrum", centre, AreaType.CENTRUM)
        add_buurt(centrum, f"{kern.name}-Centrum", centre, AreaType.CENTRUM, "dorpskern", kern.name)
        offset = float(rng.uniform(0, 2 * np.pi))
        step = 2 * np.pi / len(kern.wijken)
        inner = Point(kern.x, kern.y).buffer(kern.radius * 0.65, quad_segs=8)
        for i, (wijk_name, (inner_name, outer_name)) in enumerate(kern.wijken.items()):
            wedge = _wedge(
                kern.x, kern.y, offset + i * step, offset + (i + 1) * step, 3 * kern.radius
            )
            shape = wedge.intersection(outline).difference(centre)
            is_industrial = wijk_name == kern.industrial_wijk
            wijk = add_wijk(kern_area, wijk_name, shape, AreaType.WOONWIJK)
            add_buurt(
                wijk,
                inner_name,
                shape.intersection(inner),
                AreaType.WOONWIJK,
                "wederopbouw",
                kern.name,
            )
            outer_type = AreaType.BEDRIJVENTERREIN if is_industrial else AreaType.WOONWIJK
            outer_wave = "nieuwbouw" if wijk_name == kern.new_build_wijk else "uitbreiding"
            add_buurt(wijk, outer_name, shape.difference(inner), outer_type, outer_wave, kern.name)

    if town.has_buitengebied:
        rest = gemeente_shape.difference(shapely.union_all(list(outlines.values())))
        kern_area = Area.objects.create(
            name="Buitengebied",
            level=AreaLevel.KERN,
            parent=gemeente,
            area_type=AreaType.BUITENGEBIED,
            quality_level=QualityLevel.C,
            geometry=_wkt(_rd(rest)),
            population=int(rest.area / 1_000_000 * 25),
        )
        xmin, ymin, xmax, ymax = rest.bounds
        ymid = (ymin + ymax) / 2
        halves = {
            "Buitengebied Noord": shapely.box(xmin, ymid, xmax, ymax),
            "Buitengebied Zuid": shapely.box(xmin, ymin, xmax, ymid),
        }
        for name, box in halves.items():
            shape = rest.intersection(box)
            wijk = add_wijk(kern_area, name, shape, AreaType.BUITENGEBIED)
            add_buurt(wijk, name, shape, AreaType.BUITENGEBIED, "wederopbouw", "Buitengebied")
    return buurten


def area_geometry(area: Area) -> BaseGeometry:
    return shapely.from_wkt(area.geometry)


def build_streets(town: TownSpec, buurten: list[Buurt], rng: np.random.Generator) -> pd.DataFrame:
    """Lay out straight street segments per buurt; rural roads link the kernen.

    Returns one row per segment: name, area_id, kern, wave, kind (hoofdweg / woonstraat /
    landweg / bedrijfsweg), x0, y0, x1, y1, length.
    """
    rows: list[tuple] = []
    names_by_kern: dict[str, list[str]] = {}

    def next_name(kern: str) -> str:
        pool = names_by_kern.setdefault(kern, [])
        if not pool:
            order = rng.permutation(len(STREET_NAMES))
            pool.extend(STREET_NAMES[i].replace("_", " ") for i in order)
        return pool.pop()

    def add_line(line: BaseGeometry, name: str, buurt: Buurt, kind: str) -> None:
        for part in getattr(line, "geoms", [line]):
            if part.geom_type != "LineString" or part.length < 40:
                continue
            (x0, y0), (x1, y1) = part.coords[0], part.coords[-1]
            rows.append((name, buurt.area.pk, buurt.kern, buurt.wave, kind, x0, y0, x1, y1))

    kernen = {k.name: k for k in town.kernen}
    for buurt in buurten:
        if buurt.kern == "Buitengebied":
            continue
        kern = kernen[buurt.kern]
        for angle, main_name in ((0.3, "Hoofdstraat"), (0.3 + np.pi / 2, "Stationsweg")):
            dx, dy = np.cos(angle) * 3 * kern.radius, np.sin(angle) * 3 * kern.radius
            main = LineString([(kern.x - dx, kern.y - dy), (kern.x + dx, kern.y + dy)])
            add_line(main.intersection(buurt.polygon), main_name, buurt, "hoofdweg")
        angle = float(rng.uniform(0, np.pi))
        spacing = town.street_spacing * (
            1.4 if buurt.area.area_type == AreaType.BEDRIJVENTERREIN else 1
        )
        kind = "bedrijfsweg" if buurt.area.area_type == AreaType.BEDRIJVENTERREIN else "woonstraat"
        cx, cy = buurt.polygon.centroid.coords[0]
        reach = sqrt(buurt.polygon.area) * 2
        for direction, gap in ((angle, spacing), (angle + np.pi / 2, spacing * 2)):
            ux, uy = np.cos(direction), np.sin(direction)
            for k in range(-ceil(reach / gap), ceil(reach / gap) + 1):
                ox, oy = cx - uy * k * gap, cy + ux * k * gap
                line = LineString(
                    [(ox - ux * reach, oy - uy * reach), (ox + ux * reach, oy + uy * reach)]
                )
                clipped = line.intersection(buurt.polygon)
                if not clipped.is_empty:
                    add_line(clipped, next_name(buurt.kern), buurt, kind)

    rural = [b for b in buurten if b.kern == "Buitengebied"]
    if rural:
        centres = [(k.x, k.y) for k in town.kernen]
        for i, a in enumerate(centres):
            for b in centres[i + 1 :]:
                road = LineString([a, b])
                for buurt in rural:
                    add_line(
                        road.intersection(buurt.polygon),
                        next_name("Buitengebied"),
                        buurt,
                        "landweg",
                    )

    streets = pd.DataFrame(
        rows, columns=["name", "area_id", "kern", "wave", "kind", "x0", "y0", "x1", "y1"]
    )
    streets["length"] = np.hypot(streets.x1 - streets.x0, streets.y1 - streets.y0)
    return streets


def large_city(assets: int) -> TownSpec:
    """A synthetic city around Utrecht's RD coordinates, sized for about `assets` assets.

    Each district is a kern of radius 1.2 km; the demo shows about 8,500 assets for such a
    district at this street spacing, so the grid of districts grows with the target.
    """
    per_district = 8_500
    count = max(1, ceil(assets / per_district))
    side = ceil(sqrt(count))
    pitch = 3_000.0
    x0, y0 = 136_784 - side * pitch / 2, 455_860 - side * pitch / 2
    kernen = tuple(
        KernSpec(
            f"District {i + 1}",
            x0 + (i % side) * pitch,
            y0 + (i // side) * pitch,
            1_200,
            12_000,
            {
                f"District {i + 1} {part}": (
                    f"District {i + 1} {part} binnen",
                    f"District {i + 1} {part} buiten",
                )
                for part in ("Noord", "Oost", "Zuid", "West")
            },
            new_build_wijk=f"District {i + 1} Oost",
            industrial_wijk=f"District {i + 1} West" if i % 3 == 0 else None,
        )
        for i in range(count)
    )
    return TownSpec(
        name="Grootstad", cbs_code="", kernen=kernen, street_spacing=100.0, has_buitengebied=False
    )
