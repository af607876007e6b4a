"""The consultant's actions that combine the store with the analytics.

Each function reads what it needs from a :class:`Store` and hands frames to the pure
scoring functions, so the CLI and the consultant notebook do exactly the same thing.
Every table returned here has suppression applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ._confidentiality._groups import BREAKDOWNS
from ._exceptions import NotFoundError, ParameterError
from ._form._invites import Invite, codes_path, generate_invites, list_invites, write_invites
from ._scoring._analytics import rating_agreement, target_gaps, trends
from ._scoring._compare import portfolio_percentiles
from ._scoring._participation import participation
from ._scoring._roadmap import roadmap
from ._scoring._scores import OVERALL, score_breakdown
from ._store._connection import unused_path
from ._store._engagements import Engagement
from ._store._store import Store
from ._store._workspace import Workspace

__all__ = [
    "MANAGER_SPAN",
    "TeamInvites",
    "agreed_actions",
    "compare_portfolio",
    "compare_wave_items",
    "compare_waves",
    "create_engagement",
    "create_invites",
    "engagement_participation",
    "engagement_scores",
    "invite_teams",
    "narrative_overview",
    "ratings_against_survey",
    "role_places",
    "score_summary",
    "set_narrative_from_file",
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

    Everything is written in one transaction: a bad team list leaves no engagement behind.
    Running it again with the same arguments changes nothing (not even the engagement's
    revision), so a workbook can be re-run from the top; an existing engagement with other
    settings (organisation, minimum group size, wave) is an error, not overwritten or
    ignored.
    """
    with store.transaction():
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
                f"engagement {engagement_id!r} exists for {eng.organisation!r} with minimum "
                f"group size {eng.min_group_size}; choose another id"
            )
        if wave and eng.wave != wave.strip():
            raise ParameterError(
                f"wave: engagement {engagement_id!r} exists with wave {eng.wave!r}, not "
                f"{wave.strip()!r}; set wave to {eng.wave!r}, or choose another engagement id "
                "for a new wave"
            )
        if teams is not None:
            store.set_teams(engagement_id, teams)
    return eng


def create_engagement(
    store: Store,
    engagement_id: str,
    organisation: str,
    model_source: str,
    *,
    teams: pd.DataFrame | None = None,
    **settings: Any,
) -> Engagement:
    """Create a new engagement and its team list in one transaction: both, or neither."""
    with store.transaction():
        eng = store.create_engagement(engagement_id, organisation, model_source, **settings)
        if teams is not None:
            store.set_teams(engagement_id, teams)
    return eng


#: A team shares its headcount between the roles invited: every role but the last
#: (frontline, when it is invited) gets one place per started ``MANAGER_SPAN`` people, the
#: last role the rest.
MANAGER_SPAN = 10


def role_places(headcount: int, roles: Sequence[str]) -> dict[str, int]:
    """Return how many submissions each role's code of a team admits (at least 1 each).

    The roles share the team's ``headcount`` by the :data:`MANAGER_SPAN` rule.
    """
    if not roles:
        return {}
    left = max(int(headcount), 0)
    last = "frontline" if "frontline" in roles else roles[-1]
    places = {r: math.ceil(left / MANAGER_SPAN) for r in roles if r != last}
    places[last] = left - sum(places[r] for r in roles if r != last)
    return {r: max(places[r], 1) for r in roles}


@dataclass(frozen=True)
class TeamInvites:
    """What :func:`invite_teams` did: the codes it made, and the pairs that had codes."""

    #: The new codes, in clear (also in ``path``).
    made: list[Invite]
    #: ``(team, role)`` pairs skipped because they already have codes.
    existing: list[tuple[str, str]]
    #: The CSV file the new codes went to (``None`` when there were none).
    path: Path | None
    #: The CSV file asked for: where the first codes were written.
    out: Path

    def _repr_html_(self) -> str:
        from ._display._cards import card

        return card("Invite codes", [("Made", len(self.made)),
                                     ("Team/role pairs that had codes", len(self.existing)),
                                     ("Codes file", self.path or self.out),
                                     ("", self.summary())])

    def summary(self) -> str:
        """Say what was written where, or why nothing was."""
        if self.made:
            text = f"{len(self.made)} codes written to {self.path}"
            if self.existing:
                text += f" ({len(self.existing)} team/role pairs already had codes"
                text += f"; {self.out} was left as it was)" if self.path != self.out else ")"
            return text + "; codes are stored only hashed, so this file is their only copy"
        where = (f"their codes are in {self.out}" if self.out.exists() else
                 f"{self.out} is not there any more, and codes are stored only hashed: "
                 "if it is lost, make new codes with generate_invites")
        return (f"no new codes: all {len(self.existing)} team/role pairs already have codes; "
                + where)


