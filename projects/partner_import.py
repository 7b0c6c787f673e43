"""Importing partners' works from the filled template (issue #6; the template is
`projects.partner_template`, its columns `projects.partner_columns`).

`import_partner_works` reads, checks and (with ``commit=True``) imports a filled file,
with the dry-run and atomic rules of every import and its kit (`impor.importing`:
reader, value parsing, report, import log):

1. read the sheet "Werken" (a file that cannot be read is refused with one message);
2. recognise the columns by their header, in any language of the interface;
3. check every row on its own: required cells, choices, whole numbers, years, areas,
   geometry (each error names the row and the column);
4. look up in bulk which codes exist: a code of the organisation updates its work (or
   leaves it unchanged), a code of another organisation is refused;
5. with ``commit=True`` and no errors, write every row in one transaction; otherwise
   nothing is written and the report is the dry run;
6. record the import (who, file, SHA-256, counts, first messages) as an `ImportRun`.

An empty optional cell leaves the stored value as it is; a new work gets the default.

Reading a cell undoes the template's `impor.spreadsheet.neutralise` with `restore`, so a
work comes back with the name it went out with (#14).
"""

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext

from impor import geometry
from impor.choices import ImportKind, ImportStatus
from impor.importing.columns import in_every_language, recognise_headers
from impor.importing.readers import ImportFileError, read_table
from impor.importing.report import (
    ImportReport,
    RowError,
    finish_run,
    import_change_reason,
    read_limits,
    record_commit,
)
from impor.importing.values import parse_number, parse_whole
from impor.models import Area
from impor.spreadsheet import restore
from projects.choices import ContractForm
from projects.models import MAX_SHIFT_YEARS, Project
from projects.partner_columns import (
    AREA_SEPARATOR,
    CHOICES,
    COLUMNS,
    NO,
    PROJECT_FIELDS,
    SHEET,
    YES,
    plan_years,
)
from stakeholders.models import Actor

#: The largest cost estimate the field stores (14 digits, 2 decimals).
MAX_COST = Decimal("999999999999.99")
#: Codes and ids per query, below every database's limit on query parameters.
LOOKUP_CHUNK = 900
WRITE_BATCH = 500


@dataclass
class _Work:
    """One checked row: the values its cells give, by field (only columns in the file)."""

    row: int
    values: dict
    area_ids: list[int] | None
    existing: dict | None = None
    changed: list[str] = field(default_factory=list)


def import_partner_works(
    *,
    path: Path,
    organisation: Actor,
    user=None,
    file_name: str | None = None,
    commit: bool = False,
) -> ImportReport:
    """Read, check and (with ``commit``) import one file; see the module docstring."""
    started = time.perf_counter()
    report = ImportReport(
        kind=ImportKind.PARTNER_WORKS,
        file_name=file_name or path.name,
        source=organisation.name[:60],
        messages_name_the_file=False,
    )
    try:
        table = read_table(
            path,
            filename=report.file_name,
            sheet=SHEET,
            **read_limits(),
        )
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return finish_run(report, path, user=user, started=started, commit=commit)
    report.warnings.extend(table.warnings)
    report.mapping = recognise_headers(list(table.frame.columns), COLUMNS, report)
    if report.errors:
        return finish_run(report, path, user=user, started=started, commit=commit)

    works = _read_rows(table.frame, table.first_row, report)
    report.rows = len(works)
    _compare_with_stored(works, organisation, report)
    report.errors.sort(key=lambda e: e.row)
    errored = {error.row for error in report.errors}
    valid = [w for w in works if w.row not in errored]
    report.creates = sum(1 for w in valid if w.existing is None)
    report.updates = sum(1 for w in valid if w.existing is not None and w.changed)
    report.unchanged = len(valid) - report.creates - report.updates

    if commit and report.ok:
        try:
            with transaction.atomic():
                created, changed = _write(works, organisation)
                record_commit(report, path, user=user, started=started)
                # After the run is recorded, so that the reason can name it.
                _write_history(
                    created,
                    changed,
                    user=user,
                    reason=import_change_reason(report.file_name, report.run_id),
                )
        except IntegrityError:
            # Someone stored a work with one of these codes after the check above.
            report.status = ImportStatus.DRY_RUN
            report.errors.append(
                RowError(
                    0,
                    "",
                    gettext(
                        "Tijdens het opslaan heeft iemand anders een werk met een van deze "
                        "codes opgeslagen. Er is niets opgeslagen; upload het bestand opnieuw."
                    ),
                )
            )
        except DatabaseError as exc:
            # The database failed mid-way (connection lost, disk full): the transaction
            # rolled back, nothing of the file is stored, and the import log says so.
            logging.getLogger(__name__).exception("partner import of %s failed", path.name)
            report.status = ImportStatus.FAILED
            report.errors.append(
                RowError(
                    0,
                    "",
                    gettext(
                        "Het opslaan is mislukt ({error}). Er is niets opgeslagen; "
                        "upload het bestand opnieuw."
                    ).format(error=exc),
                )
            )
        else:
            return report
    return finish_run(report, path, user=user, started=started, commit=commit)


