"""A table file (``.csv`` or ``.xlsx``) as a stream of text rows, within limits.

Rows come one at a time, so reading never holds the whole file: a response file is then
checked chunk by chunk (:mod:`._response_file`), a team list read whole (:func:`table_frame`).
A file beyond the limits (:data:`MAX_FILE_BYTES`, :data:`MAX_COLUMNS`, :data:`MAX_ROWS`, a
header without a line end in its first :data:`MAX_HEADER_BYTES`) is refused at once, naming
the limit. CSV may be UTF-8 with or without BOM, comma- or semicolon-delimited (whichever the
first line has more of), with CRLF or LF line ends; an ``.xlsx`` file is read from its first
sheet, cells as text.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ._exceptions import ImportValidationError

if TYPE_CHECKING:  # the command line checks a file's limits before it imports pandas
    import pandas as pd

__all__ = ["MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_HEADER_BYTES", "MAX_ROWS", "blank",
           "check_limits", "read_header", "read_rows", "refuse", "table_frame"]

#: The largest file read (bigger ones are refused before reading).
MAX_FILE_BYTES: Final = 2 * 2**30
#: The most columns a file may have (the shipped model's response layout has 74).
MAX_COLUMNS: Final = 2_000
#: The most rows below the header (respondents) one file may hold.
MAX_ROWS: Final = 2_000_000
#: The header row must end within this many bytes.
MAX_HEADER_BYTES: Final = 2**20
_INTEGER_RE: Final = re.compile(r"[+-]?\d+")


def refuse(path: Path, problem: str) -> ImportValidationError:
    """The error refusing the file at ``path`` for one ``problem``."""
    return ImportValidationError(str(path), [problem])


# --- rows of a file ------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decode_error(path: Path) -> ImportValidationError:
    """The first byte that is not UTF-8, with its line: found again by a binary scan."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block[: max(0, exc.start - pending)].count(b"\n") + 1
                return refuse(path, f"line {line} (byte {offset - pending + exc.start}): the "
                                     "file is not UTF-8 text; save it as CSV UTF-8")
            offset += len(block)
            lines += block.count(b"\n")
    return refuse(path, "the file is not UTF-8 text; save it as CSV UTF-8")


def _check_header_line(path: Path) -> None:
    """Refuse a CSV file whose first line is beyond the limits, reading only that line."""
    with open(path, "rb") as raw:
        head = raw.read(MAX_HEADER_BYTES)
    end = min((i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0), default=-1)
    line = head if end < 0 else head[:end]
    cells = max(line.count(b","), line.count(b";")) + 1
    if cells > MAX_COLUMNS:
        count = (f"{cells:,} columns" if end >= 0 else
                 f"more than {MAX_COLUMNS:,} columns ({cells:,} in its first {len(line):,} bytes)")
        raise refuse(path, f"row 1 has {count}; a file has at most {MAX_COLUMNS:,} columns")
    if end < 0 and len(head) == MAX_HEADER_BYTES:
        raise refuse(path, f"row 1 does not end within {MAX_HEADER_BYTES:,} bytes; the header "
                           f"of a file is at most {MAX_HEADER_BYTES:,} bytes long")


