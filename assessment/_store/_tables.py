"""The engagement's team list, targets and consultant ratings."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._exceptions import ParameterError
from ._connection import _now
from ._engagements import EngagementTables


class FieldworkTables(EngagementTables):
    """Teams (with departments and headcounts), target levels and consultant ratings."""

    def team_departments(self, engagement_id: str) -> dict[str, str | None]:
        """Return the department of every team with stored responses."""
        rows = self._conn.execute(
            "SELECT DISTINCT team, department FROM respondents WHERE engagement_id = ?",
            (engagement_id,),
        )
        return {str(team): dept for team, dept in rows}

    def team_counts(self, engagement_id: str) -> dict[str, int]:
        """Return how many respondents each team has stored (excluded ones too)."""
        rows = self._conn.execute(
            "SELECT team, count(*) FROM respondents WHERE engagement_id = ? GROUP BY team",
            (engagement_id,),
        )
        return {str(team): int(n) for team, n in rows}

    def set_teams(self, engagement_id: str, teams: pd.DataFrame) -> None:
        """Replace the engagement's teams: columns ``team``, ``headcount``, ``department``."""
        self.engagement(engagement_id)
        problems = []
        seen: set[str] = set()
        rows = []
        for i, rec in enumerate(teams.to_dict("records")):
            name = str(rec.get("team") or "").strip()
            dept = rec.get("department")
            count = rec.get("headcount")
            if not name:
                problems.append(f"teams row {i + 1}, column 'team': must not be blank")
            elif name in seen:
                problems.append(f"teams row {i + 1}, column 'team': duplicate team {name!r}")
            if not isinstance(count, int | np.integer) or isinstance(count, bool) or count < 0:
                problems.append(
                    f"teams row {i + 1}, column 'headcount': a whole number >= 0, got {count!r}"
                )
            seen.add(name)
            dept_text = str(dept).strip() if isinstance(dept, str) and dept.strip() else None
            rows.append((engagement_id, name, dept_text, int(count or 0)))
        if problems:
            raise ParameterError("; ".join(problems))
        with self.transaction() as conn:
            stored = conn.execute(
                "SELECT engagement_id, team, department, headcount FROM engagement_teams "
                "WHERE engagement_id = ?", (engagement_id,),
            ).fetchall()
            if sorted(stored, key=str) == sorted(rows, key=str):
                return  # unchanged: no write, so the revision (and the reports) stay
            conn.execute("DELETE FROM engagement_teams WHERE engagement_id = ?", (engagement_id,))
            conn.executemany(
                "INSERT INTO engagement_teams (engagement_id, team, department, headcount) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )

    def teams(self, engagement_id: str) -> pd.DataFrame:
        """Return the engagement's teams with their departments and headcounts."""
        return pd.read_sql_query(
            "SELECT team, department, headcount FROM engagement_teams WHERE engagement_id = ? "
            "ORDER BY team",
            self._conn,
            params=(engagement_id,),
        )

    def set_targets(self, engagement_id: str, targets: Mapping[str, int]) -> None:
        """Set the client's target level (a level of the model) for some or all dimensions."""
        model = self.model(engagement_id)
        dims = {d.id for d in model.dimensions}
        low, high = model.levels[0], model.levels[-1]
        for dim, level in targets.items():
            if dim not in dims:
                raise ParameterError(f"target {dim!r}: not a dimension ({', '.join(sorted(dims))})")
            if isinstance(level, bool) or not isinstance(level, int) or not low <= level <= high:
                raise ParameterError(f"target {dim!r}: a level from {low} to {high}, got {level!r}")
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO targets (engagement_id, dimension_id, level, set_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (engagement_id, dimension_id) "
                "DO UPDATE SET level = excluded.level, set_at = excluded.set_at "
                "WHERE targets.level IS NOT excluded.level",  # unchanged: keep the revision
                [(engagement_id, d, int(v), _now()) for d, v in targets.items()],
            )

    def targets(self, engagement_id: str) -> dict[str, int]:
        """Return the target level per dimension (only the dimensions that have one)."""
        rows = self._conn.execute(
            "SELECT dimension_id, level FROM targets WHERE engagement_id = ?", (engagement_id,)
        )
        return {str(d): int(v) for d, v in rows}

    def set_rating(
        self, engagement_id: str, facet_id: str, level: int | None, evidence: str = ""
    ) -> None:
        """Record the consultant's evidence-based level (a level of the model, None = not
        applicable) of a facet."""
        model = self.model(engagement_id)
        facets = [f.id for d in model.dimensions for f in d.facets]
        low, high = model.levels[0], model.levels[-1]
        if facet_id not in facets:
            raise ParameterError(
                f"facet {facet_id!r}: not a facet of the engagement's model; known facets: "
                + ", ".join(facets)
            )
        if level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or not low <= level <= high
        ):
            raise ParameterError(
                f"rating of {facet_id!r}: a level from {low} to {high}, got {level!r}"
            )
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO ratings (engagement_id, facet_id, level, evidence, rated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (engagement_id, facet_id) DO UPDATE SET "
                "level = excluded.level, evidence = excluded.evidence, "
                "rated_at = excluded.rated_at WHERE ratings.level IS NOT excluded.level "
                "OR ratings.evidence IS NOT excluded.evidence",  # unchanged: keep the revision
                (engagement_id, facet_id, level, evidence.strip(), _now()),
            )

    def ratings(self, engagement_id: str) -> pd.DataFrame:
        """Return the consultant's facet ratings: ``facet``, ``level`` (NaN = n/a), ``evidence``."""
        return pd.read_sql_query(
            "SELECT facet_id AS facet, level, evidence, rated_at FROM ratings "
            "WHERE engagement_id = ? ORDER BY facet_id",
            self._conn,
            params=(engagement_id,),
        )
