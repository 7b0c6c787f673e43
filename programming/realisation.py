"""The realisation of works (issue #20 §1): what really happened to a work and what it
really cost, written and read by the page, the API, the import of the financial
system's export and the demo alike (docs/realisation.md).

A realisation is keyed by the work's key (`Realisation.key`: ``P:<code>`` for a
project, ``M:…`` for an asset measure), so it outlives recomputations and versions.
Writes:

- `realisation_save`: status, actual start and finish, reason, coupling and (optionally)
  the actual costs per budget line and year, in one transaction; bad input raises a
  `ValidationError` by field and stores nothing;
- `register_update`: a finished work gives the assets it replaced the finish year as
  construction year and condition 1 (new), with history (`realisation_save` calls it
  when a work becomes finished);
- `assets_remove`: a finished work deletes the assets of its scope it removed, with
  history (`realisation_save` calls it for `removed_assets`).

Reads, small on purpose so "planned versus realised" can build on them:
`actual_by_line_year` (realised money per budget line and year), `actual_by_key`
(realised money per work), `programme_rows` (a programme's works with their
realisation, for the page).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_update_with_history

from assets.choices import Condition
from assets.models import Asset
from impor.visibility import partner_of
from programming import pages
from programming.choices import MeasureGrouping, WorkKind
from programming.models import ActualCost, Programme, Realisation, RealisationStatus, Work
from programming.selectors import programme_measures
from projects.models import Project
from stakeholders.models import Actor, BudgetLine

#: The fields of a realisation its writers set (the page's form, the API, the import).
FIELDS = ("status", "actual_start", "actual_finish", "reason", "coupling_key")
#: A replaced asset is new: NEN 2767 condition 1.
NEW_CONDITION = Condition.UITSTEKEND
#: The most assets a work's removal form offers (a work has tens of them).
REMOVABLE_LIMIT = 500


@dataclass(frozen=True)
class WorkRef:
    """What a work key names: its label, project and owning partner (None: the
    municipality), and the work row that describes it now (None for a project no
    programme holds, e.g. one already finished)."""

    key: str
    label: str
    project: Project | None
    owner: Actor | None
    work: Work | None


@dataclass(frozen=True)
class CostRow:
    """One actual cost to store: a budget line, a year, an amount and why it deviates."""

    budget_line: BudgetLine
    year: int
    amount: Decimal
    reason: str = ""


def work_for_key(key: str) -> Work | None:
    """The work row that describes `key`: the current programme's, else that of the
    latest programme that holds it."""
    works = Work.objects.filter(key=key).select_related("programme", "owner", "project", "area")
    current = Programme.objects.current()
    if current is not None:
        work = works.filter(programme=current).first()
        if work is not None:
            return work
    return works.order_by("-programme_id").first()


def _project_for_key(key: str) -> Project | None:
    """The project of a key ``P:<code>`` or ``P:<owner id>:<code>``
    (`selectors.project_work_key`); for the plain key the oldest project with the code."""
    parts = key.split(":")
    if parts[0] != "P" or len(parts) not in (2, 3):
        return None
    projects = Project.objects.select_related("owner").order_by("pk")
    if len(parts) == 2:
        return projects.filter(code=parts[1]).first()
    if not parts[1].isdigit():
        return None
    return projects.filter(owner_id=int(parts[1]), code=parts[2]).first()


def _partner(actor: Actor | None) -> Actor | None:
    return actor if actor is not None and not actor.is_internal else None


def resolve_key(key: str) -> WorkRef:
    """The work `key` names; a `ValidationError` on ``key`` for a key no programme and no
    project knows."""
    key = (key or "").strip()
    work = work_for_key(key) if key else None
    project = (work.project if work is not None else None) or _project_for_key(key)
    if work is None and project is None:
        raise ValidationError(
            {"key": gettext("Onbekende werksleutel %(key)s: geen werk of project heeft haar.")
             % {"key": key or "''"}}
        )  # fmt: skip
    if work is not None:
        label = work.name
        owner = work.owner if work.owner_id else (project.owner if project else None)
    else:
        label, owner = f"{project.code} {project.name}", project.owner
    return WorkRef(key, label[:300], project, _partner(owner), work)


def ensure_may_write(ref: WorkRef, user) -> None:
    """A partner records realisations of its own organisation's works only."""
    organisation = partner_of(user)
    if organisation is not None and (ref.owner is None or ref.owner.pk != organisation.pk):
        raise ValidationError(
            {
                "key": gettext(
                    "U legt alleen de realisatie van werken van uw eigen organisatie vast."
                )
            }
        )


