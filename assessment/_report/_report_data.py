"""What one report shows: the unit's slices of the engagement's tables, as data (no HTML).

Every slice is aggregated and carries the engagement's one suppression pattern: a unit
report shows rows of the organisation-wide tables (:mod:`._tables`), never numbers of its
own, and withheld rows stay withheld (``suppressed``, no value).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import pandas as pd

from .._confidentiality._groups import NOT_GIVEN
from .._i18n._report import MEASURE_NAMES, report_translator, role_name
from .._scoring._analytics import answer_distribution, target_gaps
from .._scoring._favourable import item_scores
from .._scoring._gaps import perception_gaps
from .._scoring._roadmap import roadmap
from .._scoring._scores import OVERALL
from ._drivers import UnitDrivers, unit_drivers
from ._format import as_int, format_count
from ._tables import EngagementTables
from ._units import Unit

__all__ = ["MAX_HEATMAP_ROWS", "ReportData"]

#: Above this many teams, the organisation's heatmap shows departments instead.
MAX_HEATMAP_ROWS: Final = 60
#: The columns of the published score rows (:meth:`ReportData.published_scores`).
_SCORE_COLUMNS: Final = ["by", "group", "dimension", "n", "mean", "sd", "ci_low", "ci_high",
                         "score_100", "level", "suppressed", "favourable", "neutral",
                         "unfavourable"]


def _unit_mask(respondents: pd.DataFrame, unit: Unit) -> pd.Series:
    if unit.kind == "organisation":
        return pd.Series(True, index=respondents.index)
    return _group_labels(respondents[unit.kind]) == unit.name


def _group_labels(column: pd.Series) -> pd.Series:
    """The group label of every respondent: missing values are :data:`NOT_GIVEN`."""
    return column.astype("object").where(column.notna(), NOT_GIVEN).astype(str)


def _gaps(layers: pd.DataFrame, roles: list[str]) -> pd.DataFrame:
    """The perception gaps of these role rows (none without rows or with a single role)."""
    return perception_gaps(layers, roles) if not layers.empty and len(roles) > 1 else (
        pd.DataFrame()
    )


def _row(frame: pd.DataFrame, by: str, group: str) -> pd.Series | None:
    rows = frame[(frame["by"] == by) & (frame["group"] == group)]
    return None if rows.empty else rows.iloc[0]


class ReportData:
    """What the report of one unit of an engagement, in one language, shows: the unit's
    slices of the engagement's tables (aggregated, suppressed) and the labels they need.

    Data only: the sections (:mod:`._sections`) and charts (:mod:`._figures`) are drawn
    from it. Respondent-level frames are never kept.
    """

    def __init__(
        self,
        tables: EngagementTables,
        unit: Unit,
        language: str,
        output_dir: Path,
        targets: Mapping[str, int],
    ) -> None:
        self.unit = unit
        self.language = language
        self.output_dir = output_dir
        self.engagement = tables.engagement
        self.model = tables.model
        self.min_group_size = tables.engagement.min_group_size
        self.comment_min = tables.comment_min
        self.targets = dict(targets)
        model = tables.model
        #: The model's dimension ids, in model order.
        self.dimension_ids = [d.id for d in model.dimensions]
        #: The role whose wording of the questions the report quotes.
        self.role_phrase = (
            unit.name if unit.kind == "role" and unit.name in model.roles
            else "frontline" if "frontline" in model.roles else model.roles[-1]
        )
        by, group = unit.kind, unit.name  # the organisation's row: ("organisation", "all")
        scores = tables.scores
        self.unit_scores = scores[(scores["by"] == by) & (scores["group"] == group)].reset_index(
            drop=True
        )
        #: The organisation's score rows (the heatmap's differences are taken from them).
        self.organisation_scores = scores[scores["by"] == "organisation"].reset_index(drop=True)
        self.respondents = as_int(
            tables.headcount.loc[
                (tables.headcount["by"] == by) & (tables.headcount["group"] == group), "n"
            ].iloc[0]
        )
        #: Score rows by role, whether they are the organisation's, and their perception gaps.
        self.layers, self.layers_are_organisation, self.gaps = self._layer_rows(tables)
        #: The heatmap's score rows (with a ``label`` column), what its rows are (``team``,
        #: ``department``), a note on what it shows, and the labels of the rows outlined
        #: as this report's own group (in a team report: the team, in the whole organisation).
        self.heatmap_rows, self.heatmap_kind, self.heatmap_note, self.heatmap_highlight = (
            self._heatmap_rows(tables)
        )
        self.participation = self._participation_rows(tables)
        self.enps_row = _row(tables.enps, by, group)
        self.trifecta_row = _row(tables.trifecta, by, group)
        strengths = tables.strengths
        self.strengths_frame = strengths[
            (strengths["by"] == by) & (strengths["group"] == group)
        ].reset_index(drop=True)
        self.reliability = tables.reliability
        #: ICC(1), ICC(2) by team and the share of agreeing teams (published teams only).
        self.aggregation = tables.aggregation
        self.comments_frame = self._comment_rows(tables)
        self.distribution, self.dropped_items = self._distribution(tables)
        #: Each question's reverse-coded mean and favourable shares for the unit (item-level
        #: numbers: withheld where the answer distribution is).
        self.item_shares = self._item_shares(tables)
        self.target_table = (
            target_gaps(model, self.unit_scores, self.targets) if self.targets else None
        )
        self.roadmap = (
            roadmap(model, self.target_table)
            if self.target_table is not None and unit.kind == "organisation" else None
        )
        self.ratings = tables.ratings
        #: The drivers of each outcome of the model (none without outcomes): the unit's own
        #: or the organisation's (``own``), with each facet's quadrant.
        self.driver_sets = [self._quadrants(d) for d in unit_drivers(tables, unit)]
        #: The change since the previous wave (None: the organisation's first wave): its
        #: wave, the unit's rows (each dimension and overall), its groups' rows (with a
        #: ``group_label`` column) and their kind, and the unit's item rows.
        self.wave_change = tables.change
        self.change_unit, self.change_groups, self.change_group_kind, self.change_items = (
            self._change_rows(tables)
        )
        #: The consultant's narrative (Markdown by dimension and language; every report of
        #: the engagement shows it, in its own language only), the previous wave and the
        #: actions agreed in it.
        self.narratives = tables.narratives
        self.previous_wave = tables.previous_wave
        self.previous_actions = tables.previous_actions

    # --- slices of the engagement's tables ---------------------------------------------
    def _layer_rows(self, tables: EngagementTables) -> tuple[pd.DataFrame, bool, pd.DataFrame]:
        """Score rows by role, whether they are the organisation's, and their gaps.

        A team report shows the team's own role cells when at least one perception gap can
        be computed from them; otherwise (a layer of the team is too small or withheld) it
        shows the organisation's layers for comparison, as role and department reports do.
        """
        scores = tables.scores
        organisation = scores[scores["by"] == "role"].reset_index(drop=True)
        if self.unit.kind == "team":
            rows = scores[(scores["by"] == "role,team") & (scores["team"] == self.unit.name)]
            rows = rows.assign(by="role", group=rows["role"]).reset_index(drop=True)
            gaps = _gaps(rows, self.model.roles)
            if not gaps.empty and not gaps["suppressed"].all():
                return rows, False, gaps
            return organisation, True, _gaps(organisation, self.model.roles)
        roles = self.model.roles
        return organisation, self.unit.kind in ("role", "department"), _gaps(organisation, roles)

    def _organisation_heatmap(self, scores: pd.DataFrame) -> tuple[pd.DataFrame, str, str]:
        """The organisation's heatmap: teams, or departments when there are too many teams."""
        rows = scores[scores["by"] == "team"]
        n_teams = rows["group"].nunique()
        if n_teams > MAX_HEATMAP_ROWS:
            rows = scores[scores["by"] == "department"]
            note = report_translator(self.language).ngettext(
                "The organisation has %(count)s team, too many for one readable chart: the "
                "heatmap shows departments, and each department report shows its teams.",
                "The organisation has %(count)s teams, too many for one readable chart: the "
                "heatmap shows departments, and each department report shows its teams.",
                n_teams, count=format_count(n_teams, self.language),
            )
            return rows.assign(label=rows["group"]), "department", note
        return rows.assign(label=rows["group"]), "team", ""

    def _heatmap_rows(
        self, tables: EngagementTables
    ) -> tuple[pd.DataFrame, str, str, frozenset[str]]:
        """Score rows of the groups in the unit's heatmap, their kind, a note, the highlight.

        Only published numbers are shown, and never a grid of hidden cells alone: a team
        report shows the organisation's heatmap with the team outlined; a role report the
        role in each team when any of those cells is published, else the
        organisation's heatmap; a department report its teams, else every department.
        """
        scores = tables.scores
        kind = self.unit.kind
        words = report_translator(self.language)
        _ = words.gettext
        highlight: frozenset[str] = frozenset()
        note = ""
        if kind == "organisation":
            rows, group_kind, note = self._organisation_heatmap(scores)
        elif kind == "team":
            rows, group_kind, note = self._organisation_heatmap(scores)
            if group_kind == "team":
                highlight = frozenset({self.unit.name})
                note = _("For comparison, the heatmap shows every team of the organisation; "
                         "this team is marked ▶ and outlined.")
            else:
                mask = _unit_mask(tables.respondents, self.unit)
                departments = _group_labels(tables.respondents["department"])
                highlight = frozenset(departments[mask])
                note = _("For comparison, the heatmap shows every department of the "
                         "organisation; the department of this team is marked ▶ and outlined.")
        elif kind == "role":
            cells = scores[(scores["by"] == "role,team") & (scores["role"] == self.unit.name)]
            if not cells.empty and not cells["suppressed"].all():
                rows, group_kind = cells.assign(label=cells["team"]), "team"
                note = _("Each row is this role within one team.")
            else:
                rows, group_kind, __ = self._organisation_heatmap(scores)
                note = _("This role is not shown team by team: in each team its group is too "
                         "small, or withheld so that a smaller group cannot be worked out. For "
                         "comparison, the heatmap shows whole teams (every layer).")
        else:
            mask = _unit_mask(tables.respondents, self.unit)
            teams = set(tables.respondents.loc[mask, "team"].astype(str))
            rows = scores[(scores["by"] == "team") & scores["group"].isin(teams)]
            rows, group_kind = rows.assign(label=rows["group"]), "team"
            if rows.empty or rows["suppressed"].all():
                rows = scores[scores["by"] == "department"]
                rows, group_kind = rows.assign(label=rows["group"]), "department"
                highlight = frozenset({self.unit.name})
                note = _("The teams of this department are not shown separately: each is too "
                         "small, or withheld so that a smaller group cannot be worked out. For "
                         "comparison, the heatmap shows every department; this department is "
                         "marked ▶ and outlined.")
        if (count := rows["group"].nunique()) > 4 * MAX_HEATMAP_ROWS:
            note = words.ngettext(
                "There is %(count)s group, too many for one readable chart; see the department "
                "reports.",
                "There are %(count)s groups, too many for one readable chart; see the "
                "department reports.", count, count=format_count(count, self.language),
            )
            rows = rows.iloc[0:0]
        return rows.reset_index(drop=True), group_kind, note, highlight

    def _change_rows(
        self, tables: EngagementTables
    ) -> tuple[pd.DataFrame, pd.DataFrame, str, pd.DataFrame]:
        """The change rows of the unit, of its groups, their kind, and of the unit's items.

        The groups are the organisation's teams (departments when there are too many teams
        for one chart), a department's teams, a team's roles, a role's teams. Rows withheld
        in either wave keep ``suppressed`` and no number.
        """
        empty = pd.DataFrame()
        change = tables.change
        if change is None:
            return empty, empty, "team", empty
        by, group = self.unit.kind, self.unit.name
        keys = ["by", "group", "dimension"]
        scores = change.scores.merge(
            tables.scores[[*keys, "role", "team", "department"]], on=keys, how="inner"
        )
        unit = scores[(scores["by"] == by) & (scores["group"] == group)]
        kind = self.unit.kind
        if kind == "organisation":
            n_teams = scores.loc[scores["by"] == "team", "group"].nunique()
            group_kind = "team" if n_teams <= MAX_HEATMAP_ROWS else "department"
            rows = scores[scores["by"] == group_kind].assign(group_label=lambda f: f["group"])
        elif kind == "department":
            mask = _unit_mask(tables.respondents, self.unit)
            teams = set(tables.respondents.loc[mask, "team"].astype(str))
            rows = scores[(scores["by"] == "team") & scores["group"].isin(teams)]
            rows, group_kind = rows.assign(group_label=rows["group"]), "team"
        elif kind == "team":
            rows = scores[(scores["by"] == "role,team") & (scores["team"] == group)]
            rows = rows.assign(group_label=[self.role_name(r) for r in rows["role"]])
            group_kind = "role"
        else:
            rows = scores[(scores["by"] == "role,team") & (scores["role"] == group)]
            rows, group_kind = rows.assign(group_label=rows["team"]), "team"
        items = change.items
        items = items[(items["by"] == by) & (items["group"] == group)]
        return (unit.reset_index(drop=True), rows.reset_index(drop=True), group_kind,
                items.reset_index(drop=True))

    def _participation_rows(self, tables: EngagementTables) -> pd.DataFrame:
        """Headcount rows shown in the appendix: the unit's layers, and its teams or departments."""
        hc = tables.headcount
        kind = self.unit.kind
        if kind == "organisation":
            rows = hc[hc["by"].isin(["role", "department"])]
            return rows.assign(label=rows["group"], kind=rows["by"])
        if kind == "team":
            rows = hc[(hc["by"] == "role,team") & (hc["team"] == self.unit.name)]
            return rows.assign(label=rows["role"], kind="role")
        if kind == "role":
            rows = hc[(hc["by"] == "role,team") & (hc["role"] == self.unit.name)]
            return rows.assign(label=rows["team"], kind="team")
        mask = _unit_mask(tables.respondents, self.unit)
        teams = set(tables.respondents.loc[mask, "team"].astype(str))
        rows = hc[(hc["by"] == "team") & hc["group"].isin(teams)]
        return rows.assign(label=rows["group"], kind="team")

    def _comment_rows(self, tables: EngagementTables) -> pd.DataFrame | None:
        """Released comments of the unit (by team); None in role reports."""
        c = tables.comments
        if self.unit.kind == "role":
            return None
        if self.unit.kind == "team":
            return c[c["group"] == self.unit.name].reset_index(drop=True)
        if self.unit.kind == "department":
            mask = _unit_mask(tables.respondents, self.unit)
            teams = set(tables.respondents.loc[mask, "team"].astype(str))
            return c[c["group"].isin(teams)].reset_index(drop=True)
        return c.reset_index(drop=True)

    def _distribution(self, tables: EngagementTables) -> tuple[pd.DataFrame, int]:
        """Answer counts per item and answer point for the unit (a published group).

        Items whose numbers the engagement's pattern withholds for the unit (too few answers
        here, or in a group they could be combined with) are dropped. Returns the
        aggregated frame (item x point) and how many items were dropped.
        """
        frame = answer_distribution(
            tables.model, tables.respondents, tables.answers, by=self.unit.kind,
            group=self.unit.name,
            min_group_size=self.min_group_size, publication=tables.publication,
        )
        return frame, len(tables.model.items) - frame["item"].nunique()

    def _item_shares(self, tables: EngagementTables) -> pd.DataFrame:
        """The unit's row of :func:`item_scores` for every question, in questionnaire order."""
        return item_scores(
            tables.model, tables.respondents, tables.answers, by=self.unit.kind,
            group=self.unit.name, min_group_size=self.min_group_size,
            publication=tables.publication,
        )

    @staticmethod
    def _quadrants(driven: UnitDrivers) -> UnitDrivers:
        """Add each facet's ``quadrant``: ``first`` (importance above an equal share, score
        below the mean of the shown facet scores), ``strength`` (important, scoring high),
        ``watch`` (less important, scoring low), ``maintain`` or, without a score, None."""
        table = driven.table
        if table is None:
            return driven
        share, mean = ReportData._rules(table)
        important = table["importance"] >= share
        low = table["score"] < mean
        quadrant = pd.Series(
            [None if pd.isna(s) else ("first" if i and lo else "strength" if i else
                                      "watch" if lo else "maintain")
             for s, i, lo in zip(table["score"], important, low, strict=True)],
            index=table.index, dtype="object",
        )
        return UnitDrivers(driven.outcome, table.assign(quadrant=quadrant), driven.own)

    @staticmethod
    def _rules(table: pd.DataFrame) -> tuple[float, float]:
        """Where the quadrants divide: an equal share of R² and the mean shown facet score."""
        scores = table["score"].dropna()
        return 100.0 / len(table), float(scores.mean()) if len(scores) else float("nan")

    def driver_table(self, outcome: str) -> pd.DataFrame | None:
        """The facets' importance and scores for ``outcome`` (None: not computed)."""
        return next((d.table for d in self.driver_sets if d.outcome == outcome), None)

    def driver_rules(self, outcome: str) -> tuple[float, float]:
        """The quadrant chart's dividing lines for ``outcome``: importance and score."""
        table = self.driver_table(outcome)
        return self._rules(table) if table is not None else (float("nan"), float("nan"))

    def rated(self) -> pd.DataFrame:
        """The consultant's ratings the report shows: the organisation report's only."""
        if self.unit.kind != "organisation":
            return self.ratings.iloc[0:0]
        return self.ratings[self.ratings["consultant_level"].notna()
                            | self.ratings["consultant_na"] | (self.ratings["evidence"] != "")]

    def narrative_text(self, dimension: str | None = None) -> str | None:
        """The consultant's Markdown in the report's language: the executive summary (no
        ``dimension``) or a dimension's findings; None when there is none."""
        frame = self.narratives
        rows = frame[(frame["language"] == self.language)
                     & (frame["dimension"].isna() if dimension is None
                        else frame["dimension"] == dimension)]
        return None if rows.empty else str(rows["text"].iloc[0])

    def narrative_languages(self) -> list[str]:
        """The languages the consultant's narrative is written in (any part of it)."""
        return sorted(set(self.narratives["language"]))

    def agreed_actions(self, dimension: str) -> pd.DataFrame:
        """The actions agreed in the previous wave for ``dimension`` (by due date)."""
        frame = self.previous_actions
        return frame[frame["dimension"] == dimension].reset_index(drop=True)

    # --- labels (plain text, in the report's language) ---------------------------------
    def dimension_name(self, dim: str) -> str:
        """The name of dimension ``dim`` (or of the overall score)."""
        if dim == OVERALL:
            # TRANSLATORS: the overall score, named in the Dimension column after the dimensions.
            return report_translator(self.language).gettext("Overall")
        return self.model.dimension(dim).name.get(self.language)

    def facet_name(self, facet: str) -> str:
        """The name of a facet."""
        for dim in self.model.dimensions:
            for f in dim.facets:
                if f.id == facet:
                    return f.name.get(self.language)
        return facet

    def outcome_name(self, outcome: str) -> str:
        """The name of an outcome whose drivers the report shows."""
        _ = report_translator(self.language).gettext
        if outcome == "recommend":
            # TRANSLATORS: the eNPS question (0-10) as an outcome whose drivers are shown.
            return _("Recommendation as a place to work")
        return _(MEASURE_NAMES[outcome])

    def role_name(self, role: str) -> str:
        """The name of a role (a layer of the organisation): the model's, else the interface's."""
        return self.model.role_label(role, self.language) or role_name(self.language, role)

    def item_text(self, item: str) -> str:
        """A question as the report quotes it (in the wording of :attr:`role_phrase`)."""
        return self.model.items[item].text.get(self.role_phrase, self.language)

    # --- the published numbers -----------------------------------------------------------
    @property
    def data_path(self) -> Path:
        """Where :meth:`~assessment.Report.save_data` writes the published numbers."""
        return self.output_dir / f"{self.unit.slug}.scores.csv"

    def published_scores(self) -> pd.DataFrame:
        """The score rows this report shows (unit, layers, heatmap); withheld rows bare."""
        columns = _SCORE_COLUMNS
        layers = self.layers.copy()
        if self.unit.kind == "team" and not self.layers_are_organisation:
            layers["by"] = "role,team"
            layers["group"] = [f"{r} / {self.unit.name}" for r in layers["role"]]
        frames = [self.unit_scores[columns], layers[columns], self.heatmap_rows[columns]]
        out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
        return out.drop_duplicates(subset=["by", "group", "dimension"]).reset_index(drop=True)
