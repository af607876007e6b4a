"""The ``assessment`` command line: it parses arguments and calls the library, nothing more."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
import numpy as np
import pandas as pd

from .._demo import DEMO_ENGAGEMENT, build_demo
from .._exceptions import AssessmentError, ModelError, StoreError
from .._model._load import inspect_model, read_model_text
from .._scoring._quality import quality_flags
from .._scoring._roadmap import plan_table
from .._store._store import Store
from .._store._workspace import DEFAULT_MODEL, WORKSPACE_ENV, Workspace, models_dir
from .._tabular import export_responses, import_responses, read_teams
from .._text import neutralise
from .._workbook import (
    compare_portfolio,
    compare_waves,
    create_engagement,
    create_invites,
    engagement_participation,
    engagement_scores,
    ratings_against_survey,
    score_summary,
    target_plan,
)

__all__ = ["cli", "main"]

FORMATS = click.Choice(["table", "csv", "json"])
#: How a missing value reads in a terminal table.
MISSING = "-"

F = TypeVar("F", bound=Callable[..., Any])


def _engagement_option(func: F) -> F:
    return click.option(
        "--engagement", "engagement_id", required=True, metavar="ID",
        help="The engagement (see `assessment engagement list`).",
    )(func)


def _format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=FORMATS, default="table", show_default=True,
        help="'table' to read in a terminal; 'csv' or 'json' (one table) for scripts.",
    )(func)


def _decimals(values: np.ndarray) -> int:
    """The fewest decimals (0-2) that show every value of a column rounded to 2."""
    rounded = np.round(values[np.isfinite(values)], 2)
    for places in (0, 1):
        if np.allclose(rounded, np.round(rounded, places), rtol=0, atol=1e-9):
            return places
    return 2


def _table_column(column: pd.Series) -> list[str]:
    if pd.api.types.is_bool_dtype(column.dtype):
        return [MISSING if pd.isna(v) else "yes" if v else "no" for v in column]
    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        places = _decimals(values)
        return [MISSING if np.isnan(v) else f"{v:.{places}f}" for v in values]
    return [MISSING if pd.isna(v) else str(v) for v in column]


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise spreadsheet formulas in text cells; numbers stay numbers."""
    out = frame.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name].dtype):
            out[name] = out[name].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    """Print a frame as an aligned table, CSV (formulas neutralised) or a JSON list of records.

    Tables show numbers rounded (at most two decimals) and missing values as ``-``.
    """
    if fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(_for_csv(frame).to_csv(index=False), nl=False)
    elif frame.empty:
        click.echo("(nothing to show)")
    else:
        columns = []
        for name in frame.columns:
            cells = [str(name), *_table_column(frame[name])]
            width = max(map(len, cells))
            numeric = pd.api.types.is_numeric_dtype(frame[name].dtype) and not (
                pd.api.types.is_bool_dtype(frame[name].dtype))
            columns.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
        click.echo("\n".join("  ".join(row).rstrip() for row in zip(*columns, strict=True)))


@contextmanager
def _store(ctx: click.Context) -> Iterator[Store]:
    workspace: Workspace = ctx.obj
    try:
        with workspace.store() as store:
            yield store
    except sqlite3.Error as exc:  # e.g. a locked or damaged database: say which one
        raise StoreError(f"{workspace.db_path}: {exc}") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=WORKSPACE_ENV,
    help=f"Workspace folder (default ./workspace, or ${WORKSPACE_ENV}).",
)
@click.version_option(package_name="assessment")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """Service-maturity assessments: models, responses, scores and reports."""
    ctx.obj = Workspace.resolve(workspace)


# --- model ---------------------------------------------------------------------------------


@cli.group()
def model() -> None:
    """Check maturity-model files."""


