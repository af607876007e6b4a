"""Checking a response file in bounded memory: the wide layout, validated whole, chunk by chunk.

The rules of the layout are in :mod:`._tabular`. The file's rows come as a stream
(:mod:`._table_file`, which also refuses files beyond its limits at once), and are checked
:data:`CHUNK_ROWS` at a time against the model with one pandera schema, applied to each
column's *distinct* values (a column of 100,000 answers holds a handful of them). What is
kept between chunks is compact: the answers as small integers, names through their distinct
values, and the problems with their place, up to :data:`MAX_KEPT_PROBLEMS` (the others are
counted). Only once the whole file is valid can its responses be taken
(:meth:`ValidatedFile.parts`), so an import stores all of a file or nothing of it. "Did you
mean" hints are worked out only for the problems the message shows.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ._exceptions import MAX_LISTED_PROBLEMS, ImportValidationError
from ._model._schema import MaturityModel
from ._responses import DURATION, MAX_DURATION_SECONDS, ResponseSet
from ._table_file import MAX_ROWS, blank, read_header, read_rows, refuse
from ._text import CONTROL, MAX_COMMENT, MAX_NAME, clean_text, restore

__all__ = ["CHUNK_ROWS", "MAX_KEPT_PROBLEMS", "ValidatedFile", "known_columns",
           "validate_file"]

#: Rows checked at a time: the memory a file needs grows with this, not with the file.
CHUNK_ROWS: Final = 20_000
#: Problems kept with their text for the error; beyond them they are only counted.
MAX_KEPT_PROBLEMS: Final = 1_000

ID_COLUMNS: Final = ("respondent_id", "role", "team")
_INTEGER: Final = r"[+-]?\d+"
_INTEGER_RE: Final = re.compile(_INTEGER)
#: An answer cell with no value (blank or not applicable), as kept between chunks.
_NO_VALUE: Final = -128
#: Columns whose values are kept as names (restored from an export's neutralising quote).
_NAMES: Final = ("respondent_id", "team", "department")


# --- the header ------------------------------------------------------------------------------


def known_columns(model: MaturityModel) -> list[str]:
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


def _header_problems(
    header: list[str], model: MaturityModel, *, hints: bool = True
) -> list[str]:
    """The header's problems; the first :data:`MAX_LISTED_PROBLEMS`, which the message shows,
    with a hint for a misspelt column (with ``hints``; the hints of the others are never
    worked out)."""
    problems: list[str] = []
    known = known_columns(model)
    known_set = set(known)

    def hint(name: str) -> str:
        return _did_you_mean(name, known) if hints and len(problems) < MAX_LISTED_PROBLEMS else ""

    if not set(header) & known_set:
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
        elif name.startswith("comment_") and name not in known_set:
            problems.append(
                f"{where}: comment column {name!r} names no dimension of model {model.id}"
                + hint(name)
            )
        elif name not in known_set:
            problems.append(
                f"{where}: unknown column {name!r} (not an item id of model {model.id})"
                + hint(name)
            )
        seen.add(name)
    for required in ID_COLUMNS:
        if required not in seen:
            problems.append(f"row 1: missing column {required!r}")
    return problems


def _usable(header: list[str], model: MaturityModel) -> list[int]:
    """Positions of the columns whose cells can be checked: known names, first occurrence."""
    known, seen, out = set(known_columns(model)), set(), []
    for i, name in enumerate(header):
        if name in known and name not in seen:
            out.append(i)
        seen.add(name)
    return out


# --- the cells ----------------------------------------------------------------------------------


def _schema(model: MaturityModel, columns: Sequence[str]) -> dict[str, pa.DataFrameSchema]:
    """One schema per known column, applied to that column's distinct values.

    Respondent ids must also be unique; that is checked over the whole file, not here.
    """
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

    cols: dict[str, list[pa.Check] | pa.Check] = {
        "respondent_id": text(64, True),
        "role": pa.Check(
            lambda s: s.isin(model.roles), error=f"role must be one of {', '.join(model.roles)}"
        ),
        "team": text(MAX_NAME, True),
        "department": text(MAX_NAME, False),
        "recommend": number(0, 10, False),
        DURATION: number(0, MAX_DURATION_SECONDS, False),
    }
    for q in model.question_ids:
        scale = model.scale_of(q)
        cols[q] = number(scale.min, scale.max, model.allows_na(q))
    for name in columns:
        if name.startswith("comment_"):
            cols[name] = text(MAX_COMMENT, False)[1:]
    return {
        name: pa.DataFrameSchema({name: pa.Column(checks=checks)}, coerce=False)
        for name, checks in cols.items() if name in columns
    }


class _Problems:
    """Problems with their place (row, column position), kept in order up to a cap."""

    def __init__(self, cap: int = MAX_KEPT_PROBLEMS) -> None:
        self.cap = cap
        self.kept: list[tuple[int, int, int, str]] = []
        self.total = 0
        self._last = (sys.maxsize, sys.maxsize)

    def full_before(self, row: int) -> bool:
        """Whether problems from ``row`` on can only be counted: the kept ones come first."""
        return len(self.kept) >= self.cap and self._last[0] < row

    def add(self, row: int, column: int, text: str) -> None:
        self.total += 1
        self.kept.append((row, column, self.total, text))
        if len(self.kept) >= 2 * self.cap:
            self._prune()

    def _prune(self) -> None:
        self.kept.sort()
        del self.kept[self.cap:]
        self._last = self.kept[-1][:2] if len(self.kept) >= self.cap else self._last

    def texts(self) -> list[str]:
        self._prune()
        return [text for *_, text in self.kept]


@dataclass
class _Column:
    """One column of a chunk: each row's code into its distinct (normalised) values."""

    codes: np.ndarray
    values: np.ndarray


