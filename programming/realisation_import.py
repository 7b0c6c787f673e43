"""Importing actual costs from the financial system's export (issue #20 §1,
docs/realisation.md): a CSV or Excel file with per row a project or work code, a budget
line, a year and an amount, optionally a reason. On the import kit of every import
(`impor.importing`: reader, value parsing, row errors, dry run, the `ImportRun` log).

1. read the file (the first sheet of a workbook);
2. recognise the columns by their header (aliases of common exports too);
3. check every row on its own: a code (a project code is the work key ``P:<code>``, a
   work key ``P:…``/``M:…`` is taken as it is), a known budget line, a whole year, an
   amount that is a number and not negative;
4. check what needs the database: an unknown work code, a budget line closed for the
   year, another organisation's work for a partner;
5. add up the rows of one work, line and year (a ledger export has a row per booking);
6. with ``commit=True`` and no errors, store every (work, line, year) amount in one
   transaction (a realisation is made for a work that has none yet); otherwise nothing is
   written and the report is the dry run;
7. log the import as an `ImportRun`.
"""

import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from impor.choices import ImportKind
from impor.importing.columns import recognise_headers
from impor.importing.readers import ImportFileError, read_table
from impor.importing.report import (
    ImportReport,
    RowError,
    finish_run,
    import_change_reason,
    read_limits,
    record_commit,
)
from impor.importing.values import parse_decimal, parse_text, parse_whole
from programming.models import ActualCost, Realisation
from programming.realisation import WorkRef, cost_errors, ensure_may_write, resolve_key
from stakeholders.models import BudgetLine

#: The kind in the import log.
KIND = ImportKind.ACTUALS
#: The year field of an actual cost, whose validators hold its range.
YEAR = ActualCost._meta.get_field("year")
#: The largest amount the field stores (14 digits, 2 decimals).
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass(frozen=True)
class Column:
    field: str
    header: object
    required: bool = False


COLUMNS = (
    Column("code", _("code"), required=True),
    Column("budget_line", _("budgetregel"), required=True),
    Column("year", _("jaar"), required=True),
    Column("amount", _("bedrag"), required=True),
    Column("reason", _("reden")),
)
#: Headers of other exports that mean a column (case-folded).
ALIASES = {
    "projectcode": "code",
    "project": "code",
    "werkcode": "code",
    "werksleutel": "code",
    "work code": "code",
    "budgetregelcode": "budget_line",
    "budget line": "budget_line",
    "boekjaar": "year",
    "year": "year",
    "werkelijke kosten": "amount",
    "amount": "amount",
    "reason": "reason",
    "toelichting": "reason",
}


@dataclass
class _Total:
    """The amount of one work on one line in one year, summed over its rows."""

    ref: WorkRef
    line: BudgetLine
    year: int
    amount: Decimal = Decimal(0)
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Row:
    row: int
    key: str
    line: str
    year: int
    amount: Decimal
    reason: str


def work_key(code: str) -> str:
    """The work key of a code in the export: a key as it is, a project code ``P:<code>``."""
    code = code.strip()
    return code if code.startswith(("P:", "M:")) else f"P:{code}"


def import_actuals(
    *, path: Path, user=None, file_name: str | None = None, commit: bool = False
) -> ImportReport:
    """Read, check and (with ``commit``) import one export; see the module docstring."""
    started = time.perf_counter()
    report = ImportReport(kind=KIND, file_name=file_name or path.name, source="financieel")
    try:
        table = read_table(path, filename=report.file_name, **read_limits())
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return finish_run(report, path, user=user, started=started, commit=commit)
    report.warnings.extend(table.warnings)
    headers = _canonical_headers()
    frame = table.frame.rename(
        columns=lambda h: headers.get(ALIASES.get(str(h).strip().casefold(), ""), h)
    )
    report.mapping = recognise_headers([str(c) for c in frame.columns], COLUMNS, report)
    if report.errors:
        return finish_run(report, path, user=user, started=started, commit=commit)
    rows = _read_rows(frame, table.first_row, report)
    report.rows = len(frame)
    totals = _check(rows, report, user)
    report.errors.sort(key=lambda e: e.row)
    if not report.ok:
        return finish_run(report, path, user=user, started=started, commit=commit)
    plan = _plan(totals)
    report.creates = sum(1 for now, _new in plan if now is None)
    report.updates = sum(1 for now, new in plan if now is not None and now != new)
    report.unchanged = len(plan) - report.creates - report.updates
    if not commit:
        return finish_run(report, path, user=user, started=started, commit=False, log_the_plan=True)
    with transaction.atomic():
        record_commit(report, path, user=user, started=started)
        _write(totals, user, import_change_reason(report.file_name, report.run_id), report)
    return report


def _canonical_headers() -> dict[str, str]:
    """The Dutch header of each field: the alias of a field renames its column to it."""
    return {column.field: str(column.header) for column in COLUMNS}


