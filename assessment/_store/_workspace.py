"""Where things live: the workspace folder and its files, and the files shipped with the package.

The workspace is ``--workspace``, else ``$ASSESSMENT_WORKSPACE``, else ``./workspace``; it
holds ``assessment.db`` and the generated outputs.
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

    ``Workspace.resolve(None)`` uses ``$ASSESSMENT_WORKSPACE``, else ``./workspace``;
    ``Workspace.find(None)`` also looks in the parent folders (see :meth:`find`).
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
        working directory) and its parents; ``./workspace`` when there is none.

        A notebook opened in JupyterLab runs in its own folder (``notebooks/``), so the
        workspace of the checkout is one level up; the command line keeps :meth:`resolve`.
        """
        if path or os.environ.get(WORKSPACE_ENV):
            return cls.resolve(path)
        from ._connection import DB_NAME

        here = Path(start or Path.cwd()).expanduser().resolve()
        for folder in (here, *here.parents):
            candidate = folder / "workspace"
            if (candidate / DB_NAME).is_file():
                return cls(candidate)
        return cls(here / "workspace")

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
