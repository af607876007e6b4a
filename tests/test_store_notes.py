"""The consultant's narrative and agreed actions in the store: checks, revisions, migration."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from assessment import NotFoundError, ParameterError, Store
from assessment._store._notes import MAX_ACTION_TITLE, MAX_NARRATIVE
from assessment._store._schema import MIGRATIONS
from tests.conftest import MINI_MODEL


def test_the_narrative_is_stored_per_language_and_dimension(store: Store, engagement: str) -> None:
    assert store.set_narrative(engagement, "# Summary\r\n\nAll **good**.\x07 ", language="en")
    assert store.set_narrative(engagement, "Cultuur: *sterk*.", language="nl", dimension="culture")
    assert store.narrative(engagement, language="en") == "# Summary\n\nAll **good**."
    assert store.narrative(engagement, language="nl") is None
    assert store.narrative(engagement, language="nl", dimension="culture") == "Cultuur: *sterk*."
    frame = store.narratives(engagement)
    assert frame[["dimension", "language"]].values.tolist() == [[None, "en"], ["culture", "nl"]]
    revision = store.revision(engagement)
    assert not store.set_narrative(engagement, "Cultuur: *sterk*.", language="nl",
                                   dimension="culture")
    assert store.revision(engagement) == revision  # unchanged: no write
    assert store.clear_narrative(engagement, language="nl", dimension="culture")
    assert not store.clear_narrative(engagement, language="nl", dimension="culture")
    assert store.narratives(engagement)["language"].tolist() == ["en"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"text": "x", "language": "de"}, "language: 'de' is not a language of engagement e1"),
    ({"text": "x", "language": "en", "dimension": "nope"}, "dimension: 'nope' is not a dimension"),
    ({"text": " \n\t", "language": "en"}, "narrative text: must not be empty"),
    ({"text": "x" * (MAX_NARRATIVE + 1), "language": "en"},
     f"narrative text: {MAX_NARRATIVE + 1} characters, at most {MAX_NARRATIVE}"),
])
def test_a_bad_narrative_is_refused_naming_the_field(
    store: Store, engagement: str, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(ParameterError, match=field):
        store.set_narrative(engagement, **kwargs)
    assert store.narratives(engagement).empty
    assert store.revision(engagement) == 0


def test_actions_are_added_listed_and_done(store: Store, engagement: str) -> None:
    late = store.add_action(engagement, dimension="autonomy", title="Let teams choose tools",
                            owner="CIO", due="2027-03-31")
    first = store.add_action(engagement, dimension="culture", title="Customer days",
                             owner="HR lead", due=date(2027, 1, 15))
    assert (first.dimension, first.due, first.status) == ("culture", "2027-01-15", "open")
    table = store.actions(engagement)
    assert table["id"].tolist() == [first.id, late.id]  # model order: culture, autonomy
    assert table["status"].tolist() == ["open", "open"]
    revision = store.revision(engagement)
    assert store.set_action_status(engagement, first.id, "done")
    assert not store.set_action_status(engagement, first.id, "done")
    assert store.revision(engagement) == revision + 1
    assert store.actions(engagement)["status"].tolist() == ["done", "open"]
    with pytest.raises(NotFoundError, match="action: no action 999 in engagement e1"):
        store.set_action_status(engagement, 999)
    with pytest.raises(ParameterError, match="status: 'closed'"):
        store.set_action_status(engagement, first.id, "closed")  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dimension": "people"}, "dimension: 'people' is not a dimension"),
    ({"title": ""}, "title: must not be empty"),
    ({"title": "x" * (MAX_ACTION_TITLE + 1)}, "title: 201 characters, at most 200"),
    ({"title": "two\nlines"}, "title: one line expected"),
    ({"owner": "  "}, "owner: must not be empty"),
    ({"due": "31/03/2027"}, r"due: an ISO date \(YYYY-MM-DD\), got '31/03/2027'"),
    ({"due": "2027-02-30"}, "due: an ISO date"),
    ({"due": "20270301"}, "due: an ISO date"),
])
def test_a_bad_action_is_refused_naming_the_field(
    store: Store, engagement: str, kwargs: dict[str, str], message: str
) -> None:
    values = {"dimension": "culture", "title": "T", "owner": "O", "due": "2027-01-01"} | kwargs
    with pytest.raises(ParameterError, match=message):
        store.add_action(engagement, **values)
    assert store.actions(engagement).empty


def test_notes_bump_the_revision_but_not_the_data_revision(store: Store, engagement: str) -> None:
    store.set_targets(engagement, {"culture": 3})
    data = store.data_revision(engagement)
    assert data == store.revision(engagement) == 1
    store.set_narrative(engagement, "Text", language="en")
    action = store.add_action(engagement, dimension="culture", title="T", owner="O",
                              due="2027-01-01")
    store.set_action_status(engagement, action.id)
    store.clear_narrative(engagement, language="en")
    assert store.revision(engagement) == 5
    assert store.note_revision(engagement) == 4
    assert store.data_revision(engagement) == data
    store.set_targets(engagement, {"culture": 4})
    assert store.data_revision(engagement) == data + 1


def test_an_older_workspace_gains_the_notes_tables(tmp_path: Path) -> None:
    db = tmp_path / "assessment.db"
    before = len(MIGRATIONS) - 1
    conn = sqlite3.connect(db, isolation_level=None)
    for statements in MIGRATIONS[:before]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.close()
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
        store.set_narrative("e1", "Text", language="nl", dimension="autonomy")
        assert store.narratives("e1")["text"].tolist() == ["Text"]
        assert store.revision("e1") == 1 and store.data_revision("e1") == 0
