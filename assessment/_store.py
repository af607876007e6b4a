"""The response store: one SQLite database (``assessment.db``) per workspace.

Concurrency and durability rules, applied to every connection:

- WAL journal, so readers never block the writer and a killed process leaves the database
  consistent; a busy timeout, so concurrent writers wait instead of failing;
- every write runs in ``BEGIN IMMEDIATE`` ... ``COMMIT`` (:meth:`Store.transaction`), so a
  write transaction takes the write lock up front and never deadlocks on lock upgrade, and
  an import is stored whole or not at all;
- backups use SQLite's online backup API, never a file copy of a live database.

The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` are applied forward,
each in its own transaction, when a store is opened.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._atomic import atomic_path
from ._exceptions import NotFoundError, ParameterError, StoreError
from ._model import MaturityModel, load_model_text
from ._responses import DURATION, ResponseSet
from ._text import CONTROL, MAX_COMMENT, MAX_NAME, clean_text, neutralise, restore
from ._thresholds import (
    DEFAULT_MIN_COMMENT_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    SMALLEST_MIN_GROUP_SIZE,
    check_min_group_size,
)

__all__ = ["DB_NAME", "MIGRATIONS", "Engagement", "Organisation", "Store"]

DB_NAME = "assessment.db"
#: Folder beside the database for copies of responses already read (see ``responses``).
CACHE_DIR = ".cache"
_CACHE_FORMAT = 1
log = logging.getLogger(__name__)
ENGAGEMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _revision_triggers(*tables: str) -> tuple[str, ...]:
    """Triggers that bump an engagement's revision on every change to these tables."""
    return tuple(
        # Table names are this module's constants, never user input.
        f"""CREATE TRIGGER {table}_{event.lower()}_revision AFTER {event} ON {table} BEGIN
            INSERT INTO revisions (engagement_id, revision) VALUES ({row}.engagement_id, 1)
            ON CONFLICT (engagement_id) DO UPDATE SET revision = revision + 1;
        END"""  # noqa: S608
        for table in tables
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    )


