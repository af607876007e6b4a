"""Questionnaire commands: invite codes, and the Voilà server (imported when used)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ._context import engagement_option, open_store, workspace_of
from ._output import emit, format_option

__all__ = ["form_cmd", "invite"]

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def invite() -> None:
    """Generate, list and revoke invite codes; clear unfinished sessions.

    A shared code holds at most two sessions per remaining use that were active (started,
    resumed or saved a page) in the last 24 hours; older unfinished sessions no longer
    count, and resume with their personal code until they lapse after 14 days without
    activity (a session that never saved a page: after a day), their saved pages with them.
    """


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
    """List the engagement's codes by team, role and expiry: use and open sessions.

    Columns: codes, max_uses and uses (submissions) summed; revoked codes; open_sessions
    (unfinished, not lapsed); active_sessions (shared-code sessions active in the last 24
    hours: they count against the code's limit of two per remaining use); busy (shared codes
    refusing new starts now, until a session submits or goes quiet; `invite clear` frees
    them at once).
    """
    from .._form._invites import list_invites

    with open_store(ctx) as store:
        frame = list_invites(store, engagement_id)
    emit(frame, fmt)


def _selection(func: F) -> F:
    """Add the ways to name codes: ``--code`` (repeatable), ``--team``/``--role``, ``--all``."""
    for option in reversed((
        click.option("--code", "codes", multiple=True, metavar="CODE",
                     help="A code as handed out (from the codes CSV); repeat for more."),
        click.option("--team", help="Every code of this team (with --role: of that role)."),
        click.option("--role", help="Every code of this role, one of the model's (with --team)."),
        click.option("--all", "every", is_flag=True, help="Every code of the engagement."),
        click.option("--yes", is_flag=True, help="Do not ask for confirmation."),
    )):
        func = option(func)
    return func


def _named(codes: tuple[str, ...], team: str | None, role: str | None) -> str:
    if codes:
        return f"{len(codes)} code(s) given"
    if team is None and role is None:
        return "every code"
    return ", ".join(f"{what} {value!r}" for what, value in (("team", team), ("role", role))
                     if value is not None)


@invite.command("revoke")
@engagement_option
@_selection
@click.pass_context
def invite_revoke(
    ctx: click.Context, engagement_id: str, codes: tuple[str, ...], team: str | None,
    role: str | None, every: bool, yes: bool,
) -> None:
    """Revoke codes: refuse new starts, resumes and submissions with them.

    Their unfinished sessions are deleted; answers already submitted stay. Respondents who
    enter a revoked code are told it was withdrawn. All in one transaction.
    """
    from .._form._invites import open_sessions, revoke_invites, select_invites

    with open_store(ctx) as store:
        hashes = select_invites(store, engagement_id, codes=codes, team=team, role=role,
                                every=every)
        sessions, _ = open_sessions(store, hashes)
        if not yes:
            click.confirm(
                f"revoke {len(hashes)} code(s) of engagement {engagement_id!r} "
                f"({_named(codes, team, role)}), refusing new starts, resumes and "
                f"submissions, and delete their {sessions} unfinished session(s)? Answers "
                "already submitted stay",
                abort=True,
            )
        revoked, removed = revoke_invites(store, hashes)
    earlier = len(hashes) - revoked
    already = f" ({earlier} already were)" if earlier else ""
    click.echo(
        f"revoked {revoked} code(s){already} and deleted {removed} unfinished session(s); "
        "answers already submitted stay"
    )


@invite.command("clear")
@engagement_option
@_selection
@click.pass_context
def invite_clear(
    ctx: click.Context, engagement_id: str, codes: tuple[str, ...], team: str | None,
    role: str | None, every: bool, yes: bool,
) -> None:
    """Delete the unfinished sessions (saved pages) of codes, in one transaction.

    Frees a shared code that refuses new starts (busy). The codes keep working: holders of
    a deleted session are told so and start again with the code; submitted answers stay.
    """
    from .._form._invites import clear_sessions, open_sessions, select_invites

    with open_store(ctx) as store:
        hashes = select_invites(store, engagement_id, codes=codes, team=team, role=role,
                                every=every)
        sessions, saved = open_sessions(store, hashes)
        if not sessions:
            click.echo(f"no unfinished sessions on the {len(hashes)} code(s); nothing deleted")
            return
        if not yes:
            click.confirm(
                f"delete {sessions} unfinished session(s) ({saved} with saved answers) of "
                f"{len(hashes)} code(s) of engagement {engagement_id!r} "
                f"({_named(codes, team, role)})? Their holders start again",
                abort=True,
            )
        removed = clear_sessions(store, hashes)
    click.echo(f"deleted {removed} unfinished session(s) of {len(hashes)} code(s)")


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
@click.option("--idle-timeout", type=click.FloatRange(min=1), default=1200, show_default=True,
              metavar="SECONDS",
              help="End a respondent's session after this long without activity; the pages "
                   "they completed stay saved and they continue with their code.")
@click.option("--max-sessions", type=click.IntRange(min=0), metavar="N",
              help="Open sessions beyond which new visitors get a 'busy, try again in a "
                   "minute' page (default: from the machine's memory, see the README; "
                   "0: no limit).")
@click.option("--recycle-memory", type=click.FloatRange(min=0), default=1.15,
              show_default=True, metavar="FACTOR",
              help="Once every session has ended, replace the server process with a fresh one "
                   "if its memory is above FACTOR times its memory at start (0: never).")
@click.pass_context
def form_cmd(
    ctx: click.Context,
    engagement_id: str,
    port: int,
    ip: str,
    token: str | None,
    open_access: bool,
    idle_timeout: float,
    max_sessions: int | None,
    recycle_memory: float,
) -> None:
    """Serve the engagement's questionnaire: one server process, login token required.

    Exits non-zero, saying why, when the server stops on its own: 128 + N when signal N
    killed it (137: SIGKILL, e.g. the out-of-memory killer), its own status on an error.
    """
    from .._form._serve import exit_reason, form_server, serve_form

    server = form_server(workspace_of(ctx), engagement_id, port=port, ip=ip, token=token,
                         open_access=open_access, idle_timeout=idle_timeout,
                         max_sessions=max_sessions, recycle_memory=recycle_memory)
    cap = server.config.max_sessions
    limit = f"at most {cap} sessions at once" if cap else "no limit on sessions"
    click.echo(f"questionnaire of {engagement_id!r}: {server.url}")
    click.echo(f"give respondents this URL and their invite codes; {limit}, idle ones end "
               f"after {idle_timeout:g} s; stop with Ctrl-C")
    status, reason = exit_reason(serve_form(server))
    if status:
        click.echo(f"error: {reason}", err=True)
        sys.exit(status)
