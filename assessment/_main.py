"""The ``assessment`` command line: it parses arguments and calls the library, nothing more."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ._config import DEFAULT_MODEL, WORKSPACE_ENV, Workspace, models_dir
from ._demo import DEMO_ENGAGEMENT, build_demo
from ._exceptions import AssessmentError, ModelError
from ._model import inspect_model
from ._participation import participation
from ._quality import quality_flags
from ._store import Store
from ._tabular import export_responses, import_responses, read_teams

__all__ = ["cli", "main"]

FORMATS = click.Choice(["table", "csv", "json"])


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    """Print a frame as an aligned table, CSV or a JSON list of records."""
    if fmt == "json":
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif frame.empty:
        click.echo("(nothing to show)")
    else:
        click.echo(frame.to_string(index=False))


@contextmanager
def _store(ctx: click.Context) -> Iterator[Store]:
    workspace: Workspace = ctx.obj
    with workspace.store() as store:
        yield store


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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def model_check(path: Path, fmt: str) -> None:
    """Validate the model at PATH and summarise it; exit 1 on any problem."""
    result = inspect_model(path)
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
@click.option("--format", "fmt", type=FORMATS, default="table")
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
@click.option("--min-group-size", type=click.IntRange(min=3), default=5, show_default=True)
@click.option("--language", "languages", multiple=True,
              help="Language offered to respondents (repeat; the first is the default).")
@click.option("--teams", "teams_file", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV/XLSX of teams: team, headcount[, department].")
@click.pass_context
def engagement_create(
    ctx: click.Context,
    engagement_id: str,
    organisation: str,
    model_path: Path | None,
    wave: str | None,
    on: Any,
    min_group_size: int,
    languages: tuple[str, ...],
    teams_file: Path | None,
) -> None:
    """Create engagement ENGAGEMENT_ID for an organisation."""
    path = model_path or models_dir() / DEFAULT_MODEL
    teams = read_teams(teams_file) if teams_file else None
    with _store(ctx) as store:
        created = store.create_engagement(
            engagement_id,
            organisation,
            path.read_text(encoding="utf-8"),
            wave=wave,
            on=on.date() if on else None,
            min_group_size=min_group_size,
            languages=languages or None,
        )
        if teams is not None:
            store.set_teams(engagement_id, teams)
    click.echo(
        f"created engagement {created.id!r} for {created.organisation!r} "
        f"(model {created.model_id} {created.model_version}, "
        f"minimum group size {created.min_group_size})"
    )


@engagement.command("list")
@click.option("--org", "organisation", help="Only this organisation's engagements.")
@click.option("--format", "fmt", type=FORMATS, default="table")
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
@click.option("--engagement", "engagement_id", required=True)
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, engagement_id: str) -> None:
    """Import responses from a wide CSV or XLSX FILE: all of it, or nothing."""
    with _store(ctx) as store:
        result = import_responses(store, engagement_id, file)
    click.echo(f"imported {result.respondents} respondents into {result.engagement!r}")


@cli.command("export")
@click.option("--engagement", "engagement_id", required=True)
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
    """Back up the database with SQLite's online backup API (safe while in use)."""
    ws: Workspace = ctx.obj
    target = dest or ws.path / "backups" / f"assessment-{date.today():%Y%m%d}.db"
    with _store(ctx) as store:
        path = store.backup(target)
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
@click.option("--engagement", "engagement_id", required=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def participation_cmd(ctx: click.Context, engagement_id: str, fmt: str) -> None:
    """Show responses per team and role against headcount, with flags."""
    with _store(ctx) as store:
        eng = store.engagement(engagement_id)
        frame = participation(
            store.responses(engagement_id).respondents, store.teams(engagement_id),
            eng.min_group_size,
        )
    _emit(frame, fmt)


@cli.command("quality")
@click.option("--engagement", "engagement_id", required=True)
@click.option("--all", "show_all", is_flag=True, help="List every response, not only flagged.")
@click.option("--exclude", "exclude_id", metavar="RESPONDENT", help="Exclude this response.")
@click.option("--include", "include_id", metavar="RESPONDENT", help="Take it back in.")
@click.option("--reason", help="Why the response is excluded (required with --exclude).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def quality_cmd(
    ctx: click.Context,
    engagement_id: str,
    show_all: bool,
    exclude_id: str | None,
    include_id: str | None,
    reason: str | None,
    fmt: str,
) -> None:
    """Flag incomplete, straight-lined, too fast and duplicated responses; exclude them."""
    with _store(ctx) as store:
        if exclude_id:
            store.exclude(engagement_id, exclude_id, reason or "")
            click.echo(f"excluded {exclude_id!r}: {reason}")
            return
        if include_id:
            store.include(engagement_id, include_id)
            click.echo(f"included {include_id!r} again")
            return
        flags = quality_flags(store.responses(engagement_id), store.model(engagement_id))
        excluded = store.exclusions(engagement_id)
    shown = flags if show_all else flags[flags["flags"] != ""]
    _emit(shown.reset_index(), fmt)
    if fmt == "table":
        click.echo(f"{(flags['flags'] != '').sum()} of {len(flags)} responses flagged; "
                   f"{len(excluded)} excluded")


def _level(value: str) -> int | None:
    if value.lower() in ("na", "n/a"):
        return None
    if value not in {"1", "2", "3", "4", "5"}:
        raise click.BadParameter("a level from 1 to 5, or 'na'", param_hint="--level")
    return int(value)


@cli.command("rate")
@click.option("--engagement", "engagement_id", required=True)
@click.option("--facet", help="Facet id to rate (omit to list the ratings).")
@click.option("--level", help="1-5, or 'na' for not applicable.")
@click.option("--evidence", default="", help="What the rating rests on.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def rate_cmd(
    ctx: click.Context, engagement_id: str, facet: str | None, level: str | None,
    evidence: str, fmt: str,
) -> None:
    """Record the consultant's evidence-based level of a facet, or list the ratings."""
    with _store(ctx) as store:
        if facet:
            if level is None:
                raise click.UsageError("--level is required with --facet")
            store.set_rating(engagement_id, facet, _level(level), evidence)
            click.echo(f"rated {facet!r}: {level}")
            return
        frame = store.ratings(engagement_id)
    _emit(frame, fmt)


@cli.command("target")
@click.option("--engagement", "engagement_id", required=True)
@click.argument("targets", nargs=-1, metavar="[DIMENSION=LEVEL]...")
@click.pass_context
def target_cmd(ctx: click.Context, engagement_id: str, targets: tuple[str, ...]) -> None:
    """Set the client's target level per dimension, e.g. culture=4 leadership=4."""
    parsed: dict[str, int] = {}
    for item in targets:
        dim, _, value = item.partition("=")
        if not dim or value not in {"1", "2", "3", "4", "5"}:
            raise click.BadParameter(f"{item!r}: write DIMENSION=LEVEL with a level from 1 to 5")
        parsed[dim] = int(value)
    with _store(ctx) as store:
        if parsed:
            store.set_targets(engagement_id, parsed)
        current = store.targets(engagement_id)
    for dim, lvl in current.items():
        click.echo(f"{dim:20} {lvl}")
    if not current:
        click.echo("no targets set")


# --- demo ----------------------------------------------------------------------------------


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Build the demo organisation (engagement 'demo') and summarise it."""
    model_source = (models_dir() / DEFAULT_MODEL).read_text(encoding="utf-8")
    with _store(ctx) as store:
        eng = build_demo(store, model_source)
        n = store.count_respondents(DEMO_ENGAGEMENT)
    click.echo(f"demo engagement {eng.id!r} of {eng.organisation!r}: {n} respondents")


def main() -> None:
    """Run the CLI, turning the package's own errors into a message and exit code 1."""
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
