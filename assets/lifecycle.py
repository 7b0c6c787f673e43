"""The lifecycle of assets: when each one should be replaced and what that costs.

Pure numpy/pandas, no Django: `assets.selectors` loads the tables and calls this module,
the programming engine can call it on any frame, and the tests need no database.

The rule (DOMAIN.md §5 step 1), per asset, for a reference year (peiljaar) and a price
year (prijspeil):

1. **Lifespan** (levensduur) = the asset's lifespan override, else the lifespan its class
   adopted from its own inspections (`fitted_lifespan`, `assets.deterioration`, rounded to
   whole years, half up), else its class lifespan.
2. **End of life** (einde levensduur) = construction year + lifespan.
3. **Condition cap** (maximale restlevensduur bij de conditie) = the class's condition rule
   looked up for the asset's NEN 2767 score: the most years the asset may still serve after
   it was measured. No score, or a score the rule leaves open, gives no cap (NaN). A poorer
   score is never treated more leniently than a better one: the cap of a score is the
   strictest cap of that score and every better score. `AssetClass` refuses a rule where
   this would change anything (`validate_condition_rule`); applying it here as well keeps
   the property for frames that did not pass through the model.
4. **Condition year** (jaar conditiemeting) = the year of the condition date, or the
   reference year when the date is missing (an undated score is taken as current).
5. **Preferred year** (voorkeursjaar) = end of life, pulled forward to condition year + cap
   when that is earlier. Score 6 with cap 0 therefore means: replace in the condition year.
6. **Window** (bandbreedte): earliest = preferred − window early of the class; latest =
   preferred + window late of the class, but a poor condition caps it at condition year +
   cap (one cannot wait longer than the condition allows). Latest is never before the
   preferred year, because the preferred year is itself at most condition year + cap.
7. **Remaining life** (restlevensduur) = preferred year − reference year; negative means the
   replacement is overdue.
8. **Urgency** (urgentie), from the remaining life: achterstallig (< 0), urgent (0–2 years),
   binnen 5 jaar (3–5), binnen 10 jaar (6–10), later (> 10).
9. **Unit cost** = the asset's unit-cost override, else the class unit cost. Both are read
   at the class's price year: an override is a better estimate, not a different price level.
10. **Replacement value** (vervangingswaarde) = quantity × unit cost × index(price year) /
    index(class price year), with the construction price index of `price_index`. Years
    outside the index table take the index of the nearest year in it (flat extrapolation);
    a year missing inside the table is interpolated linearly between its neighbours.

The steps are written once, in `derive`, over a small `Backend` of operations (take the
first value that is set, the lesser of two values where a missing limit is no limit, sort a
number into the urgency classes). Two backends run them: `compute_lifecycle` applies the
rule to a whole frame at once with numpy, `assets.filters.lifecycle_expressions` turns it
into Django expressions so list pages can filter and sort on it in the database. `explain`
runs `compute_lifecycle` on one asset and narrates each step in Dutch for the asset page
and the API. The parameters the steps read — the condition caps per class and score, the
price factor per class, the urgency bounds — are computed here, in Python, for both.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
import pandas as pd

# --- input: assets (names equal the `Asset` model's attribute names) -------------------
ID = "id"
ASSET_CLASS_ID = "asset_class_id"
CONSTRUCTION_YEAR = "construction_year"
LIFESPAN_OVERRIDE = "lifespan_override"
CONDITION = "condition"
CONDITION_DATE = "condition_date"
QUANTITY = "quantity"
UNIT_COST_OVERRIDE = "unit_cost_override"
ASSET_COLUMNS = (
    ID,
    ASSET_CLASS_ID,
    CONSTRUCTION_YEAR,
    LIFESPAN_OVERRIDE,
    CONDITION,
    CONDITION_DATE,
    QUANTITY,
    UNIT_COST_OVERRIDE,
)

# --- input: asset classes (names equal the `AssetClass` model's field names) -----------
CLASS_ID = "id"
LIFESPAN = "lifespan"
WINDOW_EARLY = "window_early"
WINDOW_LATE = "window_late"
UNIT_COST = "unit_cost"
PRICE_YEAR = "price_year"
CONDITION_RULE = "condition_rule"
#: Optional in a frame: a frame without it computes as if no class adopted a lifespan.
FITTED_LIFESPAN = "fitted_lifespan"
CLASS_COLUMNS = (
    CLASS_ID,
    LIFESPAN,
    WINDOW_EARLY,
    WINDOW_LATE,
    UNIT_COST,
    PRICE_YEAR,
    CONDITION_RULE,
    FITTED_LIFESPAN,
)

# --- output, one row per asset (LIFESPAN and UNIT_COST are the values that apply) ------
END_OF_LIFE = "end_of_life"
CONDITION_CAP = "condition_cap"
CONDITION_YEAR = "condition_year"
PREFERRED_YEAR = "preferred_year"
EARLIEST = "earliest"
LATEST = "latest"
REMAINING_LIFE = "remaining_life"
REPLACEMENT_VALUE = "replacement_value"
URGENCY = "urgency"
OUTPUT_COLUMNS = (
    LIFESPAN,
    END_OF_LIFE,
    CONDITION_CAP,
    CONDITION_YEAR,
    PREFERRED_YEAR,
    EARLIEST,
    LATEST,
    REMAINING_LIFE,
    UNIT_COST,
    REPLACEMENT_VALUE,
    URGENCY,
)

#: The outputs that are whole years (or whole numbers of years).
YEAR_COLUMNS = (
    LIFESPAN,
    END_OF_LIFE,
    CONDITION_YEAR,
    PREFERRED_YEAR,
    EARLIEST,
    LATEST,
    REMAINING_LIFE,
)

# --- urgency classes, most urgent first --------------------------------------------------
URGENCY_OVERDUE = "achterstallig"
URGENCY_URGENT = "urgent"
URGENCY_WITHIN_5 = "binnen 5 jaar"
URGENCY_WITHIN_10 = "binnen 10 jaar"
URGENCY_LATER = "later"
URGENCY_LABELS = (
    URGENCY_OVERDUE,
    URGENCY_URGENT,
    URGENCY_WITHIN_5,
    URGENCY_WITHIN_10,
    URGENCY_LATER,
)
#: The smallest remaining life of each class after the first: < 0, 0–2, 3–5, 6–10, ≥ 11.
URGENCY_BOUNDS = (0, 3, 6, 11)
URGENCY_DTYPE = pd.CategoricalDtype(URGENCY_LABELS, ordered=True)

SCORES = range(1, 7)
#: NEN 2767-1 score names, as in `assets.choices.Condition` (which this module cannot import).
CONDITION_NAMES = {
    1: "uitstekend",
    2: "goed",
    3: "redelijk",
    4: "matig",
    5: "slecht",
    6: "zeer slecht",
}
#: The condition rule a new asset class starts with (step 3): the maximum remaining life
#: in years per NEN 2767 score; 1–3 leave the age-based year as is. A 4 (matig: function
#: incidentally at risk) allows at most 10 years, a 5 (slecht: ageing irreversible) at most
#: 5, a 6 (zeer slecht: ripe for demolition) means replace now. Derived from the NEN 2767-1
#: score definitions; each class may set its own rule (`AssetClass.condition_rule`).
DEFAULT_CONDITION_RULE: Mapping[str, int] = MappingProxyType({"4": 10, "5": 5, "6": 0})


@dataclass(frozen=True)
class Step:
    """One step of the lifecycle rule for one asset, told in Dutch.

    `key` names the output column the step explains, so software can find the number;
    `label` and `reason` are for people.
    """

    key: str
    label: str
    value: int | float | str | None
    reason: str


def condition_caps(rule: Mapping[str, Any] | None) -> np.ndarray:
    """The maximum remaining life per score as an array indexed 0–6 (0 = no score).

    NaN means no maximum. A score's cap is the strictest cap of that score and every
    better score, so a poorer score never allows more years than a better one.
    """
    caps = np.full(7, np.nan)
    for key, years in (rule or {}).items():
        score = int(key)
        if score not in SCORES:
            raise ValueError(f"Unknown NEN 2767 score {key!r} in a condition rule.")
        if years is not None:
            if years < 0:
                raise ValueError(f"Negative remaining life {years!r} for score {key!r}.")
            caps[score] = years
    caps[1:] = np.fmin.accumulate(caps[1:])
    return caps


def price_index_at(price_index: pd.Series, years: np.ndarray | int) -> np.ndarray:
    """The index for each year: flat beyond the table's ends, linear inside a gap."""
    if price_index.empty:
        raise ValueError("The price index is empty.")
    table = price_index.sort_index()
    values = table.to_numpy(dtype="float64")
    if not (values > 0).all():
        raise ValueError("Every price index must be a positive number.")
    return np.interp(np.asarray(years, dtype="float64"), table.index.to_numpy("float64"), values)


