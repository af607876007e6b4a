"""The consultant's narrative and agreed actions: ``assessment narrative``, ``assessment action``.

The library is imported inside each command, when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from ._context import engagement_option, open_store
from ._output import emit, format_option

__all__ = ["action", "narrative_cmd"]


@click.command("narrative")
@engagement_option
@click.option("--dimension", metavar="ID",
              help="A dimension's findings (default: the executive summary).")
@click.option("--lang", "language", metavar="LANG",
              help="The language of the text: one of the engagement's languages.")
@click.option("--file", "file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Set the text from this Markdown file (UTF-8).")
@click.option("--show", is_flag=True, help="Print the stored Markdown text.")
@click.option("--clear", is_flag=True, help="Remove the stored text.")
@click.option("--list", "list_", is_flag=True,
              help="List what is written, by part and language (--format applies).")
@format_option
@click.pass_context
def narrative_cmd(
    ctx: click.Context, engagement_id: str, dimension: str | None, language: str | None,
    file: Path | None, show: bool, clear: bool, list_: bool, fmt: str,
) -> None:
    """Set, show, clear or list the consultant's narrative: the executive summary, or a
    dimension's findings, in Markdown per language. Reports show it as Markdown without raw
    HTML; a change rebuilds only the engagement's reports in that language."""
    chosen = [name for name, on in (("--file", file is not None), ("--show", show),
                                    ("--clear", clear), ("--list", list_)) if on]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --file, --show, --clear or --list")
    if not list_ and not language:
        raise click.UsageError(f"{chosen[0]} needs --lang")
    with open_store(ctx) as store:
        part = f"{'findings on ' + dimension if dimension else 'executive summary'} ({language})"
        if list_:
            from .._workbook import narrative_overview

            emit(narrative_overview(store, engagement_id), fmt)
        elif file is not None:
            from .._workbook import set_narrative_from_file

            changed = set_narrative_from_file(store, engagement_id, file, language=str(language),
                                              dimension=dimension)
            click.echo(f"{'stored' if changed else 'unchanged'}: {part}")
        elif show:
            text = store.narrative(engagement_id, language=str(language), dimension=dimension)
            if text is None:
                click.echo(f"no {part} yet", err=True)
            else:
                click.echo(text)
        else:
            removed = store.clear_narrative(engagement_id, language=str(language),
                                            dimension=dimension)
            click.echo(f"{'removed' if removed else 'nothing to remove'}: {part}")


@click.group()
def action() -> None:
    """The actions agreed with the client per dimension (the next wave's reports list them)."""


@action.command("add")
@engagement_option
@click.option("--dimension", required=True, metavar="ID", help="The dimension it improves.")
@click.option("--title", required=True, help="What will be done (one line).")
@click.option("--owner", required=True, help="Who is accountable.")
@click.option("--due", required=True, metavar="YYYY-MM-DD", help="The due date (ISO).")
@click.pass_context
def action_add(
    ctx: click.Context, engagement_id: str, dimension: str, title: str, owner: str, due: str
) -> None:
    """Record an agreed action; it starts open. Prints its id."""
    with open_store(ctx) as store:
        added = store.add_action(engagement_id, dimension=dimension, title=title, owner=owner,
                                 due=due)
    click.echo(f"added action {added.id} ({added.dimension}, due {added.due})")


@action.command("list")
@engagement_option
@click.option("--dimension", metavar="ID", help="Only this dimension's actions.")
@click.option("--status", type=click.Choice(["open", "done"]), help="Only open or done ones.")
@format_option
@click.pass_context
def action_list(
    ctx: click.Context, engagement_id: str, dimension: str | None, status: str | None, fmt: str
) -> None:
    """List the engagement's agreed actions (CSV with spreadsheet formulas neutralised)."""
    from .._workbook import agreed_actions

    with open_store(ctx) as store:
        emit(agreed_actions(store, engagement_id, dimension=dimension, status=status), fmt)


@action.command("done")
@engagement_option
@click.argument("action_id", type=int, metavar="ID")
@click.option("--undo", is_flag=True, help="Open the action again.")
@click.pass_context
def action_done(ctx: click.Context, engagement_id: str, action_id: int, undo: bool) -> None:
    """Mark the action ID done (or open again with --undo)."""
    status: Literal["open", "done"] = "open" if undo else "done"
    with open_store(ctx) as store:
        changed = store.set_action_status(engagement_id, action_id, status)
    click.echo(f"action {action_id}: {status}{'' if changed else ' (unchanged)'}")