@dataclass
class _Chunk:
    """The respondents of one chunk, compact; kept only while the file has no problem."""

    rows: np.ndarray
    ids: np.ndarray
    role: np.ndarray
    team: np.ndarray
    department: np.ndarray
    recommend: np.ndarray
    duration: np.ndarray
    answers: np.ndarray
    not_applicable: np.ndarray
    comments: list[tuple[str, str, str]]


@dataclass
class ValidatedFile:
    """A response file whose every cell was checked: its responses, chunk by chunk."""

    path: Path
    questions: list[str]
    chunks: list[_Chunk] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(c.rows) for c in self.chunks)

    def parts(self) -> Iterator[tuple[np.ndarray, ResponseSet]]:
        """Each chunk's file rows and responses (as :func:`read_responses` returns them)."""
        for chunk in self.chunks:
            yield chunk.rows, _response_set(chunk, self.questions)

    def response_set(self) -> ResponseSet:
        """Every response of the file in one set."""
        sets = [part for _, part in self.parts()]
        if len(sets) == 1:
            return sets[0]
        return ResponseSet(
            pd.concat([s.respondents for s in sets]),
            pd.concat([s.answers for s in sets]),
            pd.concat([s.not_applicable for s in sets]),
            pd.concat([s.comments for s in sets], ignore_index=True),
        )


def _response_set(chunk: _Chunk, questions: list[str]) -> ResponseSet:
    index = pd.Index(chunk.ids.astype(str), name="respondent_id")
    answers = chunk.answers.astype(float)
    answers[chunk.answers == _NO_VALUE] = np.nan
    respondents = pd.DataFrame(
        {
            "role": chunk.role,
            "team": chunk.team,
            "department": chunk.department,
            "recommend": chunk.recommend,
            DURATION: chunk.duration,
        },
        index=index,
    )
    comments = pd.DataFrame(chunk.comments, columns=["respondent_id", "dimension_id", "text"])
    return ResponseSet(
        respondents,
        pd.DataFrame(answers, index=index, columns=questions),
        pd.DataFrame(chunk.not_applicable, index=index, columns=questions),
        comments,
    )