@dataclass(frozen=True)
class RuleInputs:
    """What the rule reads of each asset, as columns of one backend.

    A column is a float64 array (NaN where a value is missing) for `compute_lifecycle`, or
    a Django expression (NULL where missing) for `assets.filters.lifecycle_expressions`.
    The class values are already joined to each asset; `condition_cap` is the class's cap
    for the asset's score (`condition_caps`), `price_factor` the class's index ratio
    (`price_factors`).
    """

    construction_year: Any
    lifespan_override: Any
    class_lifespan: Any
    condition_year: Any
    condition_cap: Any
    window_early: Any
    window_late: Any
    quantity: Any
    unit_cost_override: Any
    class_unit_cost: Any
    price_factor: Any


class Backend(Protocol):
    """The operations the rule needs beyond `+`, `-` and `*`, for one kind of column."""

    def first_set(self, value: Any, fallback: Any) -> Any:
        """`value` where it is set, else `fallback` (a column or a number)."""

    def at_most(self, value: Any, limit: Any) -> Any:
        """The lesser of `value` and `limit`; where `limit` is missing, `value`."""

    def classify(self, value: Any, bounds: Sequence[int], labels: Sequence[str]) -> Any:
        """`labels[i]` where `bounds[i - 1] <= value < bounds[i]` (no bound on either end)."""


