"""Where things live: the workspace folder and the shipped models."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ._store import DB_NAME, Store

__all__ = ["DEFAULT_MODEL", "WORKSPACE_ENV", "Workspace", "models_dir"]

#: The environment variable that overrides the default workspace folder.
WORKSPACE_ENV = "ASSESSMENT_WORKSPACE"
#: The file name of the shipped service-maturity model.
DEFAULT_MODEL = "service-maturity.yaml"


def models_dir() -> Path:
    """Return the folder of the shipped models (``data/models`` in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data" / "models", here / "models"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the shipped models are missing: reinstall the assessment package")


@dataclass(frozen=True)
class Workspace:
    """A workspace folder: ``assessment.db`` and the generated outputs.

    ``Workspace.resolve(None)`` uses ``$ASSESSMENT_WORKSPACE``, else ``./workspace``.
    """

    path: Path

    @classmethod
    def resolve(cls, path: str | Path | None = None) -> Workspace:
        """Return the workspace at ``path``, the environment's, or ``./workspace``."""
        chosen = path or os.environ.get(WORKSPACE_ENV) or "workspace"
        return cls(Path(chosen).expanduser().resolve())

    @property
    def db_path(self) -> Path:
        """The SQLite database of this workspace."""
        return self.path / DB_NAME

    @property
    def reports_dir(self) -> Path:
        """Where generated reports go by default."""
        return self.path / "reports"

    def store(self) -> Store:
        """Open (creating if needed) the workspace's store."""
        return Store(self.db_path)