def cost_errors(budget_line: BudgetLine, year: int, amount: Decimal | None) -> dict[str, str]:
    """What is wrong with one actual cost, by field: a negative amount, or a year the
    budget line is closed for (`BudgetLine.closed_through`: accounted in the annual
    accounts)."""
    errors = {}
    if amount is not None and amount < 0:
        errors["amount"] = gettext("Werkelijke kosten zijn niet negatief.")
    if budget_line.closed_through is not None and year <= budget_line.closed_through:
        errors["year"] = gettext(
            "Budgetregel %(line)s is afgesloten tot en met %(closed)s: in %(year)s komen er "
            "geen werkelijke kosten meer bij."
        ) % {"line": budget_line.code, "closed": budget_line.closed_through, "year": year}
    return errors


def _check_costs(realisation: Realisation, rows: list[CostRow]) -> list[str]:
    """The errors of replacing the realisation's costs by `rows`: a line and year twice,
    a negative amount, and any change (new, other amount, removed) in a closed year."""
    errors = []
    stored = {}
    if realisation.pk is not None:
        stored = {
            (c.budget_line_id, c.year): c.amount
            for c in realisation.costs.select_related("budget_line")
        }
    seen: set[tuple[int, int]] = set()
    for row in rows:
        where = f"{row.budget_line.code} {row.year}"
        if (row.budget_line.pk, row.year) in seen:
            errors.append(
                gettext("%(where)s: deze budgetregel en dit jaar staan er twee keer in.")
                % {"where": where}
            )
        seen.add((row.budget_line.pk, row.year))
        if stored.get((row.budget_line.pk, row.year)) == row.amount:
            continue  # unchanged: a closed year keeps what it has
        for message in cost_errors(row.budget_line, row.year, row.amount).values():
            errors.append(f"{where}: {message}")
    closed = {
        line.pk: line
        for line in BudgetLine.objects.filter(
            pk__in={pk for pk, _year in stored}, closed_through__isnull=False
        )
    }
    for (line_pk, year), _amount in stored.items():
        line = closed.get(line_pk)
        if line is not None and (line_pk, year) not in seen and year <= line.closed_through:
            errors.append(f"{line.code} {year}: {cost_errors(line, year, None)['year']}")
    return errors