def derive(inputs: RuleInputs, backend: Backend, *, reference_year: int) -> dict[str, Any]:
    """Steps 1–10 of the module docstring, the one definition every backend runs.

    Returns a column per `OUTPUT_COLUMNS`, in the backend's kind of column; years may
    still be floats (numpy) or of a database's integer type (SQL) for the backend to cast.
    """
    lifespan = backend.first_set(inputs.lifespan_override, inputs.class_lifespan)  # 1
    end_of_life = inputs.construction_year + lifespan  # 2
    cap = inputs.condition_cap  # 3
    condition_year = backend.first_set(inputs.condition_year, reference_year)  # 4
    condition_limit = condition_year + cap  # missing where there is no cap
    preferred = backend.at_most(end_of_life, condition_limit)  # 5
    earliest = preferred - inputs.window_early  # 6
    # Never before the preferred year: that holds without a max(), as preferred ≤ the limit.
    latest = backend.at_most(preferred + inputs.window_late, condition_limit)
    remaining = preferred - reference_year  # 7
    urgency = backend.classify(remaining, URGENCY_BOUNDS, URGENCY_LABELS)  # 8
    unit_cost = backend.first_set(inputs.unit_cost_override, inputs.class_unit_cost)  # 9
    replacement_value = inputs.quantity * unit_cost * inputs.price_factor  # 10
    return {
        LIFESPAN: lifespan,
        END_OF_LIFE: end_of_life,
        CONDITION_CAP: cap,
        CONDITION_YEAR: condition_year,
        PREFERRED_YEAR: preferred,
        EARLIEST: earliest,
        LATEST: latest,
        REMAINING_LIFE: remaining,
        UNIT_COST: unit_cost,
        REPLACEMENT_VALUE: replacement_value,
        URGENCY: urgency,
    }


class NumpyBackend:
    """The rule's operations on float64 arrays, NaN for a missing value."""

    def first_set(self, value: np.ndarray, fallback: np.ndarray | int) -> np.ndarray:
        return np.where(np.isnan(value), fallback, value)

    def at_most(self, value: np.ndarray, limit: np.ndarray) -> np.ndarray:
        return np.fmin(value, limit)

    def classify(
        self, value: np.ndarray, bounds: Sequence[int], labels: Sequence[str]
    ) -> pd.Categorical:
        dtype = pd.CategoricalDtype(labels, ordered=True)
        return pd.Categorical.from_codes(np.searchsorted(bounds, value, side="right"), dtype=dtype)


def price_factors(
    price_index: pd.Series, class_price_years: np.ndarray, price_year: int
) -> np.ndarray:
    """Per class, the factor that brings its unit costs from its price year to `price_year`."""
    return price_index_at(price_index, price_year) / price_index_at(price_index, class_price_years)


def _floats(column: pd.Series) -> np.ndarray:
    """Any numeric column — int, nullable Int64, Decimal objects, None — as float64 with NaN."""
    return pd.to_numeric(column).to_numpy(dtype="float64", na_value=np.nan)


