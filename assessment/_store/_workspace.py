"""Where things live: the workspace folder and its files, and the files shipped with the package.

One rule for the command line and every notebook (:meth:`Workspace.find`): the workspace is
``--workspace`` (a notebook's ``workspace`` parameter), else ``$ASSESSMENT_WORKSPACE``, else
the nearest ``workspace/`` holding ``assessment.db`` in the working directory or above; only
when there is none is a new one made. It holds ``assessment.db`` and the generated outputs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# The command line reads this module to parse its options: the store (SQLite, pydantic,
# pandas) is imported only when a workspace is opened.
if TYPE_CHECKING:
    from ._store import Store

__all__ = ["DEFAULT_MODEL", "WORKSPACE_ENV", "Workspace", "models_dir", "samples_dir", "shipped"]

#: The environment variable that overrides the default workspace folder.
WORKSPACE_ENV = "ASSESSMENT_WORKSPACE"


#: The file name of the shipped service-maturity model.
DEFAULT_MODEL = "service-maturity.yaml"


def shipped(*parts: str) -> Path:
    """Return a file or folder shipped with the package: in a checkout, or in the wheel.

    ``shipped("data", "models")`` is ``data/models`` of a checkout, or ``assessment/models``
    of an installed wheel; ``shipped("notebooks", "report.ipynb")`` is
    ``assessment/notebooks/report.ipynb`` there (``pyproject.toml`` force-includes them).
    """
    here = Path(__file__).resolve().parent.parent  # the package folder
    in_wheel = parts[1:] if parts[0] == "data" else parts
    for candidate in (here.parent.joinpath(*parts), here.joinpath(*in_wheel)):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"{'/'.join(parts)} is missing next to the package: reinstall the assessment package"
    )


def models_dir() -> Path:
    """Return the folder of the shipped models (``data/models`` in a checkout)."""
    return shipped("data", "models")


def samples_dir() -> Path:
    """Return the folder of the sample files (``data/samples`` in a checkout)."""
    return shipped("data", "samples")


@dataclass(frozen=True)
class Workspace:
    """A workspace folder: ``assessment.db`` and the generated outputs.

    ``Workspace.find(None)`` is the one rule the command line and the notebooks follow (see
    :meth:`find`); ``Workspace.resolve(None)`` uses ``$ASSESSMENT_WORKSPACE``, else
    ``./workspace``, without looking further.
    """

    path: Path

    @classmethod
    def resolve(cls, path: str | Path | None = None) -> Workspace:
        """Return the workspace at ``path``, the environment's, or ``./workspace``."""
        chosen = path or os.environ.get(WORKSPACE_ENV) or "workspace"
        return cls(Path(chosen).expanduser().resolve())

    @classmethod
    def find(cls, path: str | Path | None = None, *, start: str | Path | None = None) -> Workspace:
        """Like :meth:`resolve`, but without ``path`` or the environment variable, look for
        the nearest ``workspace/`` holding ``assessment.db`` in ``start`` (default: the
        working directory) and its parents.

        When there is none, the new workspace's place is ``start/workspace``, or, from a
        ``notebooks/`` folder, the ``workspace/`` beside it: a notebook opened in JupyterLab
        runs in its own folder (``notebooks/``), and the command line, run from the checkout,
        then finds the same workspace.
        """
        if path or os.environ.get(WORKSPACE_ENV):
            return cls.resolve(path)
        from ._connection import DB_NAME

        here = Path(start or Path.cwd()).expanduser().resolve()
        for folder in (here, *here.parents):
            candidate = folder / "workspace"
            if (candidate / DB_NAME).is_file():
                return cls(candidate)
        return cls((here.parent if here.name == "notebooks" else here) / "workspace")

    @property
    def exists(self) -> bool:
        """Whether the workspace's database is there already."""
        return self.db_path.is_file()

    def describe(self) -> str:
        """Say which workspace this is, and whether opening it makes a new one."""
        if self.exists:
            return f"workspace: {self.path}"
        return (f"workspace: {self.path} (none found here or above: a new one is made there; "
                f"set ${WORKSPACE_ENV} to use another)")

    @property
    def db_path(self) -> Path:
        """The SQLite database of this workspace."""
        from ._connection import DB_NAME

        return self.path / DB_NAME

    @property
    def reports_dir(self) -> Path:
        """Where generated reports go by default."""
        return self.path / "reports"

    def store(self, *, check_same_thread: bool = True) -> Store:
        """Open (creating if needed) the workspace's store (see :class:`Store`)."""
        from ._store import Store

        return Store(self.db_path, check_same_thread=check_same_thread)