@transaction.atomic
def realisation_save(
    *,
    key: str,
    user=None,
    costs: Iterable[CostRow] | None = None,
    source: str = "",
    update_register: bool = True,
    removed_assets: Iterable[int] | None = None,
    **values,
) -> tuple[Realisation, int | None]:
    """Record or update the realisation of the work `key` with `values` (of `FIELDS`;
    left out: kept) and, when `costs` is given, replace its actual costs by them.

    Refused with a `ValidationError` naming the field, storing nothing: an unknown key,
    another organisation's work for a partner, a finish before the start, a finished
    work without a finish date, costs in a closed year or negative. A work that is
    finished (and whose register was not yet updated) updates the asset register unless
    `update_register` is False; returns the realisation and how many assets that
    updated (None: no update). `removed_assets` (asset ids) are deleted as the work
    removed them (`assets_remove`, same transaction: refused, nothing is stored)."""
    ref = resolve_key(key)
    ensure_may_write(ref, user)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown realisation fields: {sorted(unknown)}")
    realisation = Realisation.objects.select_for_update().filter(key=ref.key).first()
    realisation = realisation or Realisation(key=ref.key)
    realisation.label, realisation.project, realisation.owner = ref.label, ref.project, ref.owner
    for name, value in values.items():
        setattr(
            realisation, name, "" if value is None and name in ("reason", "coupling_key") else value
        )
    if user is not None and user.is_authenticated:
        realisation.updated_by = user
    errors: dict[str, list[str]] = {}
    start, finish = realisation.actual_start, realisation.actual_finish
    if start and finish and finish < start:
        errors["actual_finish"] = [gettext("Een werk is niet eerder gereed dan het begint.")]
    if realisation.status == RealisationStatus.FINISHED and finish is None:
        errors["actual_finish"] = [gettext("Een gereed werk heeft een datum van gereedkomen.")]
    rows = list(costs) if costs is not None else None
    if rows is not None:
        cost_problems = _check_costs(realisation, rows)
        if cost_problems:
            errors["costs"] = cost_problems
    if errors:
        raise ValidationError(errors)
    realisation.full_clean()
    realisation.save()
    if rows is not None:
        _replace_costs(realisation, rows, source)
    removed = sorted(set(removed_assets or ()))
    scope = removable_ids(ref) if removed else set()
    updated = None
    if (
        update_register
        and realisation.status == RealisationStatus.FINISHED
        and realisation.register_updated_at is None
    ):
        updated = register_update(realisation, user=user, ref=ref, keep=removed)
    if removed:
        assets_remove(realisation, removed, user=user, ref=ref, scope=scope)
    return realisation, updated


def _replace_costs(realisation: Realisation, rows: list[CostRow], source: str) -> None:
    """Replace the stored costs by `rows`, through the model so each change has history:
    a row that stays is updated, a row that goes is deleted."""
    stored = {(c.budget_line_id, c.year): c for c in realisation.costs.all()}
    for row in rows:
        cost = stored.pop((row.budget_line.pk, row.year), None) or ActualCost(
            realisation=realisation, budget_line=row.budget_line, year=row.year
        )
        if cost.pk is None or (cost.amount, cost.reason) != (row.amount, row.reason):
            cost.amount, cost.reason = row.amount, row.reason
            cost.source = source or cost.source
            cost.full_clean(exclude=["realisation"])
            cost.save()
    for cost in stored.values():
        cost.delete()


def cost_add(realisation: Realisation, row: CostRow, *, source: str = "", user=None) -> ActualCost:
    """Add or replace one actual cost (line, year) of a realisation, as the import does:
    refused with a `ValidationError` by field in a closed year or when negative."""
    ensure_may_write(resolve_key(realisation.key), user)
    errors = cost_errors(row.budget_line, row.year, row.amount)
    if errors:
        raise ValidationError(errors)
    cost, _created = ActualCost.objects.update_or_create(
        realisation=realisation,
        budget_line=row.budget_line,
        year=row.year,
        defaults={"amount": row.amount, "reason": row.reason, "source": source},
    )
    return cost


def measure_assets(work: Work) -> QuerySet[Asset]:
    """The assets of an asset measure: its place's assets (same discipline and area, and
    street unless the programme groups per area) grouped by the computation's own code
    path (`selectors.programme_measures`), keeping those assigned to the measure's key.

    The key holds a hash of the place and the measure's number in it, so the grouping of
    the whole place gives the same keys as the full computation did, as long as the
    assets did not change since."""
    if work.kind != WorkKind.MEASURE or not work.discipline:
        return Asset.objects.none()
    place = Asset.objects.filter(asset_class__discipline=work.discipline)
    place = place.filter(area_id=work.area_id) if work.area_id else place.filter(area__isnull=True)
    if work.programme.measure_grouping != MeasureGrouping.AREA:
        place = place.filter(street=work.street)
    assignment = programme_measures(work.programme, assets=place).assignment
    ids = assignment.index[(assignment == work.key).to_numpy()]
    return Asset.objects.filter(pk__in=[int(pk) for pk in pd.Index(ids).tolist()])


