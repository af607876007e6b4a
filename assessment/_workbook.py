"""The consultant's actions that combine the store with the analytics.

Each function reads what it needs from a :class:`Store` and hands frames to the pure
scoring functions, so the CLI and the consultant notebook do exactly the same thing.
Every table returned here has suppression applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from ._analytics import rating_agreement, target_gaps, trends
from ._compare import portfolio_percentiles
from ._confidentiality import BREAKDOWNS
from ._exceptions import NotFoundError, ParameterError
from ._invites import Invite, generate_invites
from ._roadmap import roadmap
from ._scoring import score_breakdown
from ._store import Engagement, Store

__all__ = [
    "compare_portfolio",
    "compare_waves",
    "engagement_scores",
    "invite_teams",
    "ratings_against_survey",
    "score_summary",
    "setup_engagement",
    "target_plan",
]


def setup_engagement(
    store: Store,
    organisation: str,
    engagement_id: str,
    model_source: str,
    *,
    wave: str | None = None,
    min_group_size: int = 5,
    languages: Sequence[str] | None = None,
    teams: pd.DataFrame | None = None,
) -> Engagement:
    """Create the organisation and the engagement if they are new, and set the team list.

    Running it again with the same arguments changes nothing, so a workbook can be re-run
    from the top; an existing engagement with other settings is an error, not overwritten.
    """
    try:
        store.organisation(organisation)
    except NotFoundError:
        store.create_organisation(organisation)
    try:
        eng = store.engagement(engagement_id)
    except NotFoundError:
        eng = store.create_engagement(
            engagement_id, organisation, model_source, wave=wave,
            min_group_size=min_group_size, languages=languages,
        )
    if eng.organisation != organisation.strip() or eng.min_group_size != min_group_size:
        raise ParameterError(
            f"engagement {engagement_id!r} exists for {eng.organisation!r} with minimum group "
            f"size {eng.min_group_size}; choose another id"
        )
    if teams is not None:
        store.set_teams(engagement_id, teams)
    return eng


def invite_teams(
    store: Store,
    engagement_id: str,
    *,
    roles: Sequence[str] = ("manager", "frontline"),
    teams: Sequence[str] | None = None,
    expires: date | None = None,
) -> list[Invite]:
    """Create one shared code per team and role, usable by the whole team (its headcount).

    Teams come from the engagement's team list (all of them, or those named in ``teams``);
    personal codes (one per person) are made with :func:`generate_invites`, ``uses=1``.
    """
    listed = store.teams(engagement_id)
    if listed.empty:
        raise ParameterError(
            f"engagement {engagement_id!r} has no team list; set one before inviting"
        )
    unknown = sorted(set(teams or ()) - set(listed["team"]))
    if unknown:
        raise ParameterError(f"teams: not in the team list: {', '.join(unknown)}")
    chosen = listed if teams is None else listed[listed["team"].isin(list(teams))]
    made: list[Invite] = []
    for team, department, headcount in chosen[["team", "department", "headcount"]].itertuples(
        index=False
    ):
        for role in roles:
            made += generate_invites(
                store, engagement_id, role=role, team=team,
                department=department if isinstance(department, str) else None,
                uses=max(int(headcount), 1), expires=expires,
            )
    return made


def engagement_scores(
    store: Store, engagement_id: str, by: str | Iterable[str] = BREAKDOWNS,
    *, level: str = "dimension",
) -> pd.DataFrame:
    """Return the engagement's score table (``score_breakdown``) with suppression applied."""
    eng = store.engagement(engagement_id)
    data = store.responses(engagement_id)
    return score_breakdown(
        store.model(engagement_id), data.respondents, data.answers, by=by,
        min_group_size=eng.min_group_size, level="facet" if level == "facet" else "dimension",
    )


def _organisation_level(store: Store, engagement_id: str) -> pd.DataFrame:
    return engagement_scores(store, engagement_id, by="organisation")


def compare_waves(store: Store, engagement_id: str) -> pd.DataFrame:
    """Compare the organisation's waves on the same model, up to this engagement.

    One row per dimension and pair of consecutive waves (organisation level), with the
    change, its 95% CI and whether it is significant; empty when there is no earlier wave.
    """
    eng = store.engagement(engagement_id)
    waves = [
        e for e in store.engagements(eng.organisation)
        if e.model_id == eng.model_id and (e.date, e.id) <= (eng.date, eng.id)
    ]
    tables = {e.wave: _organisation_level(store, e.id) for e in waves}
    if len(tables) < 2:
        return pd.DataFrame(columns=["dimension", "wave_from", "wave_to", "change"])
    return trends(tables)


def compare_portfolio(store: Store, engagement_id: str) -> pd.DataFrame:
    """Return the organisation's percentile per dimension among the workspace's organisations.

    Each organisation counts with its latest engagement on the same model; percentiles
    appear only when at least five organisations have a score for the dimension.
    """
    eng = store.engagement(engagement_id)
    rows = []
    latest: dict[str, str] = {}
    for e in store.engagements():
        if e.model_id == eng.model_id and store.count_respondents(e.id):
            latest[e.organisation] = e.id  # engagements come oldest first
    latest[eng.organisation] = engagement_id
    for organisation, eid in latest.items():
        table = _organisation_level(store, eid)
        for dim, mean in zip(table["dimension"], table["mean"], strict=True):
            rows.append({"organisation": organisation, "dimension": dim, "mean": mean})
    return portfolio_percentiles(pd.DataFrame(rows), eng.organisation)


def target_plan(store: Store, engagement_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the organisation's gaps to its targets and the phased roadmap that closes them."""
    targets = store.targets(engagement_id)
    model = store.model(engagement_id)
    scores = _organisation_level(store, engagement_id)
    gaps = target_gaps(model, scores, targets)
    return gaps, roadmap(model, gaps)


def ratings_against_survey(store: Store, engagement_id: str) -> pd.DataFrame:
    """Put the consultant's facet ratings beside the survey's facet levels (organisation)."""
    return rating_agreement(
        store.model(engagement_id),
        engagement_scores(store, engagement_id, by="organisation", level="facet"),
        store.ratings(engagement_id),
    )


def score_summary(store: Store, engagement_id: str, lang: str = "en") -> pd.DataFrame:
    """Return the one-screen summary: level per dimension, and executives vs the frontline."""
    model = store.model(engagement_id)
    table = engagement_scores(store, engagement_id, by=["organisation", "role"])
    names = {d.id: d.name.get(lang) for d in model.dimensions}
    means: dict[tuple[str, str], Any] = {
        (g, d): m for g, d, m in zip(table["group"], table["dimension"], table["mean"], strict=True)
    }
    org = table[table["by"] == "organisation"]
    rows = []
    for dim, mean, level in zip(org["dimension"], org["mean"], org["level"], strict=True):
        rows.append({
            "dimension": names.get(dim, dim),
            "score": None if pd.isna(mean) else round(float(mean), 2),
            "level": "" if pd.isna(level) else f"{int(level)} {model.level_name(int(level), lang)}",
            "executives": _rounded(means.get(("executive", dim))),
            "frontline": _rounded(means.get(("frontline", dim))),
        })
    return pd.DataFrame(rows)


def _rounded(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)
