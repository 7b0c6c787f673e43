"""How an asset class really ages, learnt from the municipality's own inspections.

The lifecycle (`assets.lifecycle`) starts from a class's default lifespan, a number from a
public source. Inspections (NEN 2767 scores 1–6 on a date, `Inspection`) tell how this
municipality's assets age. From them this module fits, per class, two models of the
expected condition by age (docs/lifecycle-learning.md):

* **Markov** (`fit_markov`): a chain over the scores in which an asset in score s either
  stays or moves one score down (s → s + 1) within a year, with probability `p_s`; score 6
  stays. The five `p_s` are the maximum-likelihood estimate on every pair of consecutive
  inspections of the same asset: the chance of going from the first score to the second
  in the whole number of years between them (at least 1) is the entry of the yearly matrix
  raised to that power. A later better score (a repair, or a measurement that varies) is
  counted as staying. A score fewer than `MIN_PAIRS_PER_SCORE` pairs start from keeps
  the pooled estimate (one `p` for every score, fitted first): a handful of pairs would
  make its own estimate, and the lifespan after it, a matter of chance. The expected
  condition at age a starts in score 1 when new.
* **Regression** (`fit_regression`): condition = 1 + b · age^c (b > 0, 0.3 ≤ c ≤ 4, capped
  at 6) by least squares on every inspection: new is score 1 and condition only worsens
  with age; c = 1 is a straight line, c > 1 ageing that speeds up.

**Enough history.** A model is fitted only on at least `MIN_INSPECTIONS` inspections of at
least `MIN_ASSETS` assets; the Markov model also needs `MIN_PAIRS` pairs. Otherwise
`TooFewInspections` says how many there are and how many it needs; nothing is stored.

**Lifespan.** The age at which the class's own condition rule (`AssetClass.condition_rule`,
step 3 of the lifecycle) replaces an asset that follows the expected curve: for each score
s with a cap c_s (the most years it may serve after it was measured in s), the age t_s at
which the expected condition reaches s, plus c_s; the lifespan is the earliest of these.
That is the lifecycle's own preferred year (step 5) for an asset inspected as it ages, so
an adopted lifespan and the condition rule tell the same story. Score 6 ends the life at
once when the rule leaves it open (NEN 2767: ripe for demolition). A curve that reaches
no capped score within `HORIZON` years gives no lifespan, and no model.

**Uncertainty.** A bootstrap over assets (`BOOTSTRAP` resamples, fixed seed): every asset
is drawn with all its inspections, so inspections of one asset count as one piece of
evidence. The 5th and 95th percentiles give the 90% band of the curve per age and the
90% interval of the lifespan (`lifespan_low`, `lifespan_high`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from scipy.optimize import least_squares, minimize, minimize_scalar

from assets.lifecycle import condition_caps
from assets.models import AssetClass, DeteriorationMethod, DeteriorationModel, Inspection

#: Who fits, adopts and resets: the functional administrator (`stakeholders.roles`: only
#: that role holds the deterioration model's permissions).
MANAGE = "assets.change_deteriorationmodel"
MIN_INSPECTIONS = 30
MIN_ASSETS = 10
MIN_PAIRS = 30
MIN_PAIRS_PER_SCORE = 10
#: The oldest age the curve is followed to (years).
HORIZON = 150
BOOTSTRAP = 200
#: The band of the curve and the interval of the lifespan: 5th to 95th percentile.
LEVEL = 0.90
SEED = 2767

# --- input columns of `history` -------------------------------------------------------
ASSET = "asset_id"
AGE = "age"
CONDITION = "condition"
YEAR = "year"


class TooFewInspections(ValueError):
    """Not enough inspections to fit a model; the message says how many, and the minimum."""


@dataclass(frozen=True)
class Fit:
    """A fitted model before it is stored (`DeteriorationModel` has the same fields)."""

    method: str
    inspections: int
    assets: int
    parameters: dict[str, Any]
    #: Per whole age from 0: [age, expected condition, low, high].
    curve: list[list[float]]
    lifespan: float
    lifespan_low: float | None
    lifespan_high: float | None


# --- the pure part: frames and arrays in, numbers out ----------------------------------


def ages(inspections: pd.DataFrame) -> pd.DataFrame:
    """`inspections` (asset_id, date, condition, construction_year) as asset_id, age (in
    years, fractional), condition and year (fractional), sorted by asset and date.
    Inspections dated before their asset was built are left out."""
    dates = pd.to_datetime(inspections["date"])
    year = (dates.dt.year + (dates.dt.day_of_year - 1) / 365.25).to_numpy("float64")
    frame = pd.DataFrame(
        {
            ASSET: inspections[ASSET].to_numpy(),
            AGE: year - inspections["construction_year"].to_numpy("float64"),
            CONDITION: inspections[CONDITION].to_numpy("int64"),
            YEAR: year,
        }
    )
    return frame[frame[AGE] >= 0].sort_values([ASSET, YEAR], kind="stable").reset_index(drop=True)


def check_enough(history: pd.DataFrame) -> None:
    """Raise `TooFewInspections` unless the minimum of inspections and assets is met."""
    count, assets = len(history), history[ASSET].nunique()
    if count < MIN_INSPECTIONS:
        raise TooFewInspections(
            _("Te weinig inspecties (%(n)s, minimaal %(m)s).") % {"n": count, "m": MIN_INSPECTIONS}
        )
    if assets < MIN_ASSETS:
        raise TooFewInspections(
            _("Te weinig inspecties: %(n)s objecten, minimaal %(m)s.")
            % {"n": assets, "m": MIN_ASSETS}
        )


def replacement_age(expected: np.ndarray, rule: Mapping[str, Any] | None) -> float | None:
    """The lifespan that follows from a curve (expected condition per whole age from 0)
    and a condition rule: the earliest age at which a capped score is reached plus its
    cap (module docstring). None when the curve reaches no capped score."""
    caps = condition_caps(rule)
    caps[6] = np.fmin(caps[6], 0)
    age = np.arange(len(expected), dtype="float64")
    best = None
    for score in range(1, 7):
        if np.isnan(caps[score]) or expected[-1] < score:
            continue
        reached = int(np.argmax(expected >= score))
        if reached == 0:
            at = 0.0
        else:
            before, after = expected[reached - 1], expected[reached]
            at = age[reached - 1] + (score - before) / (after - before)
        candidate = at + caps[score]
        best = candidate if best is None else min(best, candidate)
    return best


def _asset_weights(history: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Per inspection, how often its asset is drawn in one bootstrap resample."""
    codes, uniques = pd.factorize(history[ASSET])
    draws = np.bincount(rng.integers(0, len(uniques), len(uniques)), minlength=len(uniques))
    return draws[codes].astype("float64")


