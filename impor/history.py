"""An object's audit trail as people read it: when, who, what changed from what to what.

The rows come from django-simple-history (`history = HistoricalRecords()` on the models).
`ObjectHistory` merges an object's own historical rows with those of the rows a user
thinks of as part of it (a project's funding and brief, a budget line's amounts) and
reads them one page at a time, so it works with Django's `Paginator` on pages and in the
API alike. Per page it runs a bounded number of queries, however long the history:

1. one query for the page's (table, history id) pairs, newest first, over all tables
   (a UNION when there are several), and one to count them;
2. per table on the page, one query for its rows with the id of each row's predecessor
   (the same object's previous version), and one for those predecessors;
3. per related model named by a changed foreign key, one query for their names.

Values are shown as the user sees them: choice labels, names of related objects, Dutch
dates and numbers; geometry, JSON and long text are summarised rather than printed.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from impor.fields import GeometryField
from impor.visibility import sees_every_row

#: Text up to this many characters is shown in full; longer text is summarised.
SHORT_TEXT = 120

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
CHANGE_LABELS = {
    "created": _("aangemaakt"),
    "changed": _("gewijzigd"),
    "deleted": _("verwijderd"),
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one version: its label and the old and new value as shown.

    `old` is None for a new object's values and for a summarised change (geometry, JSON,
    long text), where `new` says what happened ("geometrie gewijzigd")."""

    field: str
    label: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Entry:
    """One version of the object or of one of its parts."""

    id: int
    model: str
    subject: str
    at: datetime
    user: str | None
    change: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS[self.change])


@dataclass(frozen=True)
class Source:
    """The historical rows of one model that belong to the object (`filters`)."""

    model: type[models.Model]
    filters: dict
    main: bool = False

    @property
    def historical(self) -> type[models.Model]:
        return self.model.history.model


def deleted(queryset: models.QuerySet, user, pk) -> models.Model | None:
    """Row `pk` of `queryset`'s model as it was when it was deleted, rebuilt from its last
    version (with `deleted_version`, that version, for when and by whom), for a `user` who
    may read what is left of it (`sees_every_row`); None when the row exists, its history
    records no deletion, or the user may not. Its history stays readable: `ObjectHistory`
    reads the historical rows, not the row."""
    if not sees_every_row(queryset, user):
        return None
    model = queryset.model
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    last = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    if last is None or last.history_type != "-" or model._default_manager.filter(pk=pk).exists():
        return None
    obj = last.instance
    obj.deleted_version = last
    return obj


def user_name(user) -> str | None:
    """How a person is named in the history; None for the system or an import run
    without a user."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


class ObjectHistory:
    """The versions of one object and its parts, newest first, readable by slices:
    `Paginator(ObjectHistory(project), 25)` works on pages and in the API.

    The parts are the rows a user thinks of as part of the object: the reverse relations
    its model names in `history_parts` (their rows deleted since included). Each model
    declares its own, so this module names no model of the layers above."""

    def __init__(self, obj: models.Model):
        model = type(obj)
        self.sources = [Source(model, {"id": obj.pk}, main=True)]
        for name in getattr(model, "history_parts", ()):
            relation = model._meta.get_field(name)
            self.sources.append(Source(relation.related_model, {relation.field.attname: obj.pk}))

    def _keys(self) -> models.QuerySet:
        """(table number, history id, history date) of every version, unordered."""
        parts = [
            source.historical.objects.filter(**source.filters)
            .order_by()
            .annotate(table=Value(number, output_field=models.IntegerField()))
            .values("table", "history_id", "history_date")
            for number, source in enumerate(self.sources)
        ]
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    def count(self) -> int:
        return self._keys().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Entry]:
        if not isinstance(index, slice):
            raise TypeError("ObjectHistory is read by slices (pages)")
        keys = list(self._keys().order_by("-history_date", "-history_id", "table")[index])
        per_table: dict[int, list[int]] = defaultdict(list)
        for key in keys:
            per_table[key["table"]].append(key["history_id"])
        records = {}
        for number, ids in per_table.items():
            for record in _with_predecessors(self.sources[number], ids):
                records[number, record.history_id] = record
        names = _RelatedNames(records.values())
        return [
            _entry(self.sources[key["table"]], records[key["table"], key["history_id"]], names)
            for key in keys
        ]


def _with_predecessors(source: Source, ids: list[int]) -> list[models.Model]:
    """The historical rows `ids` with `predecessor` set (the same object's version just
    before, or None): two queries whatever the number of rows."""
    historical = source.historical
    earlier = historical.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    rows = list(
        historical.objects.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(
            predecessor_id=Subquery(
                earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
            )
        )
    )
    previous = historical.objects.in_bulk([r.predecessor_id for r in rows if r.predecessor_id])
    for row in rows:
        row.predecessor = previous.get(row.predecessor_id)
    return rows


class _RelatedNames:
    """Names of the objects that foreign keys in the page's rows point to, read in one
    query per related model."""

    def __init__(self, records: Iterable[models.Model]):
        wanted: dict[type[models.Model], set] = defaultdict(set)
        for record in records:
            model = record.instance_type
            for version in (record, record.predecessor):
                if version is None:
                    continue
                for fk in _foreign_keys(model):
                    value = getattr(version, fk.attname)
                    if value is not None:
                        wanted[fk.related_model].add(value)
        self.names = {
            related: {pk: str(obj) for pk, obj in related._default_manager.in_bulk(pks).items()}
            for related, pks in wanted.items()
        }

    def name(self, related: type[models.Model], pk) -> str:
        found = self.names.get(related, {}).get(pk)
        if found is not None:
            return found
        return gettext("#%(id)s (verwijderd)") % {"id": pk}


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.editable
    ]


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a user edits (the history also keeps derived and bookkeeping columns)."""
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]


