"""Responses: stored whole or not at all, read in one snapshot, and exclusions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from .._exceptions import NotFoundError, ParameterError, StoreError
from .._responses import DURATION, ResponseSet, assemble_responses
from .._text import CONTROL, MAX_COMMENT, MAX_NAME, clean_text, neutralise, restore
from ._cache import _load_responses, _save_responses, cache_path
from ._connection import _now
from ._engagements import EngagementTables

# Code points of the packed answers: a value v is chr(_VALUE_BASE + v), so any scale value
# above -8192 stays clear of the surrogates (U+D800-U+DFFF), which are not valid text.
_NA, _NO_VALUE, _VALUE_BASE = 30, 31, 0x10000


def _unpack_answers(packed: Sequence[str | None], columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Decode :meth:`Store._respondent_rows`' packed answers into value and n/a matrices."""
    texts = [p or "" for p in packed]
    counts = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) // 2
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    pairs = codes.astype(np.int64).reshape(-1, 2)
    row = np.repeat(np.arange(len(texts)), counts)
    col = pairs[:, 0] - 32
    values = np.full((len(texts), columns), np.nan)
    na = np.zeros((len(texts), columns), dtype=bool)
    answered = pairs[:, 1] >= 0xE000
    values[row[answered], col[answered]] = pairs[answered, 1] - _VALUE_BASE
    is_na = pairs[:, 1] == _NA
    na[row[is_na], col[is_na]] = True
    return values, na


def _canonical_groups(respondents: pd.DataFrame) -> pd.DataFrame:
    """Team and department names as an export re-imports them: without outer blanks.

    Raises :class:`ParameterError` naming the respondent for what an import refuses: a blank
    team, control characters, a name longer than the cap. So whatever the library stores
    exports and re-imports unchanged.
    """
    out = respondents.copy()
    for column in ("team", "department"):
        values = out[column].astype("object")
        given = values.notna()
        text = values[given].astype(str).map(lambda t: restore(neutralise(t).strip()))
        for problem, bad in (
            ("contains control characters", text.str.contains(CONTROL)),
            (f"longer than {MAX_NAME} characters", text.str.len() > MAX_NAME),
            ("must not be blank", text == ""),
        ):
            if bad.any():
                rid = text.index[bad][0]
                raise ParameterError(f"respondent {rid!r}, {column}: {problem}")
        if column == "team" and not given.all():
            raise ParameterError(
                f"respondent {values.index[~given][0]!r}, team: must not be blank"
            )
        values[given] = text
        out[column] = values
    return out


def _check_comment_lengths(comments: pd.DataFrame) -> None:
    """Raise :class:`ParameterError` for a comment longer than import and the form accept."""
    lengths = comments["text"].astype(str).str.len()
    too_long = lengths > MAX_COMMENT
    if too_long.any():
        row = comments[too_long].iloc[0]
        raise ParameterError(
            f"respondent {row['respondent_id']!r}, comment on {row['dimension_id']}: "
            f"{lengths[too_long].iloc[0]} characters, at most {MAX_COMMENT}"
        )