def check_limits(path: Path) -> None:
    """Refuse at once a file of another type, a missing one, or one beyond the limits that
    can be seen without reading it: its size, and the columns of a CSV file's first line."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise refuse(path, "unsupported file type; use .csv or .xlsx")
    if not path.is_file():
        raise refuse(path, "no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(path, f"{size:,} bytes; a file is at most {MAX_FILE_BYTES:,} bytes: "
                           "split it")
    if suffix != ".xlsx":
        _check_header_line(path)


def _csv_rows(path: Path, progress: Callable[[int], None]) -> Iterator[list[str]]:
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            first = text.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            done = 0
            for i, row in enumerate(reader):
                yield row
                if i % 4096 == 0:
                    at = raw.tell()
                    progress(at - done)
                    done = at
            progress(raw.tell() - done)
        except UnicodeDecodeError:
            raise _decode_error(path) from None
        except csv.Error as exc:
            raise refuse(path, f"row {reader.line_num}: not readable as CSV ({exc})") from None


def _xlsx_rows(path: Path, progress: Callable[[int], None]) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula cell is refused, never read as its cached value.
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise refuse(path, f"not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        declared = (getattr(sheet, "max_column", None), getattr(sheet, "max_row", None))
        if isinstance(declared[0], int) and declared[0] > MAX_COLUMNS:
            raise refuse(path, f"the sheet has {declared[0]:,} columns; a file has at most "
                               f"{MAX_COLUMNS:,}")
        if isinstance(declared[1], int) and declared[1] > MAX_ROWS + 1:
            raise refuse(path, f"the sheet has {declared[1]:,} rows; a response file holds "
                                f"at most {MAX_ROWS:,} respondents")
        header: list[str] = []
        formulas: list[str] = []
        for i, row in enumerate(sheet.iter_rows()):
            cells = [_cell_text(c.value) for c in row]
            if i == 0:
                header = [c.strip() for c in cells]
            for j, cell in enumerate(row):
                if cell.data_type == "f":
                    formulas.append(_formula_problem(i, j, cell.value, header))
            yield cells
            progress(1)
        if formulas:
            raise ImportValidationError(str(path), formulas)
    finally:
        book.close()


def _column_letter(position: int) -> str:
    """The spreadsheet letter of a column (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _formula_problem(row: int, column: int, value: Any, header: Sequence[str]) -> str:
    """A worksheet cell holding a formula: not an answer (its cached value may be blank or
    stale: a file saved by a program that does not calculate stores none)."""
    text = value if isinstance(value, str) else getattr(value, "text", "=") or "="
    name = f" ({header[column]!r})" if row and column < len(header) and header[column] else ""
    return (f"row {row + 1}, column {_column_letter(column)}{name}: a formula "
            f"({str(text)[:40]!r}), not a value; paste the values instead "
            "(Paste Special > Values)")


def read_rows(path: Path, progress: Callable[[int], None] = lambda n: None) -> Iterator[list[str]]:
    """The rows of a ``.csv`` or ``.xlsx`` file as text, header first, one at a time.

    ``progress`` is called with bytes (CSV) or rows (XLSX) read since its last call. Raises
    :class:`ImportValidationError` for a file of another type, a missing one, one over
    :data:`MAX_FILE_BYTES`, text that is not UTF-8 and CSV that cannot be parsed.
    """
    check_limits(path)
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path, progress)
    return _csv_rows(path, progress)


def blank(row: Sequence[str]) -> bool:
    return not any(c.strip() for c in row)


def read_header(rows: Iterator[list[str]], path: Path, roles: Sequence[str], expected: str
                ) -> list[str]:
    """The first row's cells, stripped; raise for an empty file, one with too many columns,
    or one whose first row holds data (a value, ``NA`` or a role) instead of names."""
    first = next(rows, None)
    if first is None or blank(first):
        raise refuse(path, "the file is empty")
    if len(first) > MAX_COLUMNS:
        raise refuse(path, f"row 1 has {len(first):,} columns; a file has at most "
                           f"{MAX_COLUMNS:,}")
    names = [c.strip() for c in first]
    if any(_INTEGER_RE.fullmatch(c) or c.upper() == "NA" or c.lower() in roles for c in names):
        raise refuse(path, "row 1: missing header; the first row holds answers "
                           f"({', '.join(repr(c) for c in names[:3])}, ...) where the column "
                           f"names ({expected}) should be")
    return names


def table_frame(path: Path, expected: str) -> tuple[pd.DataFrame, list[str]]:
    """A small table file (a team list) as a string frame indexed by body position, and its
    ragged rows' problems (all rows are read: for files of a few hundred rows).

    Trailing blank rows are dropped (they are not rows of the table), and so are trailing
    header cells that are empty over the whole column (the trailing delimiters some exports
    add).
    """
    import pandas as pd

    rows = read_rows(path)
    names = read_header(rows, path, (), expected)
    body = list(rows)
    while body and blank(body[-1]):
        body.pop()
    while names and not names[-1] and all(
        len(r) < len(names) or not r[len(names) - 1].strip() for r in body
    ):
        names.pop()
    if not body:
        raise refuse(path, "no respondents: the file has only a header")
    width = len(names)
    problems, data, index = [], [], []
    for i, r in enumerate(body):
        if len(r) > width and not blank(r[width:]):
            problems.append(f"row {i + 2}: {len(r)} cells, the header has {width}")
        else:
            data.append([c.strip() for c in (r + [""] * width)[:width]])
            index.append(i)
    return pd.DataFrame(data, columns=names, index=index, dtype=object), problems
