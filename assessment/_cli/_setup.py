"""Set-up commands: models, organisations, engagements and their teams, responses in and out,
the workspace, the demo.

The library is imported inside each command, when it runs: parsing arguments and printing
help load neither pandas nor the store.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from .._store._workspace import DEFAULT_MODEL, models_dir
from ._context import engagement_option, open_store, workspace_of
from ._output import emit, format_option, records

__all__ = ["demo", "engagement", "export_cmd", "import_cmd", "model", "org", "workspace"]


# --- model ---------------------------------------------------------------------------------


@click.group()
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
    from .._model._load import inspect_model

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


@click.group()
def org() -> None:
    """Manage client organisations."""


@org.command("create")
@click.argument("name")
@click.pass_context
def org_create(ctx: click.Context, name: str) -> None:
    """Create the organisation NAME."""
    with open_store(ctx) as store:
        created = store.create_organisation(name)
    click.echo(f"created organisation {created.name!r}")


@org.command("list")
@format_option
@click.pass_context
def org_list(ctx: click.Context, fmt: str) -> None:
    """List the organisations in the workspace."""
    with open_store(ctx) as store:
        rows = [{"organisation": o.name} for o in store.organisations()]
    emit(records(rows), fmt)


@click.group()
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
@click.option("--wave", help="Wave label, e.g. 2026-Q4, used when comparing waves (without "
              "it, the engagement's date is its label, and the command says so).")
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
    on: datetime | None,
    min_group_size: int,
    min_comment_group_size: int | None,
    languages: tuple[str, ...],
    teams_file: Path | None,
) -> None:
    """Create engagement ENGAGEMENT_ID for an organisation, with its team list if given.

    The engagement and its teams are stored together: a bad team list stores neither.
    """
    from .._model._load import read_model_text
    from .._tabular import read_teams
    from .._workbook import create_engagement

    source = read_model_text(model_path or models_dir() / DEFAULT_MODEL)
    teams = read_teams(teams_file) if teams_file else None
    with open_store(ctx) as store:
        created = create_engagement(
            store, engagement_id, organisation, source, teams=teams, wave=wave,
            on=on.date() if on else None, min_group_size=min_group_size,
            languages=languages or None, min_comment_group_size=min_comment_group_size,
        )
    if wave is None:
        click.echo(f"note: no --wave given, so the wave is labelled with the engagement's date, "
                   f"{created.wave}; compare lists waves by this label", err=True)
    click.echo(
        f"created engagement {created.id!r} for {created.organisation!r} "
        f"(wave {created.wave}) "
        f"(model {created.model_id} {created.model_version}, "
        f"minimum group size {created.min_group_size}, "
        f"comments from groups of {created.min_comment_group_size}"
        + (f", {len(teams)} teams" if teams is not None else "") + ")"
    )


@engagement.command("list")
@click.option("--org", "organisation", help="Only this organisation's engagements.")
@format_option
@click.pass_context
def engagement_list(ctx: click.Context, organisation: str | None, fmt: str) -> None:
    """List engagements with their respondent counts."""
    with open_store(ctx) as store:
        rows = [
            {**e.__dict__, "languages": " ".join(e.languages),
             "respondents": store.count_respondents(e.id)}
            for e in store.engagements(organisation)
        ]
    emit(records(rows), fmt)


@engagement.command("teams")
@click.argument("engagement_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def engagement_teams(ctx: click.Context, engagement_id: str, file: Path) -> None:
    """Set an engagement's teams and headcounts from FILE (team, headcount[, department])."""
    from .._tabular import read_teams

    teams = read_teams(file)
    with open_store(ctx) as store:
        store.set_teams(engagement_id, teams)
    click.echo(f"{engagement_id}: {len(teams)} teams, headcount {int(teams['headcount'].sum())}")


# --- responses -----------------------------------------------------------------------------


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@engagement_option
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, engagement_id: str) -> None:
    """Import responses from a wide CSV or XLSX FILE: all of it, or nothing.

    A large file shows a progress bar while it is checked (on a terminal).
    """
    from .._table_file import check_limits

    check_limits(file)  # a file beyond the limits is refused before the heavy imports
    from .._tabular import import_responses

    with open_store(ctx) as store:
        result = import_responses(store, engagement_id, file)
    click.echo(f"imported {result.respondents} respondents into {result.engagement!r}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


@click.command("export")
@engagement_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="A .csv or .xlsx file.")
@click.pass_context
def export_cmd(ctx: click.Context, engagement_id: str, out: Path) -> None:
    """Export an engagement's responses in the import layout."""
    from .._tabular import export_responses

    with open_store(ctx) as store:
        path = export_responses(store, engagement_id, out)
    click.echo(f"wrote {path}")


# --- workspace -----------------------------------------------------------------------------


@click.group()
def workspace() -> None:
    """Inspect and back up the workspace."""


@workspace.command("info")
@click.pass_context
def workspace_info(ctx: click.Context) -> None:
    """Show the workspace folder, schema version and contents."""
    ws = workspace_of(ctx)
    with open_store(ctx) as store:
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
    with open_store(ctx) as store:
        path = store.backup(dest)
    click.echo(f"backed up to {path}")


# --- demo ----------------------------------------------------------------------------------


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Build the demo organisation (engagement 'demo') and summarise it."""
    from .._demo import DEMO_ENGAGEMENT, build_demo
    from .._workbook import score_summary

    model_source = (models_dir() / DEFAULT_MODEL).read_text(encoding="utf-8")
    with open_store(ctx) as store:
        eng = build_demo(store, model_source)
        n = store.count_respondents(DEMO_ENGAGEMENT)
        summary = score_summary(store, DEMO_ENGAGEMENT)
    click.echo(f"demo engagement {eng.id!r} of {eng.organisation!r}: {n} respondents")
    emit(summary, "table")