def _years(column: pd.Series) -> np.ndarray:
    """The calendar year of each date (datetime64, `date` objects or ISO strings); NaN if none."""
    dates = column if pd.api.types.is_datetime64_any_dtype(column) else pd.to_datetime(column)
    return dates.dt.year.to_numpy(dtype="float64", na_value=np.nan)


def _class_positions(assets: pd.DataFrame, classes: pd.DataFrame) -> np.ndarray:
    class_ids = pd.Index(classes[CLASS_ID])
    if not class_ids.is_unique:
        raise ValueError("Asset class ids must be unique.")
    positions = class_ids.get_indexer(assets[ASSET_CLASS_ID])
    if (positions < 0).any():
        unknown = sorted(set(assets[ASSET_CLASS_ID][positions < 0].tolist()))[:5]
        raise ValueError(f"Assets refer to unknown asset classes: {unknown}.")
    return positions


def whole_years(lifespan: float) -> float:
    """A fitted lifespan in whole years, half up (as the SQL `Round` of the lists)."""
    return np.floor(lifespan + 0.5)


def _class_lifespan(classes: pd.DataFrame) -> np.ndarray:
    """Per class the lifespan that applies (step 1): the adopted fitted one, else the
    default. One extra column, so a million assets cost nothing more."""
    default = _required(_floats(classes[LIFESPAN]), LIFESPAN)
    if FITTED_LIFESPAN not in classes:
        return default
    fitted = _floats(classes[FITTED_LIFESPAN])
    return np.where(np.isnan(fitted), default, whole_years(fitted))


def _required(values: np.ndarray, name: str) -> np.ndarray:
    if np.isnan(values).any():
        raise ValueError(f"Column {name!r} may not be empty.")
    return values


def compute_lifecycle(
    assets: pd.DataFrame,
    classes: pd.DataFrame,
    *,
    reference_year: int,
    price_year: int,
    price_index: pd.Series,
) -> pd.DataFrame:
    """Apply the lifecycle rule (see the module docstring) to every asset at once.

    `assets` has the `ASSET_COLUMNS`, `classes` the `CLASS_COLUMNS`, `price_index` maps a
    year to an index number. Returns the `OUTPUT_COLUMNS` with the index of `assets`, row
    for row. Years are int64, the condition cap float64 (NaN: no cap), money float64 euros,
    urgency an ordered categorical (`URGENCY_DTYPE`).

    Steps: join each asset to its class by position; look up the condition cap in a
    class × score table and the price factor per class; run `derive` on the columns with
    `NumpyBackend`; cast the years to integers.
    """
    positions = _class_positions(assets, classes)

    class_lifespan = _class_lifespan(classes)
    window_early = _required(_floats(classes[WINDOW_EARLY]), WINDOW_EARLY)
    window_late = _required(_floats(classes[WINDOW_LATE]), WINDOW_LATE)
    class_unit_cost = _required(_floats(classes[UNIT_COST]), UNIT_COST)
    class_price_year = _required(_floats(classes[PRICE_YEAR]), PRICE_YEAR)
    if (class_lifespan < 1).any() or (window_early < 0).any() or (window_late < 0).any():
        raise ValueError("Lifespans must be at least 1 year and windows at least 0 years.")
    cap_table = np.array([condition_caps(rule) for rule in classes[CONDITION_RULE]]).reshape(-1, 7)
    price_factor = price_factors(price_index, class_price_year, price_year)

    construction_year = _required(_floats(assets[CONSTRUCTION_YEAR]), CONSTRUCTION_YEAR)
    quantity = _required(_floats(assets[QUANTITY]), QUANTITY)
    condition = _floats(assets[CONDITION])
    scored = ~np.isnan(condition)
    if ((condition[scored] < 1) | (condition[scored] > 6)).any():
        raise ValueError("A condition is a NEN 2767 score from 1 to 6.")
    score = np.where(scored, condition, 0).astype(np.intp)

    columns = derive(
        RuleInputs(
            construction_year=construction_year,
            lifespan_override=_floats(assets[LIFESPAN_OVERRIDE]),
            class_lifespan=class_lifespan[positions],
            condition_year=_years(assets[CONDITION_DATE]),
            condition_cap=cap_table[positions, score],
            window_early=window_early[positions],
            window_late=window_late[positions],
            quantity=quantity,
            unit_cost_override=_floats(assets[UNIT_COST_OVERRIDE]),
            class_unit_cost=class_unit_cost[positions],
            price_factor=price_factor[positions],
        ),
        NumpyBackend(),
        reference_year=reference_year,
    )
    as_year = np.int64
    return pd.DataFrame(
        {
            name: columns[name].astype(as_year) if name in YEAR_COLUMNS else columns[name]
            for name in OUTPUT_COLUMNS
        },
        index=assets.index,
    )


