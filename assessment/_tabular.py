"""Response files: the wide CSV / Excel layout, validated on import and safe on export.

Layout, one row per respondent::

    respondent_id, role, team[, department], <item id>..., [comment_<dimension id>...], recommend

Item values are whole numbers on the item's scale; blank means missing and ``NA`` means
"not applicable". CSV may be UTF-8 with or without BOM, comma- or semicolon-delimited, with
CRLF or LF line ends; ``.xlsx`` uses the first sheet. Rows are numbered as a spreadsheet
shows them: the header is row 1, the first respondent row 2.

Exports neutralise spreadsheet formulas: a text cell that begins with ``=``, ``+``, ``-``,
``@``, tab or carriage return (after any leading apostrophes) gets one more leading
apostrophe, and imports remove exactly that apostrophe again, so files round-trip exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ._atomic import atomic_path
from ._exceptions import ImportValidationError, ParameterError
from ._model import MaturityModel
from ._responses import ResponseSet
from ._store import Store
from ._text import CONTROL, MAX_COMMENT, MAX_NAME, neutralise, restore

__all__ = [
    "ImportResult",
    "export_responses",
    "import_responses",
    "neutralise",
    "read_responses",
    "read_teams",
    "write_responses",
]

ID_COLUMNS = ("respondent_id", "role", "team")
_INTEGER = r"[+-]?\d+"


# --- reading -----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportValidationError(
            str(path), [f"byte {exc.start}: the file is not UTF-8 text; save it as CSV UTF-8"]
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise ImportValidationError(str(path), [f"not a readable .xlsx workbook ({exc})"]) from exc
    try:
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return rows


def _read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise ImportValidationError(str(path), ["unsupported file type; use .csv or .xlsx"])
    if not path.is_file():
        raise ImportValidationError(str(path), ["no such file"])
    return _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)


def _header_problems(header: list[str], model: MaturityModel) -> list[str]:
    problems = []
    known_dims = {d.id for d in model.dimensions}
    questions = set(model.question_ids)
    allowed = {*ID_COLUMNS, "department", "recommend"}
    seen: set[str] = set()
    for i, name in enumerate(header):
        where = f"row 1, column {i + 1}"
        if not name:
            problems.append(f"{where}: empty column name")
        elif name in seen:
            problems.append(f"{where}: duplicate column {name!r}")
        elif name.startswith("comment_"):
            if name.removeprefix("comment_") not in known_dims:
                problems.append(
                    f"{where}: comment column {name!r} names no dimension of model {model.id}"
                )
        elif name not in allowed and name not in questions:
            problems.append(
                f"{where}: unknown column {name!r} (not an item id of model {model.id})"
            )
        seen.add(name)
    for required in ID_COLUMNS:
        if required not in seen:
            problems.append(f"row 1: missing column {required!r}")
    return problems


def _schema(model: MaturityModel, columns: Sequence[str]) -> pa.DataFrameSchema:
    def text(limit: int, required: bool) -> list[pa.Check]:
        checks = [
            pa.Check(lambda s: ~s.str.contains(CONTROL), error="contains control characters"),
            pa.Check(lambda s: s.str.len() <= limit, error=f"longer than {limit} characters"),
        ]
        if required:
            checks.insert(0, pa.Check(lambda s: s.str.strip() != "", error="must not be blank"))
        return checks

    def number(lo: int, hi: int, allow_na: bool) -> list[pa.Check]:
        checks = [
            pa.Check(
                lambda s: (s == "") | (s.str.upper() == "NA") | s.str.fullmatch(_INTEGER),
                error="not a whole number, blank or NA",
            ),
            pa.Check(
                lambda s: ~s.str.fullmatch(_INTEGER)
                | pd.to_numeric(s.where(s.str.fullmatch(_INTEGER), "0")).between(lo, hi),
                error=f"off the {lo}-{hi} scale",
            ),
        ]
        if not allow_na:
            checks.append(
                pa.Check(lambda s: s.str.upper() != "NA", error="'not applicable' is not allowed")
            )
        return checks

    cols: dict[str, pa.Column] = {
        "respondent_id": pa.Column(checks=text(64, True), unique=True, report_duplicates="all"),
        "role": pa.Column(
            checks=pa.Check(
                lambda s: s.isin(model.roles), error=f"role must be one of {', '.join(model.roles)}"
            )
        ),
        "team": pa.Column(checks=text(MAX_NAME, True)),
        "department": pa.Column(checks=text(MAX_NAME, False), required=False),
        "recommend": pa.Column(checks=number(0, 10, False), required=False),
    }
    for q in model.question_ids:
        scale = model.scale_of(q)
        cols[q] = pa.Column(checks=number(scale.min, scale.max, model.allows_na(q)), required=False)
    for name in columns:
        if name.startswith("comment_"):
            cols[name] = pa.Column(checks=text(MAX_COMMENT, False)[1:], required=False)
    return pa.DataFrameSchema(cols, strict=False, coerce=False)


def _cell_problems(frame: pd.DataFrame, model: MaturityModel) -> list[str]:
    try:
        _schema(model, list(frame.columns)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()].copy()
        cases["row"] = cases["index"].astype(int) + 2
        cases["order"] = cases["column"].map({c: i for i, c in enumerate(frame.columns)})
        cases = cases.sort_values(["row", "order"], kind="stable")
        out = []
        for row, column, check, value in cases[
            ["row", "column", "check", "failure_case"]
        ].itertuples(index=False):
            what = "duplicate respondent id" if check == "field_uniqueness" else check
            out.append(f"row {row}, column {column!r}: {what} (got {str(value)[:40]!r})")
        return out
    return []


def _frame(rows: list[list[str]], path: Path) -> pd.DataFrame:
    """Turn the raw rows into a string frame, or raise for a missing header or bad shape."""
    if not rows or not any(c.strip() for c in rows[0]):
        raise ImportValidationError(str(path), ["the file is empty"])
    header = [c.strip() for c in rows[0]]
    if not set(ID_COLUMNS) & set(header):
        raise ImportValidationError(
            str(path),
            ["row 1: missing header; the first row must name the columns "
             "(respondent_id, role, team, then item ids)"],
        )
    body = rows[1:]
    problems = [
        f"row {i + 2}: {len(r)} cells, the header has {len(header)}"
        for i, r in enumerate(body)
        if len(r) > len(header) and any(c.strip() for c in r[len(header):])
    ]
    if problems:
        raise ImportValidationError(str(path), problems)
    width = len(header)
    data = [(r + [""] * width)[:width] for r in body]
    if not data:
        raise ImportValidationError(str(path), ["no respondents: the file has only a header"])
    frame = pd.DataFrame(data, columns=header, dtype=object)
    for i, name in enumerate(header):
        if not name.startswith("comment_"):
            frame.isetitem(i, frame.iloc[:, i].str.strip().to_numpy())
    return frame


def read_teams(path: str | Path) -> pd.DataFrame:
    """Read a team list (``team``, ``headcount``[, ``department``]) from ``.csv`` or ``.xlsx``."""
    p = Path(path)
    raw = _frame(_read_rows(p), p)
    problems = [f"row 1: missing column {c!r}" for c in ("team", "headcount") if c not in raw]
    problems += [
        f"row 1: unknown column {c!r}" for c in raw.columns
        if c not in ("team", "headcount", "department")
    ]
    if problems:
        raise ImportValidationError(str(p), problems)
    for i, (team, count) in enumerate(zip(raw["team"], raw["headcount"], strict=True)):
        if not team:
            problems.append(f"row {i + 2}, column 'team': must not be blank")
        if not count.isdigit():
            problems.append(f"row {i + 2}, column 'headcount': a whole number, got {count!r}")
    if problems:
        raise ImportValidationError(str(p), problems)
    out = pd.DataFrame({
        "team": raw["team"].map(restore).to_numpy(),
        "department": raw["department"].map(restore).to_numpy()
        if "department" in raw else None,
        "headcount": [int(c) for c in raw["headcount"]],
    })
    return out


def read_responses(path: str | Path, model: MaturityModel) -> ResponseSet:
    """Read and validate a response file against ``model``; raise on any problem.

    Raises :class:`ImportValidationError` listing every problem with its row and column
    (the first 50, then a count).
    """
    p = Path(path)
    raw = _frame(_read_rows(p), p)
    problems = _header_problems(list(raw.columns), model)
    if problems:
        raise ImportValidationError(str(p), problems)
    text_cols = [c for c in raw.columns if c in ("respondent_id", "team", "department")
                 or c.startswith("comment_")]
    for c in text_cols:
        raw[c] = raw[c].map(restore)
    raw["role"] = raw["role"].str.lower()
    problems = _cell_problems(raw, model) or _department_problems(raw)
    if problems:
        raise ImportValidationError(str(p), problems)
    return _to_response_set(raw, model)


def _department_problems(
    raw: pd.DataFrame, known: dict[str, str | None] | None = None
) -> list[str]:
    """A team belongs to one department (blank included): otherwise the two would overlap."""
    if "department" not in raw.columns:
        return []
    first: dict[str, tuple[str, str]] = {
        team: (dept or "", "stored responses") for team, dept in (known or {}).items()
    }
    problems = []
    for i, (team, dept) in enumerate(zip(raw["team"], raw["department"], strict=True)):
        if team not in first:
            first[team] = (dept, f"row {i + 2}")
        elif first[team][0] != dept:
            seen, where = first[team]
            problems.append(
                f"row {i + 2}, column 'department': team {team!r} is in department {seen!r} "
                f"in {where}; a team belongs to one department"
            )
    return problems


def _to_response_set(raw: pd.DataFrame, model: MaturityModel) -> ResponseSet:
    index = pd.Index(raw["respondent_id"].astype(str), name="respondent_id")
    questions = model.question_ids
    values = np.full((len(raw), len(questions)), np.nan)
    na = np.zeros((len(raw), len(questions)), dtype=bool)
    for j, q in enumerate(questions):
        if q in raw.columns:
            col = raw[q]
            na[:, j] = (col.str.upper() == "NA").to_numpy()
            values[:, j] = pd.to_numeric(col.where(col.str.fullmatch(_INTEGER)), errors="coerce")
    department = (
        raw["department"].where(raw["department"] != "", None)
        if "department" in raw.columns
        else pd.Series([None] * len(raw))
    )
    recommend = (
        pd.to_numeric(raw["recommend"].where(raw["recommend"] != ""), errors="coerce")
        if "recommend" in raw.columns
        else pd.Series(np.nan, index=raw.index)
    )
    respondents = pd.DataFrame(
        {
            "role": raw["role"].to_numpy(),
            "team": raw["team"].to_numpy(),
            "department": department.astype(object).to_numpy(),
            "recommend": recommend.astype(float).to_numpy(),
        },
        index=index,
    )
    comment_rows = []
    for column in raw.columns:
        if column.startswith("comment_"):
            cleaned = raw[column].map(lambda t: CONTROL.sub("", t).strip())
            for rid, text in zip(index, cleaned, strict=True):
                if text:
                    comment_rows.append((rid, column.removeprefix("comment_"), text))
    comments = pd.DataFrame(comment_rows, columns=["respondent_id", "dimension_id", "text"])
    return ResponseSet(
        respondents,
        pd.DataFrame(values, index=index, columns=questions),
        pd.DataFrame(na, index=index, columns=questions),
        comments,
    )


# --- writing -----------------------------------------------------------------------------


def _wide_rows(data: ResponseSet, model: MaturityModel) -> tuple[list[str], list[list[Any]]]:
    dims = [d.id for d in model.dimensions]
    questions = model.question_ids
    header = [*ID_COLUMNS, "department", *questions, *(f"comment_{d}" for d in dims), "recommend"]
    comments = {
        (str(r), str(d)): str(t)
        for r, d, t in data.comments[["respondent_id", "dimension_id", "text"]].itertuples(
            index=False
        )
    }
    values = data.answers.reindex(columns=questions).to_numpy(dtype=float)
    na = data.not_applicable.reindex(columns=questions, fill_value=False).to_numpy(dtype=bool)
    rows: list[list[Any]] = []
    resp = data.respondents
    for i, (rid, role, team, dept, rec) in enumerate(
        zip(resp.index, resp["role"], resp["team"], resp["department"], resp["recommend"],
            strict=True)
    ):
        row: list[Any] = [
            neutralise(str(rid)),
            str(role),
            neutralise(str(team)),
            "" if dept is None or (isinstance(dept, float) and np.isnan(dept)) else
            neutralise(str(dept)),
        ]
        row += ["NA" if na[i, j] else ("" if np.isnan(v) else int(v))
                for j, v in enumerate(values[i])]
        row += [neutralise(comments.get((str(rid), d), "")) for d in dims]
        row.append("" if pd.isna(rec) else int(rec))
        rows.append(row)
    return header, rows


def write_responses(data: ResponseSet, model: MaturityModel, path: str | Path) -> Path:
    """Write responses in the wide layout to ``.csv`` (UTF-8 with BOM) or ``.xlsx``, atomically."""
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"{dest}: export to a .csv or .xlsx file")
    header, rows = _wide_rows(data, model)
    with atomic_path(dest) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\r\n")
                writer.writerow(header)
                writer.writerows(rows)
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("responses")
            sheet.append(header)
            for row in rows:
                sheet.append([None if v == "" else v for v in row])
            book.save(tmp)
    return dest


# --- store round trip ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    engagement: str
    file: str
    respondents: int
    sha256: str


def import_responses(
    store: Store, engagement_id: str, path: str | Path, *, skip_if_imported: bool = False
) -> ImportResult:
    """Validate ``path`` against the engagement's model and store it all, or nothing.

    Parameters
    ----------
    store:
        The workspace store.
    engagement_id:
        The engagement the responses belong to.
    path:
        A ``.csv`` or ``.xlsx`` file in the wide layout.
    skip_if_imported:
        When the same file (by content) was imported into the engagement before, store
        nothing and return ``respondents=0`` instead of reporting every id as a duplicate.
    """
    p = Path(path)
    digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
    when = store.imported_on(engagement_id, digest) if digest else None
    if when is not None:
        if skip_if_imported:
            return ImportResult(engagement_id, str(p), 0, digest)
        raise ImportValidationError(
            str(p), [f"this file was already imported into {engagement_id!r} on {when}"]
        )
    model = store.model(engagement_id)
    data = read_responses(p, model)
    existing = store.existing_respondents(engagement_id)
    clashes = [
        f"row {i + 2}, column 'respondent_id': {rid!r} is already stored in {engagement_id!r}"
        for i, rid in enumerate(data.respondents.index)
        if rid in existing
    ]
    known = store.team_departments(engagement_id)
    clashes += [
        f"row {i + 2}, column 'department': team {team!r} is in department "
        f"{known[team] or ''!r} in stored responses; a team belongs to one department"
        for i, (team, dept) in enumerate(
            zip(data.respondents["team"], data.respondents["department"], strict=True)
        )
        if team in known and (known[team] or None) != (dept if isinstance(dept, str) else None)
    ]
    if clashes:
        raise ImportValidationError(str(p), clashes)
    n = store.add_responses(
        engagement_id, data, source=f"import:{p.name}", file_name=p.name, sha256=digest
    )
    return ImportResult(engagement_id, str(p), n, digest)


def export_responses(store: Store, engagement_id: str, path: str | Path) -> Path:
    """Export the engagement's responses (excluded ones too) to ``.csv`` or ``.xlsx``."""
    model = store.model(engagement_id)
    return write_responses(store.responses(engagement_id, include_excluded=True), model, path)
