"""The rows of one import file as the asset import checks them: `Rows` collects the
errors that name a row and a column, `asset_ids` finds the assets rows refer to."""

from collections.abc import Callable

import numpy as np
import pandas as pd

from assets.importing import mapping as mapping_rules
from assets.models import Asset
from impor.bulk import read_pairs
from impor.importing.columns import column_of
from impor.importing.readers import Table
from impor.importing.report import RowError
from impor.importing.values import parse_text


class Rows:
    """Collects row-level errors against a frame; row numbers as the user sees them."""

    def __init__(self, table: Table, kind: str, mapping: dict):
        self.table = table
        self.kind = kind
        self.mapping = mapping
        self.errors: list[RowError] = []
        self.bad = np.zeros(len(table.frame), dtype=bool)

    def label(self, target: str) -> str:
        column = column_of(self.mapping.get(target))
        label = mapping_rules.label_of(self.kind, target)
        return f"kolom '{column}' ({label})" if column else label

    def flag(self, mask, target: str, message: str | Callable[[int], str]) -> None:
        """Mark the rows in `mask` bad; `message` may depend on the row's position."""
        mask = np.asarray(mask, dtype=bool)
        label = self.label(target)
        for index in np.flatnonzero(mask):
            text = message(int(index)) if callable(message) else message
            self.errors.append(RowError(self.table.first_row + int(index), label, text))
        self.bad |= mask

    def column(self, target: str) -> pd.Series | None:
        choice = self.mapping.get(target)
        frame = self.table.frame
        column = column_of(choice)
        if column:
            return frame[column] if column in frame.columns else None
        if isinstance(choice, dict) and "value" in choice:
            return pd.Series([choice["value"]] * len(frame), index=frame.index, dtype=object)
        return None


def asset_ids(rows: Rows, source: str | None) -> pd.Series:
    """Database ids of the assets a file refers to by their id in `source` (any source
    when None: ids are unique across sources, the asset import sees to that)."""
    given = parse_text(rows.column("asset"))
    assets = Asset.objects.filter(external_id__in=list(set(given) - {""}))
    if source is not None:
        assets = assets.filter(source=source)
    ids = given.map(read_pairs(assets, "external_id", "pk"))
    where = f" in bron '{source}'" if source else ""
    rows.flag(given.ne("") & ids.isna(), "asset", f"onbekend object{where}")
    return ids