def _choice_words(choices) -> dict[str, str]:
    """Stored value by the words a cell may hold: the value or its label in any language."""
    words = {}
    for value, label in choices.choices:
        words[value.casefold()] = value
        words.update(dict.fromkeys(in_every_language(label), value))
    return words


def _yes_no_words() -> dict[str, bool]:
    words = {w: True for word in YES for w in in_every_language(word)}
    words.update({w: False for word in NO for w in in_every_language(word)})
    return words


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value)).strip()


def _read_rows(frame: pd.DataFrame, first_row: int, report: ImportReport) -> list[_Work]:
    """Check every row on its own (steps 3 of the module docstring); empty rows are skipped.

    Numbers are parsed per column, vectorised; the rest per cell. Areas are looked up in
    one query for the whole file.
    """
    columns = report.mapping
    cells = {name: frame[header] for name, header in columns.items()}
    numbers = {}
    for name in ("start_year", "end_year", "shift_early", "shift_late"):
        if name in cells:
            numbers[name] = parse_whole(cells[name])
    if "cost_estimate" in cells:
        numbers["cost_estimate"] = parse_number(cells["cost_estimate"])
    words = {name: _choice_words(choices) for name, choices in CHOICES.items()}
    yes_no = _yes_no_words()
    areas = _area_lookup(cells.get("areas"))
    seen_codes: dict[str, int] = {}
    works = []
    for position in range(len(frame)):
        row = first_row + position
        raw = {name: series.iat[position] for name, series in cells.items()}
        text = {name: _text(value) for name, value in raw.items()}
        if not any(text.values()):
            continue

        def error(name: str, message: str, row=row) -> None:
            report.errors.append(RowError(row, columns.get(name, ""), message))

        values = {}
        for name in ("code", "name", "kind", "start_year", "end_year"):
            if not text[name]:
                error(name, gettext("verplicht; deze cel is leeg"))
        for name in ("code", "name", "description", "street"):
            limit = Project._meta.get_field(name).max_length
            if text.get(name):
                if limit and len(text[name]) > limit:
                    error(name, gettext("langer dan %(max)s tekens") % {"max": limit})
                else:
                    values[name] = text[name]
        code = values.get("code")
        if code is not None:
            if code.casefold() in seen_codes:
                error(
                    "code",
                    gettext("code %(code)s staat ook in rij %(row)s")
                    % {"code": code, "row": seen_codes[code.casefold()]},
                )
            else:
                seen_codes[code.casefold()] = row
        for name, choices in CHOICES.items():
            if text.get(name):
                value = words[name].get(text[name].casefold())
                if value is None:
                    error(
                        name,
                        gettext("'%(value)s' is onbekend; kies uit: %(choices)s")
                        % {
                            "value": text[name],
                            "choices": ", ".join(str(label) for label in choices.labels),
                        },
                    )
                else:
                    values[name] = value
        for name, (parsed, bad) in numbers.items():
            if not text[name]:
                continue
            number = parsed.iat[position]
            if name == "cost_estimate":
                amount = _amount(number) if not bad.iat[position] else None
                if amount is None or amount < 0 or amount > MAX_COST:
                    error(
                        name,
                        gettext("'%(value)s' is geen bedrag van 0 of meer") % {"value": text[name]},
                    )
                else:
                    values[name] = amount
            elif bad.iat[position]:
                error(name, gettext("'%(value)s' is geen heel getal") % {"value": text[name]})
            elif name.startswith("shift") and not 0 <= number <= MAX_SHIFT_YEARS:
                error(
                    name,
                    gettext("%(value)s ligt niet tussen 0 en %(max)s")
                    % {"value": int(number), "max": MAX_SHIFT_YEARS},
                )
            else:
                values[name] = int(number)
        if text.get("opens_street"):
            value = raw["opens_street"]
            if isinstance(value, bool):
                values["opens_street"] = value
            elif text["opens_street"].casefold() in yes_no:
                values["opens_street"] = yes_no[text["opens_street"].casefold()]
            else:
                error(
                    "opens_street",
                    gettext("'%(value)s': kies ja of nee") % {"value": text["opens_street"]},
                )
        if text.get("geometry"):
            try:
                values["geometry"] = geometry.to_storage(geometry.parse(text["geometry"]))
            except geometry.GeometryError as exc:
                error("geometry", gettext("geen geldige geometrie: %(reason)s") % {"reason": exc})
        area_ids = None
        if text.get("areas"):
            area_ids = []
            for token in filter(None, (t.strip() for t in text["areas"].split(AREA_SEPARATOR))):
                matches = areas.get(token.lower(), [])
                if len(matches) == 1:
                    area_ids.append(matches[0])
                elif matches:
                    error(
                        "areas",
                        gettext("er zijn meer gebieden met de naam '%(area)s'; gebruik de CBS-code")
                        % {"area": token},
                    )
                else:
                    error("areas", gettext("gebied '%(area)s' is onbekend") % {"area": token})
            area_ids = sorted(set(area_ids))
        works.append(_Work(row=row, values=values, area_ids=area_ids))
    return works


