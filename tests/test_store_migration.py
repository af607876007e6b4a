"""The schema's form-privacy migration: an older workspace upgrades in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assessment import ParameterError, Store
from assessment._store._schema import MIGRATIONS
from tests.conftest import MINI_MODEL

#: The schema version before durations, comment group sizes and encrypted drafts.
BEFORE = 4


def _old_workspace(path: Path) -> None:
    """A database at schema version 4 with two engagements and a draft stored in clear."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:BEFORE]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {BEFORE}")
    conn.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Org', 'x')")
    conn.execute("INSERT INTO models VALUES ('mini', '1.0', ?)", (MINI_MODEL.read_text(),))
    for eid, size in (("small", 5), ("large", 12)):
        conn.execute(
            "INSERT INTO engagements (id, organisation_id, wave, date, model_id, model_version, "
            "min_group_size, created_at) VALUES (?, 1, 'w', '2026-01-01', 'mini', '1.0', ?, 'x')",
            (eid, size),
        )
    conn.execute("INSERT INTO invite_codes (code_hash, engagement_id, role, team, max_uses, "
                 "created_at) VALUES ('h', 'small', 'manager', 'T', 1, 'x')")
    conn.execute("INSERT INTO drafts VALUES ('h', '', '{\"comments\": {\"culture\": \"SECRET\"}}', "
                 "'2026-02-03T10:11:12+00:00')")
    conn.execute("INSERT INTO respondents (engagement_id, respondent_key, role, team, source, "
                 "submitted_at) VALUES ('small', 'r1', 'manager', 'T', 'import:x', 'x')")
    conn.close()


def test_an_older_workspace_gains_durations_comment_sizes_and_drops_clear_drafts(
    tmp_path: Path,
) -> None:
    db = tmp_path / "assessment.db"
    _old_workspace(db)
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.engagement("small").min_comment_group_size == 10
        assert store.engagement("large").min_comment_group_size == 12  # never below 12
        data, salt, updated = store.connection.execute(
            "SELECT data, salt, updated_at FROM drafts").fetchone()
        assert (data, len(salt), updated) == ("", 16, "2026-02-03")
        assert "SECRET" not in "\n".join(store.connection.iterdump())
        assert store.responses("small").respondents["duration_seconds"].isna().all()
        with pytest.raises(sqlite3.IntegrityError, match="min_comment_group_size"), \
                store.transaction() as conn:
            conn.execute("UPDATE engagements SET min_group_size = 11 WHERE id = 'small'")


def test_the_comment_group_size_defaults_to_ten_and_never_undercuts_the_group_size(
    store: Store,
) -> None:
    store.create_organisation("Org")
    model = MINI_MODEL.read_text(encoding="utf-8")
    assert store.create_engagement("a", "Org", model).min_comment_group_size == 10
    assert store.create_engagement("b", "Org", model, min_group_size=15
                                   ).min_comment_group_size == 15
    assert store.create_engagement("c", "Org", model, min_group_size=4,
                                   min_comment_group_size=6).min_comment_group_size == 6
    for bad in (4, 2.5, True):
        with pytest.raises(ParameterError, match="min_comment_group_size"):
            store.create_engagement("d", "Org", model, min_group_size=5,
                                    min_comment_group_size=bad)  # type: ignore[arg-type]
    assert [e.id for e in store.engagements()] == ["a", "b", "c"]
