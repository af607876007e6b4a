"""Analysis commands: scores, the consultant's ratings, targets and their roadmap,
comparisons with earlier waves and other organisations.

The library is imported inside each command, when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._context import engagement_option, open_store, workspace_of
from ._output import emit, format_option, long_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["compare_cmd", "drivers_cmd", "rate_cmd", "score_cmd", "target_cmd"]

def _whole(value: str) -> bool:
    """A level as typed: a whole number (the store checks it against the model's levels)."""
    return value.isascii() and value.isdigit() and len(value) <= 2


def _level(value: str) -> int | None:
    if value.lower() in ("na", "n/a"):
        return None
    if not _whole(value):
        raise click.BadParameter("a level of the model (such as 3), or 'na'",
                                 param_hint="--level")
    return int(value)


@click.command("rate")
@engagement_option
@click.option("--facet", help="Facet id to rate (omit to list the ratings beside the survey).")
@click.option("--level", help="a level of the model (1-5 in the shipped model), or 'na' for "
              "not applicable (with --facet).")
@click.option("--evidence", default="",
              help="What the rating rests on: interviews, observation, documents (required "
              "with --facet).")
@format_option
@click.pass_context
def rate_cmd(
    ctx: click.Context, engagement_id: str, facet: str | None, level: str | None,
    evidence: str, fmt: str,
) -> None:
    """Record the consultant's evidence-based level of a facet, or list the ratings.

    The list puts each facet (id and name) and its survey level beside the consultant's,
    with their agreement. A rating needs --evidence: the report quotes it.
    """
    if not facet and (level is not None or evidence):
        raise click.UsageError("--level and --evidence rate a facet: give --facet too")
    if facet:
        if level is None:
            raise click.UsageError("--level is required with --facet")
        if not evidence.strip():
            raise click.UsageError(
                "--evidence is required with --facet: say what the rating rests on "
                "(interviews, observation, documents); the report quotes it"
            )
    with open_store(ctx) as store:
        if facet:
            store.set_rating(engagement_id, facet, _level(level or ""), evidence)
            click.echo(f"rated {facet!r}: {level}")
            return
        from .._workbook import ratings_against_survey

        frame = ratings_against_survey(store, engagement_id)
        model = store.model(engagement_id)
    if fmt == "table":
        names = {f.id: f.name.get("en") for d in model.dimensions for f in d.facets}
        dimensions = {d.id: d.name.get("en") for d in model.dimensions}
        frame = frame.astype({"consultant_level": object})
        frame.loc[frame["consultant_na"], "consultant_level"] = "n/a"
        frame = frame.assign(
            name=frame["facet"].map(names), dimension=frame["dimension"].map(dimensions)
        )
        frame = frame[["dimension", "facet", "name", "survey_level", "consultant_level",
                       "agreement", "evidence"]]
    emit(frame, fmt)


@click.command("target")
@engagement_option
@click.argument("targets", nargs=-1, metavar="[DIMENSION=LEVEL]...")
@format_option
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
        if not dim or not _whole(value):
            raise click.BadParameter(
                f"{item!r}: write DIMENSION=LEVEL with a level of the model, such as culture=4"
            )
        parsed[dim] = int(value)
    with open_store(ctx) as store:
        if parsed:
            store.set_targets(engagement_id, parsed)
        if not store.targets(engagement_id) and fmt == "table":
            click.echo("no targets set; give them as DIMENSION=LEVEL")
            return
        from .._scoring._roadmap import plan_table
        from .._workbook import target_plan

        gaps, plan = target_plan(store, engagement_id)
    emit(plan_table(gaps, plan), fmt)


@click.command("score")
@engagement_option
@click.option("--by", default="organisation", show_default=True,
              type=click.Choice(["organisation", "role", "team", "department", "role,team"]),
              help="The breakdown to print.")
@format_option
@click.pass_context
def score_cmd(ctx: click.Context, engagement_id: str, by: str, fmt: str) -> None:
    """Print scores per group and dimension, with small groups suppressed."""
    from .._workbook import engagement_scores

    with open_store(ctx) as store:
        table = engagement_scores(store, engagement_id, by=by)
    columns = ["by", "group", "dimension", "n", "mean", "sd", "ci_low", "ci_high", "score_100",
               "level", "suppressed", "favourable", "neutral", "unfavourable"]
    emit(table[columns], fmt)


@click.command("compare")
@engagement_option
@click.option("--what", type=click.Choice(["both", "waves", "portfolio"]), default="both",
              show_default=True,
              help="Earlier waves, the portfolio percentiles, or both (csv/json: one table "
              "with a 'kind' column).")
@click.option("--level", type=click.Choice(["dimension", "item"]), default="dimension",
              show_default=True,
              help="With --what waves: each question's change since the previous wave (as the "
              "reports show it; a reworded question is 'not comparable', one not asked before "
              "'new').")
@click.option("--by", default="organisation", show_default=True,
              type=click.Choice(["organisation", "role", "team", "department"]),
              help="With --level item: the groups whose questions to compare.")
@format_option
@click.pass_context
def compare_cmd(
    ctx: click.Context, engagement_id: str, what: str, level: str, by: str, fmt: str
) -> None:
    """Compare with earlier waves, and with the workspace's other organisations."""
    from .._workbook import compare_portfolio, compare_wave_items, compare_waves

    if level == "item":
        if what != "waves":
            raise click.UsageError("--level item: only with --what waves")
        emit(compare_wave_items(workspace_of(ctx), engagement_id, by), fmt)
        return
    parts: dict[str, pd.DataFrame] = {}
    with open_store(ctx) as store:
        if what in ("both", "waves"):
            parts["waves"] = compare_waves(store, engagement_id)
        if what in ("both", "portfolio"):
            parts["portfolio"] = compare_portfolio(store, engagement_id)
    if fmt != "table":
        emit(long_table(parts) if len(parts) > 1 else next(iter(parts.values())), fmt)
        return
    titles = {"waves": "waves:", "portfolio": "portfolio percentiles:"}
    for i, (kind, frame) in enumerate(parts.items()):
        click.echo(("\n" if i else "") + titles[kind])
        emit(frame, fmt)


@click.command("drivers")
@engagement_option
@click.option("--unit", default="organisation", show_default=True,
              help="'organisation', or 'team:NAME', 'role:NAME', 'department:NAME'.")
@click.option("--outcome", help="One outcome (employee_engagement, customer_experience, "
              "recommend); default: every outcome of the model.")
@format_option
@click.pass_context
def drivers_cmd(
    ctx: click.Context, engagement_id: str, unit: str, outcome: str | None, fmt: str
) -> None:
    """Print what drives the outcomes: each facet's relative importance (Johnson's relative
    weights) beside its score.

    A unit with fewer than 30 complete respondents (or whose own drivers would describe a
    remainder of fewer than 30) shows the organisation's drivers, with own = false.
    """
    from .._workbook import engagement_drivers

    emit(engagement_drivers(workspace_of(ctx), engagement_id, unit, outcome), fmt)