#: Forward migrations: ``MIGRATIONS[i]`` takes the schema from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE models (
            id TEXT NOT NULL,
            version TEXT NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (id, version)
        )""",
        """CREATE TABLE engagements (
            id TEXT PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            wave TEXT NOT NULL,
            date TEXT NOT NULL,
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            min_group_size INTEGER NOT NULL CHECK (min_group_size >= 3),
            created_at TEXT NOT NULL,
            FOREIGN KEY (model_id, model_version) REFERENCES models(id, version)
        )""",
        """CREATE TABLE respondents (
            id INTEGER PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            respondent_key TEXT NOT NULL,
            role TEXT NOT NULL,
            team TEXT NOT NULL,
            department TEXT,
            recommend INTEGER CHECK (recommend BETWEEN 0 AND 10),
            source TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            excluded_reason TEXT,
            UNIQUE (engagement_id, respondent_key)
        )""",
        """CREATE TABLE answers (
            respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            value INTEGER,
            not_applicable INTEGER NOT NULL DEFAULT 0 CHECK (not_applicable IN (0, 1)),
            PRIMARY KEY (respondent_id, item_id),
            CHECK (value IS NULL OR not_applicable = 0)
        ) WITHOUT ROWID""",
        """CREATE TABLE comments (
            respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            dimension_id TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (respondent_id, dimension_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            respondents INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )""",
        "CREATE INDEX respondents_engagement ON respondents(engagement_id, role, team)",
    ),
    (
        "ALTER TABLE engagements ADD COLUMN languages TEXT NOT NULL DEFAULT 'en'",
        """CREATE TABLE engagement_teams (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            team TEXT NOT NULL,
            department TEXT,
            headcount INTEGER NOT NULL CHECK (headcount >= 0),
            PRIMARY KEY (engagement_id, team)
        ) WITHOUT ROWID""",
        """CREATE TABLE targets (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            dimension_id TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            set_at TEXT NOT NULL,
            PRIMARY KEY (engagement_id, dimension_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE ratings (
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            facet_id TEXT NOT NULL,
            level INTEGER CHECK (level BETWEEN 1 AND 5),
            evidence TEXT NOT NULL DEFAULT '',
            rated_at TEXT NOT NULL,
            PRIMARY KEY (engagement_id, facet_id)
        ) WITHOUT ROWID""",
    ),
    (
        # The questionnaire (_invites.py, _drafts.py): invite codes are stored only as
        # sha256 hashes; tables without rowid keep no insertion order that could be matched
        # against the order of respondent rows.
        """CREATE TABLE invite_codes (
            code_hash TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            role TEXT NOT NULL,
            team TEXT NOT NULL,
            department TEXT,
            max_uses INTEGER NOT NULL CHECK (max_uses >= 1),
            uses INTEGER NOT NULL DEFAULT 0 CHECK (uses BETWEEN 0 AND max_uses),
            expires_at TEXT,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX invite_codes_engagement ON invite_codes(engagement_id, team, role)",
        """CREATE TABLE drafts (
            code_hash TEXT NOT NULL REFERENCES invite_codes(code_hash) ON DELETE CASCADE,
            session_hash TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (code_hash, session_hash)
        ) WITHOUT ROWID""",
        "CREATE INDEX drafts_session ON drafts(session_hash)",
        """CREATE TABLE submissions (
            submission_key TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id)
        ) WITHOUT ROWID""",
    ),
    (
        # A revision counter per engagement, bumped by triggers on every change that
        # alters its scores or reports (responses, exclusions, teams, targets).
        """CREATE TABLE revisions (
            engagement_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL
        ) WITHOUT ROWID""",
        *_revision_triggers("respondents", "engagement_teams", "targets", "ratings"),
    ),
    (
        # How long a form respondent took (seconds, rounded), for the "too fast" check.
        "ALTER TABLE respondents ADD COLUMN duration_seconds INTEGER "
        "CHECK (duration_seconds IS NULL OR duration_seconds >= 0)",
        # Free-text comments are released only for groups at least this large.
        "ALTER TABLE engagements ADD COLUMN min_comment_group_size INTEGER NOT NULL DEFAULT 10",
        "UPDATE engagements SET min_comment_group_size = "
        "max(min_comment_group_size, min_group_size)",
        *(
            f"""CREATE TRIGGER engagements_{event.lower()}_comment_group BEFORE {event}
            ON engagements WHEN NEW.min_comment_group_size < NEW.min_group_size BEGIN
                SELECT RAISE(ABORT, 'min_comment_group_size is below min_group_size');
            END"""
            for event in ("INSERT", "UPDATE")
        ),
        # Drafts are encrypted with a key derived from the respondent's code and this salt
        # (_drafts.py); drafts stored in clear before cannot be encrypted without the code,
        # so their answers are dropped (the session itself stays open).
        "ALTER TABLE drafts ADD COLUMN salt BLOB",
        "UPDATE drafts SET data = '', salt = randomblob(16), "
        "updated_at = substr(updated_at, 1, 10)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def unused_path(path: Path) -> Path:
    """Return ``path``, or the first of ``stem-2.ext``, ``stem-3.ext``... that does not exist."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


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


@dataclass(frozen=True)
class Organisation:
    """A client organisation."""

    id: int
    name: str


@dataclass(frozen=True)
class Engagement:
    """One assessment wave of an organisation, on one model version."""

    id: str
    organisation: str
    wave: str
    date: str
    model_id: str
    model_version: str
    min_group_size: int
    #: Languages offered to respondents; the first is the default.
    languages: tuple[str, ...] = ("en",)
    #: The smallest group whose free-text comments may be shown (never below min_group_size).
    min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE


class Store:
    """The SQLite store of one workspace. Open it with ``Store(path)``; close it when done.

    Parameters
    ----------
    path:
        The database file (created with its folder when missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
            self._conn.execute("PRAGMA busy_timeout = 60000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from exc
        self._depth = 0  # nesting of open write transactions (see transaction())
        self._models: dict[tuple[str, str], MaturityModel] = {}
        self._migrate()

    # --- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a write transaction (``BEGIN IMMEDIATE``): all of it is stored, or none.

        Inside another transaction of this store it becomes a savepoint of that one, so
        several writes (an engagement and its teams, say) can be stored as one unit.
        """
        if self._depth:
            name = f"nested_{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self._conn.execute(f"RELEASE {name}")
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            self._models.clear()
            raise
        finally:
            self._depth = 0

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this package knows "
                f"({SCHEMA_VERSION}); upgrade the assessment package"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction() as conn:
                # Another process may have migrated while we waited for the lock.
                if int(conn.execute("PRAGMA user_version").fetchone()[0]) >= target:
                    continue
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target:d}")

    def checkpoint(self, *, wait_ms: int = 2000) -> bool:
        """Copy the write-ahead log into the database file and empty it; True if done.

        Best effort: a reader in the middle of a long read (or a stream of writers) can keep
        it from finishing within ``wait_ms``; the next checkpoint catches up. The form calls
        it after each submission, so a file copy of the workspace does not hold the deleted
        draft (and its code's hash) in the same log as the new respondent.
        """
        if self._conn.in_transaction:
            return False
        (previous,) = self._conn.execute("PRAGMA busy_timeout").fetchone()
        self._conn.execute(f"PRAGMA busy_timeout = {int(wait_ms):d}")
        try:
            busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:  # locked by another connection
            return False
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(previous):d}")
        return int(busy) == 0

    def integrity_check(self) -> str:
        """Return SQLite's ``PRAGMA integrity_check`` verdict (``"ok"`` when sound)."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def backup(self, dest: str | Path | None = None) -> Path:
        """Copy the live database to ``dest`` with SQLite's online backup API.

        Without ``dest``: ``backups/assessment-YYYYMMDD-HHMMSS.db`` beside the database,
        numbered (``-2``, ``-3``...) when that name is taken.
        """
        if dest is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = unused_path(self.path.parent / "backups" / f"assessment-{stamp}.db")
        else:
            target = Path(dest)
        if target.exists():
            raise ParameterError(f"{target}: already exists; choose a new backup file")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        out = sqlite3.connect(partial)
        try:
            self._conn.backup(out)
        finally:
            out.close()
        partial.replace(target)
        return target

    # --- organisations and engagements --------------------------------------------------
    def create_organisation(self, name: str) -> Organisation:
        """Create an organisation; its name must be new."""
        clean = name.strip()
        if not clean:
            raise ParameterError("organisation name: must not be empty")
        with self.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO organisations (name, created_at) VALUES (?, ?)", (clean, _now())
                )
            except sqlite3.IntegrityError as exc:
                raise ParameterError(f"organisation {clean!r} already exists") from exc
        return Organisation(int(cur.lastrowid or 0), clean)

    def organisations(self) -> list[Organisation]:
        """Return every organisation, by name."""
        rows = self._conn.execute("SELECT id, name FROM organisations ORDER BY name").fetchall()
        return [Organisation(int(i), str(n)) for i, n in rows]

    def organisation(self, name: str) -> Organisation:
        """Return the organisation called ``name``."""
        row = self._conn.execute(
            "SELECT id, name FROM organisations WHERE name = ?", (name.strip(),)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no organisation {name!r}; create it with `assessment org create`"
            )
        return Organisation(int(row[0]), str(row[1]))

    def create_engagement(
        self,
        engagement_id: str,
        organisation: str,
        model_source: str,
        *,
        wave: str | None = None,
        on: date | None = None,
        min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
        languages: Sequence[str] | None = None,
        min_comment_group_size: int | None = None,
    ) -> Engagement:
        """Create an engagement of ``organisation`` on the model given as YAML text.

        The model text is stored in the workspace, so later runs score and report with
        exactly the model version the engagement was created with. Comments are shown only
        for groups of at least ``min_comment_group_size`` respondents (default: 10, or
        ``min_group_size`` when that is larger; never below ``min_group_size``).
        """
        if not ENGAGEMENT_ID.match(engagement_id):
            raise ParameterError(
                f"engagement id {engagement_id!r}: use 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        if min_group_size < SMALLEST_MIN_GROUP_SIZE:
            raise ParameterError(
                f"min_group_size: {min_group_size} is below the floor of {SMALLEST_MIN_GROUP_SIZE}"
            )
        comment_size = check_min_group_size(
            max(DEFAULT_MIN_COMMENT_GROUP_SIZE, min_group_size)
            if min_comment_group_size is None else min_comment_group_size,
            "min_comment_group_size",
        )
        if comment_size < min_group_size:
            raise ParameterError(
                f"min_comment_group_size: {comment_size} must be at least min_group_size "
                f"({min_group_size})"
            )
        model = load_model_text(model_source)
        offered = list(languages or model.languages)
        unknown = [lang for lang in offered if lang not in model.languages]
        if unknown or not offered:
            raise ParameterError(
                f"languages: {', '.join(unknown) or 'none given'}; model {model.id} offers "
                f"{', '.join(model.languages)}"
            )
        org = self.organisation(organisation)
        when = (on or date.today()).isoformat()
        with self.transaction() as conn:
            stored = conn.execute(
                "SELECT source FROM models WHERE id = ? AND version = ?", (model.id, model.version)
            ).fetchone()
            if stored is None:
                conn.execute(
                    "INSERT INTO models (id, version, source) VALUES (?, ?, ?)",
                    (model.id, model.version, model_source),
                )
            elif stored[0] != model_source:
                raise ParameterError(
                    f"model {model.id} {model.version} is already stored with different content; "
                    "give the changed model a new version number"
                )
            try:
                conn.execute(
                    "INSERT INTO engagements (id, organisation_id, wave, date, model_id, "
                    "model_version, min_group_size, languages, created_at, "
                    "min_comment_group_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (engagement_id, org.id, wave or when, when, model.id, model.version,
                     min_group_size, ",".join(dict.fromkeys(offered)), _now(), comment_size),
                )
            except sqlite3.IntegrityError as exc:
                raise ParameterError(f"engagement {engagement_id!r} already exists") from exc
        return self.engagement(engagement_id)

    _ENGAGEMENT_SQL = (
        "SELECT e.id, o.name, e.wave, e.date, e.model_id, e.model_version, e.min_group_size, "
        "e.languages, e.min_comment_group_size "
        "FROM engagements e JOIN organisations o ON o.id = e.organisation_id"
    )

    @staticmethod
    def _engagement(row: tuple[Any, ...]) -> Engagement:
        eid, org, wave, on, model_id, model_version, min_size, languages, comment_size = row
        return Engagement(
            eid, org, wave, on, model_id, model_version, int(min_size),
            tuple(str(languages).split(",")), int(comment_size),
        )

    def engagement(self, engagement_id: str) -> Engagement:
        """Return the engagement with this id."""
        row = self._conn.execute(
            self._ENGAGEMENT_SQL + " WHERE e.id = ?", (engagement_id,)
        ).fetchone()
        if row is None:
            known = ", ".join(e.id for e in self.engagements()) or "none yet"
            raise NotFoundError(f"no engagement {engagement_id!r} (known: {known})")
        return self._engagement(row)

    def engagements(self, organisation: str | None = None) -> list[Engagement]:
        """Return the engagements, of one organisation or all, oldest first."""
        if organisation is None:
            rows = self._conn.execute(self._ENGAGEMENT_SQL + " ORDER BY e.date, e.id").fetchall()
        else:
            rows = self._conn.execute(
                self._ENGAGEMENT_SQL + " WHERE o.name = ? ORDER BY e.date, e.id",
                (organisation.strip(),),
            ).fetchall()
        return [self._engagement(r) for r in rows]

    def model(self, engagement_id: str) -> MaturityModel:
        """Return the model the engagement was created with."""
        eng = self.engagement(engagement_id)
        key = (eng.model_id, eng.model_version)
        if key not in self._models:
            (source,) = self._conn.execute(
                "SELECT source FROM models WHERE id = ? AND version = ?", key
            ).fetchone()
            self._models[key] = load_model_text(
                source, f"model {eng.model_id} {eng.model_version} in {self.path}"
            )
        return self._models[key]

    # --- responses -----------------------------------------------------------------------
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
            conn.executemany(
                "INSERT INTO answers (respondent_id, item_id, value, not_applicable) "
                "VALUES (?,?,?,?)",
                (
                    (int(row_ids[r]), items[c], None if na_values[r, c] else int(values[r, c]),
                     int(na_values[r, c]))
                    for r, c in zip(r_idx.tolist(), c_idx.tolist(), strict=True)
                ),
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

    def imported_on(self, engagement_id: str, sha256: str) -> str | None:
        """Return when a file with this SHA-256 was imported into the engagement, if it was."""
        row = self._conn.execute(
            "SELECT min(imported_at) FROM imports WHERE engagement_id = ? AND sha256 = ?",
            (engagement_id, sha256),
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def team_departments(self, engagement_id: str) -> dict[str, str | None]:
        """Return the department of every team with stored responses."""
        rows = self._conn.execute(
            "SELECT DISTINCT team, department FROM respondents WHERE engagement_id = ?",
            (engagement_id,),
        )
        return {str(team): dept for team, dept in rows}

    def revision(self, engagement_id: str) -> int:
        """Return a number that changes whenever the engagement's scores or reports may change."""
        row = self._conn.execute(
            "SELECT revision FROM revisions WHERE engagement_id = ?", (engagement_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for reading; write through :meth:`transaction`."""
        return self._conn

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
                self._cache_file(engagement_id, include_excluded, questions) if use_cache
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
        data = _assemble(keys, roles, teams, departments, recommend, seconds, values, na,
                         comments, questions)
        if cache is not None:
            _save_responses(cache, data)
        return data

    def _cache_file(
        self, engagement_id: str, include_excluded: bool, questions: Sequence[str]
    ) -> Path:
        """Where this read's responses are cached: one file per engagement, kind and revision.

        The name is ``responses-<engagement>-<kind>-<digest>.npz``: a digest of the engagement
        id (never the id itself), ``all`` or ``included`` (with or without the excluded
        respondents), and a digest of everything the read depends on: the engagement, the
        revision its writes bump, the schema and the questions.
        """
        key = json.dumps([engagement_id, include_excluded, self.revision(engagement_id),
                          SCHEMA_VERSION, _CACHE_FORMAT, list(questions)])
        engagement = hashlib.sha256(engagement_id.encode()).hexdigest()[:16]
        kind = "all" if include_excluded else "included"
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.path.parent / CACHE_DIR / f"responses-{engagement}-{kind}-{digest}.npz"

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

    # --- data quality ----------------------------------------------------------------------
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

    # --- engagement set-up: teams, targets, evidence ratings ------------------------------
    def set_teams(self, engagement_id: str, teams: pd.DataFrame) -> None:
        """Replace the engagement's teams: columns ``team``, ``headcount``, ``department``."""
        self.engagement(engagement_id)
        problems = []
        seen: set[str] = set()
        rows = []
        for i, rec in enumerate(teams.to_dict("records")):
            name = str(rec.get("team") or "").strip()
            dept = rec.get("department")
            count = rec.get("headcount")
            if not name:
                problems.append(f"teams row {i + 1}, column 'team': must not be blank")
            elif name in seen:
                problems.append(f"teams row {i + 1}, column 'team': duplicate team {name!r}")
            if not isinstance(count, int | np.integer) or isinstance(count, bool) or count < 0:
                problems.append(
                    f"teams row {i + 1}, column 'headcount': a whole number >= 0, got {count!r}"
                )
            seen.add(name)
            dept_text = str(dept).strip() if isinstance(dept, str) and dept.strip() else None
            rows.append((engagement_id, name, dept_text, int(count or 0)))
        if problems:
            raise ParameterError("; ".join(problems))
        with self.transaction() as conn:
            stored = conn.execute(
                "SELECT engagement_id, team, department, headcount FROM engagement_teams "
                "WHERE engagement_id = ?", (engagement_id,),
            ).fetchall()
            if sorted(stored, key=str) == sorted(rows, key=str):
                return  # unchanged: no write, so the revision (and the reports) stay
            conn.execute("DELETE FROM engagement_teams WHERE engagement_id = ?", (engagement_id,))
            conn.executemany(
                "INSERT INTO engagement_teams (engagement_id, team, department, headcount) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )

    def teams(self, engagement_id: str) -> pd.DataFrame:
        """Return the engagement's teams with their departments and headcounts."""
        return pd.read_sql_query(
            "SELECT team, department, headcount FROM engagement_teams WHERE engagement_id = ? "
            "ORDER BY team",
            self._conn,
            params=(engagement_id,),
        )

    def set_targets(self, engagement_id: str, targets: Mapping[str, int]) -> None:
        """Set the client's target level (1-5) for some or all dimensions."""
        dims = {d.id for d in self.model(engagement_id).dimensions}
        for dim, level in targets.items():
            if dim not in dims:
                raise ParameterError(f"target {dim!r}: not a dimension ({', '.join(sorted(dims))})")
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
                raise ParameterError(f"target {dim!r}: a level from 1 to 5, got {level!r}")
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO targets (engagement_id, dimension_id, level, set_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (engagement_id, dimension_id) "
                "DO UPDATE SET level = excluded.level, set_at = excluded.set_at "
                "WHERE targets.level IS NOT excluded.level",  # unchanged: keep the revision
                [(engagement_id, d, int(v), _now()) for d, v in targets.items()],
            )

    def targets(self, engagement_id: str) -> dict[str, int]:
        """Return the target level per dimension (only the dimensions that have one)."""
        rows = self._conn.execute(
            "SELECT dimension_id, level FROM targets WHERE engagement_id = ?", (engagement_id,)
        )
        return {str(d): int(v) for d, v in rows}

    def set_rating(
        self, engagement_id: str, facet_id: str, level: int | None, evidence: str = ""
    ) -> None:
        """Record the consultant's evidence-based level (1-5, None = not applicable) of a facet."""
        facets = [f.id for d in self.model(engagement_id).dimensions for f in d.facets]
        if facet_id not in facets:
            raise ParameterError(
                f"facet {facet_id!r}: not a facet of the engagement's model; known facets: "
                + ", ".join(facets)
            )
        if level is not None and (isinstance(level, bool) or not 1 <= level <= 5):
            raise ParameterError(f"rating of {facet_id!r}: a level from 1 to 5, got {level!r}")
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO ratings (engagement_id, facet_id, level, evidence, rated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (engagement_id, facet_id) DO UPDATE SET "
                "level = excluded.level, evidence = excluded.evidence, "
                "rated_at = excluded.rated_at WHERE ratings.level IS NOT excluded.level "
                "OR ratings.evidence IS NOT excluded.evidence",  # unchanged: keep the revision
                (engagement_id, facet_id, level, evidence.strip(), _now()),
            )

    def ratings(self, engagement_id: str) -> pd.DataFrame:
        """Return the consultant's facet ratings: ``facet``, ``level`` (NaN = n/a), ``evidence``."""
        return pd.read_sql_query(
            "SELECT facet_id AS facet, level, evidence, rated_at FROM ratings "
            "WHERE engagement_id = ? ORDER BY facet_id",
            self._conn,
            params=(engagement_id,),
        )


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


# --- a copy of each engagement's responses, per revision ----------------------------------
#
# Reading 100,000 respondents from SQLite takes seconds (about 60 answers each); every
# report process of a batch reads the same engagement again. The first read of a revision
# saves the arrays beside the database (private, atomically, no pickle); later reads of
# the same revision load them. A write that changes the responses bumps the revision and
# so the file name; the older files of the same engagement and kind are removed when the
# new one is written.


def _assemble(
    keys: Sequence[Any],
    roles: Sequence[Any],
    teams: Sequence[Any],
    departments: Sequence[Any],
    recommend: Sequence[Any],
    seconds: Sequence[Any],
    values: np.ndarray,
    na: np.ndarray,
    comments: pd.DataFrame,
    questions: Sequence[str],
) -> ResponseSet:
    """Build a :class:`ResponseSet` from its columns (departments: None when missing)."""
    index = pd.Index(keys, name="respondent_id", dtype=object).astype(str)
    respondents = pd.DataFrame(
        {
            "role": np.asarray(roles, dtype=object).astype(str),
            "team": np.asarray(teams, dtype=object).astype(str),
            "department": np.asarray(departments, dtype=object),
            "recommend": np.asarray(recommend, dtype=float),
            DURATION: np.asarray(seconds, dtype=float),
        },
        index=index,
    )
    columns = pd.Index(list(questions))
    return ResponseSet(
        respondents,
        pd.DataFrame(values, index=index, columns=columns),
        pd.DataFrame(na, index=index, columns=columns),
        comments.astype(str),
    )


def _save_responses(path: Path, data: ResponseSet) -> None:
    """Save ``data`` to ``path`` (best effort: a read-only workspace just keeps no copy).

    A copy already there is left alone: the same name means the same revision and content
    (another worker of a batch wrote it meanwhile).
    """
    try:
        if path.is_file():
            return
        resp = data.respondents
        values = data.answers.to_numpy(dtype=float)
        dept = resp["department"]
        arrays = {
            "questions": np.asarray(list(data.answers.columns), dtype=str),
            "keys": np.asarray(resp.index, dtype=str),
            "role": resp["role"].to_numpy(dtype=str),
            "team": resp["team"].to_numpy(dtype=str),
            "department": dept.fillna("").to_numpy(dtype=str),
            "department_missing": dept.isna().to_numpy(),
            "recommend": resp["recommend"].to_numpy(dtype=float),
            "duration": resp[DURATION].to_numpy(dtype=float),
            "values": np.where(np.isnan(values), -1, values).astype(np.int8),
            "na": data.not_applicable.to_numpy(dtype=bool),
            "c_respondent": data.comments["respondent_id"].to_numpy(dtype=str),
            "c_dimension": data.comments["dimension_id"].to_numpy(dtype=str),
            "c_text": data.comments["text"].to_numpy(dtype=str),
        }
        # Older revisions of the same engagement and kind; never the other kind's copy.
        for old in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
        with atomic_path(path, mode=0o600) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
    except OSError as exc:
        log.debug("no copy of the responses kept in %s: %s", path.parent, exc)


def _load_responses(path: Path, questions: Sequence[str]) -> ResponseSet | None:
    """The responses saved at ``path``, or None when there is no usable copy."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            a = {name: npz[name] for name in npz.files}
        if a["questions"].tolist() != list(questions):
            return None
        dept = a["department"].astype(object)
        dept[a["department_missing"]] = None
        values = a["values"].astype(float)
        values[values < 0] = np.nan
        comments = pd.DataFrame(
            {
                "respondent_id": a["c_respondent"].astype(object),
                "dimension_id": a["c_dimension"].astype(object),
                "text": a["c_text"].astype(object),
            }
        )
        return _assemble(a["keys"], a["role"], a["team"], dept, a["recommend"], a["duration"],
                         values, a["na"], comments, questions)
    except (OSError, KeyError, ValueError) as exc:
        log.warning("ignoring an unreadable copy of responses %s: %s", path, exc)
        return None
