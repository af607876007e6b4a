"""What the explore app shows, as aggregated frames: published numbers only.

Every frame comes from the engagement's tables (:mod:`assessment._report._tables`), computed
once over the whole organisation with the engagement's one suppression pattern, or from a
unit report's own slices (:class:`~assessment._report._report_data.ReportData`): the app
shows exactly what the reports may show, and a withheld cell carries no number at all
(``mean`` and ``n`` missing, ``hidden`` True), only its group's name, as in the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from .._i18n._report import report_translator, role_name
from .._model._schema import KNOWN_ROLES
from .._report._report_data import ReportData
from .._report._tables import EngagementTables
from .._report._units import Unit
from .._scoring._analytics import strengths_and_opportunities
from .._scoring._scores import OVERALL, score_breakdown

__all__ = ["BREAKDOWN_KINDS", "LEVELS", "ExploreData", "Level"]

Level = Literal["dimension", "facet", "item"]
#: The breakdowns the app offers, as the score tables name them.
BREAKDOWN_KINDS: Final = ("team", "role", "department", "role,team")
LEVELS: Final = ("dimension", "facet", "item")
#: Labels of questions longer than this are shortened on a chart's axis (the tooltip has all).
MAX_LABEL: Final = 60


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def unit_kind(breakdown: str) -> str:
    """The kind of unit a breakdown's groups report as (a role × team cell: its team)."""
    return "team" if breakdown == "role,team" else breakdown


