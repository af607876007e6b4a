"""Batches on a real Dask cluster whose workers cannot see the workspace: a ``dask scheduler``
and two ``dask worker`` processes, each in a mount namespace of its own with an empty tmpfs
over the folder that holds the workspace and the reports."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment import BatchResult, ReportJob, Workspace, plan_batch, run_batch
from tests.conftest import DemoFactory

pytestmark = pytest.mark.slow

DASK = Path(sys.executable).parent / "dask"


def _mount_namespaces_or_skip() -> None:
    """Skip without mount namespaces (or tmpfs mounts in them), saying why.

    Unlike Chromium, this is a capability of the machine (root and ``CAP_SYS_ADMIN``, which an
    unprivileged container lacks), not something ``.ci/run`` can install: CI reports the skip
    (``-ra``) rather than failing on it."""
    probe = subprocess.run(
        ["unshare", "--mount", "sh", "-c", 'mount -t tmpfs tmpfs "$1"', "sh",
         os.environ.get("TMPDIR", "/tmp")],
        capture_output=True, text=True, check=False,
    ) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        reason = ("workers that cannot see the workspace need `unshare --mount` and a tmpfs "
                  f"mount in it (root): {probe.stderr.strip() if probe else 'no unshare'}")
        pytest.skip(reason)


@dataclass
class Cluster:
    address: str
    workspace: Workspace
    hidden: Path
    workers: dict[str, subprocess.Popen[bytes]]


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear in {seconds} s")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def cluster(make_demo: DemoFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _mount_namespaces_or_skip()
    from distributed import Client

    hidden = tmp_path_factory.mktemp("hidden")  # the workspace and every report folder
    workspace = make_demo(hidden / "ws")
    control = tmp_path_factory.mktemp("scheduler")
    address_file = control / "scheduler.json"
    logs = [open(control / f"{name}.log", "wb") for name in ("scheduler", "w1", "w2")]  # noqa: SIM115
    scheduler = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(address_file)],
        stdout=logs[0], stderr=subprocess.STDOUT,
    )
    workers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        _wait_for(address_file, 60)
        for name, log in zip(("w1", "w2"), logs[1:], strict=True):
            # unshare execs sh, which execs the worker: the process is the worker itself.
            workers[name] = subprocess.Popen(
                ["unshare", "--mount", "sh", "-c",
                 'mount -t tmpfs tmpfs "$1" && exec "$2" worker --scheduler-file "$3" '
                 '--nthreads 1 --no-nanny --no-dashboard --name "$4"',
                 "sh", str(hidden), str(DASK), str(address_file), name],
                stdout=log, stderr=subprocess.STDOUT,
            )
        address = json.loads(address_file.read_text())["address"]
        with Client(address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=120)
            seen = client.run(os.path.exists, str(workspace.db_path))
        assert workspace.db_path.is_file() and set(seen.values()) == {False}, seen
        yield Cluster(address, workspace, hidden, workers)
    finally:
        # The workers first, while their scheduler is there to say goodbye to.
        for group in (list(workers.values()), [scheduler]):
            for proc in group:
                proc.terminate()
            for proc in group:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()  # reaped: no zombie, and no ResourceWarning in a later test
        for log in logs:
            log.close()


def _jobs(cluster: Cluster, out: Path, languages: list[str]) -> list[ReportJob]:
    return plan_batch(cluster.workspace, "demo", out, by="team", languages=languages)


def _stems(out: Path) -> list[str]:
    return sorted(r["stem"] for r in json.loads((out / "reports.json").read_text())["reports"])


@pytest.fixture(scope="module")
def dask_batch(cluster: Cluster) -> tuple[BatchResult, Path]:
    """The demo's team batch on the cluster, with the shipped report notebook."""
    out = cluster.hidden / "dask"
    result = run_batch(_jobs(cluster, out, ["en"]), out, executor="dask",
                       scheduler=cluster.address, progress=False)
    return result, out


def test_workers_that_cannot_see_the_workspace_produce_every_report(
    cluster: Cluster, dask_batch: tuple[BatchResult, Path]
) -> None:
    result, out = dask_batch
    assert result.ok, result.failures
    assert len(result.outcomes) == 8  # the organisation and the 7 teams it may publish
    for o in result.outcomes:
        assert o.html and (out / o.html).is_file() and (out / o.notebook).is_file()  # type: ignore[operator]
        assert o.data and (out / o.data).is_file()
        assert o.worker is not None and int(o.worker.rsplit(":", 1)[1]) in {
            p.pid for p in cluster.workers.values()
        }
    assert len({o.worker for o in result.outcomes}) == 2  # both workers took part
    nb = json.loads((out / "organisation.en.ipynb").read_text(encoding="utf-8"))
    parameters = nb["metadata"]["papermill"]["parameters"]
    assert parameters["workspace"] == "" and parameters["snapshot"].endswith(".snapshot")
    assert result.extra["snapshot_bytes"]["demo"] > 0


def test_both_executors_give_identical_score_tables_and_the_same_reports(
    cluster: Cluster, dask_batch: tuple[BatchResult, Path]
) -> None:
    _, dask_out = dask_batch
    local_out = cluster.hidden / "local"
    local = run_batch(_jobs(cluster, local_out, ["en"]), local_out, workers=2, progress=False)
    assert local.ok, local.failures
    assert _stems(local_out) == _stems(dask_out)
    tables = sorted(p.name for p in dask_out.glob("*.scores.csv"))
    assert len(tables) == 8 and tables == sorted(p.name for p in local_out.glob("*.scores.csv"))
    for name in tables:
        assert (local_out / name).read_bytes() == (dask_out / name).read_bytes(), name


def test_a_worker_killed_mid_batch_has_its_reports_run_again_elsewhere(cluster: Cluster) -> None:
    out = cluster.hidden / "killed"
    out.mkdir()
    victim = cluster.workers["w1"]
    killed = threading.Event()

    def kill_after_the_first_report() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not list(out.glob("*.en.html")):
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_after_the_first_report, daemon=True)
    killer.start()
    jobs = _jobs(cluster, out, ["en"])
    result = run_batch(jobs, out, executor="dask", scheduler=cluster.address, progress=False)
    killer.join(10)
    assert killed.is_set() and victim.wait(10) == -signal.SIGKILL
    assert result.ok, result.failures
    assert _stems(out) == sorted(j.stem for j in jobs)  # every report, once
    assert len(list(out.glob("*.en.html"))) == len(jobs)
    survivor = f":{cluster.workers['w2'].pid}"
    late = [o for o in result.outcomes if not o.worker or not o.worker.endswith(survivor)]
    assert len(late) < len(jobs) // 2  # the dead worker made few; the survivor the rest