def replaced_assets(ref: WorkRef) -> QuerySet[Asset]:
    """The assets a finished work replaced: a measure's assets, a project's assets in
    scope (`Project.assets`)."""
    if ref.work is not None and ref.work.kind == WorkKind.MEASURE:
        return measure_assets(ref.work)
    if ref.project is not None:
        return ref.project.assets.all()
    return Asset.objects.none()


def history_reason(key: str) -> str:
    """The history reason of the register's changes a work's realisation made."""
    return f"realisatie {key}"[:100]


def removable_ids(ref: WorkRef) -> set[int]:
    """The ids of the assets the work may remove: its replaced assets
    (`replaced_assets`) and those its register update renewed. The latter because a
    renewed asset has a new construction year, so the computation's grouping no longer
    puts it in the measure, while it is still the work's."""
    realisation = Realisation.objects.filter(key=ref.key).first()
    renewed: set[int] = set()
    if realisation is not None and realisation.actual_finish is not None:
        # A renewal is recorded after the finish: the range keeps the lookup on the
        # history's date index instead of a scan of every asset change ever made.
        since = timezone.make_aware(
            datetime.datetime.combine(realisation.actual_finish, datetime.time.min)
        )
        renewed = set(
            Asset.history.filter(
                history_date__gte=since,
                history_change_reason=history_reason(ref.key),
                history_type="~",
            ).values_list("id", flat=True)
        )
    ids = set(replaced_assets(ref).values_list("pk", flat=True)) | renewed
    return set(Asset.objects.filter(pk__in=ids).values_list("pk", flat=True))


def removable_assets(ref: WorkRef) -> QuerySet[Asset]:
    """The assets the work may remove, ordered for a form (`removable_ids`)."""
    return (
        Asset.objects.filter(pk__in=removable_ids(ref))
        .select_related("asset_class")
        .order_by("street", "external_id", "pk")
    )


def _not_finished(realisation: Realisation) -> bool:
    return realisation.status != RealisationStatus.FINISHED or realisation.actual_finish is None


def assets_remove(
    realisation: Realisation,
    asset_ids: Iterable[int],
    *,
    user=None,
    ref: WorkRef | None = None,
    scope: set[int] | None = None,
) -> int:
    """Delete the assets a finished work removed, through the model, so
    django-simple-history keeps each with its last state and a reason naming the work
    (the asset's history page still shows it). Refused with a `ValidationError` on
    ``removed_assets``, deleting nothing: a work that is not finished, another
    organisation's work for a partner, an asset outside the work's scope
    (`removable_ids`, or `scope` computed before the register update), a user without
    the right to delete assets. Returns how many assets were deleted."""
    ref = ref or resolve_key(realisation.key)
    ensure_may_write(ref, user)
    ids = set(asset_ids)
    if _not_finished(realisation):
        raise ValidationError(
            {"removed_assets": gettext("Alleen een gereed werk verwijdert objecten.")}
        )
    if user is not None and not user.has_perm("assets.delete_asset"):
        raise ValidationError(
            {"removed_assets": gettext("U mag geen objecten uit het beheerregister verwijderen.")}
        )
    outside = ids - (removable_ids(ref) if scope is None else scope)
    if outside:
        raise ValidationError(
            {
                "removed_assets": gettext(
                    "Deze objecten horen niet bij dit werk: %(ids)s. Er is niets verwijderd."
                )
                % {"ids": ", ".join(str(pk) for pk in sorted(outside))}
            }
        )
    who = user if user is not None and user.is_authenticated else None
    assets = list(Asset.objects.filter(pk__in=ids).order_by("pk"))
    with transaction.atomic():
        for asset in assets:
            asset._history_user = who
            asset._change_reason = f"{history_reason(ref.key)} (verwijderd)"[:100]
            asset.delete()
    return len(assets)