def _subject(source: Source, record, names: _RelatedNames) -> str:
    """What the entry is about: the object's kind, and for a part the fields that tell it
    apart from its siblings (a funding's budget line and year, a criterion's code)."""
    model = source.model
    label = capfirst(str(model._meta.verbose_name))
    if source.main:
        return label
    parent = next(iter(source.filters))
    distinguishing = [
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        for name in constraint.fields
        if model._meta.get_field(name).attname != parent
    ]
    shown = [
        display(
            model._meta.get_field(name), getattr(record, model._meta.get_field(name).attname), names
        )
        for name in dict.fromkeys(distinguishing)
    ]
    return " ".join([label, *shown])


def _entry(source: Source, record, names: _RelatedNames) -> Entry:
    change = CHANGE_KINDS[record.history_type]
    return Entry(
        id=record.history_id,
        model=source.model._meta.model_name,
        subject=_subject(source, record, names),
        at=record.history_date,
        user=user_name(record.history_user),
        change=change,
        changes=_changes(source.model, record, names) if change != "deleted" else [],
        reason=record.history_change_reason or "",
    )


def _changes(model: type[models.Model], record, names: _RelatedNames) -> list[FieldChange]:
    """The fields that differ from the previous version; for a new object (or the first
    version history knows of) the fields that have a value."""
    fields = {f.name: f for f in _shown_fields(model)}
    if record.predecessor is not None:
        delta = record.diff_against(record.predecessor, included_fields=list(fields))
        pairs = [(c.field, c.old, c.new) for c in delta.changes]
    elif record.history_type == "+":
        pairs = [(name, None, getattr(record, f.attname)) for name, f in fields.items()]
        pairs = [(name, old, new) for name, old, new in pairs if new not in (None, "", [], {})]
    else:
        pairs = []
    order = list(fields)
    pairs.sort(key=lambda pair: order.index(pair[0]))
    created = record.predecessor is None
    return [_field_change(fields[name], old, new, names, created) for name, old, new in pairs]


def _field_change(
    model_field: models.Field, old, new, names: _RelatedNames, created: bool
) -> FieldChange:
    """The change as shown; a new object's values have no old value (None)."""
    label = str(model_field.verbose_name)
    summary = _summary(model_field, old, new)
    if summary is not None:
        return FieldChange(model_field.name, label, None, summary)
    return FieldChange(
        model_field.name,
        label,
        None if created else display(model_field, old, names),
        display(model_field, new, names),
    )


def _summary(model_field: models.Field, old, new) -> str | None:
    """A sentence for values too big to print, or None to print them."""
    if isinstance(model_field, GeometryField):
        if not old:
            return gettext("geometrie toegevoegd")
        if not new:
            return gettext("geometrie verwijderd")
        return gettext("geometrie gewijzigd")
    if isinstance(model_field, models.JSONField):
        return gettext("gegevens gewijzigd")
    if (
        isinstance(model_field, models.TextField)
        and max(len(old or ""), len(new or "")) > SHORT_TEXT
    ):
        return gettext("tekst gewijzigd (%(old)s → %(new)s tekens)") % {
            "old": formats.number_format(len(old or "")),
            "new": formats.number_format(len(new or "")),
        }
    return None


def display(model_field: models.Field, value, names: _RelatedNames) -> str:
    """A stored value as the user sees it on the pages ("—" for empty)."""
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return names.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    # Whole numbers are years, counts and scores here: no thousands separator in 2027.
    return str(value)
