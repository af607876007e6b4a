"""Response files: the wide CSV / Excel layout, validated on import and safe on export.

Layout, one row per respondent::

    respondent_id, role, team[, department], <item id>..., [comment_<dimension id>...], recommend
        [, duration_seconds]

``duration_seconds`` (whole seconds spent answering; blank when unknown) is optional on import
and exported when any respondent has one (form submissions record it).

Item values are whole numbers on the item's scale; blank means missing and ``NA`` means
"not applicable". CSV may be UTF-8 with or without BOM, comma- or semicolon-delimited, with
CRLF or LF line ends; ``.xlsx`` uses the first sheet, and a cell holding a formula is refused
with its row and column (its cached value may be blank or stale). Every team must be in the
engagement's team list when it has one; a team whose responses exceed its headcount is
imported with a warning. Rows are numbered as a spreadsheet
shows them: the header is row 1, the first respondent row 2. Blank rows at the end are not
respondents, and empty header cells at the end of the header (the trailing delimiters some
exports write) are ignored when their column is empty too. Validation reports every problem
at once where it can: the header's, then every cell of the known columns, rows of the wrong
length and teams placed in two departments. "Not applicable" is accepted only from the roles
the item allows it for.

Exports neutralise spreadsheet formulas: a text cell that begins with ``=``, ``+``, ``-``,
``@``, tab or carriage return (after any leading apostrophes) gets one more leading
apostrophe, and imports remove exactly that apostrophe again, so files round-trip exactly.
Comments are canonical wherever they come from (no control characters, so CRLF is LF, no
outer blanks: the store, the form and import agree), and an ``.xlsx`` export refuses, with
its row and column, a control character that a worksheet cannot hold.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ._atomic import atomic_path
from ._exceptions import ImportValidationError, ParameterError
from ._model._schema import MaturityModel
from ._responses import DURATION, MAX_DURATION_SECONDS, ResponseSet
from ._store._store import Store
from ._text import CONTROL, MAX_COMMENT, MAX_NAME, clean_text, neutralise, restore

__all__ = [
    "Formula",
    "ImportResult",
    "export_responses",
    "formula_problems",
    "headcount_warnings",
    "import_responses",
    "neutralise",
    "read_responses",
    "read_teams",
    "team_list_problems",
    "write_responses",
]

ID_COLUMNS = ("respondent_id", "role", "team")
_INTEGER = r"[+-]?\d+"
#: A problem with where it is, for sorting: (row, column position or -1 for the row, text).
_Problem = tuple[int, int, str]


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
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportValidationError(
            str(path),
            [f"line {line} (byte {exc.start}): the file is not UTF-8 text; save it as CSV UTF-8"],
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


class Formula(str):
    """The text of a worksheet cell that holds a formula (``=SUM(B2:B9)``), not a value."""


def _xlsx_cell(cell: Any) -> str:
    """A worksheet cell's text; a formula cell's is a :class:`Formula`, never its cached value."""
    if cell.data_type == "f":
        value = cell.value
        return Formula(value if isinstance(value, str) else getattr(value, "text", "=") or "=")
    return _cell_text(cell.value)


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise ImportValidationError(str(path), [f"not a readable .xlsx workbook ({exc})"]) from exc
    try:
        sheet = book.worksheets[0]
        rows = [[_xlsx_cell(c) for c in row] for row in sheet.iter_rows()]
    finally:
        book.close()
    return rows


def _column_letter(position: int) -> str:
    """The spreadsheet letter of a column (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def formula_problems(rows: Sequence[Sequence[str]]) -> list[str]:
    """Every cell of ``rows`` (a worksheet read by :func:`_read_rows`) that holds a formula.

    A formula is not an answer: its cached value may be blank or stale (a file saved by a
    program that does not calculate stores none), so it is refused with its row and column,
    never read as blank.
    """
    header = [str(c).strip() for c in rows[0]] if rows else []
    problems = []
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if isinstance(cell, Formula):
                name = f" ({header[j]!r})" if i and j < len(header) and header[j] else ""
                problems.append(
                    f"row {i + 1}, column {_column_letter(j)}{name}: a formula "
                    f"({str(cell)[:40]!r}), not a value; paste the values instead "
                    "(Paste Special > Values)"
                )
    return problems


def _checked_rows(path: Path) -> list[list[str]]:
    """The file's rows, refused whole when a worksheet cell holds a formula."""
    rows = _read_rows(path)
    problems = formula_problems(rows)
    if problems:
        raise ImportValidationError(str(path), problems)
    return rows


def _read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise ImportValidationError(str(path), ["unsupported file type; use .csv or .xlsx"])
    if not path.is_file():
        raise ImportValidationError(str(path), ["no such file"])
    return _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)