# --- regression -------------------------------------------------------------------------


def _power(age: np.ndarray, b: float, c: float) -> np.ndarray:
    return np.minimum(1 + b * np.power(age, c), 6)


def _fit_power(age: np.ndarray, condition: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Weighted least squares of `_power`, on the inspections summed per tenth of a year of
    age and score: the same sum of squares (ages differ by at most 0.05 year), but as fast
    for a million inspections as for a hundred."""
    key = np.rint(age * 10).astype("int64") * 8 + condition.astype("int64")
    total = np.bincount(key, weights=weight)
    cells = np.flatnonzero(total > 0)
    ages, scores, root = (cells // 8) / 10, (cells % 8).astype("float64"), np.sqrt(total[cells])
    b, c = least_squares(
        lambda x: (_power(ages, *x) - scores) * root,
        (0.05, 1.0),
        bounds=((1e-6, 0.3), (10.0, 4.0)),
    ).x
    return float(b), float(c)


def regression_curve(b: float, c: float) -> np.ndarray:
    """The expected condition per whole age 0 … `HORIZON` of a fitted regression."""
    return _power(np.arange(HORIZON + 1, dtype="float64"), b, c)


def fit_regression(
    history: pd.DataFrame, rule: Mapping[str, Any] | None, *, seed: int = SEED
) -> Fit:
    """condition = 1 + b · age^c on `history` (from `ages`), with the bootstrap band."""
    check_enough(history)
    age = history[AGE].to_numpy("float64")
    condition = history[CONDITION].to_numpy("float64")
    b, c = _fit_power(age, condition, np.ones(len(age)))
    rng = np.random.default_rng(seed)
    draws = [_fit_power(age, condition, _asset_weights(history, rng)) for _ in range(BOOTSTRAP)]
    curves = np.array([regression_curve(*draw) for draw in draws])
    return _result(
        DeteriorationMethod.REGRESSION,
        history,
        {"b": round(b, 6), "c": round(c, 4), "formule": "1 + b · leeftijd^c"},
        regression_curve(b, c),
        curves,
        rule,
    )


# --- Markov -----------------------------------------------------------------------------


def transition_matrix(p: np.ndarray) -> np.ndarray:
    """The yearly 6 × 6 matrix of the chain: from score s (row s − 1) stay with 1 − p_s or
    move one score down with p_s; score 6 stays."""
    matrix = np.eye(6)
    for state, chance in enumerate(p):
        matrix[state, state] = 1 - chance
        matrix[state, state + 1] = chance
    return matrix


def markov_curve(p: np.ndarray) -> np.ndarray:
    """The expected condition per whole age 0 … `HORIZON` of a chain that starts in 1."""
    matrix = transition_matrix(p)
    distribution = np.zeros(6)
    distribution[0] = 1
    scores = np.arange(1, 7, dtype="float64")
    expected = np.empty(HORIZON + 1)
    for age in range(HORIZON + 1):
        expected[age] = distribution @ scores
        distribution = distribution @ matrix
    return expected


@dataclass(frozen=True)
class Pairs:
    """Consecutive inspections of one asset: from score, to score, whole years between."""

    start: np.ndarray
    end: np.ndarray
    years: np.ndarray
    row: np.ndarray  # the position in the history of the first inspection of the pair

    def __len__(self) -> int:
        return len(self.start)


def pairs(history: pd.DataFrame) -> Pairs:
    """Every pair of consecutive inspections of the same asset in `history` (from `ages`),
    with a later better score counted as staying."""
    same = history[ASSET].to_numpy()[1:] == history[ASSET].to_numpy()[:-1]
    condition = history[CONDITION].to_numpy("int64")
    year = history[YEAR].to_numpy("float64")
    start = condition[:-1][same]
    end = np.maximum(condition[1:][same], start)
    years = np.maximum(1, np.rint(year[1:][same] - year[:-1][same])).astype("int64")
    return Pairs(start, end, years, np.flatnonzero(same))


def _log_likelihood(p: np.ndarray, counts: tuple[np.ndarray, np.ndarray]) -> float:
    years, tables = counts
    matrix = transition_matrix(p)
    powers = np.empty((years[-1] + 1, 6, 6))
    powers[0] = np.eye(6)
    for step in range(1, years[-1] + 1):
        powers[step] = powers[step - 1] @ matrix
    return float((tables * np.log(np.maximum(powers[years], 1e-300))).sum())


def _counts(found: Pairs, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The whole numbers of years between pairs (ascending), and per number a 6 × 6 table
    of (weighted) pairs from → to."""
    years, position = np.unique(found.years, return_inverse=True)
    flat = position * 36 + (found.start - 1) * 6 + (found.end - 1)
    tables = np.bincount(flat, weights=weight, minlength=len(years) * 36)
    return years, tables.reshape(len(years), 6, 6)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _fit_chain(found: Pairs, weight: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """The maximum-likelihood p_1 … p_5: one pooled p first, then per score that at least
    `MIN_PAIRS_PER_SCORE` pairs start from (a bootstrap resample starts from the estimate
    on all pairs, `start`, and keeps it for the other scores)."""
    counts = _counts(found, weight)
    if start is None:
        pooled = minimize_scalar(
            lambda x: -_log_likelihood(np.full(5, _logistic(x)), counts),
            bounds=(-9, 9),
            method="bounded",
        ).x
        logits = np.full(5, pooled)
    else:
        logits = np.log(start / (1 - start))
    free = np.bincount(found.start, minlength=7)[1:6] >= MIN_PAIRS_PER_SCORE
    if not free.any():
        return _logistic(logits)

    def chances(x: np.ndarray) -> np.ndarray:
        full = logits.copy()
        full[free] = x
        return _logistic(full)

    result = minimize(
        lambda x: -_log_likelihood(chances(x), counts),
        logits[free],
        method="SLSQP",
        bounds=[(-9, 9)] * int(free.sum()),
    )
    return chances(result.x)


def fit_markov(history: pd.DataFrame, rule: Mapping[str, Any] | None, *, seed: int = SEED) -> Fit:
    """The chain's yearly chances p_1 … p_5 on the pairs in `history`, with the band."""
    check_enough(history)
    found = pairs(history)
    if len(found) < MIN_PAIRS:
        raise TooFewInspections(
            _("Te weinig herhaalde inspecties (%(n)s paren, minimaal %(m)s).")
            % {"n": len(found), "m": MIN_PAIRS}
        )
    p = _fit_chain(found, np.ones(len(found)))
    rng = np.random.default_rng(seed)
    curves = np.array(
        [
            markov_curve(_fit_chain(found, _asset_weights(history, rng)[found.row], p))
            for _ in range(BOOTSTRAP)
        ]
    )
    starts = np.bincount(found.start, minlength=7)[1:6]
    return _result(
        DeteriorationMethod.MARKOV,
        history,
        {
            "p": [round(float(chance), 5) for chance in p],
            "paren": len(found),
            "paren_per_score": [int(n) for n in starts],
        },
        markov_curve(p),
        curves,
        rule,
    )


# --- both -------------------------------------------------------------------------------


def _result(
    method: str,
    history: pd.DataFrame,
    parameters: dict[str, Any],
    expected: np.ndarray,
    draws: np.ndarray,
    rule: Mapping[str, Any] | None,
) -> Fit:
    lifespan = replacement_age(expected, rule)
    if lifespan is None:
        raise TooFewInspections(
            _("De verwachte conditie bereikt de vervangingsgrens niet binnen %(h)s jaar.")
            % {"h": HORIZON}
        )
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    spans = np.array([np.nan if (s := replacement_age(d, rule)) is None else s for d in draws])
    spans = spans[~np.isnan(spans)]
    span_low, span_high = (
        (float(v) for v in np.percentile(spans, [tail, 100 - tail])) if len(spans) else (None, None)
    )
    observed = float(history[AGE].max())
    last = int(min(HORIZON, max(np.ceil(observed), np.ceil(span_high or lifespan)) + 5))
    curve = [
        [age, round(float(expected[age]), 3), round(float(low[age]), 3), round(float(high[age]), 3)]
        for age in range(last + 1)
    ]
    return Fit(
        method=method,
        inspections=len(history),
        assets=int(history[ASSET].nunique()),
        parameters=parameters,
        curve=curve,
        lifespan=float(lifespan),
        lifespan_low=span_low,
        lifespan_high=span_high,
    )


def fit(history: pd.DataFrame, rule: Mapping[str, Any] | None) -> list[Fit]:
    """Every model that `history` supports, regression first; `TooFewInspections` when
    none does (the regression's reason, which asks the least)."""
    fits, reasons = [], []
    for method in (fit_regression, fit_markov):
        try:
            fits.append(method(history, rule))
        except TooFewInspections as reason:
            reasons.append(reason)
    if not fits:
        raise reasons[0]
    return fits


# --- the service: read inspections, store, adopt ---------------------------------------


def inspection_history(asset_class: AssetClass) -> pd.DataFrame:
    """The inspections of `asset_class` in one query, through `ages`."""
    rows = Inspection.objects.filter(asset__asset_class=asset_class).values_list(
        "asset_id", "date", "condition", "asset__construction_year"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=[ASSET, "date", CONDITION, "construction_year"]
    )
    if frame.empty:
        return pd.DataFrame({ASSET: [], AGE: [], CONDITION: [], YEAR: []})
    return ages(frame)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@transaction.atomic
def fit_deterioration(asset_class: AssetClass) -> list[DeteriorationModel]:
    """Fit and store every model the class's inspections support (`fit`); raises
    `TooFewInspections` and stores nothing when there are too few."""
    fits = fit(inspection_history(asset_class), asset_class.condition_rule)
    return [
        DeteriorationModel.objects.create(
            asset_class=asset_class,
            method=result.method,
            inspections=result.inspections,
            assets=result.assets,
            parameters=result.parameters,
            curve=result.curve,
            lifespan=_decimal(result.lifespan),
            lifespan_low=_decimal(result.lifespan_low),
            lifespan_high=_decimal(result.lifespan_high),
        )
        for result in fits
    ]


def latest_models(asset_class: AssetClass) -> list[DeteriorationModel]:
    """The newest model of each method of the class, regression first (from the models
    prefetched on a list of classes, when they are)."""
    newest = {}
    models = asset_class.deterioration_models.all()
    for model in sorted(models, key=lambda m: (m.fitted_at, m.pk), reverse=True):
        newest.setdefault(model.method, model)
    order = [DeteriorationMethod.REGRESSION, DeteriorationMethod.MARKOV]
    return [newest[method] for method in order if method in newest]


def adopted_model(asset_class: AssetClass) -> DeteriorationModel | None:
    """The model whose lifespan the class uses, if any."""
    if asset_class.fitted_lifespan is None:
        return None
    return (
        asset_class.deterioration_models.filter(adopted_at__isnull=False)
        .order_by("-adopted_at", "-pk")
        .first()
    )


@transaction.atomic
def adopt(model: DeteriorationModel, user) -> None:
    """Let the class's lifecycle use `model`'s lifespan; any earlier adoption ends."""
    asset_class = model.asset_class
    asset_class.deterioration_models.exclude(pk=model.pk).filter(adopted_at__isnull=False).update(
        adopted_at=None, adopted_by=None
    )
    model.adopted_at, model.adopted_by = timezone.now(), user
    model.save(update_fields=["adopted_at", "adopted_by"])
    asset_class.fitted_lifespan = model.lifespan
    asset_class.save(update_fields=["fitted_lifespan"])


@transaction.atomic
def reset(asset_class: AssetClass) -> None:
    """Back to the class's default lifespan."""
    asset_class.deterioration_models.filter(adopted_at__isnull=False).update(
        adopted_at=None, adopted_by=None
    )
    asset_class.fitted_lifespan = None
    asset_class.save(update_fields=["fitted_lifespan"])


def lifespan_source(asset_class: AssetClass) -> str | None:
    """Where an adopted lifespan comes from, for the lifecycle's explanation:
    'verouderingsmodel van 3 december 2026, 312 inspecties'. None without one."""
    model = adopted_model(asset_class)
    if model is None:
        return None
    fitted: date = timezone.localdate(model.fitted_at)
    with translation.override("nl"):  # the lifecycle's steps are told in Dutch
        day = date_format(fitted, "j F Y")
    return f"verouderingsmodel van {day}, {model.inspections} inspecties"
