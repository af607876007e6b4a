"""The engagement's snapshot: what batch workers read instead of the workspace."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment import ParameterError, Workspace, prepare_report
from assessment._report._snapshot import Snapshot, read_snapshot, take_snapshot, write_snapshot
from assessment._report._tables import engagement_tables

UNITS = ["organisation", "team:Customer Care Kyiv", "role:manager", "department:Support"]


@pytest.fixture(scope="module")
def snapshot(demo_workspace: Workspace) -> Snapshot:
    return take_snapshot(demo_workspace, "demo")


@pytest.fixture
def private() -> Iterator[Path]:
    """A private folder (mode 0700), as a worker makes one."""
    folder = Path(tempfile.mkdtemp(prefix="snapshot-test-"))
    yield folder
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_a_report_from_the_snapshot_is_the_report_from_the_workspace(
    demo_workspace: Workspace, snapshot: Snapshot, private: Path, tmp_path: Path, unit: str
) -> None:
    path = write_snapshot(snapshot, private)
    from_store = prepare_report(str(demo_workspace.path), "demo", unit, "nl", str(tmp_path / "a"))
    from_file = prepare_report("", "demo", unit, "nl", str(tmp_path / "b"), snapshot=str(path))
    assert from_file.published_scores().equals(from_store.published_scores())
    assert [s.html for s in from_file.sections()] == [s.html for s in from_store.sections()]


def test_the_snapshot_carries_no_respondent_id(
    demo_workspace: Workspace, snapshot: Snapshot
) -> None:
    ids = engagement_tables(demo_workspace, "demo").respondents.index
    assert len(ids) > 200
    assert not [rid for rid in ids if rid.encode() in snapshot.payload]
    assert snapshot.engagement == "demo" and snapshot.size == len(snapshot.payload)


def test_the_snapshot_is_read_once_per_process_and_checks_its_engagement(
    snapshot: Snapshot, private: Path
) -> None:
    path = write_snapshot(snapshot, private)
    assert write_snapshot(snapshot, private) == path  # written once
    assert (path.stat().st_mode & 0o777) == 0o600
    tables = read_snapshot(path, "demo")
    assert read_snapshot(path, "demo") is tables
    assert tables.respondents.index.equals(tables.publication.respondent_ids)
    with pytest.raises(ParameterError, match="'other' is not the engagement of snapshot"):
        read_snapshot(path, "other")


def test_a_snapshot_is_read_only_from_a_private_folder_of_this_user(
    snapshot: Snapshot, private: Path, tmp_path: Path
) -> None:
    open_folder = tmp_path / "open"
    open_folder.mkdir(mode=0o755)
    os.chmod(open_folder, 0o755)
    shared = write_snapshot(snapshot, open_folder)
    with pytest.raises(ParameterError, match="its folder is not private"):
        read_snapshot(shared, "demo")
    path = write_snapshot(snapshot, private)
    os.chmod(path, 0o664)
    with pytest.raises(ParameterError, match="the file is not this user's alone"):
        read_snapshot(path, "demo")


def test_a_damaged_or_foreign_snapshot_is_refused(snapshot: Snapshot, private: Path) -> None:
    damaged = Snapshot(snapshot.engagement, snapshot.revision, snapshot.version,
                       "0" * 64, snapshot.payload)
    with pytest.raises(ParameterError, match="is damaged"):
        read_snapshot(write_snapshot(damaged, private), "demo")
    foreign = private / "notes.snapshot"
    fd = os.open(foreign, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"cos\nsystem\n(S'echo pwned'\ntR.")
    os.close(fd)
    with pytest.raises(ParameterError, match="is not a snapshot of an engagement"):
        read_snapshot(foreign, "demo")


def test_a_report_takes_a_workspace_or_a_snapshot_not_both(
    demo_workspace: Workspace, snapshot: Snapshot, private: Path
) -> None:
    path = str(write_snapshot(snapshot, private))
    with pytest.raises(ParameterError, match="workspace: give a workspace or a snapshot"):
        prepare_report(str(demo_workspace.path), "demo", output_dir="/tmp", snapshot=path)
    with pytest.raises(ParameterError, match="output_dir: a report from a snapshot needs"):
        prepare_report("", "demo", snapshot=path)
