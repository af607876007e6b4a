"""An engagement's snapshot: every table its reports need, taken once, for workers with no store.

A batch reads the engagement once, for one revision (:func:`take_snapshot`): the
engagement's record and model, its publication pattern and every shared table
(:class:`~._tables.EngagementTables`), and the responses the unit slices need. Workers get
it once (a file the local pool's workers read, or one broadcast per Dask cluster); each
report then reads it instead of the store: ``prepare_report(..., snapshot=PATH)``.

What the snapshot holds, and the trust it needs:

- The respondents are pseudonymised: their ids become positions (``0 .. n-1``) in the
  responses, the publication pattern and the answers alike; nothing a report shows uses
  them. Free-text comments are only those released to the reports. Answers are still
  respondent-level (a report counts its unit's answers per question), so the snapshot must
  only go to machines the consultant controls, as the workspace does.
- The consultant's narrative (every language) and the actions agreed in the previous wave
  travel with the tables (:func:`~._tables.report_notes`): workers never read the store.
- The payload is a pickle. It is made by the consultant's own batch client and read by its
  own workers and kernels; :func:`read_snapshot` reads only a file in a private folder
  (mode 0700, owned by the reader) whose bytes match the digest in its header, and never
  from a workspace. Never give it a file someone else could have written.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections import OrderedDict
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from .._exceptions import ParameterError
from .._store._workspace import Workspace
from ._tables import CACHE_SIZE, EngagementTables, engagement_tables

__all__ = ["SNAPSHOT_SUFFIX", "Snapshot", "read_snapshot", "take_snapshot", "write_snapshot"]

#: Bumped whenever the packed layout changes: a worker refuses a snapshot of another format.
_FORMAT: Final = 2
_MAGIC: Final = b"assessment-snapshot"
#: File name ending of a snapshot written for workers.
SNAPSHOT_SUFFIX: Final = ".snapshot"
#: Answers are packed as int8 with this code for "no answer" (scales fit in -127..127).
_NO_ANSWER: Final = -128


@dataclass(frozen=True)
class Snapshot:
    """An engagement's tables at one revision, packed (see the module's notes on trust)."""

    engagement: str
    revision: int
    #: The ``assessment`` version that took it: workers must run the same one.
    version: str
    #: SHA-256 of :attr:`payload`.
    digest: str
    payload: bytes

    @property
    def size(self) -> int:
        """Bytes of the payload: what crosses the network to each worker, once per batch."""
        return len(self.payload)


# --- packing -----------------------------------------------------------------------------


def _pack_column(column: pd.Series) -> Any:
    """A text column as codes and labels (repeated names are stored once)."""
    if column.dtype.kind in "fiub":
        return ("values", column.to_numpy(), column.dtype, column.name)
    codes, labels = pd.factorize(column, use_na_sentinel=True)
    missing = column[column.isna()]
    return ("codes", codes.astype(np.int32), labels.to_numpy(dtype=object), column.dtype,
            None if missing.empty else missing.iloc[0], column.name)


def _unpack_column(packed: Any, index: pd.Index) -> pd.Series:
    if packed[0] == "values":
        _, values, dtype, name = packed
        numbers: pd.Series = pd.Series(values, index=index, dtype=dtype, name=name)
        return numbers
    _, codes, labels, dtype, missing, name = packed
    values = np.empty(len(codes), dtype=object)
    found = codes >= 0
    values[found] = labels[codes[found]]
    values[~found] = missing
    series: pd.Series = pd.Series(values, index=index, dtype=dtype, name=name)
    return series


def _pack_answers(answers: pd.DataFrame) -> Any:
    """Whole-number answers as int8 (an eighth of float64); other values as they are."""
    values = answers.to_numpy(dtype=float)
    given = ~np.isnan(values)
    if given.any() and (
        (values[given] != np.round(values[given])).any() or np.abs(values[given]).max() > 127
    ):
        return ("float", values, list(answers.columns), answers.columns.name)
    packed = np.where(given, values, _NO_ANSWER).astype(np.int8)
    return ("int8", packed, list(answers.columns), answers.columns.name)


def _unpack_answers(packed: Any, index: pd.Index) -> pd.DataFrame:
    kind, codes, columns, name = packed
    values = codes.astype(float)
    if kind == "int8":
        values[codes == _NO_ANSWER] = np.nan
    frame = pd.DataFrame(values, index=index, columns=columns)
    frame.columns.name = name
    return frame


def _pack(tables: EngagementTables) -> dict[str, Any]:
    """The tables with the responses pseudonymised and compact."""
    respondents = tables.respondents
    state = {f.name: getattr(tables, f.name) for f in fields(tables)}
    state["respondents"] = {
        "n": len(respondents),
        "index_name": respondents.index.name,
        "columns": [_pack_column(respondents[c]) for c in respondents.columns],
    }
    state["answers"] = _pack_answers(tables.answers.reindex(respondents.index))
    index = pd.RangeIndex(len(respondents), name=respondents.index.name)
    state["publication"] = replace(tables.publication, respondent_ids=index)
    return state


def _unpack(state: dict[str, Any]) -> EngagementTables:
    packed = state["respondents"]
    index = pd.RangeIndex(packed["n"], name=packed["index_name"])
    columns = [_unpack_column(c, index) for c in packed["columns"]]
    respondents = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=index)
    return EngagementTables(**{
        **state,
        "respondents": respondents,
        "answers": _unpack_answers(state["answers"], index),
    })


def take_snapshot(workspace: Workspace, engagement: str) -> Snapshot:
    """Read ``engagement`` once (this process's cached tables when the revision is the same)."""
    from ..__version__ import __version__

    tables = engagement_tables(workspace, engagement)
    payload = pickle.dumps((_FORMAT, _pack(tables)), protocol=pickle.HIGHEST_PROTOCOL)
    with workspace.store() as store:
        revision = store.revision(engagement)
    return Snapshot(engagement, revision, __version__, hashlib.sha256(payload).hexdigest(),
                    payload)


# --- files -----------------------------------------------------------------------------------


def _check_private(path: Path) -> None:
    """Refuse a file that someone other than this user could have written."""
    uid = os.getuid()
    try:
        folder, file = path.parent.stat(), path.lstat()
    except OSError as exc:
        raise ParameterError(f"snapshot: {path} cannot be read ({exc.strerror})") from None
    problems = []
    if not stat.S_ISREG(file.st_mode):
        problems.append("not a regular file")
    if file.st_uid != uid or file.st_mode & 0o022:
        problems.append("the file is not this user's alone")
    if folder.st_uid != uid or folder.st_mode & 0o077:
        problems.append("its folder is not private (mode 0700, this user's)")
    if problems:
        raise ParameterError(
            f"snapshot: {path}: {'; '.join(problems)}. A snapshot is a pickle and is read "
            "only from a private folder of the batch's own user"
        )


def write_snapshot(snapshot: Snapshot, folder: str | Path) -> Path:
    """Write ``snapshot`` into the private ``folder`` (once: an existing copy is kept)."""
    dest = Path(folder) / f"{snapshot.digest[:32]}{SNAPSHOT_SUFFIX}"
    if dest.is_file():
        return dest
    header = b"%s %d %s\n" % (_MAGIC, _FORMAT, snapshot.digest.encode())
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(header)
            fh.write(snapshot.payload)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


_loaded: OrderedDict[str, EngagementTables] = OrderedDict()


def read_snapshot(path: str | Path, engagement: str) -> EngagementTables:
    """Return the tables of the snapshot file at ``path`` (kept per process by digest).

    Raises :class:`ParameterError` for a file that is not private to this user, not a
    snapshot, damaged, of another format, or of another engagement.
    """
    file = Path(path).expanduser()
    _check_private(file)
    with open(file, "rb") as fh:
        header = fh.readline(200)
        parts = header.split()
        if len(parts) != 3 or parts[0] != _MAGIC:
            raise ParameterError(f"snapshot: {file} is not a snapshot of an engagement")
        digest = parts[2].decode("ascii", "replace")
        if parts[1] != str(_FORMAT).encode():
            raise ParameterError(
                f"snapshot: {file} has format {parts[1].decode('ascii', 'replace')}, this "
                f"version of assessment reads format {_FORMAT}: run the batch client and its "
                "workers on the same version"
            )
        if digest not in _loaded:
            payload = fh.read()
            if hashlib.sha256(payload).hexdigest() != digest:
                raise ParameterError(f"snapshot: {file} is damaged (its digest does not match)")
            _, state = pickle.loads(payload)  # a private file of this user (see above)
            _loaded[digest] = _unpack(state)
            while len(_loaded) > CACHE_SIZE:
                _loaded.popitem(last=False)
    _loaded.move_to_end(digest)
    tables = _loaded[digest]
    if tables.engagement.id != engagement:
        raise ParameterError(
            f"engagement: {engagement!r} is not the engagement of snapshot {file} "
            f"({tables.engagement.id!r})"
        )
    return tables
