"""The SQLite store: migrations, transactions, concurrent writers, crash safety, backups."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import (
    NotFoundError,
    ParameterError,
    ResponseSet,
    Store,
    StoreError,
    demo_responses,
    generate_frames,
    write_responses,
)
from assessment._model._schema import MaturityModel
from assessment._store._schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import MINI_MODEL


def test_new_store_is_migrated_to_the_current_schema_in_wal_mode(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"organisations", "engagements", "respondents", "answers", "comments"} <= tables


def test_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "assessment.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this package knows"):
        Store(path)


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO organisations (name, created_at) VALUES ('X', 'now')")
        raise RuntimeError("boom")
    assert store.organisations() == []


def test_engagement_keeps_its_model_and_settings(store: Store, engagement: str) -> None:
    eng = store.engagement(engagement)
    assert (eng.organisation, eng.model_id, eng.model_version, eng.min_group_size) == (
        "Org", "mini", "1.0", 5
    )
    assert list(store.model(engagement).items) == ["cul_1", "cul_2", "cul_3", "aut_1", "aut_2"]


@pytest.mark.parametrize("bad_id", ["../etc", "a b", "", "x" * 65, "-lead"])
def test_engagement_ids_that_are_unsafe_in_paths_are_refused(store: Store, bad_id: str) -> None:
    store.create_organisation("Org")
    with pytest.raises(ParameterError, match="engagement id"):
        store.create_engagement(bad_id, "Org", MINI_MODEL.read_text())


def test_minimum_group_size_never_below_three(store: Store) -> None:
    store.create_organisation("Org")
    with pytest.raises(ParameterError, match="below the floor of 3"):
        store.create_engagement("e", "Org", MINI_MODEL.read_text(), min_group_size=2)


def test_changed_model_under_the_same_version_is_refused(store: Store, engagement: str) -> None:
    changed = MINI_MODEL.read_text().replace("Mini model", "Changed model")
    with pytest.raises(ParameterError, match="new version number"):
        store.create_engagement("e2", "Org", changed)


def test_unknown_engagement_names_the_known_ones(store: Store, engagement: str) -> None:
    with pytest.raises(NotFoundError, match=r"no engagement 'nope' \(known: e1\)"):
        store.engagement("nope")


def test_responses_round_trip_through_the_store(store: Store, engagement: str, mini_model) -> None:  # type: ignore[no-untyped-def]
    data = demo_responses(mini_model)
    assert store.add_responses(engagement, data, source="test") == len(data)
    back = store.responses(engagement)
    assert back.respondents.equals(data.respondents)
    assert back.answers.equals(data.answers)
    assert back.not_applicable.equals(data.not_applicable)
    assert sorted(back.comments["text"]) == sorted(data.comments["text"])


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_cell_reads_back_as_written(  # type: ignore[no-untyped-def]
    tmp_path: Path, mini_model, data: st.DataObject
) -> None:
    """Answered, not applicable or missing, in any mix: the packed read gives back each cell."""
    questions = mini_model.question_ids
    n = data.draw(st.integers(1, 12))
    values = np.full((n, len(questions)), np.nan)
    na = np.zeros((n, len(questions)), dtype=bool)
    for i in range(n):
        for j, q in enumerate(questions):
            scale = mini_model.scale_of(q)
            kinds = ["value", "missing"] + (["na"] if mini_model.allows_na(q) else [])
            kind = data.draw(st.sampled_from(kinds))
            if kind == "value":
                values[i, j] = data.draw(st.integers(scale.min, scale.max))
            na[i, j] = kind == "na"
    ids = pd.Index([f"r{i}" for i in range(n)], name="respondent_id")
    people = pd.DataFrame({"role": "frontline", "team": "T", "department": None,
                           "recommend": np.nan}, index=ids)
    written = ResponseSet(people, pd.DataFrame(values, index=ids, columns=questions),
                          pd.DataFrame(na, index=ids, columns=questions),
                          pd.DataFrame(columns=["respondent_id", "dimension_id", "text"]))
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder, \
            Store(Path(folder) / "assessment.db") as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
        store.add_responses("e1", written, source="test")
        back = store.responses("e1")
    assert back.answers.equals(written.answers)
    assert back.not_applicable.equals(written.not_applicable)


def test_answers_to_items_the_model_lacks_are_ignored_and_reads_nest_in_transactions(
    store: Store, engagement: str, mini_model  # type: ignore[no-untyped-def]
) -> None:
    data = demo_responses(mini_model)
    store.add_responses(engagement, data, source="test")
    with store.transaction() as conn:
        conn.execute("INSERT INTO answers SELECT id, 'retired-item', 3, 0 FROM respondents")
        inside = store.responses(engagement)  # inside a write transaction: no nested BEGIN
    assert inside.answers.equals(data.answers)
    assert store.responses(engagement).answers.equals(data.answers)


def test_empty_engagement_gives_empty_frames(store: Store, engagement: str, mini_model) -> None:  # type: ignore[no-untyped-def]
    data = store.responses(engagement)
    assert len(data) == 0
    assert list(data.answers.columns) == mini_model.question_ids


class _Recording:
    """A connection that records calls of ``backup`` and passes everything on."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.backups = 0

    def backup(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.backups += 1
        return self._conn.backup(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._conn, name)


def test_backup_uses_the_backup_api_and_is_a_complete_database(
    store: Store, engagement: str, mini_model, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    # The committed responses stay in the write-ahead log, not in assessment.db, and another
    # connection holds an uncommitted write: a file copy would miss the one or hold the other.
    store.connection.execute("PRAGMA wal_autocheckpoint = 0")
    store.add_responses(engagement, demo_responses(mini_model), source="test")
    assert Path(f"{store.path}-wal").stat().st_size > 0
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO organisations (name, created_at) VALUES ('Uncommitted', 'now')")
    recording = _Recording(store._conn)
    store._conn = recording  # type: ignore[assignment]
    try:
        dest = store.backup(tmp_path / "backup" / "copy.db")
    finally:
        store._conn = recording._conn
        other.execute("ROLLBACK")
        other.close()
    assert recording.backups == 1
    assert not Path(f"{dest}-wal").exists() or Path(f"{dest}-wal").stat().st_size == 0
    with Store(dest) as copy:
        assert copy.integrity_check() == "ok"
        assert copy.count_respondents(engagement) == store.count_respondents(engagement) > 200
        assert [o.name for o in copy.organisations()] == ["Org"]
    with pytest.raises(ParameterError, match="already exists"):
        store.backup(dest)


def test_backups_without_a_name_never_collide(store: Store, engagement: str) -> None:
    first, second = store.backup(), store.backup()
    assert first != second and first.parent == second.parent == store.path.parent / "backups"
    assert re.fullmatch(r"assessment-\d{8}-\d{6}(-\d+)?\.db", second.name)
    for path in (first, second):
        with Store(path) as copy:
            assert copy.engagement(engagement).organisation == "Org"


def test_nested_transactions_are_savepoints_of_the_outer_one(store: Store) -> None:
    with store.transaction():
        store.create_organisation("Kept")
        with pytest.raises(ParameterError), store.transaction():
            store.create_organisation("Dropped")
            store.create_organisation("Kept")  # a duplicate: the savepoint rolls back
    assert [o.name for o in store.organisations()] == ["Kept"]
    with pytest.raises(RuntimeError), store.transaction():
        store.create_organisation("Inner, then the outer fails")
        raise RuntimeError("boom")
    assert [o.name for o in store.organisations()] == ["Kept"]
    store.create_organisation("After")  # the store is usable again
    assert not store.connection.in_transaction


def test_an_older_database_with_data_is_migrated_and_keeps_it(
    tmp_path: Path, mini_model  # type: ignore[no-untyped-def]
) -> None:
    """A version-1 database built by hand from the first migration, with one of everything."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO organisations VALUES (1, 'Old Org', '2024-01-01')")
    conn.execute("INSERT INTO models VALUES ('mini', '1.0', ?)", (MINI_MODEL.read_text(),))
    conn.execute("INSERT INTO engagements VALUES ('old', 1, '2024-Q1', '2024-01-15', 'mini', "
                 "'1.0', 6, '2024-01-01')")
    conn.execute("INSERT INTO respondents VALUES (1, 'old', 'r1', 'manager', 'Team A', 'Care', "
                 "9, 'import', '2024-01-20', NULL)")
    conn.execute("INSERT INTO respondents VALUES (2, 'old', 'r2', 'frontline', 'Team A', "
                 "'Care', NULL, 'import', '2024-01-20', 'test entry')")
    conn.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)",
                     [(1, "cul_1", 4, 0), (1, "cul_2", None, 1), (2, "aut_1", 2, 0)])
    conn.execute("INSERT INTO comments VALUES (1, 'culture', 'Kept through the upgrade')")
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.integrity_check() == "ok"
        eng = store.engagement("old")
        assert (eng.organisation, eng.wave, eng.min_group_size, eng.languages) == (
            "Old Org", "2024-Q1", 6, ("en",))
        data = store.responses("old")
        assert list(data.respondents.index) == ["r1"]  # r2 stays excluded
        assert data.answers.loc["r1", "cul_1"] == 4 and data.not_applicable.loc["r1", "cul_2"]
        assert data.respondents.loc["r1", "recommend"] == 9
        assert data.comments["text"].tolist() == ["Kept through the upgrade"]
        assert store.exclusions("old")["reason"].tolist() == ["test entry"]
        assert store.count_respondents("old", include_excluded=True) == 2
        store.set_targets("old", {"culture": 4})  # the later tables work on the old data
        assert store.revision("old") == 1


def _one_submission(rid: str, question_ids: list[str], rng: np.random.Generator) -> ResponseSet:
    index = pd.Index([rid], name="respondent_id")
    respondents = pd.DataFrame(
        {"role": ["frontline"], "team": ["T"], "department": ["D"], "recommend": [7.0]},
        index=index,
    )
    answers = pd.DataFrame(
        rng.integers(1, 6, size=(1, len(question_ids))).astype(float),
        index=index, columns=question_ids,
    )
    na = pd.DataFrame(False, index=index, columns=question_ids)
    comments = pd.DataFrame({"respondent_id": [rid], "dimension_id": ["culture"], "text": ["x"]})
    return ResponseSet(respondents, answers, na, comments)


def _writer(db: str, worker: int, count: int) -> None:
    rng = np.random.default_rng(worker)
    with Store(db) as store:
        questions = store.model("e1").question_ids
        for i in range(count):
            store.add_responses("e1", _one_submission(f"w{worker}-{i}", questions, rng),
                                source="form")


@pytest.mark.slow
def test_eight_processes_writing_300_submissions_each_lose_nothing(
    store: Store, engagement: str
) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(store.path), w, 300)) for w in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * 8  # a "database is locked" error exits 1
    assert store.count_respondents(engagement) == 2400
    counts = store.connection.execute(
        "SELECT count(*), count(DISTINCT respondent_id) FROM comments"
    ).fetchone()
    assert counts == (2400, 2400)
    assert store.integrity_check() == "ok"


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from assessment import Store, import_responses
    store = Store(sys.argv[1])
    seen = 0
    def trace(statement):
        global seen
        if statement.startswith("INSERT INTO answers"):
            seen += 1
            if seen == 5000:  # well inside the import's transaction
                print("inside", flush=True)
                time.sleep(600)
    store.connection.set_trace_callback(trace)
    import_responses(store, "e1", sys.argv[2])
    print("finished", flush=True)
    """
)


@pytest.mark.slow
def test_sigkill_during_an_import_keeps_the_database_consistent_and_all_or_nothing(
    store: Store, engagement: str, mini_model, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    respondents, answers, comments = generate_frames(mini_model, 3000, seed=1)
    data = ResponseSet(respondents, answers, answers.isna() & False, comments)
    big = write_responses(data, mini_model, tmp_path / "big.csv")
    script = tmp_path / "kill_me.py"
    script.write_text(KILL_SCRIPT)
    with subprocess.Popen(
        [sys.executable, str(script), str(store.path), str(big)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "inside"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Store(store.path) as after:
        assert after.integrity_check() == "ok"
        assert after.count_respondents(engagement, include_excluded=True) == 0
        assert after._conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 0
    # The same import then succeeds whole.
    from assessment import import_responses

    start = time.perf_counter()
    assert import_responses(store, engagement, big).respondents == 3000
    assert time.perf_counter() - start < 60
    assert store.count_respondents(engagement) == 3000


def test_engagement_languages_default_to_the_model_and_are_checked(store: Store) -> None:
    store.create_organisation("Org")
    assert store.create_engagement("a", "Org", MINI_MODEL.read_text()).languages == ("en", "nl")
    chosen = store.create_engagement("b", "Org", MINI_MODEL.read_text(), languages=["nl"])
    assert chosen.languages == ("nl",)
    with pytest.raises(ParameterError, match="languages: uk; model mini offers en, nl"):
        store.create_engagement("c", "Org", MINI_MODEL.read_text(), languages=["en", "uk"])


def test_teams_with_headcounts_are_replaced_whole_and_validated(
    store: Store, engagement: str
) -> None:
    teams = pd.DataFrame({"team": ["A", "B"], "department": ["Care", None], "headcount": [12, 7]})
    store.set_teams(engagement, teams)
    store.set_teams(engagement, teams.iloc[:1])
    assert store.teams(engagement).to_dict("records") == [
        {"team": "A", "department": "Care", "headcount": 12}
    ]
    bad = pd.DataFrame({"team": ["A", "A", ""], "department": None, "headcount": [1, -2, 3]})
    with pytest.raises(ParameterError) as err:
        store.set_teams(engagement, bad)
    assert "teams row 2, column 'team': duplicate team 'A'" in str(err.value)
    assert "teams row 2, column 'headcount'" in str(err.value)
    assert "teams row 3, column 'team': must not be blank" in str(err.value)
    assert len(store.teams(engagement)) == 1


def test_targets_and_ratings_are_validated_against_the_model(
    store: Store, engagement: str
) -> None:
    store.set_targets(engagement, {"culture": 3, "autonomy": 4})
    store.set_targets(engagement, {"culture": 4})
    assert store.targets(engagement) == {"culture": 4, "autonomy": 4}
    with pytest.raises(ParameterError, match="'weather': not a dimension"):
        store.set_targets(engagement, {"weather": 3})
    with pytest.raises(ParameterError, match="from 1 to 5, got 6"):
        store.set_targets(engagement, {"culture": 6})
    store.set_rating(engagement, "latitude", 2, "  Scripts are mandatory in every call.  ")
    store.set_rating(engagement, "customer_first", None, "Not observed")
    ratings = store.ratings(engagement).set_index("facet")
    assert ratings.loc["latitude", "evidence"] == "Scripts are mandatory in every call."
    assert pd.isna(ratings.loc["customer_first", "level"])
    with pytest.raises(ParameterError, match="not a facet"):
        store.set_rating(engagement, "culture", 3)


def test_revision_changes_with_responses_exclusions_teams_and_targets(
    store: Store, engagement: str, mini_model  # type: ignore[no-untyped-def]
) -> None:
    seen = [store.revision(engagement)]
    data = demo_responses(mini_model)
    store.add_responses(engagement, data, source="test")
    seen.append(store.revision(engagement))
    store.exclude(engagement, str(data.respondents.index[0]), "test")
    seen.append(store.revision(engagement))
    store.set_targets(engagement, {"culture": 4})
    seen.append(store.revision(engagement))
    store.set_teams(engagement, pd.DataFrame({"team": ["A"], "department": [None],
                                              "headcount": [3]}))
    seen.append(store.revision(engagement))
    assert seen == sorted(set(seen)) and seen[0] == 0  # strictly increasing
    assert store.revision("other") == 0
    # Writing what is already stored changes nothing, so reports are not rebuilt.
    store.set_targets(engagement, {"culture": 4})
    store.set_teams(engagement, pd.DataFrame({"team": ["A"], "department": [None],
                                              "headcount": [3]}))
    store.set_rating(engagement, "latitude", None, "n/a")
    rated = store.revision(engagement)
    store.set_rating(engagement, "latitude", None, "n/a")
    assert store.revision(engagement) == rated == seen[-1] + 1


def test_an_exclusion_keeps_its_reason_until_taken_back(
    store: Store, engagement: str, mini_model  # type: ignore[no-untyped-def]
) -> None:
    data = demo_responses(mini_model)
    store.add_responses(engagement, data, source="test")
    rid = str(data.respondents.index[0])
    assert store.exclude(engagement, rid, "test entry")
    revision = store.revision(engagement)
    assert not store.exclude(engagement, rid, " test entry ")  # the same: nothing to do
    with pytest.raises(ParameterError, match=r"already excluded \(reason: 'test entry'\)"):
        store.exclude(engagement, rid, "too fast")
    assert store.exclusions(engagement)["reason"].tolist() == ["test entry"]
    assert store.revision(engagement) == revision
    assert store.include(engagement, rid) and not store.include(engagement, rid)
    with pytest.raises(NotFoundError):
        store.include(engagement, "nobody")


def test_names_are_stored_as_import_stores_them_and_overlong_text_is_refused(
    store: Store, engagement: str, mini_model: MaturityModel
) -> None:
    data = demo_responses(mini_model)
    first = data.respondents.index[0]
    data.respondents.loc[first, "team"] = "  Billing "
    store.add_responses(engagement, data, source="test")
    stored = store.responses(engagement).respondents
    assert stored.loc[first, "team"] == "Billing"  # what an export re-imports unchanged
    for column, value, message in (
        ("team", "   ", "team: must not be blank"),
        ("team", "x" * 121, "team: longer than 120 characters"),
        ("department", "Bell\x07", "department: contains control characters"),
        ("team", "Trojan\u202e", "team: contains control characters"),
    ):
        bad = demo_responses(mini_model)
        bad.respondents.index = bad.respondents.index + "-b"
        bad.answers.index = bad.not_applicable.index = bad.respondents.index
        bad.comments["respondent_id"] = bad.comments["respondent_id"] + "-b"
        bad.respondents.loc[bad.respondents.index[1], column] = value
        with pytest.raises(ParameterError, match=message):
            store.add_responses(engagement, bad, source="test")
    long = demo_responses(mini_model)
    long.respondents.index = long.respondents.index + "-c"
    long.answers.index = long.not_applicable.index = long.respondents.index
    long.comments["respondent_id"] = long.comments["respondent_id"] + "-c"
    long.comments.loc[long.comments.index[0], "text"] = "y" * 2001
    with pytest.raises(ParameterError, match="2001 characters, at most 2000"):
        store.add_responses(engagement, long, source="test")
    assert len(store.responses(engagement).respondents) == len(data.respondents)


def test_a_second_read_of_the_same_revision_comes_from_a_private_copy(
    store: Store, engagement: str, mini_model: MaturityModel
) -> None:
    store.add_responses(engagement, demo_responses(mini_model), source="test")
    first = store.responses(engagement)
    (copy,) = (store.path.parent / ".cache").glob("responses-*.npz")
    assert copy.stat().st_mode & 0o077 == 0  # respondent-level data: owner only
    again = store.responses(engagement)
    for a, b in ((first.respondents, again.respondents), (first.answers, again.answers),
                 (first.not_applicable, again.not_applicable),
                 (first.comments, again.comments)):
        pd.testing.assert_frame_equal(a, b)
    # A write that changes the responses changes the revision: a new copy, the old one gone.
    rid = first.respondents.index[0]
    store.exclude(engagement, rid, "test")
    excluded = store.responses(engagement)
    assert rid not in excluded.respondents.index
    assert copy not in set((store.path.parent / ".cache").glob("responses-*.npz"))
    # A damaged copy is ignored: the store reads the database again.
    (damaged,) = (store.path.parent / ".cache").glob("responses-*.npz")
    damaged.write_bytes(b"not a numpy file")
    pd.testing.assert_frame_equal(store.responses(engagement).answers, excluded.answers)


def _subset(data: ResponseSet, ids: list[str]) -> ResponseSet:
    return ResponseSet(data.respondents.loc[ids], data.answers.loc[ids],
                       data.not_applicable.loc[ids],
                       data.comments[data.comments["respondent_id"].isin(ids)])


def test_a_read_inside_a_rolled_back_transaction_is_never_served_later(
    store: Store, engagement: str, mini_model: MaturityModel
) -> None:
    data = demo_responses(mini_model)
    ids = list(data.respondents.index)
    with pytest.raises(RuntimeError), store.transaction():
        store.add_responses(engagement, _subset(data, ids[:3]), source="test")
        assert list(store.responses(engagement).respondents.index) == ids[:3]
        uncommitted = store.revision(engagement)
        raise RuntimeError("rolled back")
    store.add_responses(engagement, _subset(data, ids[3:6]), source="test")
    assert store.revision(engagement) == uncommitted  # the same revision, other data
    assert list(store.responses(engagement).respondents.index) == ids[3:6]
    assert list(store.responses(engagement).respondents.index) == ids[3:6]  # from the copy


def test_reads_with_and_without_the_excluded_keep_their_own_copies(
    store: Store, engagement: str, mini_model: MaturityModel
) -> None:
    store.add_responses(engagement, demo_responses(mini_model), source="test")
    store.exclude(engagement, store.responses(engagement).respondents.index[0], "test")
    cache = store.path.parent / ".cache"
    kept = store.responses(engagement)
    everyone = store.responses(engagement, include_excluded=True)
    copies = set(cache.glob("responses-*.npz"))
    assert len(copies) == 2  # neither read evicted the other's copy
    stamps = {p: p.stat().st_mtime_ns for p in copies}
    pd.testing.assert_frame_equal(store.responses(engagement).answers, kept.answers)
    pd.testing.assert_frame_equal(
        store.responses(engagement, include_excluded=True).answers, everyone.answers
    )
    assert {p: p.stat().st_mtime_ns for p in cache.glob("responses-*.npz")} == stamps