@model.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="'text' to read, 'json' for scripts.")
@click.option("--sources", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of the source articles: every file a facet cites must be in it.")
def model_check(path: Path, fmt: str, sources: Path | None) -> None:
    """Validate the model at PATH and summarise it; exit 1 on any problem."""
    result = inspect_model(path, sources=sources)
    summary = result.summary()
    if fmt == "json":
        click.echo(json.dumps({**summary, "problems": result.problems}, indent=1))
    else:
        for key, value in summary.items():
            click.echo(f"{key:15} {value}")
        for problem in result.problems:
            click.echo(f"error: {path}: {problem}", err=True)
        click.echo(f"{path}: " + ("ok" if result.ok else f"{len(result.problems)} problem(s)"))
    if not result.ok:
        sys.exit(1)


# --- organisations and engagements ---------------------------------------------------------


@cli.group()
def org() -> None:
    """Manage client organisations."""


@org.command("create")
@click.argument("name")
@click.pass_context
def org_create(ctx: click.Context, name: str) -> None:
    """Create the organisation NAME."""
    with _store(ctx) as store:
        created = store.create_organisation(name)
    click.echo(f"created organisation {created.name!r}")


@org.command("list")
@_format_option
@click.pass_context
def org_list(ctx: click.Context, fmt: str) -> None:
    """List the organisations in the workspace."""
    with _store(ctx) as store:
        frame = pd.DataFrame([{"organisation": o.name} for o in store.organisations()])
    _emit(frame, fmt)


@cli.group()
def engagement() -> None:
    """Manage engagements (one assessment wave of an organisation)."""


@engagement.command("create")
@click.argument("engagement_id")
@click.option("--org", "organisation", required=True, help="Organisation name.")
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=f"Model YAML (default: the shipped {DEFAULT_MODEL}).",
)
@click.option("--wave", help="Wave label, e.g. 2026-Q4 (default: the date).")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Date (default today).")
@click.option("--min-group-size", type=click.IntRange(min=3), default=5, show_default=True,
              help="Smallest group any report shows (3 or more).")
@click.option("--min-comment-group-size", type=click.IntRange(min=3),
              help="Smallest group whose comments reports show (default 10, or the minimum "
                   "group size when larger; never below it).")
@click.option("--language", "languages", multiple=True,
              help="Language offered to respondents (repeat; the first is the default).")
@click.option("--teams", "teams_file", type=click.Path(dir_okay=False, exists=True,
              path_type=Path), help="CSV/XLSX of teams: team, headcount[, department].")
@click.pass_context
def engagement_create(
    ctx: click.Context,
    engagement_id: str,
    organisation: str,
    model_path: Path | None,
    wave: str | None,
    on: Any,
    min_group_size: int,
    min_comment_group_size: int | None,
    languages: tuple[str, ...],
    teams_file: Path | None,
) -> None:
    """Create engagement ENGAGEMENT_ID for an organisation, with its team list if given.

    The engagement and its teams are stored together: a bad team list stores neither.
    """
    source = read_model_text(model_path or models_dir() / DEFAULT_MODEL)
    teams = read_teams(teams_file) if teams_file else None
    with _store(ctx) as store:
        created = create_engagement(
            store, engagement_id, organisation, source, teams=teams, wave=wave,
            on=on.date() if on else None, min_group_size=min_group_size,
            languages=languages or None, min_comment_group_size=min_comment_group_size,
        )
    click.echo(
        f"created engagement {created.id!r} for {created.organisation!r} "
        f"(model {created.model_id} {created.model_version}, "
        f"minimum group size {created.min_group_size}, "
        f"comments from groups of {created.min_comment_group_size}"
        + (f", {len(teams)} teams" if teams is not None else "") + ")"
    )


@engagement.command("list")
@click.option("--org", "organisation", help="Only this organisation's engagements.")
@_format_option
@click.pass_context
def engagement_list(ctx: click.Context, organisation: str | None, fmt: str) -> None:
    """List engagements with their respondent counts."""
    with _store(ctx) as store:
        rows = [
            {**e.__dict__, "languages": " ".join(e.languages),
             "respondents": store.count_respondents(e.id)}
            for e in store.engagements(organisation)
        ]
    _emit(pd.DataFrame(rows), fmt)


