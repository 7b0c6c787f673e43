"""Generate the asset base of the demo municipality (and of the benchmark city).

Everything is vectorised over the street table from :mod:`impor.demo`: assets are placed
along streets at a fixed pitch (sewer segments and manholes, road sections, trees, lamp
posts), plus a few per buurt (pumping stations, play equipment, street furniture,
greenery, bridges, banks). Construction years follow the buurt's construction wave with
later replacements; conditions follow age over lifespan with noise. Rows go to the
database through :func:`impor.bulk.insert_rows`, so a million assets take seconds, not
minutes.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from django.db import connection
from django.utils import timezone

from assets import deterioration
from assets.choices import ReportCategory, ReportStatus
from assets.importing.report_rows import REPORT_FIELDS
from assets.models import Asset, AssetClass, Inspection, Report
from impor.bulk import insert_rows
from impor.demo import WAVES
from impor.geometry import STORAGE_PRECISION
from stakeholders.models import Actor

SOURCE = "gbi"
#: The year the demo data describe; nothing is built after it.
DATA_YEAR = 2025

OWNER_BY_DISCIPLINE = {
    "riolering": "Team Riolering en water",
    "verharding": "Team Wegen en verkeer",
    "groen": "Team Groen en bomen",
    "verlichting": "Team Openbare verlichting",
    "kunstwerken": "Team Kunstwerken en spelen",
    "water": "Team Riolering en water",
    "spelen": "Team Kunstwerken en spelen",
    "vri": "Team Wegen en verkeer",
    "meubilair": "Team Wegen en verkeer",
}

FIELDS = (
    "source",
    "external_id",
    "asset_class",
    "area",
    "street",
    "geometry",
    "bbox_xmin",
    "bbox_ymin",
    "bbox_xmax",
    "bbox_ymax",
    "quantity",
    "material",
    "construction_year",
    "condition",
    "condition_date",
    "owner",
    "extra",
    "created_at",
    "updated_at",
)


@dataclass
class Batch:
    """Generated assets of one class, as parallel arrays."""

    code: str
    area_id: np.ndarray
    street: np.ndarray
    geoms: np.ndarray
    quantity: np.ndarray
    year: np.ndarray
    material: str | np.ndarray = ""
    extra: list[dict] | None = None


def _street_years(streets: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    low = streets.wave.map(lambda w: WAVES[w][0]).to_numpy()
    high = streets.wave.map(lambda w: WAVES[w][1]).to_numpy()
    return rng.integers(low, high + 1)


def _renewed(first: np.ndarray, cycle: float, rng: np.random.Generator) -> np.ndarray:
    """Year of the last renewal of something first built in `first` and renewed every
    `cycle` years (± a few years), never after DATA_YEAR."""
    jitter = rng.normal(0, cycle * 0.15, len(first))
    cycles = np.floor((DATA_YEAR - first) / cycle + rng.uniform(-0.6, 0.2, len(first)))
    year = first + np.clip(cycles, 0, None) * cycle + jitter
    return np.clip(np.round(year), first, DATA_YEAR).astype(int)


def _along(streets: pd.DataFrame, pitch: float, offset: float = 0.0) -> tuple[np.ndarray, ...]:
    """Points every `pitch` metres along each street, `offset` metres to its left."""
    count = np.maximum(1, np.floor(streets.length.to_numpy() / pitch)).astype(int)
    index = np.repeat(np.arange(len(streets)), count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    t = (k + 0.5) / np.repeat(count, count)
    x0, y0 = streets.x0.to_numpy()[index], streets.y0.to_numpy()[index]
    dx, dy = streets.x1.to_numpy()[index] - x0, streets.y1.to_numpy()[index] - y0
    length = np.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    return index, x0 + t * dx + offset * nx, y0 + t * dy + offset * ny


def _segments(streets: pd.DataFrame, pitch: float, offset: float = 0.0) -> tuple[np.ndarray, ...]:
    """Consecutive segments of about `pitch` metres along each street."""
    count = np.maximum(1, np.round(streets.length.to_numpy() / pitch)).astype(int)
    index = np.repeat(np.arange(len(streets)), count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    n = np.repeat(count, count)
    x0, y0 = streets.x0.to_numpy()[index], streets.y0.to_numpy()[index]
    dx, dy = streets.x1.to_numpy()[index] - x0, streets.y1.to_numpy()[index] - y0
    length = np.hypot(dx, dy)
    nx, ny = -dy / length * offset, dx / length * offset
    coords = np.stack(
        [
            np.column_stack([x0 + k / n * dx + nx, y0 + k / n * dy + ny]),
            np.column_stack([x0 + (k + 1) / n * dx + nx, y0 + (k + 1) / n * dy + ny]),
        ],
        axis=1,
    )
    return index, np.asarray(shapely.linestrings(coords))


def street_assets(streets: pd.DataFrame, rng: np.random.Generator) -> Iterator[Batch]:
    """Assets along streets: sewer, manholes, paving, pavements, trees, lighting."""
    year = _street_years(streets, rng)
    names = streets.name.to_numpy()
    areas = streets.area_id.to_numpy()
    kind = streets.kind.to_numpy()

    urban = streets[kind != "landweg"]
    u_year, u_names, u_areas = (
        year[kind != "landweg"],
        names[kind != "landweg"],
        areas[kind != "landweg"],
    )
    idx, lines = _segments(urban, 55)
    seg_year = u_year[idx] + rng.integers(0, 3, len(idx))
    concrete = seg_year < 1975
    diameter = np.where(urban.kind.to_numpy()[idx] == "hoofdweg", 500, 300) + 100 * rng.integers(
        0, 2, len(idx)
    )
    for mask, code, material in (
        (concrete, "riool-beton", "beton"),
        (~concrete, "riool-pvc", "PVC"),
    ):
        yield Batch(
            code,
            u_areas[idx][mask],
            u_names[idx][mask],
            lines[mask],
            shapely.length(lines[mask]),
            seg_year[mask],
            material,
            [
                {"diameter_mm": int(d), "stelsel": "gemengd" if y < 1985 else "gescheiden"}
                for d, y in zip(diameter[mask], seg_year[mask], strict=True)
            ],
        )
    starts = shapely.get_point(lines, 0)
    yield Batch(
        "rioolput", u_areas[idx], u_names[idx], starts, np.ones(len(idx)), seg_year, "beton"
    )

    rural = streets[kind == "landweg"]
    r_year = year[kind == "landweg"]
    pressure = rng.random(len(rural)) < 0.35
    idx, lines = _segments(rural[pressure], 250, offset=4)
    yield Batch(
        "persleiding",
        rural.area_id.to_numpy()[pressure][idx],
        rural.name.to_numpy()[pressure][idx],
        lines,
        shapely.length(lines),
        np.clip(r_year[pressure][idx] + 15, None, DATA_YEAR),
        "PE",
    )

    idx, lines = _segments(streets, 100)
    width = np.select(
        [kind[idx] == "hoofdweg", kind[idx] == "bedrijfsweg", kind[idx] == "landweg"],
        [7.0, 7.5, 5.0],
        5.5,
    )
    polys = shapely.buffer(lines, width / 2, cap_style="flat")
    asphalt = kind[idx] != "woonstraat"
    for mask, code, cycle, material in (
        (asphalt, "asfalt", 18, "asfalt"),
        (~asphalt, "elementen", 35, "betonklinker"),
    ):
        yield Batch(
            code,
            areas[idx][mask],
            names[idx][mask],
            polys[mask],
            shapely.area(polys[mask]),
            _renewed(year[idx][mask], cycle, rng),
            material,
        )
    urban_sections = kind[idx] != "landweg"
    side = shapely.buffer(
        shapely.offset_curve(lines[urban_sections], width[urban_sections] / 2 + 1.0),
        1.0,
        cap_style="flat",
    )
    yield Batch(
        "trottoir",
        areas[idx][urban_sections],
        names[idx][urban_sections],
        side,
        shapely.area(side),
        _renewed(year[idx][urban_sections], 30, rng),
        "betontegel",
    )

    treed = rng.random(len(streets)) < np.select(
        [kind == "hoofdweg", kind == "landweg"], [0.8, 0.6], 0.45
    )
    idx, x, y = _along(streets[treed], 30, offset=6)
    planted = year[treed][idx] + rng.integers(0, 6, len(idx))
    replanted = rng.random(len(idx)) < 0.2
    planted = np.where(replanted, rng.integers(1990, DATA_YEAR, len(idx)), planted)
    species = np.array(
        [
            "Tilia europaea",
            "Quercus robur",
            "Acer campestre",
            "Fraxinus excelsior",
            "Carpinus betulus",
        ]
    )
    yield Batch(
        "boom",
        areas[treed][idx],
        names[treed][idx],
        shapely.points(x, y),
        np.ones(len(idx)),
        np.clip(planted, None, DATA_YEAR),
        species[rng.integers(0, len(species), len(idx))],
    )

    lit = (kind != "landweg") | (rng.random(len(streets)) < 0.25)
    idx, x, y = _along(streets[lit], 45, offset=-4)
    mast_year = np.clip(year[lit][idx] + rng.integers(0, 3, len(idx)), None, DATA_YEAR)
    led = rng.random(len(idx)) < 0.55
    fixture_year = np.where(
        led, rng.integers(2012, DATA_YEAR, len(idx)), _renewed(mast_year, 20, rng)
    )
    points = shapely.points(x, y)
    yield Batch(
        "lichtmast", areas[lit][idx], names[lit][idx], points, np.ones(len(idx)), mast_year, "staal"
    )
    yield Batch(
        "armatuur",
        areas[lit][idx],
        names[lit][idx],
        points,
        np.ones(len(idx)),
        fixture_year,
        np.where(led, "LED", "SOX/PL"),
    )


def area_assets(
    buurten: pd.DataFrame, streets: pd.DataFrame, rng: np.random.Generator
) -> Iterator[Batch]:
    """Assets placed per buurt: pumping stations, play, furniture, greenery, bridges, banks."""
    wave_low = buurten.wave.map(lambda w: WAVES[w][0]).to_numpy()
    wave_high = buurten.wave.map(lambda w: WAVES[w][1]).to_numpy()
    built = rng.integers(wave_low, wave_high + 1)
    ids = buurten.area_id.to_numpy()
    cx, cy = buurten.cx.to_numpy(), buurten.cy.to_numpy()

    def scatter(count: np.ndarray, spread: float):
        index = np.repeat(np.arange(len(buurten)), count)
        angle = rng.uniform(0, 2 * np.pi, len(index))
        radius = (
            spread
            * np.sqrt(rng.random(len(index)))
            * np.sqrt(buurten.area_m2.to_numpy()[index])
            / 2
        )
        return index, cx[index] + radius * np.cos(angle), cy[index] + radius * np.sin(angle)

    blank = np.full(len(ids), "", dtype=object)
    yield Batch(
        "gemaal-bouwkundig",
        ids,
        blank,
        shapely.points(cx + 15, cy + 15),
        np.ones(len(ids)),
        built,
        "beton",
    )
    yield Batch(
        "gemaal-me",
        ids,
        blank,
        shapely.points(cx + 15, cy + 15),
        np.ones(len(ids)),
        _renewed(built, 15, rng),
        "pompen en besturing",
    )
    residential = buurten.area_type.isin(["woonwijk", "centrum"]).to_numpy()
    play = np.where(residential, np.maximum(1, buurten.area_m2.to_numpy() // 40_000), 0).astype(int)
    index, x, y = scatter(play, 0.6)
    wood = rng.random(len(index)) < 0.5
    installed = np.clip(rng.integers(2000, DATA_YEAR, len(index)), built[index], None)
    for mask, code, material in ((wood, "speel-hout", "hout"), (~wood, "speel-metaal", "staal")):
        yield Batch(
            code,
            ids[index][mask],
            blank[index][mask],
            shapely.points(x[mask], y[mask]),
            np.ones(mask.sum()),
            installed[mask],
            material,
        )
    furniture = np.where(buurten.area_type.to_numpy() == "centrum", 25, 4)
    for code, material in (("bank", "hout/staal"), ("afvalbak", "staal")):
        index, x, y = scatter(furniture, 0.8)
        yield Batch(
            code,
            ids[index],
            blank[index],
            shapely.points(x, y),
            np.ones(len(index)),
            np.clip(rng.integers(2005, DATA_YEAR, len(index)), built[index], None),
            material,
        )
    index, x, y = scatter(np.where(residential, 8, 0), 0.8)
    sides = rng.uniform(12, 30, len(index))
    beds = shapely.box(x - sides / 2, y - sides / 2, x + sides / 2, y + sides / 2)
    yield Batch(
        "plantsoen",
        ids[index],
        blank[index],
        beds,
        shapely.area(beds),
        _renewed(built[index], 20, rng),
        "heesters",
    )
    centre = buurten.area_type.to_numpy() == "centrum"
    index, x, y = scatter(np.where(centre & (buurten.area_m2.to_numpy() > 400_000), 2, 0), 0.3)
    yield Batch(
        "vri",
        ids[index],
        blank[index],
        shapely.points(x, y),
        np.ones(len(index)),
        rng.integers(2008, DATA_YEAR, len(index)),
        "",
    )

    crossing = streets.sample(n=max(1, len(streets) // 25), random_state=int(rng.integers(1 << 31)))
    mid = shapely.points((crossing.x0 + crossing.x1) / 2, (crossing.y0 + crossing.y1) / 2)
    concrete = (crossing.kind != "woonstraat").to_numpy()
    year = np.where(
        concrete, rng.integers(1955, 1995, len(crossing)), rng.integers(2000, 2020, len(crossing))
    )
    for mask, code, material in (
        (concrete, "brug-beton", "beton"),
        (~concrete, "brug-hout", "hout"),
    ):
        yield Batch(
            code,
            crossing.area_id.to_numpy()[mask],
            crossing.name.to_numpy()[mask],
            mid[mask],
            np.ones(mask.sum()),
            year[mask],
            material,
        )
    banks = streets.sample(n=max(1, len(streets) // 25), random_state=int(rng.integers(1 << 31)))
    idx, lines = _segments(banks, 120, offset=15)
    yield Batch(
        "beschoeiing",
        banks.area_id.to_numpy()[idx],
        banks.name.to_numpy()[idx],
        lines,
        shapely.length(lines),
        _renewed(rng.integers(1960, 2000, len(idx)), 40, rng),
        "hout",
    )


def _condition(age: np.ndarray, lifespan: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """NEN 2767 score from age: new is 1, at end of life about 4, with inspection noise."""
    score = 1 + 3 * np.clip(age / lifespan, 0, 1.4) ** 1.5 + rng.normal(0, 0.5, len(age))
    return np.clip(np.round(score), 1, 6).astype(int)


def generate_assets(
    streets: pd.DataFrame,
    buurten: pd.DataFrame,
    rng: np.random.Generator,
    *,
    id_prefix: str = "DLF",
) -> int:
    """Generate and insert all assets; return how many were written."""
    classes = {c.code: c for c in AssetClass.objects.all()}
    owners = dict(
        Actor.objects.filter(name__in=OWNER_BY_DISCIPLINE.values()).values_list("name", "pk")
    )
    now = timezone.now().isoformat()
    total = 0
    for batch in (*street_assets(streets, rng), *area_assets(buurten, streets, rng)):
        n = len(batch.geoms)
        if n == 0:
            continue
        asset_class = classes[batch.code]
        year = np.clip(batch.year.astype(int), 1850, DATA_YEAR)
        inspected = rng.random(n) < 0.6
        condition = _condition(DATA_YEAR - year, np.full(n, asset_class.lifespan), rng)
        days = rng.integers(0, 6 * 365, n)
        dates = (pd.Timestamp(f"{DATA_YEAR - 1}-12-31") - pd.to_timedelta(days, unit="D")).strftime(
            "%Y-%m-%d"
        )
        bounds = shapely.bounds(batch.geoms)
        extra = [json.dumps(e) for e in batch.extra] if batch.extra else ["{}"] * n
        columns = [
            [SOURCE] * n,
            [f"{id_prefix}-{batch.code}-{total + i + 1:07d}" for i in range(n)],
            [asset_class.pk] * n,
            batch.area_id.astype(int).tolist(),
            list(batch.street),
            shapely.to_wkt(batch.geoms, rounding_precision=STORAGE_PRECISION, trim=True).tolist(),
            *(bounds[:, j].tolist() for j in range(4)),
            np.round(batch.quantity.astype(float), 2).tolist(),
            np.broadcast_to(np.asarray(batch.material, dtype=object), (n,)).tolist(),
            year.tolist(),
            np.where(inspected, condition, None).tolist(),
            np.where(inspected, np.asarray(dates, dtype=object), None).tolist(),
            [owners.get(OWNER_BY_DISCIPLINE[asset_class.discipline])] * n,
            extra,
            [now] * n,
            [now] * n,
        ]
        rows = zip(*columns, strict=True)
        total += insert_rows(Asset, FIELDS, rows)
    return total


def generate_inspections_and_reports(rng: np.random.Generator) -> tuple[int, int]:
    """One inspection per scored asset (its latest), and public reports on a sample of assets."""
    inspection = Inspection._meta.db_table
    asset = Asset._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {inspection} (asset_id, date, condition, inspector, notes) "
            f"SELECT id, condition_date, condition, %s, %s FROM {asset} "
            "WHERE condition IS NOT NULL AND source = %s",
            ["Inspectiedienst (demo)", "", SOURCE],
        )
        inspections = cursor.rowcount
    records = pd.DataFrame.from_records(
        Asset.objects.filter(source=SOURCE).values_list(
            "pk", "area_id", "street", "asset_class__discipline"
        ),
        columns=["pk", "area_id", "street", "discipline"],
    )
    sample = records.sample(frac=0.04, random_state=int(rng.integers(1 << 31)))
    category = sample.discipline.map(
        {
            "riolering": ReportCategory.VERSTOPPING,
            "verharding": ReportCategory.VERZAKKING,
            "groen": ReportCategory.BOOM,
            "verlichting": ReportCategory.VERLICHTING,
            "spelen": ReportCategory.SPELEN,
        }
    ).fillna(ReportCategory.SCHADE)
    days = rng.integers(0, 3 * 365, len(sample))
    reported = pd.Timestamp(f"{DATA_YEAR - 1}-12-31") - pd.to_timedelta(days, unit="D")
    closed = rng.random(len(sample)) < 0.7
    status = np.where(
        closed,
        ReportStatus.AFGEHANDELD,
        np.where(rng.random(len(sample)) < 0.5, ReportStatus.NIEUW, ReportStatus.IN_BEHANDELING),
    )
    closed_on = reported + pd.to_timedelta(rng.integers(1, 60, len(sample)), unit="D")
    rows = (
        (
            "meldingen",
            f"M-{i + 1:07d}",
            int(pk),
            int(area),
            street,
            r.date().isoformat(),
            cat,
            st,
            "Melding uit de demo",
            c.date().isoformat() if is_closed else None,
        )
        for i, (pk, area, street, cat, st, r, c, is_closed) in enumerate(
            zip(
                sample.pk,
                sample.area_id,
                sample.street,
                category,
                status,
                reported,
                closed_on,
                closed,
                strict=True,
            )
        )
    )
    reports = insert_rows(Report, REPORT_FIELDS, rows)
    return inspections, reports


#: The class whose inspection history the demo repeats, so a deterioration model fits.
HISTORY_CLASS = "lichtmast"
#: Years between the repeated inspections, and the share of scored assets that have them.
HISTORY_SPACING = 4
HISTORY_SHARE = 0.4


def generate_inspection_history(seed: int = 2767) -> int:
    """Earlier inspections, 4 and 8 years before the latest, for a share of the scored
    lampposts, then fit (not adopt) their deterioration model (`assets.deterioration`).

    An earlier score follows the same age curve as `_condition` and is never worse than
    the later one. Its own random generator, so the rest of the demo stays as it was.
    Returns the number of inspections added."""
    asset_class = AssetClass.objects.get(code=HISTORY_CLASS)
    rng = np.random.default_rng(seed)
    scored = pd.DataFrame.from_records(
        Asset.objects.filter(asset_class=asset_class, source=SOURCE, condition__isnull=False)
        .order_by("pk")
        .values_list("pk", "construction_year", "condition", "condition_date"),
        columns=["pk", "built", "condition", "date"],
    )
    chosen = scored[rng.random(len(scored)) < HISTORY_SHARE]
    latest = pd.to_datetime(chosen.date)
    rows = []
    later = chosen.condition.to_numpy()
    for step in (1, 2):
        years = step * HISTORY_SPACING
        when = latest - pd.DateOffset(years=years)
        age = when.dt.year.to_numpy() - chosen.built.to_numpy()
        earlier = np.minimum(_condition(age, np.full(len(age), asset_class.lifespan), rng), later)
        later = earlier
        rows += [
            (int(pk), day.date().isoformat(), int(score), "Inspectiedienst (demo)", "")
            for pk, day, score, keep in zip(chosen.pk, when, earlier, age >= 0, strict=True)
            if keep
        ]
    added = insert_rows(Inspection, ("asset", "date", "condition", "inspector", "notes"), rows)
    deterioration.fit_deterioration(asset_class)
    return added
