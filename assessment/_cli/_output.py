"""What the commands print: ``--format``, aligned tables, CSV and JSON.

pandas and numpy are imported when a table is printed, never to parse arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["FORMATS", "MISSING", "emit", "format_option", "long_table", "records"]

FORMATS = click.Choice(["table", "csv", "json"])
#: How a missing value reads in a terminal table.
MISSING = "-"

F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    """Add ``--format table|csv|json`` (default ``table``) as the parameter ``fmt``."""
    return click.option(
        "--format", "fmt", type=FORMATS, default="table", show_default=True,
        help="'table' to read in a terminal; 'csv' or 'json' (one table) for scripts.",
    )(func)


def _decimals(values: np.ndarray) -> int:
    """The fewest decimals (0-2) that show every value of a column rounded to 2."""
    import numpy as np

    rounded = np.round(values[np.isfinite(values)], 2)
    for places in (0, 1):
        if np.allclose(rounded, np.round(rounded, places), rtol=0, atol=1e-9):
            return places
    return 2


def _table_column(column: pd.Series) -> list[str]:
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(column.dtype):
        return [MISSING if pd.isna(v) else "yes" if v else "no" for v in column]
    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        places = _decimals(values)
        return [MISSING if np.isnan(v) else f"{v:.{places}f}" for v in values]
    return [MISSING if pd.isna(v) else str(v) for v in column]


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise spreadsheet formulas in text cells; numbers stay numbers."""
    from .._text import neutralise_frame

    return neutralise_frame(frame)


def emit(frame: pd.DataFrame, fmt: str) -> None:
    """Print a frame as an aligned table, CSV (formulas neutralised) or a JSON list of records.

    Tables show numbers rounded (at most two decimals) and missing values as ``-``.
    """
    import pandas as pd

    if fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(_for_csv(frame).to_csv(index=False), nl=False)
    elif frame.empty:
        click.echo("(nothing to show)")
    else:
        columns = []
        for name in frame.columns:
            cells = [str(name), *_table_column(frame[name])]
            width = max(map(len, cells))
            numeric = pd.api.types.is_numeric_dtype(frame[name].dtype) and not (
                pd.api.types.is_bool_dtype(frame[name].dtype))
            columns.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
        click.echo("\n".join("  ".join(row).rstrip() for row in zip(*columns, strict=True)))


def records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return rows (one dict each) as a frame for :func:`emit`."""
    import pandas as pd

    return pd.DataFrame(rows)


def long_table(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack tables into one, with a first column ``kind`` naming the part of each row."""
    import pandas as pd

    frames = [frame.assign(kind=kind) for kind, frame in parts.items()]
    out = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    return out[["kind", *[c for c in out.columns if c != "kind"]]]
