"""A private copy of an engagement's responses per revision, beside the database.

``Store.responses`` saves what it read to ``.cache/`` (mode 0600, NumPy arrays, no pickle) and
loads it on the next read of the same revision, such as a batch's worker processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from .._responses import DURATION, ResponseSet, assemble_responses
from ._schema import SCHEMA_VERSION

log = logging.getLogger("assessment.store")

#: Folder beside the database for copies of responses already read (see ``responses``).
CACHE_DIR = ".cache"


_CACHE_FORMAT = 1


def _save_responses(path: Path, data: ResponseSet) -> None:
    """Save ``data`` to ``path`` (best effort: a read-only workspace just keeps no copy).

    A copy already there is left alone: the same name means the same revision and content
    (another worker of a batch wrote it meanwhile).
    """
    try:
        if path.is_file():
            return
        resp = data.respondents
        values = data.answers.to_numpy(dtype=float)
        dept = resp["department"]
        arrays = {
            "questions": np.asarray(list(data.answers.columns), dtype=str),
            "keys": np.asarray(resp.index, dtype=str),
            "role": resp["role"].to_numpy(dtype=str),
            "team": resp["team"].to_numpy(dtype=str),
            "department": dept.fillna("").to_numpy(dtype=str),
            "department_missing": dept.isna().to_numpy(),
            "recommend": resp["recommend"].to_numpy(dtype=float),
            "duration": resp[DURATION].to_numpy(dtype=float),
            "values": np.where(np.isnan(values), -1, values).astype(np.int8),
            "na": data.not_applicable.to_numpy(dtype=bool),
            "c_respondent": data.comments["respondent_id"].to_numpy(dtype=str),
            "c_dimension": data.comments["dimension_id"].to_numpy(dtype=str),
            "c_text": data.comments["text"].to_numpy(dtype=str),
        }
        # Older revisions of the same engagement and kind; never the other kind's copy.
        for old in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
        with atomic_path(path, mode=0o600) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
    except OSError as exc:
        log.debug("no copy of the responses kept in %s: %s", path.parent, exc)


def _load_responses(path: Path, questions: Sequence[str]) -> ResponseSet | None:
    """The responses saved at ``path``, or None when there is no usable copy."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            a = {name: npz[name] for name in npz.files}
        if a["questions"].tolist() != list(questions):
            return None
        dept = a["department"].astype(object)
        dept[a["department_missing"]] = None
        values = a["values"].astype(float)
        values[values < 0] = np.nan
        comments = pd.DataFrame(
            {
                "respondent_id": a["c_respondent"].astype(object),
                "dimension_id": a["c_dimension"].astype(object),
                "text": a["c_text"].astype(object),
            }
        )
        return assemble_responses(
            a["keys"], a["role"], a["team"], dept, a["recommend"], a["duration"], values,
            a["na"], comments, questions,
        )
    except (OSError, KeyError, ValueError) as exc:
        log.warning("ignoring an unreadable copy of responses %s: %s", path, exc)
        return None


def cache_path(
    folder: Path, engagement_id: str, include_excluded: bool, revision: int,
    questions: Sequence[str],
) -> Path:
    """Where this read's responses are cached: one file per engagement, kind and revision.

    The name is ``responses-<engagement>-<kind>-<digest>.npz``: a digest of the engagement
    id (never the id itself), ``all`` or ``included`` (with or without the excluded
    respondents), and a digest of everything the read depends on: the engagement, the
    revision its writes bump, the schema and the questions.
    """
    key = json.dumps([engagement_id, include_excluded, revision,
                      SCHEMA_VERSION, _CACHE_FORMAT, list(questions)])
    engagement = hashlib.sha256(engagement_id.encode()).hexdigest()[:16]
    kind = "all" if include_excluded else "included"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return folder / CACHE_DIR / f"responses-{engagement}-{kind}-{digest}.npz"
