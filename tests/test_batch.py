"""The report batch: planning, parallel workers, failures, index.html, Dask, the CLI."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment import (
    BatchResult,
    ConfidentialityError,
    MaturityModel,
    ParameterError,
    ReportJob,
    ReportOutcome,
    ResponseSet,
    Workspace,
    demo_responses,
    models_dir,
    plan_batch,
    run_batch,
)
from assessment._cli._main import cli
from assessment._i18n._report import report_translator
from assessment._report._html import html_problems
from assessment._report._outputs import _index_title, write_index
from tests.conftest import DATA, MINI_MODEL
from tests.test_render import chromium_or_skip

NOTEBOOKS = DATA / "notebooks"
TRIVIAL = NOTEBOOKS / "trivial.ipynb"
FAILING = NOTEBOOKS / "failing.ipynb"  # fails for units whose name contains "Billing"


@pytest.fixture(scope="module")
def workspace(demo_workspace: Workspace) -> Workspace:
    """The demo organisation, built once per session: read-only (writers take ``demo_copy``)."""
    return demo_workspace


def _jobs(workspace: Workspace, out: Path, units: list[str]) -> list[ReportJob]:
    """The planned jobs of ``units`` (team names), in English, plus the organisation."""
    wanted = {"organisation", *(f"team:{u}" for u in units)}
    jobs = [j for j in plan_batch(workspace, "demo", out, by="team") if j.unit in wanted]
    assert len(jobs) == len(wanted)
    return jobs


# --- planning --------------------------------------------------------------------------------


def test_the_plan_covers_the_organisation_and_only_the_publishable_teams(
    workspace: Workspace, tmp_path: Path
) -> None:
    jobs = plan_batch(workspace, "demo", tmp_path, by="team", languages=["en", "uk"])
    units = {j.unit for j in jobs}
    assert "organisation" in units and "team:Customer Care Kyiv" in units
    assert "team:Complaints Desk" not in units  # 3 respondents: below the minimum group size
    assert len(jobs) == 2 * len(units)
    stems = [j.stem for j in jobs]
    assert len(set(stems)) == len(stems)
    assert all(re.fullmatch(r"[a-z0-9-]+\.(en|uk)", s) for s in stems)
    job = next(j for j in jobs if j.unit == "team:Customer Care Kyiv" and j.language == "uk")
    assert job.parameters == {
        "workspace": str(workspace.path),
        "engagement": "demo",
        "unit": "team:Customer Care Kyiv",
        "language": "uk",
        "output_dir": str(tmp_path.resolve()),
    }


def test_the_plan_by_role_and_by_department(workspace: Workspace, tmp_path: Path) -> None:
    roles = {j.unit for j in plan_batch(workspace, "demo", tmp_path, by="role")}
    assert roles == {"organisation", "role:executive", "role:manager", "role:frontline"}
    departments = {j.unit for j in plan_batch(workspace, "demo", tmp_path, by="department")}
    assert "department:Customer Care" in departments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"languages": ["en", "fr"]}, "'fr' unknown"), ({"by": "building"}, "by:")],
)
def test_the_plan_rejects_unknown_languages_and_kinds(
    workspace: Workspace, tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        plan_batch(workspace, "demo", tmp_path, **kwargs)  # type: ignore[arg-type]


def test_the_plan_refuses_an_engagement_whose_organisation_report_would_be_withheld(
    tmp_path: Path, mini_model: MaturityModel
) -> None:
    ws = Workspace(tmp_path / "ws")
    with ws.store() as store:
        store.create_organisation("Org")
        store.create_engagement("e1", "Org", MINI_MODEL.read_text(encoding="utf-8"))
    with pytest.raises(ConfidentialityError, match="no respondents yet") as err:
        plan_batch(ws, "e1", tmp_path / "out")
    assert "(assessment import)" in str(err.value)  # and says how to get some
    data = demo_responses(mini_model)
    few = data.respondents.index[:4]  # fewer than the minimum group size (5)
    with ws.store() as store:
        store.add_responses("e1", ResponseSet(data.respondents.loc[few], data.answers.loc[few],
                                              data.not_applicable.loc[few],
                                              data.comments.iloc[:0]), source="test")
    with pytest.raises(ConfidentialityError, match="'organisation' cannot be reported"):
        plan_batch(ws, "e1", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- running: failures, index, unchanged reports -----------------------------------------------


def text(language: str, message: str, **values: object) -> str:
    """A report message in ``language``."""
    return report_translator(language).gettext(message, **values)


def test_each_report_is_titled_in_its_own_language(workspace: Workspace, tmp_path: Path) -> None:
    jobs = plan_batch(workspace, "demo", tmp_path, by="role", languages=["en", "nl", "uk"])
    titles = {(j.unit, j.language): j.title for j in jobs}
    assert titles[("organisation", "en")] == "Service maturity report · Whole organisation · demo"
    assert titles[("role:manager", "nl")] == (
        "Rapport servicevolwassenheid · Rol: Leidinggevenden · demo"
    )
    assert titles[("role:frontline", "uk")] == (
        f"{text('uk', 'Service maturity report')} · "
        f"{text('uk', 'Role: %(name)s', name=text('uk', 'Frontline'))} · demo"
    )


@pytest.fixture(scope="module")
def progress() -> io.StringIO:
    """Where :func:`failing_batch` draws its progress bar."""
    return io.StringIO()


@pytest.fixture(scope="module")
def failing_batch(
    workspace: Workspace, tmp_path_factory: pytest.TempPathFactory, progress: io.StringIO
) -> tuple[BatchResult, Path]:
    """Three reports in two workers, the Billing Support one failing on purpose."""
    out = tmp_path_factory.mktemp("failing")
    jobs = _jobs(workspace, out, ["Billing Support", "Customer Care Kyiv"])
    return run_batch(jobs, out, notebook=FAILING, workers=2, progress=True,
                     progress_file=progress), out


@pytest.mark.slow
def test_the_batch_draws_a_progress_bar_with_the_failures(
    failing_batch: tuple[BatchResult, Path], progress: io.StringIO
) -> None:
    bar = progress.getvalue().replace("\r", "\n").splitlines()
    last = [line for line in bar if line.strip()][-1]
    assert re.search(r"100%\|.*\| 3/3 \[", last), bar
    assert "report/s" in last or "s/report" in last
    assert last.rstrip().endswith("1 failed]")


@pytest.mark.slow
def test_one_failing_report_does_not_stop_the_others(
    failing_batch: tuple[BatchResult, Path],
) -> None:
    result, out = failing_batch
    status = {o.job.unit: o.status for o in result.outcomes}
    assert status == {
        "organisation": "ok",
        "team:Billing Support": "failed",
        "team:Customer Care Kyiv": "ok",
    }
    assert not result.ok
    for o in result.outcomes:
        # The failed one keeps its partial notebook, in failures/: not among finished reports.
        kept = out / "failures" / f"{o.job.stem}.ipynb"
        assert (out / f"{o.job.stem}.ipynb").is_file() == (o.status == "ok")
        assert kept.is_file() == (o.status == "failed")
        assert o.notebook == (f"failures/{kept.name}" if o.status == "failed" else kept.name)
        assert (out / f"{o.job.stem}.html").is_file() == (o.status == "ok")


@pytest.mark.slow
def test_failures_are_summarised_in_json_and_text(failing_batch: tuple[BatchResult, Path]) -> None:
    result, out = failing_batch
    assert result.failures_file == out / "failures.json"
    records = json.loads((out / "failures.json").read_text(encoding="utf-8"))
    assert [r["unit"] for r in records] == ["team:Billing Support"]
    assert "RuntimeError: planted failure for team:Billing Support" in records[0]["error"]
    assert records[0]["notebook"].endswith(".ipynb") and records[0]["cell"] is not None
    text = (out / "failures.txt").read_text(encoding="utf-8")
    assert text.startswith("1 report failed:") and "team:Billing Support (en)" in text


@pytest.mark.slow
def test_the_index_lists_every_report_with_its_status_and_links(
    failing_batch: tuple[BatchResult, Path],
) -> None:
    result, out = failing_batch
    page = (out / "index.html").read_text(encoding="utf-8")
    assert html_problems(page) == []
    for o in result.outcomes:
        folder = "failures/" if o.status == "failed" else ""
        assert f'href="{folder}{o.job.stem}.ipynb"' in page
        assert (f'href="{o.job.stem}.html"' in page) == (o.status == "ok")
    assert page.count('class="status status-ok"') == 2
    assert page.count('class="status status-failed"') == 1
    assert "Team: Billing Support" in page and "planted failure" in page
    assert '<html lang="en">' in page and "<td lang=\"en\">English</td>" in page


def test_the_index_is_in_the_engagements_first_language(
    demo_copy: Workspace, tmp_path: Path
) -> None:
    workspace = demo_copy  # an engagement is added
    with workspace.store() as store:
        source = store.engagement("demo")
        store.create_engagement("nl-first", source.organisation,
                                (models_dir() / "service-maturity.yaml").read_text("utf-8"),
                                wave="W1", languages=["nl", "en"])
    job = plan_batch(workspace, "demo", tmp_path, languages=["uk"])[0]
    job = replace(job, parameters={**job.parameters, "engagement": "nl-first"})
    title, language = _index_title(workspace, [job])
    assert language == "nl"
    assert title == f"{source.organisation}: rapporten van opdracht nl-first (W1)"
    outcomes = [ReportOutcome(job=job, status="ok", html="a.html", notebook="a.ipynb"),
                ReportOutcome(job=replace(job, stem="b"), status="failed", error="x")]
    page = write_index(BatchResult(tmp_path, outcomes, 1.0, tmp_path / "index.html"),
                       title=title, language=language).read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and "<th>Eenheid</th>" in page and "<th>Fout</th>" in page
    assert "Hele organisatie" in page and ">mislukt</td>" in page
    assert '<td lang="uk">Українська</td>' in page  # each report's language in its own words
    assert "2 rapporten: 1 klaar, 1 mislukt." in page


def test_the_index_escapes_names_and_errors(tmp_path: Path) -> None:
    hostile = '</td><script>alert(1)</script><img src=x onerror="alert(2)">'
    job = ReportJob(
        unit=f"team:{hostile}", language="en", stem="team-x-12345678.en",
        parameters={"engagement": "e<1>"}, title="t",
    )
    outcomes = [
        ReportOutcome(job=job, status="ok", html=job.stem + ".html", notebook=job.stem + ".ipynb"),
        ReportOutcome(job=replace(job, stem="b.en"), status="failed", error=hostile),
    ]
    index = write_index(BatchResult(tmp_path, outcomes, 1.0, tmp_path / "index.html"))
    page = index.read_text(encoding="utf-8")
    assert html_problems(page) == []
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "e&lt;1&gt;" in page


def test_a_large_index_groups_team_reports_by_department_in_one_plain_table(
    tmp_path: Path,
) -> None:
    departments = {f"team:T{i:04d}": (f"Dept {i % 7}" if i % 50 else None) for i in range(2_500)}
    units = ["organisation", *reversed(departments)]  # the batch's order is not the index's
    outcomes = [
        ReportOutcome(job=ReportJob(unit=u, language="en", stem=f"{u}.en",
                                    parameters={"engagement": "big"}, title="t"),
                      status="ok", html=f"{u}.en.html", notebook=f"{u}.en.ipynb")
        for u in units
    ]
    index = write_index(BatchResult(tmp_path, outcomes, 1.0, tmp_path / "index.html"),
                        groups=departments)
    page = index.read_text(encoding="utf-8")
    assert html_problems(page) == [] and "<script" not in page
    assert page.count("<table>") == 1 and page.count('<tr class="group">') == 8
    headings = re.findall(r'scope="rowgroup">([^<]+)<', page)
    assert headings == [*(f"Department: Dept {d}" for d in range(7)), "Teams without a department"]
    linked = re.findall(r'<a href="([^"]+)\.en\.html">', page)
    assert len(linked) == 2_501 and linked[0] == "organisation"
    dept0 = [u for u in departments if departments[u] == "Dept 0"]
    start = linked.index("team%3AT0007")  # the first team of Dept 0 (T0000 has none)
    assert linked[start:start + len(dept0)] == [u.replace(":", "%3A") for u in sorted(dept0)]
    assert linked[-50:] == [f"team%3AT{i:04d}" for i in range(0, 2_500, 50)]


@pytest.mark.slow
def test_reports_whose_inputs_did_not_change_are_not_run_again(
    workspace: Workspace, tmp_path: Path
) -> None:
    jobs = _jobs(workspace, tmp_path, ["Billing Support"])
    first = run_batch(jobs, tmp_path, notebook=FAILING, workers=1, progress=False)
    assert [o.status for o in first.outcomes] == ["ok", "failed"]
    # The failed report runs again (and fails again); the good one is kept as it is.
    again = run_batch(jobs, tmp_path, notebook=FAILING, workers=1, progress=False)
    assert [o.status for o in again.outcomes] == ["unchanged", "failed"]
    assert again.outcomes[0].html == first.outcomes[0].html
    # Another notebook is another input: everything runs; and no failures are left behind.
    fixed = run_batch(jobs, tmp_path, notebook=TRIVIAL, workers=1, progress=False)
    assert [o.status for o in fixed.outcomes] == ["ok", "ok"]
    assert not (tmp_path / "failures.json").exists() and fixed.failures_file is None


@pytest.mark.slow
def test_a_checkpoint_rebuilds_nothing_but_a_changed_target_rebuilds_all(
    demo_copy: Workspace, tmp_path: Path,
) -> None:
    ws = demo_copy  # its targets change
    jobs = _jobs(ws, tmp_path / "out", [])
    first = run_batch(jobs, tmp_path / "out", notebook=TRIVIAL, workers=1, progress=False)
    assert [o.status for o in first.outcomes] == ["ok"]
    with ws.store() as store:
        store.checkpoint()  # the database file changes, its data do not
        store.set_targets("demo", store.targets("demo"))  # the same targets: no write
    again = run_batch(jobs, tmp_path / "out", notebook=TRIVIAL, workers=1, progress=False)
    assert [o.status for o in again.outcomes] == ["unchanged"]
    with ws.store() as store:
        store.set_targets("demo", {**store.targets("demo"), "culture": 5})
    changed = run_batch(jobs, tmp_path / "out", notebook=TRIVIAL, workers=1, progress=False)
    assert [o.status for o in changed.outcomes] == ["ok"]


@pytest.mark.slow
@pytest.mark.browser
def test_the_batch_prints_pdfs(workspace: Workspace, tmp_path: Path) -> None:
    chromium_or_skip()
    jobs = _jobs(workspace, tmp_path, ["Customer Care Kyiv"])
    result = run_batch(jobs, tmp_path, notebook=TRIVIAL, workers=1, pdf=True, progress=False)
    assert result.ok, result.failures
    for o in result.outcomes:
        assert o.pdf is not None and (tmp_path / o.pdf).read_bytes().startswith(b"%PDF-")
    assert 'href="organisation.en.pdf"' in (tmp_path / "index.html").read_text(encoding="utf-8")


# --- Dask ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},  # its HTTP server: any free port
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_the_dask_executor_runs_the_batch_on_a_cluster(
    workspace: Workspace, tmp_path: Path, dask_scheduler: str
) -> None:
    jobs = _jobs(workspace, tmp_path, ["Billing Support", "Customer Care Kyiv"])
    result = run_batch(
        jobs, tmp_path, notebook=FAILING, executor="dask", scheduler=dask_scheduler,
        progress=False,
    )
    assert [o.status for o in result.outcomes] == ["ok", "failed", "ok"]
    assert (tmp_path / "failures.json").is_file() and (tmp_path / "index.html").is_file()
    assert "planted failure" in (result.failures[0].error or "")


@pytest.mark.slow
def test_a_batch_on_a_dask_client_draws_the_progress_bar_and_leaves_the_client_open(
    workspace: Workspace, tmp_path: Path, dask_scheduler: str
) -> None:
    from distributed import Client

    jobs = _jobs(workspace, tmp_path, ["Billing Support", "Customer Care Kyiv"])
    bar = io.StringIO()
    with Client(dask_scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        result = run_batch(jobs, tmp_path, notebook=FAILING, executor="dask", scheduler=client,
                           progress=True, progress_file=bar)
        assert client.status == "running"
    assert [o.status for o in result.outcomes] == ["ok", "failed", "ok"]
    drawn = bar.getvalue()
    assert "3/3" in drawn and "1 failed" in drawn, drawn
    assert "planted failure" in (tmp_path / "failures.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_dask_executor_without_a_scheduler_starts_a_local_cluster_and_says_so(
    workspace: Workspace, tmp_path: Path
) -> None:
    notices = io.StringIO()
    result = run_batch(_jobs(workspace, tmp_path, []), tmp_path, notebook=TRIVIAL,
                       executor="dask", progress=False, progress_file=notices)
    assert [o.status for o in result.outcomes] == ["ok"]
    said = notices.getvalue()
    assert "no scheduler given: started a local Dask cluster of 1 worker process at tcp://" \
        in said, said
    assert result.extra["executor"] == "dask"


def _trivial_with(code: str, path: Path) -> Path:
    """The trivial notebook with a last cell of ``code``, written to ``path``."""
    import nbformat

    nb = nbformat.read(TRIVIAL, as_version=4)
    cell = nbformat.v4.new_code_cell(code)
    del cell["id"]  # the notebook is nbformat 4.4, without cell ids
    nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_worker_starts_a_fresh_kernel_after_renew_after_reports(
    workspace: Workspace, tmp_path: Path, executor: str, request: pytest.FixtureRequest
) -> None:
    notebook = _trivial_with("print('kernel', __import__('os').getpid())", tmp_path / "pid.ipynb")
    out = tmp_path / "out"
    jobs = plan_batch(workspace, "demo", out, by="team", languages=["en", "uk"])[:5]
    assert len(jobs) == 5
    # The Dask cluster (one worker process) is the module's: its worker made reports before.
    scheduler = request.getfixturevalue("dask_scheduler") if executor == "dask" else None
    result = run_batch(jobs, out, notebook=notebook, workers=1, progress=False, renew_after=2,
                       executor=executor, scheduler=scheduler)
    assert [o.status for o in result.outcomes] == ["ok"] * 5
    made = sorted(result.outcomes, key=lambda o: o.worker_report or 0)
    assert len({o.worker for o in made}) == 1
    first, kernel = made[0].worker_report or 0, made[0].worker_kernel or 0
    assert first >= 1 and kernel >= 1
    assert [o.worker_report for o in made] == [first + i for i in range(5)]
    # A batch starts with a fresh kernel (Dask's workers shut theirs down after each batch).
    assert [o.worker_kernel for o in made] == [kernel + i for i in (0, 0, 1, 1, 2)]

    def kernel_pid(outcome: ReportOutcome) -> str:
        assert outcome.notebook is not None
        text = (out / outcome.notebook).read_text(encoding="utf-8")
        found = re.search(r"kernel (\d+)", text)
        assert found, outcome.notebook
        return found.group(1)

    pids = [kernel_pid(o) for o in made]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4] and pids[0] != pids[4]
    records = json.loads((out / "reports.json").read_text(encoding="utf-8"))["reports"]
    assert sorted(r["worker_kernel"] for r in records) == [kernel + i for i in (0, 0, 1, 1, 2)]


@pytest.mark.slow
def test_a_kernel_that_died_counts_as_a_kernel_and_its_successor_starts_afresh(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    jobs = plan_batch(workspace, "demo", out, by="team", languages=["en", "uk"])[:5]
    notebook = _trivial_with(
        f"import os\nprint('kernel', os.getpid())\nif unit == {jobs[1].unit!r} and "
        f"language == {jobs[1].language!r}:\n    os._exit(1)", tmp_path / "dies.ipynb")
    result = run_batch(jobs, out, notebook=notebook, workers=1, progress=False, renew_after=3)
    made = sorted(result.outcomes, key=lambda o: o.worker_report or 0)
    assert [o.status for o in made] == ["ok", "failed", "ok", "ok", "ok"]
    assert "DeadKernelError" in (made[1].error or ""), made[1].error
    # The second report killed kernel 1; kernel 2 then makes three reports, its full share.
    assert [o.worker_kernel for o in made] == [1, 1, 2, 2, 2]


def test_renew_after_is_a_count_of_reports(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment._report import _batch
    from assessment._report._worker import RENEW_AFTER

    with pytest.raises(ParameterError, match="renew_after: must be 0 \\(never\\) or more"):
        run_batch(_jobs(workspace, tmp_path, []), tmp_path, notebook=TRIVIAL, renew_after=-1)
    option = next(p for p in cli.commands["batch"].params if p.name == "renew_after")
    assert option.default == RENEW_AFTER

    class Called(Exception):
        pass

    def fake(*args: object, **kwargs: object) -> None:
        raise Called(kwargs)

    monkeypatch.setattr(_batch, "run_batch", fake)
    ran = CliRunner().invoke(cli, ["--workspace", str(workspace.path), "batch", "--engagement",
                                   "demo", "--out", str(tmp_path), "--renew-kernel-after", "7"])
    assert isinstance(ran.exception, Called), ran.output
    assert ran.exception.args[0]["renew_after"] == 7


def test_a_scheduler_is_only_for_the_dask_executor(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="scheduler: only the Dask executor"):
        run_batch(_jobs(workspace, tmp_path, []), tmp_path, notebook=TRIVIAL,
                  scheduler="tcp://127.0.0.1:1")


# --- the command line --------------------------------------------------------------------------


@pytest.mark.slow
def test_the_batch_command_exits_non_zero_and_prints_the_failures(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace.path), "batch", "--engagement", "demo", "--workers", "2",
         "--out", str(out), "--notebook", str(FAILING), "--lang", "en,nl"],
    )
    assert result.exit_code == 1
    assert "2 reports failed:" in result.stderr
    assert "team:Billing Support (en)" in result.stderr
    assert "team:Billing Support (nl)" in result.stderr
    assert (out / "failures.txt").is_file() and (out / "failures.json").is_file()
    assert result.stdout.strip().splitlines()[-1] == str(out.resolve() / "index.html")
    n = len(plan_batch(workspace, "demo", out, by="team"))
    assert f"{2 * n} reports: {2 * n - 2} produced, 0 unchanged, 2 failed" in result.stdout


@pytest.mark.slow
def test_the_report_command_writes_one_report(workspace: Workspace, tmp_path: Path) -> None:
    args = ["--workspace", str(workspace.path), "report", "--engagement", "demo", "--out",
            str(tmp_path), "--notebook", str(FAILING)]
    result = CliRunner().invoke(cli, [*args, "--unit", "team:Customer Care Kyiv"])
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.splitlines()]
    assert [p.suffix for p in paths] == [".html", ".ipynb"] and all(p.is_file() for p in paths)
    result = CliRunner().invoke(cli, [*args, "--unit", "team:Billing Support"])
    assert result.exit_code == 1 and "planted failure" in result.stderr


# --- end to end, with the real report notebook -----------------------------------------------


@pytest.fixture(scope="module")
def demo_batch(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``assessment batch`` with the shipped report notebook: two units in two languages."""
    out = tmp_path_factory.mktemp("demo-reports")
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace.path), "batch", "--engagement", "demo", "--by", "role",
         "--unit", "organisation", "--unit", "role:frontline", "--lang", "en,uk",
         "--workers", "2", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(out.resolve() / "index.html")
    return out