def explain(
    asset: Mapping[str, Any],
    asset_class: Mapping[str, Any],
    *,
    reference_year: int,
    price_year: int,
    price_index: pd.Series,
    fitted_from: str | None = None,
) -> list[Step]:
    """The steps that give one asset its years and value, in Dutch.

    Runs `compute_lifecycle` on a one-row frame, so the numbers are the ones every list,
    export and programme shows; this function only tells how they came about.
    `fitted_from` says where an adopted fitted lifespan comes from ('verouderingsmodel
    van 3 december 2026, 312 inspecties', `assets.deterioration.lifespan_source`).
    """
    asset_row = {column: asset.get(column) for column in ASSET_COLUMNS} | {ASSET_CLASS_ID: 0}
    class_row = {column: asset_class.get(column) for column in CLASS_COLUMNS} | {CLASS_ID: 0}
    result = compute_lifecycle(
        pd.DataFrame([asset_row]),
        pd.DataFrame([class_row]),
        reference_year=reference_year,
        price_year=price_year,
        price_index=price_index,
    ).iloc[0]

    steps = [
        _lifespan_step(asset, asset_class, result, fitted_from),
        Step(
            END_OF_LIFE,
            "Einde levensduur",
            int(result[END_OF_LIFE]),
            f"aanlegjaar {asset[CONSTRUCTION_YEAR]} + levensduur {result[LIFESPAN]} jaar "
            f"= {result[END_OF_LIFE]}",
        ),
        _condition_step(asset, asset_class, result, reference_year),
        _preferred_step(result),
        Step(
            EARLIEST,
            "Vroegst",
            int(result[EARLIEST]),
            f"voorkeursjaar {result[PREFERRED_YEAR]} − bandbreedte eerder "
            f"{asset_class[WINDOW_EARLY]} jaar = {result[EARLIEST]}",
        ),
        _latest_step(asset_class, result),
        Step(
            REMAINING_LIFE,
            "Restlevensduur",
            int(result[REMAINING_LIFE]),
            f"voorkeursjaar {result[PREFERRED_YEAR]} − peiljaar {reference_year} "
            f"= {result[REMAINING_LIFE]} jaar",
        ),
        Step(
            URGENCY,
            "Urgentie",
            str(result[URGENCY]),
            f"restlevensduur {result[REMAINING_LIFE]} jaar; {_urgency_classes()}",
        ),
        _unit_cost_step(asset, asset_class, result),
        _value_step(asset, asset_class, result, price_year, price_index),
    ]
    return steps