def register_update(
    realisation: Realisation,
    *,
    user=None,
    ref: WorkRef | None = None,
    keep: Iterable[int] = (),
) -> int:
    """Give the assets the finished work replaced the finish year as construction year
    and condition 1 (new) measured on the finish date, with history (the reason names the
    work), so their lifecycle starts again; mark the realisation and return how many
    assets changed. Assets already built in or after that year are left alone, so a
    second call changes nothing; `keep` (ids the work removes) are left alone too."""
    if _not_finished(realisation):
        raise ValidationError(
            {
                "status": gettext(
                    "Alleen een gereed werk met een datum werkt het beheerregister bij."
                )
            }
        )
    ref = ref or resolve_key(realisation.key)
    finish: datetime.date = realisation.actual_finish
    assets = list(
        replaced_assets(ref).filter(construction_year__lt=finish.year).exclude(pk__in=list(keep))
    )
    now = timezone.now()
    for asset in assets:
        asset.construction_year = finish.year
        asset.condition = NEW_CONDITION
        asset.condition_date = finish
        asset.updated_at = now
    if assets:
        bulk_update_with_history(
            assets,
            Asset,
            ["construction_year", "condition", "condition_date", "updated_at"],
            default_user=user if user is not None and user.is_authenticated else None,
            default_change_reason=history_reason(realisation.key),
        )
    realisation.register_updated_at = now
    realisation.save(update_fields=["register_updated_at", "updated_at"])
    return len(assets)


# --- reads -------------------------------------------------------------------------------


def actual_by_line_year(
    costs: QuerySet[ActualCost] | None = None,
) -> dict[tuple[int, int], Decimal]:
    """Realised money per (budget line id, year), summed over the works of `costs`
    (default: every actual cost; pass ``ActualCost.objects.visible_to(user)`` or a
    filter on ``realisation__key__in`` to narrow it). One query."""
    costs = ActualCost.objects.all() if costs is None else costs
    return {
        (line, year): total
        for line, year, total in costs.order_by()
        .values_list("budget_line_id", "year")
        .annotate(total=Sum("amount"))
        .values_list("budget_line_id", "year", "total")
    }


def actual_by_key(keys: Iterable[str] | None = None) -> dict[str, Decimal]:
    """Realised money per work key (all years and lines), for `keys` or every work."""
    costs = ActualCost.objects.all()
    if keys is not None:
        costs = costs.filter(realisation__key__in=list(keys))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for key, total in (
        costs.order_by()
        .values_list("realisation__key")
        .annotate(total=Sum("amount"))
        .values_list("realisation__key", "total")
    ):
        totals[key] += total
    return dict(totals)


def recorded(field: str) -> Subquery:
    """A work's realisation `field` (`status`, `actual_start`, …) by the work's key, as an
    expression on `Work` rows; None when nothing is recorded."""
    return Subquery(Realisation.objects.filter(key=OuterRef("key")).values(field)[:1])


def programme_rows(programme: Programme, user) -> QuerySet[Work]:
    """The programme's works the user may see, each with its realisation by key:
    `realisation_status` (None: nothing recorded), `actual_start`, `actual_finish`,
    `realisation_reason` and `actual_cost` (0 without costs) beside its planned `cost`."""
    spent = (
        ActualCost.objects.filter(realisation__key=OuterRef("key"))
        .order_by()
        .values("realisation__key")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    return (
        pages.works_visible_to(user, programme)
        .select_related("area")
        .annotate(
            realisation_status=recorded("status"),
            actual_start=recorded("actual_start"),
            actual_finish=recorded("actual_finish"),
            realisation_reason=recorded("reason"),
            actual_cost=Coalesce(
                Subquery(spent, output_field=money), Value(Decimal(0)), output_field=money
            ),
        )
        .order_by("scheduled_year", "label", "pk")
    )
