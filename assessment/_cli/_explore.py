"""``assessment explore``: the results to explore, as a local token-protected page."""

from __future__ import annotations

import sys

import click

from ._context import engagement_option, workspace_of

__all__ = ["explore_cmd"]


@click.command("explore")
@engagement_option
@click.option("--port", type=click.IntRange(1, 65535), default=8867, show_default=True,
              help="Port on 127.0.0.1 (the page is for this machine's screen only).")
@click.option("--token", envvar="ASSESSMENT_EXPLORE_TOKEN",
              help="Login token in the URL (default: a random one). Prefer "
                   "$ASSESSMENT_EXPLORE_TOKEN: an option is visible to other users in `ps`.")
@click.pass_context
def explore_cmd(ctx: click.Context, engagement_id: str, port: int, token: str | None) -> None:
    """Serve the engagement's results to explore (heatmap, gaps, scorecard, answers,
    comments) on 127.0.0.1 with a login token: for a workshop screen, not for respondents."""
    from .._explore._serve import explore_server, serve_explore

    server = explore_server(workspace_of(ctx), engagement_id, port=port, token=token)
    click.echo(f"results of {engagement_id!r}: {server.url}")
    click.echo("open this URL on this machine; stop with Ctrl-C")
    code = serve_explore(server)
    if code > 0:
        sys.exit(code)