def _known_columns(model: MaturityModel) -> list[str]:
    """Every column name the response layout of ``model`` allows."""
    return [
        *ID_COLUMNS, "department", *model.question_ids,
        *(f"comment_{d.id}" for d in model.dimensions),
        *(["recommend"] if model.has_recommend else []), DURATION,
    ]


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    """A hint naming the known column that ``name`` was probably meant to be."""
    folded = re.sub(r"[\s-]+", "_", name.strip().lower())
    close = [folded] if folded in known else difflib.get_close_matches(folded, known, 1, 0.8)
    return f"; did you mean {close[0]!r}?" if close else ""


def _header_problems(header: list[str], model: MaturityModel) -> list[str]:
    problems = []
    known = _known_columns(model)
    if not set(header) & set(known):
        problems.append(
            f"row 1: none of the {len(header)} column names is a column of model {model.id}; "
            "the first row must name the columns (respondent_id, role, team, then item ids)"
        )
    seen: set[str] = set()
    for i, name in enumerate(header):
        where = f"row 1, column {i + 1}"
        if not name:
            problems.append(f"{where}: empty column name")
        elif name in seen:
            problems.append(f"{where}: duplicate column {name!r}")
        elif name.startswith("comment_") and name not in known:
            problems.append(
                f"{where}: comment column {name!r} names no dimension of model {model.id}"
                + _did_you_mean(name, known)
            )
        elif name not in known:
            problems.append(
                f"{where}: unknown column {name!r} (not an item id of model {model.id})"
                + _did_you_mean(name, known)
            )
        seen.add(name)
    for required in ID_COLUMNS:
        if required not in seen:
            problems.append(f"row 1: missing column {required!r}")
    return problems


def _usable(header: list[str], model: MaturityModel) -> list[int]:
    """Positions of the columns whose cells can be checked: known names, first occurrence."""
    known, seen, out = set(_known_columns(model)), set(), []
    for i, name in enumerate(header):
        if name in known and name not in seen:
            out.append(i)
        seen.add(name)
    return out


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

    # Missing columns are header problems, reported before the cells.
    cols: dict[str, pa.Column] = {
        "respondent_id": pa.Column(
            checks=text(64, True), unique=True, report_duplicates="all", required=False
        ),
        "role": pa.Column(
            checks=pa.Check(
                lambda s: s.isin(model.roles), error=f"role must be one of {', '.join(model.roles)}"
            ),
            required=False,
        ),
        "team": pa.Column(checks=text(MAX_NAME, True), required=False),
        "department": pa.Column(checks=text(MAX_NAME, False), required=False),
        "recommend": pa.Column(checks=number(0, 10, False), required=False),
        DURATION: pa.Column(checks=number(0, MAX_DURATION_SECONDS, False), required=False),
    }
    for q in model.question_ids:
        scale = model.scale_of(q)
        cols[q] = pa.Column(checks=number(scale.min, scale.max, model.allows_na(q)), required=False)
    for name in columns:
        if name.startswith("comment_"):
            cols[name] = pa.Column(checks=text(MAX_COMMENT, False)[1:], required=False)
    return pa.DataFrameSchema(cols, strict=False, coerce=False)


