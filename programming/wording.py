"""The engine's generated text, worded in the reader's language.

The engine writes Dutch for its JSON and command-line output: a measure's label
("riolering: Vechtdijk (28 objecten)"), the reason a work is unfunded, the cause of a
graafrust break. What it wrote those from is stored too (a work's discipline, place and
asset count; an unfunded row's reason code and facts; the graafrust cause's fixed
wording), so pages, the API, exports and alerts word them here, through gettext, in the
active language. In Dutch the sentences are the engine's, word for word
(`tests/programming/test_english.py` compares them on the demo).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from programming.engine.graafrust import EVERY_YEAR, NO_SINGLE_MOVE, WINDOWS
from programming.engine.unfunded import (
    ABOVE_YEAR_BUDGET,
    CAPACITY,
    COUPLING,
    GRAAFRUST,
    NO_BUDGET,
    OUTSIDE_HORIZON,
)
from stakeholders.alert_text import work_name as work_name


def euro(amount: Decimal | float) -> str:
    """An amount as the pages write it: € 12.345 (whole euros, the language's grouping)."""
    return "€ " + number_format(round(Decimal(str(amount))), 0, force_grouping=True)


#: The stored fields `work_name` (`stakeholders.alert_text`, which alerts share) words a
#: work from, after its label.
NAME_PARTS = ("discipline", "place", "asset_count")


def hours(amount: Decimal | float) -> str:
    """Hours as the pages write them: 1.200 (whole hours, the language's grouping)."""
    return number_format(round(Decimal(str(amount))), 0, force_grouping=True)


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def unfunded_reason(
    code: str,
    facts: dict[str, Any],
    gap: Decimal | float,
    line: str | None,
    names: Mapping[str, str],
) -> str:
    """Why a work is unfunded, from its reason code and facts (`unfunded.describe` and
    `outside_horizon_row` in Dutch); `line` is the row's budget line code, `names` maps
    the keys of the works the facts name to their names (a key missing from it is a
    work the reader may not see)."""
    must = _("Moet-werk.") + " " if facts.get("must_do") else ""
    if code == OUTSIDE_HORIZON:
        return must + _(
            "Dit werk mag starten in %(start)s–%(end)s. Dat valt buiten de looptijd van het "
            "programma (%(first)s–%(last)s)."
        ) % {
            "start": facts["window_start"],
            "end": facts["window_end"],
            "first": facts["first_year"],
            "last": facts["last_year"],
        }
    return must + _describe(code, facts, gap, line, names)


def _named(keys: Sequence[str], names: Mapping[str, str]) -> str:
    hidden = _("een werk van een andere organisatie")
    return ", ".join(names.get(key, hidden) for key in keys)


def _describe(
    code: str,
    facts: dict[str, Any],
    gap: Decimal | float,
    line: str | None,
    names: Mapping[str, str],
) -> str:
    years = _years(facts.get("years", []))
    missing = ""
    if line:
        missing = " " + _("Er ontbreekt %(gap)s op %(line)s in %(years)s.") % {
            "gap": euro(gap),
            "line": line,
            "years": years,
        }
    if code == NO_BUDGET:
        empty = _("Budgetregel %(line)s heeft geen budget in de looptijd.") % {"line": line}
        return empty + missing
    if code == ABOVE_YEAR_BUDGET:
        values = {
            "cost": euro(facts["cost"]),
            "line": line,
            "largest": euro(facts["largest_year_budget"]),
        }
        if "members" in facts:
            head = _(
                "De koppeling (%(works)s) kost %(cost)s in één jaar op %(line)s. Dat is meer "
                "dan het grootste jaarbudget van die regel (%(largest)s)."
            ) % {**values, "works": _named(facts["members"], names)}
        else:
            head = (
                _(
                    "Dit werk kost %(cost)s in één jaar op %(line)s. Dat is meer dan het grootste "
                    "jaarbudget van die regel (%(largest)s)."
                )
                % values
            )
        spread = (
            _("Over de hele looptijd is er wel genoeg: verdeeld over meer jaren zou het passen.")
            if facts["spread_fits"]
            else _("Ook over de hele looptijd is er niet genoeg budget.")
        )
        return f"{head} {spread}{missing}"
    if code == COUPLING:
        return (
            _(
                "Dit werk zit in een geaccepteerde koppeling (%(works)s). De koppeling past "
                "niet als geheel binnen het budget."
            )
            % {"works": _named(facts["members"], names)}
            + missing
        )
    if code == GRAAFRUST:
        return graafrust_reason(facts, names) + missing
    if code == CAPACITY:
        return capacity_reason(facts, names)
    if "fits_year" in facts:
        return _(
            "Dit werk past in %(year)s binnen het budget, maar de berekening heeft het niet "
            "ingepland."
        ) % {"year": facts["fits_year"]}
    by = facts.get("by", [])
    if by:
        full = _(
            "Budgetregel %(line)s is vol in %(years)s, door werken met een hogere "
            "prioriteit: %(works)s."
        ) % {"line": line, "years": years, "works": _named(by, names)}
    else:
        full = _("Budgetregel %(line)s heeft te weinig budget in %(years)s.") % {
            "line": line,
            "years": years,
        }
    room = ""
    if "unused" in facts:
        room = " " + _("Er is nog %(unused)s vrij; dit werk heeft %(needed)s nodig.") % {
            "unused": euro(facts["unused"]),
            "needed": euro(facts["needed"]),
        }
    return f"{full}{room}{missing}"


def capacity_reason(facts: dict[str, Any], names: Mapping[str, str]) -> str:
    """Why a team's hours keep the work out (`unfunded.capacity_sentence` in Dutch)."""
    values = {
        "team": facts["team"],
        "years": _years(facts["years"]),
        "planned": hours(facts["hours_planned"]),
        "available": hours(facts["hours_available"]),
        "short": hours(facts["hours_short"]),
    }
    if facts.get("by"):
        head = _(
            "Team %(team)s heeft in %(years)s te weinig uren over: %(planned)s van "
            "%(available)s uur is al gepland, door werken met een hogere prioriteit: %(works)s."
        ) % {**values, "works": _named(facts["by"], names)}
    else:
        head = (
            _(
                "Team %(team)s heeft in %(years)s te weinig uren over: %(planned)s van "
                "%(available)s uur is al gepland."
            )
            % values
        )
    short = _("Dit werk komt %(short)s uur tekort; met meer geld lukt het niet.") % values
    return f"{head} {short}"


def graafrust_reason(facts: dict[str, Any], names: Mapping[str, str]) -> str:
    """Why the closed years are closed (`unfunded.graafrust_sentence` in Dutch)."""
    hidden = _("een werk van een andere organisatie")

    def named(works: Sequence[dict[str, Any]]) -> str:
        return ", ".join(f"{names.get(w['work'], hidden)} ({w['year']})" for w in works)

    clauses = []
    if facts.get("closed_by"):
        clauses.append(
            _("dan ligt de straat nog in graafrust na %(works)s")
            % {"works": named(facts["closed_by"])}
        )
    if facts.get("dug_by"):
        clauses.append(
            _("dan graaft %(works)s de nieuwe straat binnen de graafrust weer open")
            % {"works": named(facts["dug_by"])}
        )
    if len(clauses) == 2:
        why = _("%(first)s en %(second)s") % {"first": clauses[0], "second": clauses[1]}
    else:
        why = clauses[0] if clauses else _("dan ligt de straat in graafrust")
    values = {"years": _years(facts["closed_years"]), "why": why}
    if facts["money_fits"]:
        return _("In %(years)s past het werk binnen het budget, maar %(why)s.") % values
    return _("Dit werk kan alleen starten in %(years)s, maar %(why)s.") % values


_FULL_LINE = re.compile(r"budget (?P<line>.+) in (?P<year>\d{4}) vol")


def graafrust_cause(cause: str) -> str:
    """Why a work breaks graafrust (`graafrust.breach_causes`' fixed wordings and its
    "budget <line> in <year> vol"), in the active language; other text as stored."""
    fixed = {
        WINDOWS: _("vensters overlappen niet"),
        NO_SINGLE_MOVE: _("geen ander jaar binnen de vensters en budgetten vermijdt het"),
        EVERY_YEAR: _(
            "in elk ander jaar van het venster breekt het de graafrust van een ander werk"
        ),
    }
    if cause in fixed:
        return fixed[cause]
    full = _FULL_LINE.fullmatch(cause)
    if full:
        return _("budget %(line)s in %(year)s vol") % full.groupdict()
    return cause