class ResponseTables(EngagementTables):
    """Respondents, their answers and comments, and exclusions."""

    def existing_respondents(self, engagement_id: str) -> set[str]:
        """Return the respondent ids already stored for the engagement."""
        rows = self._conn.execute(
            "SELECT respondent_key FROM respondents WHERE engagement_id = ?", (engagement_id,)
        )
        return {str(r[0]) for r in rows}

    def add_responses(
        self,
        engagement_id: str,
        data: ResponseSet,
        *,
        source: str,
        file_name: str | None = None,
        sha256: str | None = None,
        submitted_at: str | None = None,
    ) -> int:
        """Store validated responses in one transaction; return how many respondents.

        Either every respondent, answer and comment of ``data`` is stored, or (on any error,
        or if the process dies) none of it; inside an open :meth:`transaction` it is a
        savepoint of that one. ``submitted_at`` replaces the time recorded with each
        respondent (default: now, to the second); the form passes only the date, so no
        submission can be matched to a moment in an access log.
        """
        self.engagement(engagement_id)
        now = _now()
        when = submitted_at or now
        resp = _canonical_groups(data.respondents)
        _check_comment_lengths(data.comments)
        answers = data.answers
        na = data.not_applicable.reindex_like(answers).fillna(False).astype(bool)
        with self.transaction() as conn:
            first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM respondents").fetchone()[0]
            row_ids = np.arange(first, first + len(resp), dtype=np.int64)
            recommend = resp["recommend"].astype(float).to_numpy()
            dept = resp["department"].astype(object).where(resp["department"].notna(), None)
            seconds = resp[DURATION].astype(float).to_numpy()
            try:
                conn.executemany(
                    "INSERT INTO respondents (id, engagement_id, respondent_key, role, team, "
                    "department, recommend, source, submitted_at, duration_seconds) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        (int(rid), engagement_id, str(key), str(role), str(team), d,
                         None if np.isnan(rec) else int(rec), source, when,
                         None if np.isnan(sec) else int(sec))
                        for rid, key, role, team, d, rec, sec in zip(
                            row_ids, resp.index, resp["role"], resp["team"], dept, recommend,
                            seconds, strict=True,
                        )
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"engagement {engagement_id!r}: a respondent id is already stored ({exc})"
                ) from exc
            values = answers.to_numpy(dtype=float)
            na_values = na.to_numpy(dtype=bool)
            stored = ~np.isnan(values) | na_values
            r_idx, c_idx = np.nonzero(stored)
            items = np.asarray(answers.columns, dtype=object)
            # Columns as Python lists, zipped into rows in C: millions of answers per import.
            flags = na_values[r_idx, c_idx]
            given = np.where(flags, 0, values[r_idx, c_idx]).astype(np.int64).tolist()
            for i in np.flatnonzero(flags).tolist():
                given[i] = None
            conn.executemany(
                "INSERT INTO answers (respondent_id, item_id, value, not_applicable) "
                "VALUES (?,?,?,?)",
                zip(row_ids[r_idx].tolist(), items[c_idx].tolist(), given,
                    flags.astype(np.int64).tolist(), strict=True),
            )
            position = pd.Series(row_ids, index=resp.index)
            # Stored comments are canonical, as import and the form make them: no control
            # characters (so CRLF becomes LF), no outer blanks, no empty comment. Exports then
            # round-trip exactly, whichever way the text came in.
            comments = (
                (int(position[rid]), str(dim), clean_text(str(text)))
                for rid, dim, text in data.comments[
                    ["respondent_id", "dimension_id", "text"]
                ].itertuples(index=False)
            )
            conn.executemany(
                "INSERT INTO comments (respondent_id, dimension_id, text) VALUES (?,?,?)",
                (row for row in comments if row[2]),
            )
            if file_name is not None:
                conn.execute(
                    "INSERT INTO imports (engagement_id, file_name, sha256, respondents, "
                    "imported_at) VALUES (?,?,?,?,?)",
                    (engagement_id, file_name, sha256 or "", len(resp), now),
                )
        return len(resp)

    def record_import(
        self, engagement_id: str, file_name: str, sha256: str, respondents: int
    ) -> None:
        """Record that a file was imported (after its responses, in the same transaction)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO imports (engagement_id, file_name, sha256, respondents, "
                "imported_at) VALUES (?,?,?,?,?)",
                (engagement_id, file_name, sha256, respondents, _now()),
            )

    def imported_on(self, engagement_id: str, sha256: str) -> str | None:
        """Return when a file with this SHA-256 was imported into the engagement, if it was."""
        row = self._conn.execute(
            "SELECT min(imported_at) FROM imports WHERE engagement_id = ? AND sha256 = ?",
            (engagement_id, sha256),
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def count_respondents(self, engagement_id: str, *, include_excluded: bool = False) -> int:
        """Return how many respondents the engagement has."""
        row = self._conn.execute(
            "SELECT count(*) FROM respondents "
            "WHERE engagement_id = ? AND (excluded_reason IS NULL OR ?)",
            (engagement_id, include_excluded),
        ).fetchone()
        return int(row[0])

    def responses(self, engagement_id: str, *, include_excluded: bool = False) -> ResponseSet:
        """Return the engagement's responses as a :class:`ResponseSet`, in submission order.

        All three reads share one snapshot, so a submission arriving meanwhile is either
        wholly in the set or wholly out of it. The first read of a revision keeps a private
        copy of the arrays in ``.cache/`` beside the database; later reads of the same
        revision (the worker processes of a batch) load it instead of querying SQLite.
        Inside a write transaction the copy is neither read nor written: the revision is not
        final there (a rollback takes it back, and a later write reaches it again with other
        data).
        """
        model = self.model(engagement_id)
        questions = model.question_ids
        use_cache = not self._conn.in_transaction
        with self._snapshot():
            cache = (
                cache_path(self.path.parent, engagement_id, include_excluded,
                           self.revision(engagement_id), questions) if use_cache
                else None
            )
            cached = None if cache is None else _load_responses(cache, questions)
            if cached is not None:
                return cached
            resp = self._respondent_rows(engagement_id, include_excluded, questions)
            comments = pd.read_sql_query(
                "SELECT r.respondent_key AS respondent_id, c.dimension_id, c.text "
                "FROM comments c JOIN respondents r ON r.id = c.respondent_id "
                "WHERE r.engagement_id = ? AND (r.excluded_reason IS NULL OR ?) "
                "ORDER BY r.id, c.dimension_id",
                self._conn,
                params=(engagement_id, include_excluded),
            )
        if not resp:
            return ResponseSet.empty(questions)
        keys, roles, teams, departments, recommend, seconds, packed = zip(*resp, strict=True)
        values, na = _unpack_answers(packed, len(questions))
        data = assemble_responses(keys, roles, teams, departments, recommend, seconds, values, na,
                         comments, questions)
        if cache is not None:
            _save_responses(cache, data)
        return data

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Read from one consistent snapshot (a deferred transaction) unless one is open."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def _respondent_rows(
        self, engagement_id: str, include_excluded: bool, questions: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Respondent rows, each with its answers packed into one string by SQLite.

        Reading 60 answers per respondent as separate rows creates a Python object per value
        (6 million for 100,000 respondents); packing them per respondent in SQL reads one
        string each. Each answer is two characters: ``chr(32 + column)`` and
        ``chr(_VALUE_BASE + value)``, or ``_NA`` for "not applicable", ``_NO_VALUE`` for none.
        Answers to items the model does not have are left out by the join.
        """
        conn = self._conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS model_columns "
            "(item_id TEXT PRIMARY KEY, col INTEGER NOT NULL) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.model_columns")
        conn.executemany("INSERT INTO temp.model_columns VALUES (?, ?)",
                         [(q, i) for i, q in enumerate(questions)])
        return conn.execute(
            "SELECT r.respondent_key, r.role, r.team, r.department, r.recommend, "
            "r.duration_seconds, ("
            " SELECT group_concat(char(32 + m.col, CASE WHEN a.not_applicable THEN ?"
            " WHEN a.value IS NULL THEN ? ELSE ? + a.value END), '')"
            " FROM answers a JOIN temp.model_columns m ON m.item_id = a.item_id"
            " WHERE a.respondent_id = r.id) "
            "FROM respondents r WHERE r.engagement_id = ? AND (r.excluded_reason IS NULL OR ?) "
            "ORDER BY r.id",
            (_NA, _NO_VALUE, _VALUE_BASE, engagement_id, include_excluded),
        ).fetchall()

    def exclude(self, engagement_id: str, respondent_id: str, reason: str) -> bool:
        """Leave a respondent out of every score and report, recording why.

        Return False when it already was, for the same reason. An exclusion with another
        reason is an error, never overwritten: :meth:`include` it first.
        """
        why = reason.strip()
        if not why:
            raise ParameterError("reason: say why the response is excluded")
        return self._set_exclusion(engagement_id, respondent_id, why)

    def include(self, engagement_id: str, respondent_id: str) -> bool:
        """Take a respondent back into scores and reports (undo :meth:`exclude`).

        Return False when it was not excluded.
        """
        return self._set_exclusion(engagement_id, respondent_id, None)

    def _set_exclusion(self, engagement_id: str, respondent_id: str, reason: str | None) -> bool:
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT excluded_reason FROM respondents "
                "WHERE engagement_id = ? AND respondent_key = ?",
                (engagement_id, respondent_id),
            ).fetchone()
            if row is None:
                raise NotFoundError(
                    f"no respondent {respondent_id!r} in engagement {engagement_id!r}"
                )
            if row[0] == reason:
                return False  # nothing to change: no write, no new revision
            if row[0] is not None and reason is not None:
                raise ParameterError(
                    f"respondent {respondent_id!r} is already excluded (reason: {row[0]!r}); "
                    "include it again first to give a new reason"
                )
            conn.execute(
                "UPDATE respondents SET excluded_reason = ? "
                "WHERE engagement_id = ? AND respondent_key = ?",
                (reason, engagement_id, respondent_id),
            )
        return True

    def exclusions(self, engagement_id: str) -> pd.DataFrame:
        """Return the excluded respondents with their reasons."""
        return pd.read_sql_query(
            "SELECT respondent_key AS respondent_id, role, team, excluded_reason AS reason "
            "FROM respondents WHERE engagement_id = ? AND excluded_reason IS NOT NULL ORDER BY id",
            self._conn,
            params=(engagement_id,),
        )