def _cell_problems(frame: pd.DataFrame, model: MaturityModel) -> list[_Problem]:
    """Every bad cell of the (known, unique) columns; rows numbered by the frame's index."""
    order = {c: i for i, c in enumerate(frame.columns)}
    out: list[_Problem] = []
    try:
        _schema(model, list(frame.columns)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        for index, column, check, value in cases[
            ["index", "column", "check", "failure_case"]
        ].itertuples(index=False):
            what = "duplicate respondent id" if check == "field_uniqueness" else check
            row = int(index) + 2
            out.append((row, order[column], f"row {row}, column {column!r}: {what} "
                                            f"(got {str(value)[:40]!r})"))
    if "role" in frame.columns:
        out += _role_na_problems(frame, model, order)
    return out


def _role_na_problems(
    frame: pd.DataFrame, model: MaturityModel, order: dict[str, int]
) -> list[_Problem]:
    """'Not applicable' given by a role that the item does not allow it for."""
    out: list[_Problem] = []
    for q in model.question_ids:
        if q not in frame.columns or not model.allows_na(q):
            continue  # an item without any N/A is checked by the schema
        refused = [r for r in model.roles if not model.allows_na(q, r)]
        bad = (frame[q].str.upper() == "NA") & frame["role"].isin(refused)
        for index, role in zip(frame.index[bad], frame.loc[bad, "role"], strict=True):
            row = int(index) + 2
            out.append((row, order[q], f"row {row}, column {q!r}: 'not applicable' is not "
                                       f"allowed for role {role} (got 'NA')"))
    return out


def _blank(row: Sequence[str]) -> bool:
    return not any(c.strip() for c in row)


def _frame(
    rows: list[list[str]], path: Path, roles: Sequence[str] = (),
    expected: str = "respondent_id, role, team, then item ids",
) -> tuple[pd.DataFrame, list[_Problem]]:
    """Turn raw rows into a string frame indexed by body position, plus ragged-row problems.

    Trailing blank rows are dropped (they are not respondents), and so are trailing header
    cells that are empty over the whole column (the trailing delimiters some exports add).
    Raises for an empty file, a file without a header or without respondents.
    """
    rows = list(rows)
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows or _blank(rows[0]):
        raise ImportValidationError(str(path), ["the file is empty"])
    header = [c.strip() for c in rows[0]]
    body = rows[1:]
    while header and not header[-1] and all(
        len(r) < len(header) or not r[len(header) - 1].strip() for r in body
    ):
        header.pop()
    if any(re.fullmatch(_INTEGER, c) or c.upper() == "NA" or c.lower() in roles for c in header):
        raise ImportValidationError(
            str(path),
            ["row 1: missing header; the first row holds answers "
             f"({', '.join(repr(c) for c in header[:3])}, ...) where the column names "
             f"({expected}) should be"],
        )
    width = len(header)
    problems: list[_Problem] = []
    data, index = [], []
    for i, r in enumerate(body):
        if len(r) > width and not _blank(r[width:]):
            problems.append((i + 2, -1, f"row {i + 2}: {len(r)} cells, the header has {width}"))
        else:
            data.append((r + [""] * width)[:width])
            index.append(i)
    if not body:
        raise ImportValidationError(str(path), ["no respondents: the file has only a header"])
    frame = pd.DataFrame(data, columns=header, index=index, dtype=object)
    for i, name in enumerate(header):
        if not name.startswith("comment_"):
            frame.isetitem(i, frame.iloc[:, i].astype(str).str.strip().to_numpy())
    return frame, problems


def read_teams(path: str | Path) -> pd.DataFrame:
    """Read a team list (``team``, ``headcount``[, ``department``]) from ``.csv`` or ``.xlsx``."""
    p = Path(path)
    raw, ragged = _frame(_checked_rows(p), p, expected="team, headcount[, department]")
    if ragged:
        raise ImportValidationError(str(p), [text for *_, text in sorted(ragged)])
    problems = [f"row 1: missing column {c!r}" for c in ("team", "headcount") if c not in raw]
    problems += [
        f"row 1: unknown column {c!r}" for c in raw.columns
        if c not in ("team", "headcount", "department")
    ]
    if problems:
        raise ImportValidationError(str(p), problems)
    for i, team, count in zip(raw.index, raw["team"], raw["headcount"], strict=True):
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
    (the first 50, then a count): the header's problems first, then, row by row, the cells
    of every known column, rows of the wrong length and teams in two departments.
    """
    p = Path(path)
    raw, ragged = _frame(_checked_rows(p), p, model.roles)
    header = list(raw.columns)
    problems = _header_problems(header, model)
    usable = _usable(header, model)
    frame = raw.iloc[:, usable].copy()
    for c in frame.columns:
        if c in ("respondent_id", "team", "department") or c.startswith("comment_"):
            frame[c] = frame[c].map(restore)
    if "role" in frame.columns:
        frame["role"] = frame["role"].str.lower()
    # Sort by row, then by the column's place in the file.
    position = dict(zip(frame.columns, usable, strict=True))
    found = [(row, position[frame.columns[col]], text)
             for row, col, text in _cell_problems(frame, model)]
    found += [(row, position["department"], text) for row, text in _department_problems(frame)]
    problems += [text for *_, text in sorted([*ragged, *found], key=lambda p: p[:2])]
    if problems:
        raise ImportValidationError(str(p), problems)
    return _to_response_set(frame, model)


def _department_problems(raw: pd.DataFrame) -> list[tuple[int, str]]:
    """A team belongs to one department (blank included): otherwise the two would overlap."""
    if "department" not in raw.columns or "team" not in raw.columns:
        return []
    first: dict[str, tuple[str, str]] = {}
    problems = []
    for i, team, dept in zip(raw.index, raw["team"], raw["department"], strict=True):
        if team not in first:
            first[team] = (dept, f"row {i + 2}")
        elif first[team][0] != dept:
            seen, where = first[team]
            problems.append((
                i + 2,
                f"row {i + 2}, column 'department': team {team!r} is in department {seen!r} "
                f"in {where}; a team belongs to one department",
            ))
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
    def numbers(column: str) -> np.ndarray:
        if column not in raw.columns:
            return np.full(len(raw), np.nan)
        cells = raw[column].where(raw[column] != "")
        return pd.to_numeric(cells, errors="coerce").astype(float).to_numpy()

    respondents = pd.DataFrame(
        {
            "role": raw["role"].to_numpy(),
            "team": raw["team"].to_numpy(),
            "department": department.astype(object).to_numpy(),
            "recommend": numbers("recommend"),
            DURATION: numbers(DURATION),
        },
        index=index,
    )
    comment_rows = []
    for column in raw.columns:
        if column.startswith("comment_"):
            cleaned = raw[column].map(clean_text)
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
    header = [*ID_COLUMNS, "department", *questions, *(f"comment_{d}" for d in dims)]
    header += ["recommend"] if model.has_recommend else []
    seconds = data.respondents[DURATION].to_numpy(dtype=float)
    timed = bool((~np.isnan(seconds)).any())
    header += [DURATION] if timed else []
    comments = {
        (str(r), str(d)): clean_text(str(t))
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
        row += [("" if pd.isna(rec) else int(rec))] if model.has_recommend else []
        row += ["" if np.isnan(seconds[i]) else int(seconds[i])] if timed else []
        rows.append(row)
    return header, rows


#: What a worksheet cell cannot hold unchanged: C0 controls (XML refuses them) and CR (XML
#: reads it back as LF). Tab and LF are fine.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _check_xlsx_text(dest: Path, header: list[str], i: int, row: list[Any]) -> None:
    """Refuse, with its row and column, text that an .xlsx cell cannot hold unchanged."""
    for name, value in zip(header, row, strict=True):
        found = _NOT_IN_XLSX.search(value) if isinstance(value, str) else None
        if found:
            raise ParameterError(
                f"{dest}: row {i + 2}, column {name!r} contains the control character "
                f"U+{ord(found.group()):04X}, which an .xlsx file cannot hold unchanged; "
                "export to .csv instead"
            )


def write_responses(data: ResponseSet, model: MaturityModel, path: str | Path) -> Path:
    """Write responses in the wide layout to ``.csv`` (UTF-8 with BOM) or ``.xlsx``, atomically."""
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"{dest}: export to a .csv or .xlsx file")
    header, rows = _wide_rows(data, model)
    if suffix == ".xlsx":
        for i, row in enumerate(rows):
            _check_xlsx_text(dest, header, i, row)
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
    """What an import stored, and what deserves a second look (``warnings``)."""

    engagement: str
    file: str
    respondents: int
    sha256: str
    #: Things stored that look wrong, e.g. a team with more responses than its headcount.
    warnings: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        from ._display._cards import card

        return card("Import", [("Engagement", self.engagement), ("File", self.file),
                               ("Respondents imported", self.respondents),
                               *(("Warning", w) for w in self.warnings)])

    def summary(self) -> str:
        """One line: how many respondents were imported, then each warning on its own line."""
        lines = [f"imported {self.respondents} respondents into {self.engagement!r}"]
        return "\n".join([*lines, *(f"warning: {w}" for w in self.warnings)])


def team_list_problems(respondents: pd.DataFrame, teams: pd.DataFrame) -> list[str]:
    """Rows whose team is not in the engagement's team list ``teams`` (none when it is empty).

    ``respondents`` are in file order (row 2 first), as :func:`read_responses` returns them.
    """
    if teams.empty:
        return []
    known = [str(t) for t in teams["team"]]
    listed = set(known)
    problems = []
    for i, team in enumerate(respondents["team"]):
        if str(team) not in listed:
            close = difflib.get_close_matches(str(team), known, 1, 0.75)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"row {i + 2}, column 'team': {team!r} is not in the engagement's team list "
                f"({', '.join(known)}){hint}"
            )
    return problems


def headcount_warnings(
    respondents: pd.DataFrame, teams: pd.DataFrame, stored: dict[str, int]
) -> list[str]:
    """Teams whose responses (``stored`` ones and these) exceed their listed headcount."""
    if teams.empty:
        return []
    counts = respondents["team"].astype(str).value_counts()
    out = []
    for team, headcount in zip(teams["team"].astype(str), teams["headcount"], strict=True):
        total = stored.get(team, 0) + int(counts.get(team, 0))
        if team in counts.index and total > int(headcount):
            out.append(
                f"team {team!r} now has {total} responses but a headcount of {int(headcount)}: "
                "check the team list (assessment engagement teams) or the file"
            )
    return out


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
    teams = store.teams(engagement_id)
    clashes += team_list_problems(data.respondents, teams)
    if clashes:
        raise ImportValidationError(str(p), clashes)
    warnings = headcount_warnings(data.respondents, teams, store.team_counts(engagement_id))
    n = store.add_responses(
        engagement_id, data, source=f"import:{p.name}", file_name=p.name, sha256=digest
    )
    return ImportResult(engagement_id, str(p), n, digest, tuple(warnings))


def export_responses(store: Store, engagement_id: str, path: str | Path) -> Path:
    """Export the engagement's responses (excluded ones too) to ``.csv`` or ``.xlsx``."""
    model = store.model(engagement_id)
    return write_responses(store.responses(engagement_id, include_excluded=True), model, path)
