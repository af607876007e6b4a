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
length, teams placed in two departments and repeated respondent ids. "Not applicable" is
accepted only from the roles the item allows it for.

Files are read and checked in chunks (:mod:`._response_file`), so memory stays bounded
whatever their length, and all of a file is stored in one transaction or none of it. A file
beyond the limits (2 GiB, 2,000 columns, 2,000,000 respondents) is refused at once, naming
the limit. Reading a large file draws a progress bar when standard error is a terminal.

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
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ._atomic import atomic_path
from ._exceptions import ImportValidationError, ParameterError
from ._model._schema import MaturityModel
from ._response_file import MAX_KEPT_PROBLEMS, validate_file
from ._responses import DURATION, ResponseSet
from ._store._store import Store
from ._table_file import check_limits, table_frame
from ._text import clean_text, neutralise, restore

__all__ = [
    "ImportResult",
    "export_responses",
    "headcount_warnings",
    "import_responses",
    "neutralise",
    "read_responses",
    "read_teams",
    "team_list_problems",
    "write_responses",
]

ID_COLUMNS = ("respondent_id", "role", "team")


# --- reading -----------------------------------------------------------------------------


def read_teams(path: str | Path) -> pd.DataFrame:
    """Read a team list (``team``, ``headcount``[, ``department``]) from ``.csv`` or ``.xlsx``."""
    p = Path(path)
    raw, ragged = table_frame(p, expected="team, headcount[, department]")
    if ragged:
        raise ImportValidationError(str(p), ragged)
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


@contextmanager
def _progress(path: Path, show: bool | None) -> Iterator[Callable[[int], None]]:
    """A progress bar of reading ``path`` (bytes of a CSV, rows of an XLSX), on standard
    error; shown by default only when that is a terminal."""
    xlsx = path.suffix.lower() == ".xlsx"
    size = path.stat().st_size if path.is_file() and not xlsx else None
    with tqdm(total=size, unit="row" if xlsx else "B", unit_scale=True, unit_divisor=1024,
              desc=f"checking {path.name}", file=sys.stderr, leave=False,
              disable=None if show is None else not show, dynamic_ncols=True) as bar:
        def update(n: int) -> None:
            bar.update(n)

        yield update


def read_responses(
    path: str | Path, model: MaturityModel, *, progress: bool | None = None
) -> ResponseSet:
    """Read and validate a response file against ``model``; raise on any problem.

    Raises :class:`ImportValidationError` listing every problem with its row and column
    (the first 50, then a count): the header's problems first, then, row by row, the cells
    of every known column, rows of the wrong length, teams in two departments and repeated
    respondent ids. The file is read in chunks, so its size bounds the time, not the memory
    (see :mod:`._table_file` for the limits). ``progress`` shows a progress bar on
    standard error (default: when it is a terminal).
    """
    p = Path(path)
    with _progress(p, progress) as update:
        return validate_file(p, model, update).response_set()


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


def team_list_problems(
    respondents: pd.DataFrame, teams: pd.DataFrame, rows: Sequence[int] | None = None
) -> list[str]:
    """Rows whose team is not in the engagement's team list ``teams`` (none when it is empty).

    ``rows`` are the respondents' row numbers in the file; by default they are in file order
    (row 2 first), as :func:`read_responses` returns them.
    """
    if teams.empty:
        return []
    known = [str(t) for t in teams["team"]]
    listed = set(known)
    problems = []
    numbers = range(2, 2 + len(respondents)) if rows is None else rows
    for i, team in zip(numbers, respondents["team"], strict=True):
        if str(team) not in listed:
            close = difflib.get_close_matches(str(team), known, 1, 0.75)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"row {i}, column 'team': {team!r} is not in the engagement's team list "
                f"({', '.join(known)}){hint}"
            )
    return problems