# --- responses -----------------------------------------------------------------------------


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_engagement_option
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, engagement_id: str) -> None:
    """Import responses from a wide CSV or XLSX FILE: all of it, or nothing."""
    with _store(ctx) as store:
        result = import_responses(store, engagement_id, file)
    click.echo(f"imported {result.respondents} respondents into {result.engagement!r}")


@cli.command("export")
@_engagement_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="A .csv or .xlsx file.")
@click.pass_context
def export_cmd(ctx: click.Context, engagement_id: str, out: Path) -> None:
    """Export an engagement's responses in the import layout."""
    with _store(ctx) as store:
        path = export_responses(store, engagement_id, out)
    click.echo(f"wrote {path}")


# --- workspace -----------------------------------------------------------------------------


@cli.group()
def workspace() -> None:
    """Inspect and back up the workspace."""


@workspace.command("info")
@click.pass_context
def workspace_info(ctx: click.Context) -> None:
    """Show the workspace folder, schema version and contents."""
    ws: Workspace = ctx.obj
    with _store(ctx) as store:
        click.echo(f"workspace       {ws.path}")
        click.echo(f"database        {ws.db_path} (schema version {store.schema_version})")
        click.echo(f"organisations   {len(store.organisations())}")
        click.echo(f"engagements     {len(store.engagements())}")


@workspace.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.pass_context
def workspace_backup(ctx: click.Context, dest: Path | None) -> None:
    """Back up the database with SQLite's online backup API (safe while in use).

    DEST defaults to <workspace>/backups/assessment-YYYYMMDD-HHMMSS.db.
    """
    with _store(ctx) as store:
        path = store.backup(dest)
    click.echo(f"backed up to {path}")


# --- consultant: fieldwork, data quality, ratings, targets ----------------------------------


