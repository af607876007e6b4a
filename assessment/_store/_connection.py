"""The store's connection: one SQLite database per workspace, and the rules every write follows.

- WAL journal, so readers never block the writer and a killed process leaves the database
  consistent; a busy timeout, so concurrent writers wait instead of failing;
- every write runs in ``BEGIN IMMEDIATE`` ... ``COMMIT`` (:meth:`StoreBase.transaction`), so a
  write transaction takes the write lock up front and never deadlocks on lock upgrade, and
  an import is stored whole or not at all;
- backups use SQLite's online backup API, never a file copy of a live database.

A store is used from one thread at a time. The questionnaire server hosts many sessions in
one process and handles a session's messages in whichever worker thread is free, one message
at a time: it opens its stores with ``check_same_thread=False``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from .._exceptions import ParameterError, StoreError
from .._model._schema import MaturityModel
from ._schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "assessment.db"


log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def unused_path(path: Path) -> Path:
    """Return ``path``, or the first of ``stem-2.ext``, ``stem-3.ext``... that does not exist."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


class StoreBase:
    """The connection, transactions, migrations, checkpoints and backups of a store."""

    def __init__(self, path: str | Path, *, check_same_thread: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=60.0, isolation_level=None,
                check_same_thread=check_same_thread,
            )
            self._conn.execute("PRAGMA busy_timeout = 60000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from exc
        self._depth = 0  # nesting of open write transactions (see transaction())
        self._models: dict[tuple[str, str], MaturityModel] = {}
        self._migrate()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Self:
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

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for reading; write through :meth:`transaction`."""
        return self._conn
