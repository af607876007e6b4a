"""Fieldwork commands: who has answered, and which responses to trust.

The library is imported inside each command, when it runs.
"""

from __future__ import annotations

import click

from ._context import engagement_option, open_store
from ._output import emit, format_option

__all__ = ["participation_cmd", "quality_cmd", "reliability_cmd"]


@click.command("participation")
@engagement_option
@format_option
@click.pass_context
def participation_cmd(ctx: click.Context, engagement_id: str, fmt: str) -> None:
    """Show responses per team, role, role x team and department against headcount.

    Flags rates under 60% (low_response) and the groups the reports would withhold at the
    current count (will_be_suppressed), by the reports' own rule.
    """
    from .._workbook import engagement_participation

    with open_store(ctx) as store:
        frame = engagement_participation(store, engagement_id)
    emit(frame, fmt)


@click.command("reliability")
@engagement_option
@format_option
@click.pass_context
def reliability_cmd(ctx: click.Context, engagement_id: str, fmt: str) -> None:
    """Per dimension: Cronbach's alpha with its 95% interval, ICC(1) and ICC(2) by team,
    the published teams and the share of them with rwg(J) >= 0.70.

    Only published teams count (a withheld team's members are left out of the ICCs).
    """
    from .._workbook import engagement_reliability

    with open_store(ctx) as store:
        frame = engagement_reliability(store, engagement_id)
    emit(frame, fmt)


@click.command("quality")
@engagement_option
@click.option("--all", "show_all", is_flag=True, help="List every response, not only flagged.")
@click.option("--exclude", "exclude_id", metavar="RESPONDENT", help="Exclude this response.")
@click.option("--include", "include_id", metavar="RESPONDENT", help="Take it back in.")
@click.option("--reason", help="Why the response is excluded (required with --exclude).")
@click.option("--exclusions", "list_exclusions", is_flag=True,
              help="List the excluded responses with their reasons.")
@format_option
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
    with open_store(ctx) as store:
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
            emit(excluded, fmt)
            return
        from .._scoring._quality import quality_flags

        flags = quality_flags(store.responses(engagement_id), store.model(engagement_id))
    shown = flags if show_all else flags[flags["flags"] != ""]
    emit(shown.reset_index(), fmt)
    if fmt == "table":
        click.echo(f"{(flags['flags'] != '').sum()} of {len(flags)} responses flagged; "
                   f"{len(excluded)} excluded (list them with --exclusions)")