def _amount(number) -> Decimal | None:
    try:
        return Decimal(str(number)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def _area_lookup(cells: pd.Series | None) -> dict[str, list[int]]:
    """Area ids by lower-cased CBS code or name, for the areas the file names (one query
    per 900 names). A CBS code wins over a name that happens to read the same."""
    if cells is None:
        return {}
    tokens = {
        token.strip().lower()
        for value in cells.dropna().unique()
        for token in _text(value).split(AREA_SEPARATOR)
        if token.strip()
    }
    by_code: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for chunk in _chunks(sorted(tokens)):
        rows = (
            Area.objects.annotate(lower_name=Lower("name"), lower_code=Lower("cbs_code"))
            .filter(Q(lower_name__in=chunk) | Q(lower_code__in=chunk))
            .values_list("pk", "lower_name", "lower_code")
        )
        for pk, name, code in rows:
            if code in tokens:
                by_code.setdefault(code, []).append(pk)
            if name in tokens:
                by_name.setdefault(name, []).append(pk)
    return {**by_name, **by_code}


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _compare_with_stored(works: list[_Work], organisation: Actor, report: ImportReport) -> None:
    """Look up the works' codes among the organisation's own works in bulk (codes are
    unique per organisation: another organisation's codes are not looked at), check
    years that change and what a row changes, and run the model's field rules on the
    result."""
    codes = [w.values["code"] for w in works if "code" in w.values]
    stored: dict[str, dict] = {}
    for chunk in _chunks(codes):
        own = Project.objects.filter(owner=organisation, code__in=chunk)
        for values in own.values("pk", "owner_id", "version", *PROJECT_FIELDS):
            stored[values["code"]] = values
    own_ids = [v["pk"] for v in stored.values()]
    stored_areas: dict[int, list[int]] = {pk: [] for pk in own_ids}
    for chunk in _chunks(own_ids):
        links = Project.areas.through.objects.filter(project_id__in=chunk)
        for project_id, area_id in links.values_list("project_id", "area_id"):
            stored_areas[project_id].append(area_id)
    first, last = plan_years()
    columns = report.mapping
    for work in works:
        existing = stored.get(work.values.get("code"))
        work.existing = existing
        for name in ("start_year", "end_year"):
            year = work.values.get(name)
            unchanged = existing is not None and existing[name] == year
            if year is not None and not unchanged and not first <= year <= last:
                report.errors.append(
                    RowError(
                        work.row,
                        columns[name],
                        gettext("%(year)s ligt niet tussen %(first)s en %(last)s")
                        % {"year": year, "first": first, "last": last},
                    )
                )
        start, end = work.values.get("start_year"), work.values.get("end_year")
        if start is not None and end is not None and end < start:
            report.errors.append(
                RowError(
                    work.row,
                    columns["end_year"],
                    gettext("het eindjaar %(end)s ligt vóór het startjaar %(start)s")
                    % {"end": end, "start": start},
                )
            )
        if existing is not None:
            work.changed = [name for name, value in work.values.items() if existing[name] != value]
            if work.area_ids is not None and work.area_ids != sorted(stored_areas[existing["pk"]]):
                work.changed.append("areas")
    errored = {error.row for error in report.errors}
    for work in works:
        if work.row not in errored:
            _check_model_rules(work, organisation, report)


def _project(work: _Work, organisation: Actor) -> Project:
    """The project a row makes: the stored values with the row's on top, or a new one."""
    if work.existing is not None:
        values = {**work.existing, **work.values}
        values.pop("owner_id")
        return Project(**values, owner=organisation)
    return Project(
        owner=organisation,
        lead=organisation,
        contract_form=ContractForm.PARTNER if not organisation.is_internal else "",
        **work.values,
    )


def _check_model_rules(work: _Work, organisation: Actor, report: ImportReport) -> None:
    """The model's own field rules as a last check (no queries: relations, uniqueness and
    constraints are checked above, in bulk)."""
    try:
        _project(work, organisation).full_clean(
            exclude=["owner", "lead"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = report.mapping.get(name, "")
            for message in messages:
                report.errors.append(RowError(work.row, column, message))


def _write(works: list[_Work], organisation: Actor) -> tuple[list[Project], list[int]]:
    """Create the new works and update the changed ones, with their areas, in bulk;
    return the created projects and the ids of the changed ones."""
    now = timezone.now()
    new = [w for w in works if w.existing is None]
    changed = [w for w in works if w.existing is not None and w.changed]
    created = Project.objects.bulk_create(
        [_project(w, organisation) for w in new], batch_size=WRITE_BATCH
    )
    updates = []
    for work in changed:
        project = _project(work, organisation)
        # One more than the version stored when the UPDATE runs, not the one the check
        # read: a save in between has moved it on, and an editor who started before this
        # import must be refused (impor.locking).
        project.version = F("version") + 1
        project.updated_at = now
        updates.append(project)
    fields = sorted({name for w in changed for name in w.changed if name != "areas"})
    if updates:
        Project.objects.bulk_update(
            updates, [*fields, "updated_at", "version"], batch_size=WRITE_BATCH
        )
    _write_areas(
        [(p.pk, w.area_ids) for p, w in zip(created, new, strict=True) if w.area_ids],
        [(w.existing["pk"], w.area_ids) for w in changed if "areas" in w.changed],
    )
    return created, [w.existing["pk"] for w in changed]


def _write_history(created: list[Project], changed: list[int], *, user, reason: str) -> None:
    """One history row per work created or changed, with simple-history's bulk API.

    The changed works are read back first: the objects `_write` updated hold only the
    file's columns, and a history row must hold the whole work as stored.
    """
    options = {"batch_size": WRITE_BATCH, "default_user": user, "default_change_reason": reason}
    Project.history.bulk_history_create(created, **options)
    for chunk in _chunks(changed):
        Project.history.bulk_history_create(
            list(Project.objects.filter(pk__in=chunk)), update=True, **options
        )


def _write_areas(
    new: Iterable[tuple[int, list[int]]], replaced: list[tuple[int, list[int]]]
) -> None:
    through = Project.areas.through
    for chunk in _chunks([pk for pk, _ids in replaced]):
        through.objects.filter(project_id__in=chunk).delete()
    links = [
        through(project_id=pk, area_id=area_id)
        for pk, area_ids in [*new, *replaced]
        for area_id in area_ids
    ]
    through.objects.bulk_create(links, batch_size=WRITE_BATCH)
