"""Questionnaire commands: invite codes, and the Voilà server (imported when used)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ._context import engagement_option, open_store, workspace_of
from ._output import emit, format_option

__all__ = ["form_cmd", "invite"]


@click.group()
def invite() -> None:
    """Generate and list invite codes for the questionnaire."""


@invite.command("create")
@engagement_option
@click.option("--team", required=True, help="The respondents' team.")
@click.option("--role", required=True,
              help="The respondents' role, one of the model's (executive, manager or frontline "
              "in the shipped model): it decides how the questions are phrased.")
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
    expires: datetime | None,
    out: Path,
) -> None:
    """Generate invite codes for one team and role and write them to a new CSV file.

    The file is checked first, and the codes are stored only once it is written.
    """
    from .._workbook import create_invites

    with open_store(ctx) as store:
        made = create_invites(
            store, engagement_id, out, role=role, team=team, department=department,
            uses=uses, count=count, expires=expires.date() if expires else None,
        )
    click.echo(
        f"wrote {len(made)} code(s) for team {made[0].team!r}, role {role}, each usable "
        f"{uses} time(s), to {out}; codes are stored only hashed, so keep this file"
    )


@invite.command("list")
@engagement_option
@format_option
@click.pass_context
def invite_list(ctx: click.Context, engagement_id: str, fmt: str) -> None:
    """List the engagement's codes by team, role and expiry, with how often they were used."""
    from .._form._invites import list_invites

    with open_store(ctx) as store:
        frame = list_invites(store, engagement_id)
    emit(frame, fmt)


@click.command("form")
@engagement_option
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

    server = form_server(workspace_of(ctx), engagement_id, port=port, ip=ip, token=token,
                         open_access=open_access, notebook=notebook)
    click.echo(f"questionnaire of {engagement_id!r}: {server.url}")
    click.echo("give respondents this URL and their invite codes; stop with Ctrl-C")
    code = serve_form(server)
    if code > 0:
        sys.exit(code)