def _check_codes_file(path: str | Path) -> Path:
    """Refuse a codes file that is not ``.csv``, already exists or cannot be created."""
    dest = codes_path(path)
    if dest.exists():
        raise ParameterError(
            f"{dest}: already exists and may hold the only copy of earlier codes; "
            "choose a new file"
        )
    parent = next((p for p in dest.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise ParameterError(f"{dest}: {parent} is a file, not a folder")
    return dest


def _write_codes(
    store: Store, dest: Path, generate: Callable[[], list[Invite]]
) -> tuple[list[Invite], Path | None]:
    """Generate codes and write them to ``dest`` in one transaction: both, or neither."""
    written: Path | None = None
    try:
        with store.transaction():
            made = generate()
            if made:
                written = write_invites(made, dest)
    except BaseException:
        if written is not None:  # the commit failed after the file was written
            written.unlink(missing_ok=True)
        raise
    return made, written


def create_invites(
    store: Store, engagement_id: str, out: str | Path, **options: Any
) -> list[Invite]:
    """Generate codes for one team and role (:func:`generate_invites` ``options``) into ``out``.

    ``out`` is checked first (a new ``.csv`` file); the codes are stored only if the file
    is written, so no code exists that nobody holds.
    """
    dest = _check_codes_file(out)
    made, _ = _write_codes(store, dest, lambda: generate_invites(store, engagement_id, **options))
    return made


def invite_teams(
    store: Store,
    engagement_id: str,
    out: str | Path,
    *,
    roles: Sequence[str] = ("manager", "frontline"),
    executive_teams: Sequence[str] = (),
    teams: Sequence[str] | None = None,
    expires: date | None = None,
) -> TeamInvites:
    """Create one shared code per team and role, once, and write the new codes to a CSV file.

    Parameters
    ----------
    out:
        The codes file (``.csv``). When it exists, new codes go to ``<stem>-2.csv`` (and
        so on) and the old file is left alone: it is the only copy of the earlier codes.
    roles:
        The roles invited in every team (default: managers and frontline).
    executive_teams:
        Teams whose members answer as executives: they get one ``executive`` code instead.
    teams:
        Only these teams of the team list (default: all of them).
    expires:
        The codes' last day (default: no limit).

    Team/role pairs that already have codes are skipped, so running it again makes none.
    A code admits as many submissions as the role has people in the team, by the
    :data:`MANAGER_SPAN` rule of :func:`role_places`, so a team's codes together admit its
    headcount.
    Personal codes (one per person) are made with :func:`generate_invites`, ``uses=1``.
    """
    listed = store.teams(engagement_id)
    if listed.empty:
        raise ParameterError(
            f"engagement {engagement_id!r} has no team list; set one before inviting"
        )
    unknown = sorted(set(teams or ()) - set(listed["team"]))
    unknown += sorted(set(executive_teams) - set(listed["team"]) - set(unknown))
    if unknown:
        raise ParameterError(f"teams: not in the team list: {', '.join(unknown)}")
    dest = codes_path(out)
    chosen = listed if teams is None else listed[listed["team"].isin(list(teams))]
    codes = list_invites(store, engagement_id)
    have = set(zip(codes["team"], codes["role"], strict=True))
    plan: list[tuple[str, str, str | None, int]] = []
    existing: list[tuple[str, str]] = []
    for rec in chosen.to_dict("records"):
        team = str(rec["team"])
        team_roles = ["executive"] if team in executive_teams else list(roles)
        department = rec["department"] if isinstance(rec["department"], str) else None
        for role, uses in role_places(int(rec["headcount"]), team_roles).items():
            if (team, role) in have:
                existing.append((team, role))
            else:
                plan.append((team, role, department, uses))

    def generate() -> list[Invite]:
        return [
            invite
            for team, role, department, uses in plan
            for invite in generate_invites(store, engagement_id, role=role, team=team,
                                           department=department, uses=uses, expires=expires)
        ]

    made, path = _write_codes(store, unused_path(dest), generate) if plan else ([], None)
    return TeamInvites(made, existing, path, dest)


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


def engagement_reliability(store: Store, engagement_id: str) -> pd.DataFrame:
    """Return per dimension Cronbach's alpha with its interval, ICC(1) and ICC(2) by team, the
    number of published teams and the share of them with rwg(J) >= 0.70 (as the report's
    appendix shows them)."""
    from ._scoring._aggregation import aggregation
    from ._scoring._reliability import reliability

    eng = store.engagement(engagement_id)
    model = store.model(engagement_id)
    data = store.responses(engagement_id)
    k = eng.min_group_size
    scores = score_breakdown(model, data.respondents, data.answers, by="team", min_group_size=k)
    scales = reliability(model, data.answers, min_group_size=k).scales
    scales = scales.rename(columns={"suppressed": "alpha_suppressed"})
    agg = aggregation(model, data.respondents, data.answers, scores)
    columns = ["dimension", "k", "n", "alpha", "ci_low", "ci_high", "alpha_suppressed"]
    return scales[columns].merge(agg, on="dimension", how="left")


def engagement_drivers(
    workspace: Workspace, engagement_id: str, unit: str = "organisation",
    outcome: str | None = None,
) -> pd.DataFrame:
    """Return the facets' relative importance on each outcome (or ``outcome``) as ``unit``'s
    report shows it: the unit's own drivers, or the organisation's (``own`` False).

    The unit must be published (as for its report); an outcome the model does not ask about
    is refused. Columns: ``outcome``, ``own``, ``rank``, ``dimension``, ``facet``,
    ``importance`` (percent of ``r2``), ``raw_weight``, ``r``, ``score`` (the unit's published
    facet mean), ``r2``, ``n``; empty for a model without outcomes.
    """
    from ._report._drivers import unit_drivers
    from ._report._prepare import _check_unit
    from ._report._tables import engagement_tables
    from ._report._units import parse_unit
    from ._scoring._drivers import driver_outcomes

    tables = engagement_tables(workspace, engagement_id)
    parsed = parse_unit(unit)
    _check_unit(tables, parsed)
    known = driver_outcomes(tables.model)
    if outcome is not None and outcome not in known:
        raise ParameterError(f"outcome: {outcome!r} is not an outcome of this model "
                             f"(known: {', '.join(known) or 'none'})")
    columns = ["outcome", "own", "rank", "dimension", "facet", "importance", "raw_weight", "r",
               "score", "r2", "n"]
    frames = [
        d.table.assign(own=d.own).sort_values("rank")[columns]
        for d in unit_drivers(tables, parsed)
        if d.table is not None and outcome in (None, d.outcome)
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _organisation_level(store: Store, engagement_id: str) -> pd.DataFrame:
    return engagement_scores(store, engagement_id, by="organisation")


def compare_waves(store: Store, engagement_id: str) -> pd.DataFrame:
    """Compare the organisation's waves on the same model, up to this engagement.

    One row per dimension and pair of consecutive waves (organisation level), with the
    change, its 95% CI and whether it is significant; empty when there is no earlier wave.
    """
    waves = store.waves(engagement_id)
    labels = [e.wave for e in waves]
    # Two engagements with one wave label are two waves: the engagement id tells them apart.
    tables = {
        e.wave if labels.count(e.wave) == 1 else f"{e.wave} ({e.id})":
            _organisation_level(store, e.id)
        for e in waves
    }
    if len(tables) < 2:
        empty = pd.DataFrame(columns=["dimension", "wave_from", "wave_to", "change"])
        empty.attrs["empty"] = "no earlier wave of this organisation with the same model"
        return empty
    return trends(tables)


def compare_wave_items(
    workspace: Workspace, engagement_id: str, by: str = "organisation"
) -> pd.DataFrame:
    """Return each question's change since the previous wave, for the groups of ``by``: the
    numbers the reports' change section shows (their engagement tables, each wave under its
    own publication pattern).

    Columns ``wave_from``, ``wave_to``, ``by``, ``group``, ``item``, ``dimension``,
    ``comparable`` (same id and text version in both waves), ``n_from``, ``n_to``,
    ``mean_from``, ``mean_to``, ``change``, ``ci_low``, ``ci_high``, ``label`` (``up``,
    ``no clear change``, ``down``, ``not comparable``, ``new``), ``suppressed`` (no numbers:
    not published in either wave, reworded, or not asked before); empty when there is no
    earlier wave.
    """
    from ._report._tables import engagement_tables

    groupings = ("organisation", "role", "team", "department")
    if by not in groupings:
        raise ParameterError(f"by: one of {', '.join(groupings)}, got {by!r}")
    tables = engagement_tables(workspace, engagement_id)
    columns = ["wave_from", "wave_to", "by", "group", "item", "dimension", "comparable",
               "n_from", "n_to", "mean_from", "mean_to", "change", "ci_low", "ci_high", "label",
               "suppressed"]
    change = tables.change
    if change is None:
        empty = pd.DataFrame(columns=columns)
        empty.attrs["empty"] = "no earlier wave of this organisation with the same model"
        return empty
    items = change.items[change.items["by"] == by]
    out = items.assign(wave_from=change.wave, wave_to=tables.engagement.wave)
    return out[columns].reset_index(drop=True)


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
    dimensions = [*(d.id for d in store.model(engagement_id).dimensions), OVERALL]
    for organisation, eid in latest.items():
        table = _organisation_level(store, eid).set_index("dimension")["mean"]
        for dim in dimensions:  # no responses yet: no mean, and the note says why
            rows.append({"organisation": organisation, "dimension": dim,
                         "mean": table.get(dim, float("nan"))})
    return portfolio_percentiles(pd.DataFrame(rows), eng.organisation)


def target_plan(store: Store, engagement_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the organisation's gaps to its targets and the phased roadmap that closes them."""
    targets = store.targets(engagement_id)
    model = store.model(engagement_id)
    scores = _organisation_level(store, engagement_id)
    gaps = target_gaps(model, scores, targets)
    plan = roadmap(model, gaps)
    gaps.attrs["empty"] = "no targets set yet"
    plan.attrs["empty"] = ("every target is met" if targets and not gaps["suppressed"].all()
                           else "no targets set yet" if not targets
                           else "the organisation's scores are withheld")
    return gaps, plan


def ratings_against_survey(store: Store, engagement_id: str) -> pd.DataFrame:
    """Put the consultant's facet ratings beside the survey's facet levels (organisation).

    Columns as :func:`rating_agreement`'s (``consultant_na``: rated "not applicable").
    """
    return rating_agreement(
        store.model(engagement_id),
        engagement_scores(store, engagement_id, by="organisation", level="facet"),
        store.ratings(engagement_id),
    )


def engagement_participation(store: Store, engagement_id: str) -> pd.DataFrame:
    """Return the fieldwork monitor (:func:`participation`) of an engagement."""
    eng = store.engagement(engagement_id)
    return participation(store.model(engagement_id), store.responses(engagement_id),
                         store.teams(engagement_id), eng.min_group_size)


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


# --- the consultant's narrative and agreed actions -------------------------------------------


def set_narrative_from_file(
    store: Store,
    engagement_id: str,
    path: str | Path,
    *,
    language: str,
    dimension: str | None = None,
) -> bool:
    """Store the Markdown file at ``path`` (UTF-8) as the executive summary (no ``dimension``)
    or a dimension's findings in ``language``; return whether the stored text changed."""
    from ._store._notes import MAX_NARRATIVE

    file = Path(path)
    with open(file, "rb") as fh:
        raw = fh.read(4 * MAX_NARRATIVE + 1)  # UTF-8: at most 4 bytes a character
    if len(raw) > 4 * MAX_NARRATIVE:
        raise ParameterError(f"{file}: too large for a narrative (at most {MAX_NARRATIVE} "
                             "characters)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ParameterError(f"{file}, line {line}: not UTF-8 text") from None
    try:
        return store.set_narrative(engagement_id, text, language=language, dimension=dimension)
    except ParameterError as exc:
        raise ParameterError(f"{file}: {exc}") from None


def narrative_overview(store: Store, engagement_id: str) -> pd.DataFrame:
    """What the consultant has written: ``part`` (``summary`` or a dimension id), ``language``,
    ``characters``, ``updated_at`` and the ``start`` of the text (its first line, cut)."""
    frame = store.narratives(engagement_id)
    return pd.DataFrame({
        "part": frame["dimension"].fillna("summary"),
        "language": frame["language"],
        "characters": frame["text"].str.len().astype("int64"),
        "updated_at": frame["updated_at"],
        "start": [t.splitlines()[0][:60] for t in frame["text"]],
    })


def agreed_actions(
    store: Store,
    engagement_id: str,
    *,
    dimension: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The actions agreed in an engagement (see :meth:`Store.actions`), of one dimension or
    status when given."""
    table = store.actions(engagement_id)
    if dimension is not None:
        dims = [d.id for d in store.model(engagement_id).dimensions]
        if dimension not in dims:
            raise ParameterError(f"dimension: {dimension[:80]!r} is not a dimension of the "
                                 f"engagement's model ({', '.join(dims)})")
        table = table[table["dimension"] == dimension]
    if status is not None:
        table = table[table["status"] == status]
    table = table.reset_index(drop=True)
    table.attrs["empty"] = "no actions agreed yet"
    return table