def _is_set(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def _euro(amount: float) -> str:
    """€ with Dutch separators: 1234567.891 → '€ 1.234.567,89'."""
    text = f"{float(amount):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€ {text}"


def _number(value: Any) -> str:
    """A quantity or index in Dutch notation, without trailing zeros: 40.50 → '40,5'."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _urgency_classes() -> str:
    """The urgency classes in words, from `URGENCY_BOUNDS`: 'achterstallig: < 0 jaar, …'."""
    spans = [f"< {URGENCY_BOUNDS[0]} jaar"]
    spans += [f"{low}–{high - 1} jaar" for low, high in pairwise(URGENCY_BOUNDS)]
    spans += [f"≥ {URGENCY_BOUNDS[-1]} jaar"]
    return ", ".join(f"{label}: {span}" for label, span in zip(URGENCY_LABELS, spans, strict=True))


def _lifespan_step(
    asset: Mapping, asset_class: Mapping, result: pd.Series, fitted_from: str | None
) -> Step:
    fitted = asset_class.get(FITTED_LIFESPAN)
    class_years = int(whole_years(float(fitted))) if _is_set(fitted) else asset_class[LIFESPAN]
    if _is_set(asset.get(LIFESPAN_OVERRIDE)):
        reason = (
            f"afwijkende levensduur van dit object; het objecttype rekent met {class_years} jaar"
        )
    elif _is_set(fitted):
        source = f" ({fitted_from})" if fitted_from else ""
        reason = (
            f"levensduur {result[LIFESPAN]} jaar, uit eigen inspecties{source}; de "
            f"standaardlevensduur van het objecttype is {asset_class[LIFESPAN]} jaar"
        )
    else:
        reason = "standaardlevensduur van het objecttype"
    return Step(LIFESPAN, "Levensduur", int(result[LIFESPAN]), reason)


def _condition_step(
    asset: Mapping, asset_class: Mapping, result: pd.Series, reference_year: int
) -> Step:
    label = "Maximale restlevensduur door de conditie"
    score = asset.get(CONDITION)
    if not _is_set(score):
        return Step(CONDITION_CAP, label, None, "geen conditiemeting: de leeftijd bepaalt")
    score = int(score)
    measured = (
        f"gemeten in {result[CONDITION_YEAR]}"
        if _is_set(asset.get(CONDITION_DATE))
        else f"meetdatum onbekend, gerekend vanaf het peiljaar {reference_year}"
    )
    heading = f"NEN 2767-score {score} ({CONDITION_NAMES[score]}), {measured}"
    if pd.isna(result[CONDITION_CAP]):
        return Step(CONDITION_CAP, label, None, f"{heading}: de conditieregel stelt geen maximum")
    cap = int(result[CONDITION_CAP])
    rule = asset_class.get(CONDITION_RULE) or {}
    stated = rule.get(str(score), rule.get(score))
    inherited = (
        ""
        if stated is not None and int(stated) == cap
        else f"; de regel is voor deze score niet strenger, dus geldt het maximum van een betere "
        f"score ({cap} jaar)"
    )
    return Step(
        CONDITION_CAP,
        label,
        cap,
        f"{heading}: hoogstens {cap} jaar na de meting, dus uiterlijk "
        f"{result[CONDITION_YEAR] + cap}{inherited}",
    )


def _preferred_step(result: pd.Series) -> Step:
    preferred, end_of_life = int(result[PREFERRED_YEAR]), int(result[END_OF_LIFE])
    if pd.isna(result[CONDITION_CAP]):
        reason = f"gelijk aan het einde van de levensduur ({end_of_life})"
    else:
        limit = int(result[CONDITION_YEAR] + result[CONDITION_CAP])
        reason = f"het vroegste van einde levensduur {end_of_life} en de conditiegrens {limit}" + (
            ": de conditie haalt de vervanging naar voren"
            if limit < end_of_life
            else ": de conditie vraagt niet om eerder vervangen"
        )
    return Step(PREFERRED_YEAR, "Voorkeursjaar", preferred, reason)


def _latest_step(asset_class: Mapping, result: pd.Series) -> Step:
    preferred, latest = int(result[PREFERRED_YEAR]), int(result[LATEST])
    window = int(asset_class[WINDOW_LATE])
    reason = f"voorkeursjaar {preferred} + bandbreedte later {window} jaar = {preferred + window}"
    if latest < preferred + window:
        limit = int(result[CONDITION_YEAR] + result[CONDITION_CAP])
        reason += f", maar de conditie laat wachten na {limit} niet toe"
    return Step(LATEST, "Uiterlijk", latest, reason)


def _unit_cost_step(asset: Mapping, asset_class: Mapping, result: pd.Series) -> Step:
    if _is_set(asset.get(UNIT_COST_OVERRIDE)):
        reason = (
            f"afwijkende kosten van dit object, prijspeil {asset_class[PRICE_YEAR]}; het "
            f"objecttype rekent met {_euro(asset_class[UNIT_COST])}"
        )
    else:
        reason = f"standaardkosten van het objecttype, prijspeil {asset_class[PRICE_YEAR]}"
    return Step(UNIT_COST, "Kosten per eenheid", float(result[UNIT_COST]), reason)


def _value_step(
    asset: Mapping,
    asset_class: Mapping,
    result: pd.Series,
    price_year: int,
    price_index: pd.Series,
) -> Step:
    base_year = int(asset_class[PRICE_YEAR])
    index_to, index_from = price_index_at(price_index, [price_year, base_year])
    return Step(
        REPLACEMENT_VALUE,
        "Vervangingswaarde",
        float(result[REPLACEMENT_VALUE]),
        f"hoeveelheid {_number(asset[QUANTITY])} × {_euro(result[UNIT_COST])} × prijsindex "
        f"{price_year}/{base_year} ({_number(index_to)}/{_number(index_from)}) "
        f"= {_euro(result[REPLACEMENT_VALUE])}, prijspeil {price_year}",
    )
