"""What a command works on: the workspace of ``--workspace``, its store, an engagement."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .._store._workspace import Workspace

if TYPE_CHECKING:
    from .._store._store import Store

__all__ = ["engagement_option", "open_store", "workspace_of"]

F = TypeVar("F", bound=Callable[..., Any])


def engagement_option(func: F) -> F:
    """Add the required ``--engagement ID`` as the parameter ``engagement_id``."""
    return click.option(
        "--engagement", "engagement_id", required=True, metavar="ID",
        help="The engagement (see `assessment engagement list`).",
    )(func)


def workspace_of(ctx: click.Context) -> Workspace:
    """Return the workspace the root command found (``--workspace``, the environment...)."""
    return ctx.find_object(Workspace) or Workspace.find()


@contextmanager
def open_store(ctx: click.Context) -> Iterator[Store]:
    """Open the workspace's store, naming the database when SQLite fails."""
    import sqlite3

    from .._exceptions import StoreError

    ws = workspace_of(ctx)
    try:
        with ws.store() as store:
            yield store
    except sqlite3.Error as exc:  # e.g. a locked or damaged database: say which one
        raise StoreError(f"{ws.db_path}: {exc}") from exc