@engagement.command("teams")
@click.argument("engagement_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def engagement_teams(ctx: click.Context, engagement_id: str, file: Path) -> None:
    """Set an engagement's teams and headcounts from FILE (team, headcount[, department])."""
    teams = read_teams(file)
    with _store(ctx) as store:
        store.set_teams(engagement_id, teams)
    click.echo(f"{engagement_id}: {len(teams)} teams, headcount {int(teams['headcount'].sum())}")


@cli.command("participation")
@_engagement_option
@_format_option
@click.pass_context
def participation_cmd(ctx: click.Context, engagement_id: str, fmt: str) -> None:
    """Show responses per team, role, role x team and department against headcount.

    Flags rates under 60% (low_response) and the groups the reports would withhold at the
    current count (will_be_suppressed), by the reports' own rule.
    """
    with _store(ctx) as store:
        frame = engagement_participation(store, engagement_id)
    _emit(frame, fmt)


@cli.command("quality")
@_engagement_option
@click.option("--all", "show_all", is_flag=True, help="List every response, not only flagged.")
@click.option("--exclude", "exclude_id", metavar="RESPONDENT", help="Exclude this response.")
@click.option("--include", "include_id", metavar="RESPONDENT", help="Take it back in.")
@click.option("--reason", help="Why the response is excluded (required with --exclude).")
@click.option("--exclusions", "list_exclusions", is_flag=True,
              help="List the excluded responses with their reasons.")
@_format_option
@click.pass_context
def quality_cmd(
    ctx: click.Context,
    engagement_id: str,
    show_all: bool,
    exclude_id: str | None,
    include_id: str | None,
    reason: str | None,
    list_exclusions: bool,
    fmt: str,
) -> None:
    """Flag incomplete, straight-lined, too fast and duplicated responses; exclude them."""
    if exclude_id and include_id:
        raise click.UsageError("--exclude and --include contradict each other; give one")
    if reason is not None and not exclude_id:
        raise click.UsageError("--reason goes with --exclude RESPONDENT")
    if (exclude_id or include_id) and (show_all or list_exclusions):
        raise click.UsageError("--all and --exclusions list responses; they do not go with "
                               "--exclude or --include")
    if show_all and list_exclusions:
        raise click.UsageError("give --all or --exclusions, not both")
    with _store(ctx) as store:
        if exclude_id:
            if store.exclude(engagement_id, exclude_id, reason or ""):
                click.echo(f"excluded {exclude_id!r}: {(reason or '').strip()}")
            else:
                click.echo(f"{exclude_id!r} was already excluded for that reason")
            return
        if include_id:
            if store.include(engagement_id, include_id):
                click.echo(f"included {include_id!r} again")
            else:
                click.echo(f"{include_id!r} was not excluded")
            return
        excluded = store.exclusions(engagement_id)
        if list_exclusions:
            _emit(excluded, fmt)
            return
        flags = quality_flags(store.responses(engagement_id), store.model(engagement_id))
    shown = flags if show_all else flags[flags["flags"] != ""]
    _emit(shown.reset_index(), fmt)
    if fmt == "table":
        click.echo(f"{(flags['flags'] != '').sum()} of {len(flags)} responses flagged; "
                   f"{len(excluded)} excluded (list them with --exclusions)")


def _level(value: str) -> int | None:
    if value.lower() in ("na", "n/a"):
        return None
    if value not in {"1", "2", "3", "4", "5"}:
        raise click.BadParameter("a level from 1 to 5, or 'na'", param_hint="--level")
    return int(value)


@cli.command("rate")
@_engagement_option
@click.option("--facet", help="Facet id to rate (omit to list the ratings beside the survey).")
@click.option("--level", help="1-5, or 'na' for not applicable (with --facet).")
@click.option("--evidence", default="", help="What the rating rests on (with --facet).")
@_format_option
@click.pass_context
def rate_cmd(
    ctx: click.Context, engagement_id: str, facet: str | None, level: str | None,
    evidence: str, fmt: str,
) -> None:
    """Record the consultant's evidence-based level of a facet, or list the ratings.

    The list puts each facet's survey level beside the consultant's, with their agreement.
    """
    if not facet and (level is not None or evidence):
        raise click.UsageError("--level and --evidence rate a facet: give --facet too")
    with _store(ctx) as store:
        if facet:
            if level is None:
                raise click.UsageError("--level is required with --facet")
            store.set_rating(engagement_id, facet, _level(level), evidence)
            click.echo(f"rated {facet!r}: {level}")
            return
        frame = ratings_against_survey(store, engagement_id)
    if fmt == "table":
        frame = frame.astype({"consultant_level": object})
        frame.loc[frame["consultant_na"], "consultant_level"] = "n/a"
        frame = frame[["dimension", "facet", "survey_level", "consultant_level", "agreement",
                       "evidence"]]
    _emit(frame, fmt)


@cli.command("target")
@_engagement_option
@click.argument("targets", nargs=-1, metavar="[DIMENSION=LEVEL]...")
@_format_option
@click.pass_context
def target_cmd(
    ctx: click.Context, engagement_id: str, targets: tuple[str, ...], fmt: str
) -> None:
    """Set the client's target level per dimension, e.g. culture=4 leadership=4.

    Prints each targeted dimension's gap and its place in the phased roadmap (step 1 first).
    """
    parsed: dict[str, int] = {}
    for item in targets:
        dim, _, value = item.partition("=")
        if not dim or value not in {"1", "2", "3", "4", "5"}:
            raise click.BadParameter(f"{item!r}: write DIMENSION=LEVEL with a level from 1 to 5")
        parsed[dim] = int(value)
    with _store(ctx) as store:
        if parsed:
            store.set_targets(engagement_id, parsed)
        if not store.targets(engagement_id) and fmt == "table":
            click.echo("no targets set; give them as DIMENSION=LEVEL")
            return
        gaps, plan = target_plan(store, engagement_id)
    _emit(plan_table(gaps, plan), fmt)


@cli.command("score")
@_engagement_option
@click.option("--by", default="organisation", show_default=True,
              type=click.Choice(["organisation", "role", "team", "department", "role,team"]),
              help="The breakdown to print.")
@_format_option
@click.pass_context
def score_cmd(ctx: click.Context, engagement_id: str, by: str, fmt: str) -> None:
    """Print scores per group and dimension, with small groups suppressed."""
    with _store(ctx) as store:
        table = engagement_scores(store, engagement_id, by=by)
    columns = ["by", "group", "dimension", "n", "mean", "sd", "ci_low", "ci_high", "score_100",
               "level", "suppressed"]
    _emit(table[columns], fmt)


def _long(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack tables into one, with a first column ``kind`` naming the part of each row."""
    frames = [frame.assign(kind=kind) for kind, frame in parts.items()]
    out = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    return out[["kind", *[c for c in out.columns if c != "kind"]]]


@cli.command("compare")
@_engagement_option
@click.option("--what", type=click.Choice(["both", "waves", "portfolio"]), default="both",
              show_default=True,
              help="Earlier waves, the portfolio percentiles, or both (csv/json: one table "
              "with a 'kind' column).")
@_format_option
@click.pass_context
def compare_cmd(ctx: click.Context, engagement_id: str, what: str, fmt: str) -> None:
    """Compare with earlier waves, and with the workspace's other organisations."""
    parts: dict[str, pd.DataFrame] = {}
    with _store(ctx) as store:
        if what in ("both", "waves"):
            parts["waves"] = compare_waves(store, engagement_id)
        if what in ("both", "portfolio"):
            parts["portfolio"] = compare_portfolio(store, engagement_id)
    if fmt != "table":
        _emit(_long(parts) if len(parts) > 1 else next(iter(parts.values())), fmt)
        return
    titles = {"waves": "waves:", "portfolio": "portfolio percentiles:"}
    for i, (kind, frame) in enumerate(parts.items()):
        click.echo(("\n" if i else "") + titles[kind])
        _emit(frame, fmt)


# --- demo ----------------------------------------------------------------------------------


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Build the demo organisation (engagement 'demo') and summarise it."""
    model_source = (models_dir() / DEFAULT_MODEL).read_text(encoding="utf-8")
    with _store(ctx) as store:
        eng = build_demo(store, model_source)
        n = store.count_respondents(DEMO_ENGAGEMENT)
        summary = score_summary(store, DEMO_ENGAGEMENT)
    click.echo(f"demo engagement {eng.id!r} of {eng.organisation!r}: {n} respondents")
    _emit(summary, "table")


# --- reports -------------------------------------------------------------------------------
# The report machinery (papermill, nbconvert, Playwright) is imported only when it is used.


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


@cli.command("batch")
@_engagement_option
@click.option("--by", type=click.Choice(["team", "role", "department"]), default="team",
              show_default=True, help="Kind of unit reported beside the organisation.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Worker processes of the local executor (default: one per CPU).")
@click.option("--lang", "languages", multiple=True,
              help="Report language(s), en, nl, ru or uk: repeat or separate with commas "
              "(default: the engagement's first language).")
@click.option("--pdf", is_flag=True, help="Also print every report to PDF (headless Chromium).")
@_OUT_OPTION
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Local worker processes, or an existing Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--unit", "units", multiple=True,
              help="Only this unit ('organisation', 'team:NAME'...); repeat for more.")
@click.option("--force", is_flag=True, help="Also regenerate reports whose inputs did not change.")
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
    notebook: Path | None,
) -> None:
    """Produce the report of the organisation and of every unit large enough to publish.

    Reports run in parallel; one failing report does not stop the others. Writes
    OUT/index.html, and OUT/failures.json and failures.txt when some failed (exit code 1).
    """
    from .._report._batch import plan_batch, run_batch
    from .._report._outputs import failures_summary

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    ws: Workspace = ctx.obj
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
    )
    click.echo(result.summary())
    if not result.ok:
        click.echo(failures_summary(result.outcomes), err=True)
        click.echo(f"failures written to {result.failures_file}", err=True)
    click.echo(str(result.index))
    if not result.ok:
        sys.exit(1)


@cli.command("report")
@_engagement_option
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
    """Produce one report (HTML, executed notebook, optionally PDF); exit 1 if it fails."""
    from .._report._batch import render_report

    ws: Workspace = ctx.obj
    if language is None:
        with _store(ctx) as store:
            language = store.engagement(engagement_id).languages[0]
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


# --- form ----------------------------------------------------------------------------------
# The questionnaire: invite codes and the Voilà server (imported when used).


@cli.group()
def invite() -> None:
    """Generate and list invite codes for the questionnaire."""


@invite.command("create")
@_engagement_option
@click.option("--team", required=True, help="The respondents' team.")
@click.option("--role", required=True, type=click.Choice(["executive", "manager", "frontline"]),
              help="The respondents' role: it decides how the questions are phrased.")
@click.option("--department", help="The team's department (default: from the team list).")
@click.option("--uses", type=click.IntRange(min=1), default=1, show_default=True,
              help="Submissions each code admits: the team size for a shared code, 1 for "
              "personal codes.")
@click.option("--count", type=click.IntRange(1, 10_000), default=1, show_default=True,
              help="How many codes (e.g. one per person with --uses 1).")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day the codes work (default: no limit).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="New CSV file for the codes: the only copy in clear, keep it safe.")
@click.pass_context
def invite_create(
    ctx: click.Context,
    engagement_id: str,
    team: str,
    role: str,
    department: str | None,
    uses: int,
    count: int,
    expires: Any,
    out: Path,
) -> None:
    """Generate invite codes for one team and role and write them to a new CSV file.

    The file is checked first, and the codes are stored only once it is written.
    """
    with _store(ctx) as store:
        made = create_invites(
            store, engagement_id, out, role=role, team=team, department=department,
            uses=uses, count=count, expires=expires.date() if expires else None,
        )
    click.echo(
        f"wrote {len(made)} code(s) for team {made[0].team!r}, role {role}, each usable "
        f"{uses} time(s), to {out}; codes are stored only hashed, so keep this file"
    )


@invite.command("list")
@_engagement_option
@_format_option
@click.pass_context
def invite_list(ctx: click.Context, engagement_id: str, fmt: str) -> None:
    """List the engagement's codes by team, role and expiry, with how often they were used."""
    from .._form._invites import list_invites

    with _store(ctx) as store:
        frame = list_invites(store, engagement_id)
    _emit(frame, fmt)


@cli.command("form")
@_engagement_option
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True,
              help="Port to listen on.")
@click.option("--ip", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep the default behind an HTTPS reverse proxy.")
@click.option("--token", envvar="ASSESSMENT_FORM_TOKEN",
              help="Login token in the URL (default: a random one). Prefer "
                   "$ASSESSMENT_FORM_TOKEN: an option is visible to other users in `ps`.")
@click.option("--open-localhost", "open_access", is_flag=True,
              help="Run WITHOUT a token, for trying the form on this machine only.")
@click.option("--notebook", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Questionnaire notebook (default: the shipped notebooks/questionnaire.ipynb).")
@click.pass_context
def form_cmd(
    ctx: click.Context,
    engagement_id: str,
    port: int,
    ip: str,
    token: str | None,
    open_access: bool,
    notebook: Path | None,
) -> None:
    """Serve the engagement's questionnaire with Voilà: code hidden, login token required."""
    from .._form._serve import form_server, serve_form

    server = form_server(ctx.obj, engagement_id, port=port, ip=ip, token=token,
                         open_access=open_access, notebook=notebook)
    click.echo(f"questionnaire of {engagement_id!r}: {server.url}")
    click.echo("give respondents this URL and their invite codes; stop with Ctrl-C")
    code = serve_form(server)
    if code > 0:
        sys.exit(code)


def main() -> None:
    """Run the CLI, turning expected failures into ``error: ...`` and exit code 1.

    Expected failures are the package's own errors and those of the operating system
    (a file that cannot be read or written, a folder that cannot be made); a traceback
    means a bug.
    """
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (AssessmentError, ModelError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        where = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
        reason = exc.strerror or str(exc)
        click.echo(f"error: {': '.join([*where, reason])}", err=True)
        sys.exit(1)