def headcount_warnings(
    respondents: pd.DataFrame | pd.Series, teams: pd.DataFrame, stored: dict[str, int]
) -> list[str]:
    """Teams whose responses (``stored`` ones and these: respondents, or their teams)
    exceed their listed headcount."""
    if teams.empty:
        return []
    team_of = respondents["team"] if isinstance(respondents, pd.DataFrame) else respondents
    counts = team_of.astype(str).value_counts()
    out = []
    for team, headcount in zip(teams["team"].astype(str), teams["headcount"], strict=True):
        total = stored.get(team, 0) + int(counts.get(team, 0))
        if team in counts.index and total > int(headcount):
            out.append(
                f"team {team!r} now has {total} responses but a headcount of {int(headcount)}: "
                "check the team list (assessment engagement teams) or the file"
            )
    return out


def _digest(path: Path) -> str:
    """SHA-256 of the file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_responses(
    store: Store, engagement_id: str, path: str | Path, *, skip_if_imported: bool = False,
    progress: bool | None = None,
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
    progress:
        Show a progress bar on standard error (default: when it is a terminal).
    """
    p = Path(path)
    check_limits(p)  # before anything reads the file: its size, its header's width
    digest = _digest(p)
    when = store.imported_on(engagement_id, digest) if digest else None
    if when is not None:
        if skip_if_imported:
            return ImportResult(engagement_id, str(p), 0, digest)
        raise ImportValidationError(
            str(p), [f"this file was already imported into {engagement_id!r} on {when}"]
        )
    model = store.model(engagement_id)
    with _progress(p, progress) as update:
        checked = validate_file(p, model, update)
    existing = store.existing_respondents(engagement_id)
    known = store.team_departments(engagement_id)
    clashes: list[str] = []
    departments: list[str] = []
    for rows, part in checked.parts():
        resp = part.respondents
        for row, rid in zip(rows, resp.index, strict=True):
            if rid in existing and len(clashes) < MAX_KEPT_PROBLEMS:
                clashes.append(f"row {row}, column 'respondent_id': {rid!r} is already stored "
                               f"in {engagement_id!r}")
        for row, team, dept in zip(rows, resp["team"], resp["department"], strict=True):
            given = dept if isinstance(dept, str) else None
            if team in known and (known[team] or None) != given and (
                len(departments) < MAX_KEPT_PROBLEMS
            ):
                departments.append(
                    f"row {row}, column 'department': team {team!r} is in department "
                    f"{known[team] or ''!r} in stored responses; a team belongs to one department"
                )
    teams = store.teams(engagement_id)
    listed: list[str] = []
    if not teams.empty:
        for rows, part in checked.parts():
            for problem in team_list_problems(part.respondents, teams, rows.tolist()):
                if len(listed) < MAX_KEPT_PROBLEMS:
                    listed.append(problem)
    if clashes or departments or listed:
        raise ImportValidationError(str(p), (clashes + departments + listed)[:MAX_KEPT_PROBLEMS])
    warnings = headcount_warnings(
        pd.concat([part.respondents["team"] for _, part in checked.parts()]) if len(checked)
        else pd.Series([], dtype=object),
        teams, store.team_counts(engagement_id),
    )
    # One transaction: each chunk is a savepoint of it, the import's record closes it.
    with store.transaction(), tqdm(
        total=len(checked), unit="respondent", unit_scale=True, desc=f"storing {p.name}",
        file=sys.stderr, leave=False, disable=None if progress is None else not progress,
        dynamic_ncols=True,
    ) as bar:
        n = 0
        for _, part in checked.parts():
            n += store.add_responses(engagement_id, part, source=f"import:{p.name}")
            bar.update(len(part))
        store.record_import(engagement_id, p.name, digest, n)
    return ImportResult(engagement_id, str(p), n, digest, tuple(warnings))


def export_responses(store: Store, engagement_id: str, path: str | Path) -> Path:
    """Export the engagement's responses (excluded ones too) to ``.csv`` or ``.xlsx``."""
    model = store.model(engagement_id)
    return write_responses(store.responses(engagement_id, include_excluded=True), model, path)
