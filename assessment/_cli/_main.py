"""The ``assessment`` command line: it parses arguments and calls the library, nothing more.

The commands live in one module per area (``_setup``, ``_fieldwork``, ``_analysis``,
``_reports``, ``_form``, ``_notes``) and import the library when they run, so ``--help`` and
``--version`` load neither pandas nor the store.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import click

from ..__version__ import __version__
from .._exceptions import AssessmentError, ModelError
from .._store._workspace import WORKSPACE_ENV, Workspace
from ._analysis import compare_cmd, drivers_cmd, rate_cmd, score_cmd, target_cmd
from ._explore import explore_cmd
from ._fieldwork import participation_cmd, quality_cmd, reliability_cmd
from ._form import form_cmd, invite
from ._notes import action, narrative_cmd
from ._reports import batch_cmd, export_tables_cmd, report_cmd
from ._setup import demo, engagement, export_cmd, import_cmd, model, org, workspace

__all__ = ["cli", "main"]


class Failure(click.ClickException):
    """An expected failure, shown as ``error: ...`` with exit code 1 and no traceback."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        """Print the message on standard error."""
        click.echo(self.format_message(), err=True)


class _Root(click.Group):
    """The root group: it turns expected failures into a one-line message and exit code 1.

    Expected failures are the package's own errors and those of the operating system (a file
    that cannot be read or written, a folder that cannot be made); a traceback means a bug.
    Ctrl-C prints ``aborted``.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (AssessmentError, ModelError) as exc:
            raise Failure(f"error: {exc}") from exc
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # a closed pipe: click quietens it itself
                raise
            where = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
            reason = exc.strerror or str(exc)
            raise Failure(f"error: {': '.join([*where, reason])}") from exc
        except (click.Abort, KeyboardInterrupt) as exc:
            if isinstance(exc, KeyboardInterrupt):
                click.echo(err=True)  # closes the terminal's ^C echo
            raise Failure("aborted") from exc


@click.group(name="assessment", cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=WORKSPACE_ENV,
    help=f"Workspace folder (default: ${WORKSPACE_ENV}, else the nearest workspace/ here or "
    "above, else ./workspace).",
)
@click.version_option(__version__, prog_name="assessment")  # importlib.metadata is slow
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """Service-maturity assessments: models, responses, scores and reports."""
    ctx.obj = Workspace.find(workspace)


for _command in (
    model, org, engagement, import_cmd, export_cmd, workspace, participation_cmd, quality_cmd,
    reliability_cmd, drivers_cmd,
    rate_cmd, target_cmd, score_cmd, compare_cmd, demo, batch_cmd, report_cmd, invite, form_cmd,
    export_tables_cmd, explore_cmd, narrative_cmd, action,
):
    cli.add_command(_command)


def main() -> None:
    """Run the command line (the ``assessment`` console script)."""
    cli()


if __name__ == "__main__":
    main()