def _cell_text_of(
    rows: np.ndarray, name: str, col: _Column, failed: list[tuple[str, ...]], k: int
) -> Callable[[int], str]:
    """The text of the ``k``-th failed check of the cell in row ``i`` of a chunk."""
    def text(i: int) -> str:
        value = col.codes[i]
        return (f"row {rows[i]}, column {name!r}: {failed[value][k]} "
                f"(got {str(col.values[value])[:40]!r})")
    return text


def _role_text_of(rows: np.ndarray, question: str, role: _Column) -> Callable[[int], str]:
    def text(i: int) -> str:
        return (f"row {rows[i]}, column {question!r}: 'not applicable' is not allowed for role "
                f"{role.values[role.codes[i]]} (got 'NA')")
    return text


class _Checker:
    """Checks chunk after chunk of one file; keeps problems, and the data while it is valid."""

    def __init__(self, path: Path, model: MaturityModel, header: list[str]) -> None:
        self.path = path
        self.model = model
        self.usable = _usable(header, model)
        self.names = [header[p] for p in self.usable]
        self.position = dict(zip(self.names, self.usable, strict=True))
        self.schemas = _schema(model, self.names)
        self.problems = _Problems()
        self.result = ValidatedFile(path, list(model.question_ids))
        self.keep = True
        #: Per column (not ids or comments, mostly distinct): known value -> failed checks.
        self._verdicts: dict[str, dict[str, tuple[str, ...]]] = {}
        self._departments: dict[str, tuple[str, int]] = {}
        self._ids: list[tuple[np.ndarray, np.ndarray]] = []

    def _column(self, name: str, cells: Sequence[str]) -> _Column:
        raw = np.empty(len(cells), dtype=object)
        raw[:] = cells
        codes, distinct = pd.factorize(raw)
        if name.startswith("comment_"):
            norm = [restore(v) for v in distinct]
        elif name in _NAMES:
            norm = [restore(v.strip()) for v in distinct]
        elif name == "role":
            norm = [v.strip().lower() for v in distinct]
        else:
            norm = [v.strip() for v in distinct]
        merged, values = pd.factorize(np.array(norm, dtype=object))
        return _Column(merged[codes] if len(codes) else codes, values.astype(object))

    def _verdict(self, name: str, values: np.ndarray) -> list[tuple[str, ...]]:
        """The checks each distinct value fails (pandera, on the values not judged before)."""
        remember = name != "respondent_id" and not name.startswith("comment_")
        known = self._verdicts.setdefault(name, {}) if remember else {}
        new = [v for v in values if v not in known]
        if new:
            failed: dict[int, list[str]] = {}
            try:
                self.schemas[name].validate(pd.DataFrame({name: pd.Series(new, dtype=object)}),
                                            lazy=True)
            except pa.errors.SchemaErrors as exc:
                cases = exc.failure_cases
                cases = cases[cases["index"].notna()]
                for index, check in zip(cases["index"], cases["check"], strict=True):
                    failed.setdefault(int(index), []).append(str(check))
            for i, v in enumerate(new):
                known[v] = tuple(failed.get(i, ()))
        return [known[v] for v in values]

    def _report(self, rows: np.ndarray, column: str, position: int, mask: np.ndarray,
                text: Callable[[int], str]) -> None:
        """Add a problem for each row of ``mask`` (only counted once the kept ones suffice)."""
        hits = np.flatnonzero(mask)
        if not len(hits):
            return
        self.keep = False
        if self.problems.full_before(int(rows[hits[0]])):
            self.problems.total += len(hits)
            return
        for i in hits:
            self.problems.add(int(rows[i]), position, text(int(i)))

    def check(self, body: list[list[str]], rows: np.ndarray) -> None:
        """Check one chunk: ``body`` holds its rows (as wide as the header), ``rows`` their
        numbers in the file."""
        if not body:
            return
        cells = list(zip(*body, strict=True))
        columns = {name: self._column(name, cells[p]) for name, p in self.position.items()}
        for name, col in columns.items():
            failed = self._verdict(name, col.values)
            bad = [i for i, checks in enumerate(failed) if checks]
            if not bad:
                continue
            for k in range(max(len(failed[i]) for i in bad)):
                mask = np.isin(col.codes, [i for i in bad if len(failed[i]) > k])
                self._report(rows, name, self.position[name], mask,
                             _cell_text_of(rows, name, col, failed, k))
        self._role_na(columns, rows)
        self._department(columns, rows)
        if "respondent_id" in columns:
            ids = columns["respondent_id"]
            self._ids.append((rows, ids.values[ids.codes] if len(rows) else ids.values))
        if self.keep:
            self._keep(columns, rows)

    def _role_na(self, columns: dict[str, _Column], rows: np.ndarray) -> None:
        """'Not applicable' given by a role that the item does not allow it for."""
        role = columns.get("role")
        if role is None:
            return
        for q in self.model.question_ids:
            col = columns.get(q)
            if col is None or not self.model.allows_na(q):
                continue  # an item without any N/A is checked by the schema
            refused = [i for i, r in enumerate(role.values)
                       if r in self.model.roles and not self.model.allows_na(q, r)]
            is_na = np.array([v.upper() == "NA" for v in col.values], dtype=bool)
            mask = is_na[col.codes] & np.isin(role.codes, refused)
            self._report(rows, q, self.position[q], mask, _role_text_of(rows, q, role))

    def _department(self, columns: dict[str, _Column], rows: np.ndarray) -> None:
        """A team belongs to one department (blank included): otherwise the two would overlap."""
        team, dept = columns.get("team"), columns.get("department")
        if team is None or dept is None or not len(rows):
            return
        pair = team.codes.astype(np.int64) * len(dept.values) + dept.codes
        found, first = np.unique(pair, return_index=True)
        conflicting = []
        for p, at in sorted(zip(found.tolist(), first.tolist(), strict=True), key=lambda x: x[1]):
            name, department = team.values[p // len(dept.values)], dept.values[p % len(dept.values)]
            if name not in self._departments:
                self._departments[name] = (department, int(rows[at]))
            elif self._departments[name][0] != department:
                conflicting.append(p)

        def text(i: int) -> str:
            name = team.values[team.codes[i]]
            seen, where = self._departments[name]
            return (f"row {rows[i]}, column 'department': team {name!r} is in department "
                    f"{seen!r} in row {where}; a team belongs to one department")

        self._report(rows, "department", self.position["department"],
                     np.isin(pair, conflicting), text)

    def _keep(self, columns: dict[str, _Column], rows: np.ndarray) -> None:
        n = len(rows)

        def values(name: str) -> np.ndarray:
            col = columns[name]
            return col.values[col.codes] if n else np.empty(0, dtype=object)

        def numbers(name: str) -> np.ndarray:
            if name not in columns:
                return np.full(n, np.nan)
            col = columns[name]
            lut = np.array([float(v) if _INTEGER_RE.fullmatch(v) else np.nan
                            for v in col.values], dtype=float)
            return lut[col.codes] if n else np.empty(0)

        questions = self.result.questions
        answers = np.full((n, len(questions)), _NO_VALUE, dtype=np.int8)
        na = np.zeros((n, len(questions)), dtype=bool)
        for j, q in enumerate(questions):
            if q not in columns:
                continue
            col = columns[q]
            lut = np.array([int(v) if _INTEGER_RE.fullmatch(v) else _NO_VALUE
                            for v in col.values], dtype=np.int64)
            answers[:, j] = lut[col.codes]
            na[:, j] = np.array([v.upper() == "NA" for v in col.values], dtype=bool)[col.codes]
        department = (np.array([v or None for v in values("department")], dtype=object)
                      if "department" in columns else np.full(n, None, dtype=object))
        ids = values("respondent_id")
        comments = []
        for name in self.names:
            if name.startswith("comment_"):
                dim = name.removeprefix("comment_")
                col = columns[name]
                cleaned = [clean_text(v) for v in col.values]
                for i in np.flatnonzero(np.array([bool(t) for t in cleaned])[col.codes]):
                    comments.append((str(ids[i]), dim, cleaned[col.codes[i]]))
        self.result.chunks.append(_Chunk(
            rows=rows, ids=ids, role=values("role"), team=values("team"), department=department,
            recommend=numbers("recommend"), duration=numbers(DURATION), answers=answers,
            not_applicable=na, comments=comments,
        ))

    def duplicates(self) -> None:
        """Respondent ids given more than once, anywhere in the file."""
        if not self._ids:
            return
        rows = np.concatenate([r for r, _ in self._ids])
        ids = np.concatenate([i for _, i in self._ids])
        self._ids.clear()
        twice = pd.Index(ids).duplicated(keep=False)
        self._report(rows, "respondent_id", self.position["respondent_id"], twice,
                     lambda i: (f"row {rows[i]}, column 'respondent_id': duplicate respondent "
                                f"id (got {str(ids[i])[:40]!r})"))


def validate_file(
    path: str | Path, model: MaturityModel, progress: Callable[[int], None] = lambda n: None
) -> ValidatedFile:
    """Read and check the response file at ``path`` against ``model``; raise on any problem.

    Raises :class:`ImportValidationError` with every problem, by row and column: the
    header's first, then, row by row, every cell of the known columns, rows of the wrong
    length, teams in two departments and repeated respondent ids (the first
    :data:`MAX_KEPT_PROBLEMS` with their text, then a count).
    """
    p = Path(path)
    rows = read_rows(p, progress)
    header = read_header(rows, p, model.roles, "respondent_id, role, team, then item ids")
    width = len(header)
    # Trailing empty header cells are ignored when their column is empty too (the trailing
    # delimiters some exports write): known once every row has been seen.
    trailing = [i for i in range(width) if not any(header[i:])]
    used_trailing: set[int] = set()
    named = header[: trailing[0]] if trailing else header
    checker = _Checker(p, model, named)
    # Responses are kept only while the file has no problem (then they are never used).
    checker.keep = not _header_problems(named, model, hints=False)
    body: list[list[str]] = []
    numbers: list[int] = []
    blanks: list[tuple[int, list[str]]] = []
    ragged = _Problems()
    seen = 0

    def add(i: int, r: list[str]) -> None:
        for t in trailing:
            if t < len(r) and r[t].strip():
                used_trailing.add(t)
        if len(r) > width and not blank(r[width:]):
            ragged.add(i + 2, -1, f"row {i + 2}: {len(r)} cells, the header has {width}")
            checker.keep = False
            return
        body.append(r if len(r) == width else (r + [""] * width)[:width])
        numbers.append(i + 2)

    for i, r in enumerate(rows):
        if not (r and r[0].strip()) and blank(r):
            blanks.append((i, r))  # a body row only if a filled row follows
            continue
        for j, b in blanks:
            add(j, b)
        blanks.clear()
        add(i, r)
        seen = i + 1
        if seen > MAX_ROWS:
            raise refuse(p, f"more than {MAX_ROWS:,} rows; a response file holds at most "
                             f"{MAX_ROWS:,} respondents: split it")
        if len(body) >= CHUNK_ROWS:
            checker.check(body, np.array(numbers))
            body, numbers = [], []
    if not seen:
        raise refuse(p, "no respondents: the file has only a header")
    checker.check(body, np.array(numbers, dtype=np.int64))
    checker.duplicates()
    # The header as the file's rows define it: trailing empty cells over empty columns go.
    final = header
    while final and not final[-1] and len(final) - 1 not in used_trailing:
        final = final[:-1]
    problems = _header_problems(final, model)
    for row, col, _, text in ragged.kept:
        checker.problems.add(row, col, text)
    checker.problems.total += ragged.total - len(ragged.kept)
    if problems or checker.problems.total:
        listed = problems + checker.problems.texts()
        raise ImportValidationError(str(p), listed[:MAX_KEPT_PROBLEMS],
                                    total=len(problems) + checker.problems.total)
    return checker.result