def _read_rows(frame: pd.DataFrame, first_row: int, report: ImportReport) -> list[_Row]:
    """The rows whose cells can be read; an error names the row and the column of the
    others."""
    mapping = report.mapping
    headers = _canonical_headers()

    def text(field: str) -> pd.Series:
        if field not in mapping:
            return pd.Series("", index=frame.index)
        return parse_text(frame[mapping[field]])

    codes, lines, reasons = text("code"), text("budget_line"), text("reason")
    years, bad_years = parse_whole(frame[mapping["year"]])
    amounts, bad_amounts = parse_decimal(frame[mapping["amount"]])
    rows = []
    for position, index in enumerate(frame.index):
        number = first_row + position
        problems = []
        if not codes[index]:
            problems.append(("code", gettext("De code van het project of werk ontbreekt.")))
        if not lines[index]:
            problems.append(("budget_line", gettext("De budgetregel ontbreekt.")))
        if bad_years[index] or pd.isna(years[index]):
            problems.append(("year", gettext("Het jaar is geen heel getal.")))
        else:
            try:
                YEAR.run_validators(int(years[index]))
            except ValidationError as exc:
                problems.append(("year", " ".join(exc.messages)))
        amount = amounts[index]
        if bad_amounts[index] or pd.isna(amount):
            problems.append(("amount", gettext("Het bedrag is geen getal.")))
        elif amount < 0:
            problems.append(("amount", gettext("Werkelijke kosten zijn niet negatief.")))
        elif Decimal(str(amount)) > MAX_AMOUNT:
            problems.append(("amount", gettext("Het bedrag is te groot.")))
        for name, message in problems:
            report.errors.append(RowError(number, headers[name], message))
        if problems:
            continue
        rows.append(
            _Row(
                number,
                work_key(codes[index]),
                lines[index],
                int(years[index]),
                Decimal(str(amount)).quantize(Decimal("0.01")),
                reasons[index],
            )
        )
    return rows


def _check(rows: list[_Row], report: ImportReport, user) -> dict[tuple, _Total]:
    """The amounts per (work, line, year), summed over the rows that pass the checks
    against the database; the errors of the others in the report."""
    headers = _canonical_headers()
    lines = {line.code.casefold(): line for line in BudgetLine.objects.all()}
    refs: dict[str, WorkRef | str] = {}
    totals: dict[tuple[str, int, int], _Total] = {}
    refused = 0
    for row in rows:
        if row.key not in refs:
            try:
                ref = resolve_key(row.key)
                ensure_may_write(ref, user)
                refs[row.key] = ref
            except ValidationError as exc:
                refs[row.key] = " ".join(exc.message_dict.get("key", exc.messages))
        ref = refs[row.key]
        if isinstance(ref, str):
            report.errors.append(RowError(row.row, headers["code"], ref))
            refused += 1
            continue
        line = lines.get(row.line.casefold())
        if line is None:
            report.errors.append(
                RowError(
                    row.row,
                    headers["budget_line"],
                    gettext("Onbekende budgetregel %(line)s.") % {"line": row.line},
                )
            )
            refused += 1
            continue
        errors = cost_errors(line, row.year, row.amount)
        for name, message in errors.items():
            report.errors.append(RowError(row.row, headers[name], message))
        if errors:
            refused += 1
            continue
        total = totals.setdefault((row.key, line.pk, row.year), _Total(ref, line, row.year))
        total.amount += row.amount
        if row.reason:
            total.reasons.append(row.reason)
    report.valid = len(rows) - refused
    return totals


def _plan(totals: dict[tuple, _Total]) -> list[tuple[Decimal | None, Decimal]]:
    """Per (work, line, year) the amount stored now (None: none) and the new one."""
    stored = {
        (key, line, year): amount
        for key, line, year, amount in ActualCost.objects.filter(
            realisation__key__in={key for key, _line, _year in totals}
        ).values_list("realisation__key", "budget_line_id", "year", "amount")
    }
    return [(stored.get(where), total.amount) for where, total in totals.items()]


def _write(totals: dict[tuple, _Total], user, reason: str, report: ImportReport) -> None:
    """Store every amount, with history naming the import and its user; a work without a
    realisation gets one (status in voorbereiding)."""
    keys = {key for key, _line, _year in totals}
    realisations = {r.key: r for r in Realisation.objects.filter(key__in=keys)}
    stored = {
        (c.realisation.key, c.budget_line_id, c.year): c
        for c in ActualCost.objects.filter(realisation__key__in=keys).select_related("realisation")
    }
    history_user = user if user is not None and user.is_authenticated else None
    for (key, line_pk, year), total in totals.items():
        realisation = realisations.get(key)
        if realisation is None:
            ref = total.ref
            realisation = realisations[key] = Realisation(
                key=key, label=ref.label, project=ref.project, owner=ref.owner
            )
            realisation._change_reason, realisation._history_user = reason, history_user
            realisation.save()
        cost = stored.get((key, line_pk, year)) or ActualCost(
            realisation=realisation, budget_line=total.line, year=year
        )
        if cost.pk is not None and cost.amount == total.amount:
            continue
        cost.amount = total.amount
        cost.reason = "; ".join(total.reasons) or cost.reason
        cost.source = report.file_name[:200]
        cost._change_reason, cost._history_user = reason, history_user
        cost.save()
