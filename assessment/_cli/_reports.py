"""Report commands: one report, or a batch of them in parallel.

The report machinery (papermill, nbconvert, Playwright) is imported only when it is used.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._i18n._catalogues import interface_languages
from ._context import engagement_option, workspace_of

__all__ = ["batch_cmd", "export_tables_cmd", "report_cmd"]


def _report_languages(values: tuple[str, ...]) -> list[str]:
    """Split ``--lang en,nl --lang ru`` into ``["en", "nl", "ru"]``."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


_NOTEBOOK_OPTION = click.option(
    "--notebook",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Report notebook (default: the shipped notebooks/report.ipynb).",
)
_OUT_OPTION = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: <workspace>/reports/<engagement>).",
)


@click.command("batch")
@engagement_option
@click.option("--by", type=click.Choice(["team", "role", "department"]), default="team",
              show_default=True, help="Kind of unit reported beside the organisation.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Worker processes of the local executor (default: one per CPU).")
@click.option("--lang", "languages", multiple=True,
              help=f"Report language(s), {', '.join(interface_languages())}: repeat or "
              "separate with commas (default: the engagement's first language).")
@click.option("--pdf", is_flag=True, help="Also print every report to PDF (headless Chromium).")
@_OUT_OPTION
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Local worker processes, or an existing Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--unit", "units", multiple=True,
              help="Only this unit ('organisation', 'team:NAME'...); repeat for more.")
@click.option("--force", is_flag=True, help="Also regenerate reports whose inputs did not change.")
@click.option("--renew-kernel-after", "renew_after", type=click.IntRange(min=0), default=100,
              show_default=True, metavar="N",
              help="Reports per kernel: a worker starts a fresh kernel after N, so its memory "
              "stays flat (0: never).")
@_NOTEBOOK_OPTION
@click.pass_context
def batch_cmd(
    ctx: click.Context,
    engagement_id: str,
    by: str,
    workers: int | None,
    languages: tuple[str, ...],
    pdf: bool,
    out: Path | None,
    executor: str,
    scheduler: str | None,
    units: tuple[str, ...],
    force: bool,
    renew_after: int,
    notebook: Path | None,
) -> None:
    """Produce the report of the organisation and of every unit large enough to publish.

    Reports run in parallel; one failing report does not stop the others. Writes
    OUT/index.html, and OUT/failures.json and failures.txt when some failed (exit code 1).
    """
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    from .._report._batch import plan_batch, run_batch
    from .._report._checks import check_request
    from .._report._outputs import failures_summary

    ws = workspace_of(ctx)
    # Engagement, languages and units first: a typo is refused before any kernel starts.
    check_request(ws, engagement_id, units=units, languages=_report_languages(languages))
    out_dir = out or ws.reports_dir / engagement_id
    jobs = plan_batch(  # refuses an engagement without a publishable report: no kernel starts
        ws, engagement_id, out_dir, by=by, languages=_report_languages(languages), units=units
    )
    result = run_batch(
        jobs,
        out_dir,
        notebook=notebook,
        workers=workers,
        executor="dask" if executor == "dask" else "local",
        scheduler=scheduler,
        pdf=pdf,
        force=force,
        workspace=ws,
        renew_after=renew_after,
    )
    click.echo(result.summary())
    if not result.ok:
        click.echo(failures_summary(result.outcomes), err=True)
        click.echo(f"failures written to {result.failures_file}", err=True)
    click.echo(str(result.index))
    if not result.ok:
        sys.exit(1)


@click.command("report")
@engagement_option
@click.option("--unit", default="organisation", show_default=True,
              help="'organisation', or 'team:NAME', 'role:NAME', 'department:NAME'.")
@click.option("--lang", "language", help="Report language (default: the engagement's first).")
@click.option("--pdf", is_flag=True, help="Also print the report to PDF (headless Chromium).")
@_OUT_OPTION
@_NOTEBOOK_OPTION
@click.pass_context
def report_cmd(
    ctx: click.Context,
    engagement_id: str,
    unit: str,
    language: str | None,
    pdf: bool,
    out: Path | None,
    notebook: Path | None,
) -> None:
    """Produce one report (HTML, executed notebook, optionally PDF); exit 1 if it fails.

    The engagement, the unit and the language are checked before the kernel starts. A report
    that fails leaves its partial notebook in OUT/failures/, not among the finished reports.
    """
    from .._report._batch import render_report
    from .._report._checks import check_request

    ws = workspace_of(ctx)
    checked = check_request(ws, engagement_id, units=[unit],
                            languages=[language] if language else [])
    language = checked.languages[0]
    outcome = render_report(
        ws, engagement_id, unit, language, out or ws.reports_dir / engagement_id,
        notebook=notebook, pdf=pdf,
    )
    if outcome.status == "failed":
        click.echo(f"error: {unit} ({language}): {outcome.error}", err=True)
        if outcome.notebook:
            click.echo(f"partial notebook: {outcome.job.parameters['output_dir']}/"
                       f"{outcome.notebook}", err=True)
        sys.exit(1)
    for name in (outcome.html, outcome.pdf, outcome.notebook):
        if name:
            click.echo(f"{outcome.job.parameters['output_dir']}/{name}")


@click.command("export-tables")
@engagement_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx file (a sheet per table; replaced if it exists).")
@click.option("--lang", "language", help="Language of the names beside the ids "
              "(default: the engagement's first).")
@click.pass_context
def export_tables_cmd(
    ctx: click.Context, engagement_id: str, out: Path, language: str | None
) -> None:
    """Write every table of the organisation's report to one XLSX, a sheet per table.

    Scores, perception gaps, targets and roadmap, participation, reliability, strengths,
    the consultant's ratings and the change since the last wave where there is one, with
    small groups withheld as in the report and spreadsheet formulas neutralised.
    """
    from .._export import export_tables
    from .._report._checks import check_request

    ws = workspace_of(ctx)
    checked = check_request(ws, engagement_id, languages=[language] if language else [])
    path = export_tables(ws, checked.engagement, out, language=checked.languages[0])
    click.echo(f"wrote {path}")