@dataclass
class ExploreData:
    """The engagement's published tables, by the app's choices (breakdown, level, unit)."""

    tables: EngagementTables
    _facets: pd.DataFrame | None = field(default=None, repr=False)
    _items: pd.DataFrame | None = field(default=None, repr=False)
    _reports: dict[tuple[str, str, str], ReportData] = field(default_factory=dict, repr=False)

    # --- the score tables at each level --------------------------------------------------
    def scores(self, level: Level) -> pd.DataFrame:
        """Score rows of every group at ``level``, with a ``unit`` column (the id)."""
        t = self.tables
        if level == "dimension":
            return t.scores.assign(unit=t.scores["dimension"])
        if level == "facet":
            if self._facets is None:
                table = score_breakdown(
                    t.model, t.respondents, t.answers, level="facet",
                    min_group_size=t.engagement.min_group_size, publication=t.publication,
                )
                self._facets = table.assign(unit=table["facet"])
            return self._facets
        if self._items is None:
            # Every published item mean: "strengths" when k is every item. Item numbers follow
            # the pattern's item-level nesting, as the reports' strengths do.
            table = strengths_and_opportunities(
                t.model, t.respondents, t.answers, by=(*BREAKDOWN_KINDS, "organisation"),
                k=len(t.model.items), min_group_size=t.engagement.min_group_size,
                publication=t.publication,
            )
            shown = table[table["kind"].eq("strength").fillna(False).astype(bool)]
            self._items = shown.assign(unit=shown["item"])
        return self._items

    def units(self, level: Level, language: str) -> list[tuple[str, str, str]]:
        """Every unit of ``level`` in questionnaire order: id, short label, full text."""
        model = self.tables.model
        if level == "dimension":
            ids = [d.id for d in model.dimensions] + [OVERALL]
            return [(u, self.name(u, language), self.name(u, language)) for u in ids]
        if level == "facet":
            return [(f.id, f.name.get(language), f"{d.name.get(language)}: {f.name.get(language)}")
                    for d in model.dimensions for f in d.facets]
        return [(i, _short(self.question(i, language)), self.question(i, language))
                for i in model.items]

    def name(self, unit: str, language: str) -> str:
        """The name of a dimension (or of the overall score)."""
        if unit == OVERALL:
            # TRANSLATORS: the overall score, named in the Dimension column after the dimensions.
            return report_translator(language).gettext("Overall")
        return self.tables.model.dimension(unit).name.get(language)

    def question(self, item: str, language: str) -> str:
        """A question in the frontline's wording (the people most of the answers come from)."""
        roles = self.tables.model.roles
        phrase = "frontline" if "frontline" in roles else roles[-1]
        reverse = "↺ " if self.tables.model.items[item].reverse else ""
        return reverse + self.tables.model.items[item].text.get(phrase, language)

    def group_label(self, group: str, breakdown: str, language: str) -> str:
        """A group as people read it: role names in the language, team names as typed."""
        if breakdown == "role" and group in KNOWN_ROLES:
            return role_name(language, group)
        if breakdown == "role,team":
            role, _, team = group.partition(" / ")
            if role in KNOWN_ROLES:
                return f"{role_name(language, role)} / {team}"
        return group

    # --- units that may be shown on their own -----------------------------------------------
    def unit_choices(self, breakdown: str) -> list[str]:
        """The groups of the breakdown's unit kind that the pattern publishes."""
        return self.tables.publication.published_groups(unit_kind(breakdown))

    def report(self, unit: Unit, language: str) -> ReportData:
        """The report's slices for ``unit`` (a published unit), kept once made."""
        key = (unit.kind, unit.name, language)
        if key not in self._reports:
            self._reports[key] = ReportData(self.tables, unit, language, Path("."),
                                            self.tables.targets)
        return self._reports[key]

    # --- the frames the charts draw ------------------------------------------------------
    def heatmap(self, breakdown: str, level: Level, language: str, *,
                relative: bool = False) -> pd.DataFrame:
        """Groups of ``breakdown`` by units of ``level``: one row per cell.

        Columns ``group`` (label), ``unit`` (id), ``label`` (short), ``text`` (full),
        ``mean`` (missing where hidden), ``value`` (the mean, or its difference from the
        organisation's with ``relative``), ``n`` (missing where hidden) and ``hidden``.
        """
        scores = self.scores(level)
        units = self.units(level, language)
        groups = self.tables.publication.groups(breakdown)
        rows = scores[scores["by"] == breakdown]
        published = rows[~rows["suppressed"].astype(bool)]
        mean = {(g, u): m for g, u, m in zip(published["group"], published["unit"],
                                              published["mean"], strict=True)}
        count = {(g, u): n for g, u, n in zip(published["group"], published["unit"],
                                               published["n"], strict=True)}
        org = scores[(scores["by"] == "organisation") & ~scores["suppressed"].astype(bool)]
        org_mean = dict(zip(org["unit"], org["mean"], strict=True))
        records = []
        for group in groups:
            for unit, label, full in units:
                found = mean.get((group, unit))
                base_found = org_mean.get(unit)
                value = np.nan if found is None or pd.isna(found) else float(found)
                base = np.nan if base_found is None or pd.isna(base_found) else float(base_found)
                shown = not np.isnan(value) and not (relative and np.isnan(base))
                records.append({
                    "group": self.group_label(group, breakdown, language),
                    "unit": unit,
                    "label": label,
                    "text": full,
                    "mean": round(value, 2) if shown else np.nan,
                    "value": (round(value - base, 2) if relative else round(value, 2))
                    if shown else np.nan,
                    # Respondents per cell as the reports publish them: dimension scores.
                    "n": float(count[(group, unit)]) if shown and level == "dimension"
                    and not pd.isna(count[(group, unit)]) else np.nan,
                    "hidden": not shown,
                })
        return pd.DataFrame(records, columns=["group", "unit", "label", "text", "mean", "value",
                                              "n", "hidden"])

    def layers(self, unit: Unit, language: str) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
        """Published means by role and dimension, the perception gaps, and whether the layers
        are the organisation's (a unit whose own layers are withheld shows those instead)."""
        data = self.report(unit, language)
        rows = data.layers[~data.layers["suppressed"].astype(bool)]
        rows = rows[rows["dimension"].isin([*data.dimension_ids, OVERALL])]
        frame = pd.DataFrame({
            "dimension": [data.dimension_name(d) for d in rows["dimension"]],
            "role": [data.role_name(r) for r in rows["group"]],
            "mean": rows["mean"].to_numpy(dtype=float).round(2),
            "n": rows["n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        })
        gaps = data.gaps
        if not gaps.empty:
            _ = report_translator(language).gettext
            gaps = pd.DataFrame({
                "dimension": [data.dimension_name(d) for d in gaps["dimension"]],
                "comparison": [_("Executives − frontline") if str(c).startswith("executive")
                               else _("Managers − frontline") for c in gaps["comparison"]],
                "gap": gaps["gap"].astype(float).round(2),
                "ci_low": gaps["ci_low"].astype(float).round(2),
                "ci_high": gaps["ci_high"].astype(float).round(2),
                "hidden": gaps["suppressed"].astype(bool).to_numpy(),
            })
            gaps.loc[gaps["hidden"], ["gap", "ci_low", "ci_high"]] = np.nan
        return frame, gaps, data.layers_are_organisation

    def scorecard(self, unit: Unit, language: str) -> pd.DataFrame:
        """Published dimension means of the organisation and, for a unit, of the unit."""
        parts = [Unit("organisation")] + ([unit] if unit.kind != "organisation" else [])
        records = []
        for part in parts:
            data = self.report(part, language)
            rows = data.unit_scores[data.unit_scores["dimension"].isin(
                [*data.dimension_ids, OVERALL])]
            rows = rows[~rows["suppressed"].astype(bool)]
            for dim, mean, n, level in zip(rows["dimension"], rows["mean"], rows["n"],
                                           rows["level"], strict=True):
                records.append({
                    "group": part.label(language), "dimension": data.dimension_name(dim),
                    "mean": round(float(mean), 2), "n": float(n),
                    "level": float(level) if not pd.isna(level) else np.nan,
                })
        return pd.DataFrame(records, columns=["group", "dimension", "mean", "n", "level"])

    def answers(self, unit: Unit, language: str, dimension: str) -> pd.DataFrame:
        """Shares of every answer to each published question of ``dimension``, for the unit.

        Columns ``question`` (short), ``text`` (full), ``order``, ``answer``, ``point``,
        ``percent``, ``start``, ``end`` (the bar's extent, centred on the neutral answer): the
        shares the report's answers chart shows, no counts.
        """
        data = self.report(unit, language)
        frame = data.distribution
        frame = frame[frame["dimension"] == dimension]
        columns = ["question", "text", "order", "answer", "point", "percent", "start", "end"]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        labels = self.tables.model.score_scale.labels.get(language)
        share = frame["percent"].to_numpy(dtype=float).reshape(-1, 5)
        offset = -(share[:, 0] + share[:, 1] + share[:, 2] / 2)
        start = offset[:, None] + np.concatenate(
            [np.zeros((len(share), 1)), np.cumsum(share, axis=1)[:, :-1]], axis=1)
        items = frame["item"].to_numpy()[::5]
        order = {item: i for i, item in enumerate(self.tables.model.items)}
        full = [self.question(i, language) for i in items]
        return pd.DataFrame({
            "question": np.repeat([_short(t) for t in full], 5),
            "text": np.repeat(full, 5),
            "order": np.repeat([order[i] for i in items], 5),
            "answer": np.tile(labels, len(items)),
            "point": frame["point"].to_numpy(),
            "percent": share.ravel().round(1),
            "start": start.ravel().round(2),
            "end": (start + share).ravel().round(2),
        })

    def comments(self, unit: Unit, language: str) -> list[tuple[str, str, str]] | None:
        """Released comments of the unit: (team, dimension, text); None for a role."""
        data = self.report(unit, language)
        frame = data.comments_frame
        if frame is None:
            return None
        return [
            (str(group), data.dimension_name(dim) if dim in data.dimension_ids else str(dim),
             str(comment))
            for group, dim, comment in zip(frame["group"], frame["dimension_id"], frame["text"],
                                           strict=True)
        ]
