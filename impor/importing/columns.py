"""Which column of an import file feeds which field: recognising a file's headers.

Every import declares its columns and calls one of these:

- `propose_mapping` for files from other systems (the asset import): each `Target`
  lists the aliases its column goes by in the usual exports; headers are compared
  normalised (lower case, no accents, separators as ``_``), and a mapping saved with
  the source is proposed again first;
- `recognise_headers` for a template IMPOR wrote itself (the partners' works): a column
  is recognised by its header in any language of the interface.

A mapping is a dict from a target field to a column name of the file, or to
``{"value": ...}`` for a value that holds for every row, or ``{"column": ..., ...}``
for a column with options (`column_of` reads either).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from impor.importing.report import ImportReport, RowError


@dataclass(frozen=True)
class Target:
    """A field an import fills, the label it is reported by and the names its column
    goes by in other systems' exports."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def propose_mapping(
    columns: list[str],
    targets: Iterable[Target],
    *,
    saved: dict[str, Any] | None = None,
    skip: Iterable[str] = (),
) -> dict[str, Any]:
    """The mapping recognition proposes: a saved mapping where its columns still exist,
    then the first column whose normalised name is an alias of a target (the targets in
    `skip` excepted)."""
    by_name = {normalise(column): column for column in columns}
    skipped = set(skip)
    mapping: dict[str, Any] = {}
    taken: set[str] = set()
    for name, choice in (saved or {}).items():
        column = column_of(choice)
        if column is None or column in columns:
            mapping[name] = choice
            if column:
                taken.add(column)
    for target in targets:
        if target.name in mapping or target.name in skipped:
            continue
        for alias in target.aliases:
            column = by_name.get(alias)
            if column and column not in taken:
                mapping[target.name] = column
                taken.add(column)
                break
    return mapping


def column_of(choice: object) -> str | None:
    """The file column a mapping entry reads, if any."""
    if isinstance(choice, str):
        return choice
    if isinstance(choice, dict):
        return choice.get("column")
    return None


def missing_required(mapping: dict[str, Any], targets: Iterable[Target]) -> list[Target]:
    return [t for t in targets if t.required and t.name not in mapping]


def label_of(targets: Iterable[Target], name: str) -> str:
    return next((t.label for t in targets if t.name == name), name)


class HeaderColumn(Protocol):
    """A column of a template IMPOR writes: its field, its (translatable) header and
    whether a file must have it."""

    field: str
    header: object
    required: bool


def recognise_headers(
    headers: list[str], columns: Iterable[HeaderColumn], report: ImportReport
) -> dict[str, str]:
    """Map each field to the file's header for it. An unknown header is a warning in the
    report; a header twice or a missing required column is an error."""
    columns = list(columns)
    names = {word: c.field for c in columns for word in in_every_language(c.header)}
    found: dict[str, str] = {}
    for header in headers:
        target = names.get(header.strip().casefold())
        if target is None:
            report.warnings.append(
                gettext("kolom '%(column)s' is onbekend en wordt niet gelezen") % {"column": header}
            )
        elif target in found:
            report.errors.append(
                RowError(
                    0,
                    "",
                    gettext("kolom '%(column)s' staat twee keer in het bestand")
                    % {"column": header},
                )
            )
        else:
            found[target] = header
    for column in columns:
        if column.required and column.field not in found:
            report.errors.append(
                RowError(
                    0,
                    "",
                    gettext("verplichte kolom '%(column)s' ontbreekt") % {"column": column.header},
                )
            )
    return found


def in_every_language(text: object) -> set[str]:
    """A (lazy) text as it reads in each language of the interface, case-folded: a
    template downloaded in English is read back in Dutch and the other way round."""
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(str(text).casefold())
    return words
