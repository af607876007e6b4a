"""The engagement's tables, computed once for every report of it, and kept per process.

Every number of every report comes from these tables, computed over the *whole*
organisation with every breakdown and one publication pattern: a unit report is a slice of
the same tables, so no report can be subtracted from another to reveal a withheld group.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Final

import pandas as pd

from .._confidentiality._comments import releasable_comments
from .._confidentiality._groups import BREAKDOWNS
from .._confidentiality._publication import Publication, publication
from .._exceptions import NotFoundError, ParameterError
from .._model._schema import MaturityModel
from .._responses import ResponseSet
from .._scoring._aggregation import aggregation
from .._scoring._analytics import rating_agreement, strengths_and_opportunities
from .._scoring._change import (
    item_change,
    min_meaningful_change,
    wave_change,
    with_overall_sd,
)
from .._scoring._favourable import item_scores
from .._scoring._outcomes import enps, trifecta
from .._scoring._reliability import ReliabilityReport, reliability
from .._scoring._scores import score_breakdown
from .._store._engagements import Engagement
from .._store._store import Store
from .._store._workspace import Workspace

__all__ = [
    "CACHE_SIZE", "TOP_ITEMS", "EngagementTables", "WaveChange", "compute_tables",
    "engagement_tables",
]

#: Strengths and opportunities listed per report.
TOP_ITEMS: Final = 5
#: Engagements whose tables are kept in memory per process (a batch worker reuses them).
CACHE_SIZE: Final = 2

_GROUPINGS: Final = ("organisation", "role", "team", "department")


@dataclass(frozen=True)
class WaveChange:
    """The change since the organisation's previous wave on the same model, for every group.

    Each wave's numbers come from its own tables under its own publication pattern; a group
    has numbers only where both waves publish it (:func:`~.._scoring._change.wave_change`).
    """

    #: The previous wave's engagement id, wave label and date.
    engagement: str
    wave: str
    date: str
    #: The smallest change called up or down (points on the score scale).
    min_change: float
    #: Dimension and overall change of every group of every breakdown.
    scores: pd.DataFrame
    #: Item change of every group of the organisation, role, team and department breakdowns.
    items: pd.DataFrame


def _no_actions() -> pd.DataFrame:
    return pd.DataFrame(columns=["id", "dimension", "title", "owner", "due", "status"])


@dataclass
class EngagementTables:
    """Everything a report of one engagement needs, for the whole organisation.

    ``respondents`` and ``answers`` are respondent-level and never leave the report
    package: a report keeps only the aggregated slices it shows.
    """

    engagement: Engagement
    model: MaturityModel
    respondents: pd.DataFrame
    answers: pd.DataFrame
    publication: Publication
    scores: pd.DataFrame
    headcount: pd.DataFrame
    enps: pd.DataFrame
    trifecta: pd.DataFrame
    strengths: pd.DataFrame
    #: Facet scores of every group of the organisation, role, team and department breakdowns.
    facet_scores: pd.DataFrame
    reliability: ReliabilityReport
    #: ICC(1), ICC(2) by team and the share of agreeing teams, per dimension.
    aggregation: pd.DataFrame
    comments: pd.DataFrame
    comment_min: int
    ratings: pd.DataFrame
    targets: dict[str, int] = field(default_factory=dict)
    #: The change since the previous wave (None: this is the organisation's first wave).
    change: WaveChange | None = None
    #: The consultant's narrative: ``dimension`` (None: the executive summary), ``language``,
    #: ``text`` (Markdown, rendered without raw HTML).
    narratives: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["dimension", "language", "text"]))
    #: The organisation's previous wave on the same model (None: this is the first) and the
    #: actions agreed in it, which this wave's reports list in each dimension's section.
    previous_wave: Engagement | None = None
    previous_actions: pd.DataFrame = field(default_factory=lambda: _no_actions())


_cache: OrderedDict[tuple[str, str, tuple[Any, ...]], EngagementTables] = OrderedDict()


def _fingerprint(store: Store, engagement_id: str) -> tuple[Any, ...]:
    """Change whenever the engagement's respondents, exclusions, teams, targets or ratings
    change, or those of the previous wave (not the narrative or actions: :func:`report_notes`
    reads those every time)."""
    previous = store.previous_wave(engagement_id)
    return (str(store.path), store.data_revision(engagement_id),
            None if previous is None else (previous.id, store.data_revision(previous.id)))


def report_notes(store: Store, engagement: Engagement) -> dict[str, Any]:
    """The consultant's narrative of ``engagement`` and the actions agreed in the previous
    wave (fields of :class:`EngagementTables`): a few rows, read on every call."""
    previous = store.previous_wave(engagement.id)
    return {
        "narratives": store.narratives(engagement.id)[["dimension", "language", "text"]],
        "previous_wave": previous,
        "previous_actions": (
            store.actions(previous.id)[["id", "dimension", "title", "owner", "due", "status"]]
            if previous is not None else _no_actions()
        ),
    }


def _change(
    store: Store, engagement: Engagement, model: MaturityModel, data: ResponseSet,
    pub: Publication, scores: pd.DataFrame,
) -> WaveChange | None:
    """The change since the previous wave, each wave under its own publication pattern."""
    previous = store.previous_wave(engagement.id)
    if previous is None or not store.count_respondents(previous.id):
        return None
    now = with_overall_sd(model, scores)
    items = item_scores(model, data.respondents, data.answers, by=_GROUPINGS,
                        min_group_size=engagement.min_group_size, publication=pub)
    before = store.model(previous.id)
    old = store.responses(previous.id)
    k = previous.min_group_size
    old_pub = publication(before, old.respondents, old.answers, min_group_size=k)
    then = score_breakdown(before, old.respondents, old.answers, by=BREAKDOWNS,
                           min_group_size=k, publication=old_pub)
    then_items = item_scores(before, old.respondents, old.answers, by=_GROUPINGS,
                             min_group_size=k, publication=old_pub)
    least = min_meaningful_change(model)
    then = with_overall_sd(before, then)
    return WaveChange(
        engagement=previous.id, wave=previous.wave, date=str(previous.date), min_change=least,
        scores=wave_change(then, now, min_change=least),
        items=item_change(then_items, items, min_change=least),
    )


def compute_tables(store: Store, engagement: Engagement) -> EngagementTables:
    """Compute every table of ``engagement`` from ``store`` (no cache)."""
    model = store.model(engagement.id)
    data = store.responses(engagement.id)
    respondents, answers = data.respondents, data.answers
    k = engagement.min_group_size
    comment_min = max(engagement.min_comment_group_size, k)  # the store keeps it >= k
    if len(respondents):
        comments = releasable_comments(
            data.comments, respondents, by="team", min_comment_group_size=comment_min,
            min_group_size=k,
        )
    else:
        comments = pd.DataFrame(columns=["by", "group", "dimension_id", "text"])
    # One pattern for every table of the engagement: they can be read side by side.
    pub = publication(model, respondents, answers, min_group_size=k)
    shared: dict[str, Any] = {"min_group_size": k, "publication": pub}
    scores = score_breakdown(model, respondents, answers, by=BREAKDOWNS, **shared)
    return EngagementTables(
        engagement=engagement,
        model=model,
        respondents=respondents,
        answers=answers,
        publication=pub,
        scores=scores,
        headcount=pub.headcounts(),
        enps=enps(model, respondents, answers, by=_GROUPINGS, **shared),
        trifecta=trifecta(model, respondents, answers, by=_GROUPINGS, **shared),
        strengths=strengths_and_opportunities(
            model, respondents, answers, by=_GROUPINGS, k=TOP_ITEMS, **shared
        ),
        facet_scores=score_breakdown(model, respondents, answers, by=_GROUPINGS, level="facet",
                                     **shared),
        reliability=reliability(model, answers, min_group_size=k),
        aggregation=aggregation(model, respondents, answers, scores),
        comments=comments,
        comment_min=comment_min,
        ratings=rating_agreement(
            model,
            score_breakdown(model, respondents, answers, by="organisation", level="facet",
                            **shared),
            store.ratings(engagement.id),
        ),
        targets=store.targets(engagement.id),
        change=_change(store, engagement, model, data, pub, scores),
        **report_notes(store, engagement),
    )


def engagement_tables(workspace: Workspace, engagement_id: str) -> EngagementTables:
    """Return the engagement's tables, from this process's cache when nothing changed."""
    with Store(workspace.db_path) as store:
        try:
            engagement = store.engagement(engagement_id)
        except NotFoundError:
            known = ", ".join(e.id for e in store.engagements()) or "none"
            raise ParameterError(
                f"engagement: {engagement_id!r} is not an engagement of workspace "
                f"{workspace.path} (known: {known})"
            ) from None
        key = (str(workspace.db_path), engagement_id, _fingerprint(store, engagement_id))
        if key in _cache:
            _cache.move_to_end(key)
            return replace(_cache[key], **report_notes(store, engagement))
        tables = compute_tables(store, engagement)
    _cache[key] = tables
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return tables