@pytest.mark.slow
def test_the_batch_produces_the_real_reports(demo_batch: Path) -> None:
    records = json.loads((demo_batch / "reports.json").read_text(encoding="utf-8"))["reports"]
    frontline = next(r["stem"].split(".")[0] for r in records if r["unit"] == "role:frontline")
    assert sorted(r["stem"] for r in records) == sorted(
        f"{unit}.{lang}" for unit in ("organisation", frontline) for lang in ("en", "uk")
    )
    assert {r["status"] for r in records} == {"ok"}
    for r in records:
        page = (demo_batch / r["html"]).read_text(encoding="utf-8")
        assert html_problems(page) == [] and "<script" not in page.lower()
        assert f'<html lang="{r["language"]}">' in page
        assert f"<title>{text(r['language'], 'Service maturity report')} · " in page
        assert "prepare_report" not in page  # no code
        nb = json.loads((demo_batch / r["notebook"]).read_text(encoding="utf-8"))
        assert nb["metadata"]["papermill"]["parameters"]["unit"] == r["unit"]


@pytest.mark.slow
@pytest.mark.browser
def test_the_real_report_renders_offline_in_chromium(demo_batch: Path) -> None:
    from tests.test_render import _open_offline

    page = demo_batch / "organisation.uk.html"
    seen = _open_offline(page)
    assert seen["requests"] == [page.resolve().as_uri()]
    assert seen["scripts"] == 0 and seen["dialogs"] == []
    assert all(seen["images"])
