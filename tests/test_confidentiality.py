"""The anonymity rule: minimum group size, complementary suppression, comments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment._confidentiality._comments import releasable_comments
from assessment._confidentiality._engine import suppress_breakdown
from assessment._confidentiality._groups import NOT_GIVEN, GroupIndex
from assessment._confidentiality._publication import publication
from assessment._confidentiality._thresholds import check_min_group_size
from assessment._exceptions import ParameterError
from assessment._model._load import load_model
from assessment._model._schema import MaturityModel
from assessment._scoring._analytics import answer_distribution, strengths_and_opportunities
from assessment._scoring._change import item_change, wave_change, with_overall_sd
from assessment._scoring._favourable import item_scores
from assessment._scoring._outcomes import enps, trifecta
from assessment._scoring._scores import OVERALL, respondent_scores, score_breakdown

MINI = Path(__file__).parent / "data" / "models" / "mini.yaml"
KINDS = ("organisation", "role", "team", "department", "role,team")


@pytest.fixture(scope="module")
def model() -> MaturityModel:
    return load_model(MINI)


def _answers(
    model: MaturityModel, n: int, rng: np.random.Generator, p_missing: float
) -> pd.DataFrame:
    values = rng.integers(1, 6, size=(n, len(model.question_ids))).astype(float)
    values[rng.random(values.shape) < p_missing] = np.nan
    index = pd.Index([f"r{i:04d}" for i in range(n)], name="respondent_id")
    return pd.DataFrame(values, index=index, columns=model.question_ids)


def _respondents(
    roles: list[str], teams: list[str], departments: list[object], index: pd.Index
) -> pd.DataFrame:
    return pd.DataFrame(
        {"role": roles, "team": teams, "department": departments, "recommend": 7.0}, index=index
    )


# --- the one-way rule ------------------------------------------------------------------------


def test_min_group_size_is_never_below_three() -> None:
    assert check_min_group_size(3) == 3
    for bad in (2, 0, -1, True, 4.0, "5"):
        with pytest.raises(ParameterError, match="min_group_size"):
            check_min_group_size(bad)


def test_small_groups_need_no_complement_when_together_they_reach_the_minimum() -> None:
    counts = pd.Series({"A": 12, "B": 3, "C": 4, "D": 20})
    assert suppress_breakdown(counts, 5).to_dict() == {"A": False, "B": True, "C": True, "D": False}


def test_a_lone_small_group_takes_the_next_smallest_sibling_with_it() -> None:
    counts = pd.Series({"A": 12, "B": 3, "C": 8, "D": 20})
    assert suppress_breakdown(counts, 5).to_dict() == {"A": False, "B": True, "C": True, "D": False}


def test_complementary_suppression_repeats_until_the_withheld_reach_the_minimum() -> None:
    counts = pd.Series({"A": 1, "B": 1, "C": 1, "D": 30})
    # 3 < 10: add the smallest published sibling... there is only D left.
    assert suppress_breakdown(counts, 10).to_dict() == {"A": True, "B": True, "C": True, "D": True}
    counts = pd.Series({"A": 2, "B": 6, "C": 7, "D": 30})
    assert suppress_breakdown(counts, 10).tolist() == [True, True, True, False]


def test_nothing_is_withheld_when_every_group_is_large_enough() -> None:
    counts = pd.Series({"A": 5, "B": 6})
    assert not suppress_breakdown(counts, 5).any()


@given(
    counts=st.lists(st.integers(0, 30), min_size=1, max_size=12),
    minimum=st.integers(3, 10),
)
def test_published_children_never_reveal_a_remainder_below_the_minimum(
    counts: list[int], minimum: int
) -> None:
    series = pd.Series(counts, index=[f"g{i}" for i in range(len(counts))])
    withheld = suppress_breakdown(series, minimum)
    published = series[~withheld]
    assert (published >= minimum).all()
    if series.sum() >= minimum:  # a parent below the minimum is not published itself
        remainder = series.sum() - published.sum()  # parent n minus published children n
        assert remainder == 0 or remainder >= minimum


# --- linked breakdowns: nothing below the minimum can be recovered ---------------------------


def _atom_frame(respondents: pd.DataFrame) -> pd.DataFrame:
    keys = respondents[["role", "team", "department"]].astype("object")
    return keys.where(keys.notna(), NOT_GIVEN).astype(str)


def _members(kind: str, row: pd.Series, atoms: pd.DataFrame) -> np.ndarray:
    if kind == "organisation":
        return np.ones(len(atoms), dtype=bool)
    if kind == "role,team":
        return ((atoms["role"] == row["role"]) & (atoms["team"] == row["team"])).to_numpy()
    return (atoms[kind] == row[kind]).to_numpy()


def _rank(matrix: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(matrix)) if matrix.size else 0


def _check_nothing_small_is_recoverable(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    table: pd.DataFrame,
    by: tuple[str, ...],
    minimum: int,
) -> None:
    scores = respondent_scores(model, answers)
    dims = [d.id for d in model.dimensions]
    scores[OVERALL] = scores[dims].mean(axis=1)  # n of overall: any dimension score
    for dim in table["dimension"].unique():
        rows = table[table["dimension"] == dim]
        published = rows[~rows["suppressed"]]
        assert (published["n"] >= minimum).all()
        _check_family(respondents, scores[dim].notna().to_numpy(),
                      _published_groups(rows), minimum, dim)
        # The brief's checks on each breakdown of a published parent: parent n minus the
        # published children's n, and parent sum minus the children's n * mean.
        table_dim = rows.set_index(["by", "group"])
        org = table_dim.loc[("organisation", "all")] if "organisation" in by else None
        if org is not None and not org["suppressed"]:
            for kind in by:
                if kind == "organisation":
                    continue
                kids = rows[(rows["by"] == kind) & ~rows["suppressed"]]
                rest_n = org["n"] - kids["n"].sum()
                assert rest_n == 0 or rest_n >= minimum
                if rest_n == 0 and dim != OVERALL:  # overall is not a sum over people
                    rest_sum = org["n"] * org["mean"] - (kids["n"] * kids["mean"]).sum()
                    assert abs(rest_sum) < 1e-6
        if "role,team" in by:
            for parent_kind in ("role", "team"):
                if parent_kind not in by:
                    continue
                for (_, label), parent in table_dim.loc[[parent_kind]].iterrows():
                    if parent["suppressed"]:
                        continue
                    kids = rows[(rows["by"] == "role,team") & (rows[parent_kind] == label)]
                    kids = kids[~kids["suppressed"]]
                    rest_n = parent["n"] - kids["n"].sum()
                    assert rest_n == 0 or rest_n >= minimum


def _published_groups(table: pd.DataFrame) -> set[tuple[str, str]]:
    shown = table[~table["suppressed"].astype(bool)]
    return set(zip(shown["by"], shown["group"], strict=True))


def _check_family(
    respondents: pd.DataFrame,
    has: np.ndarray,
    published: set[tuple[str, str]],
    minimum: int,
    label: str,
) -> None:
    """No total of one measure over fewer than the minimum respondents can be derived.

    The reader's knowledge (see docs/scoring.md): who belongs to which role, team and
    department, and every published number; not who answered which question. So the
    unknowns of a measure are its totals per atom (respondents sharing role, team and
    department, over those with the measure), and a published group number is the sum of
    its atoms' totals. Any set of respondents (group, atom, role in a department, or the
    union of two of them) with 0 < members with the measure < minimum must stay outside
    the span of the published sums.
    """
    keys = _atom_frame(respondents)
    atom_table = keys.drop_duplicates().reset_index(drop=True)
    atom_id = keys.merge(atom_table.reset_index(), on=["role", "team", "department"])["index"]
    counts = np.bincount(atom_id.to_numpy(), weights=has.astype(float),
                         minlength=len(atom_table))
    live = counts > 0  # atoms known to be empty carry no unknowns
    atoms = atom_table[live].reset_index(drop=True)
    groups = GroupIndex.from_respondents(respondents).groups
    rows = [
        _members(g["by"], g, atoms) for _, g in groups.iterrows()
        if (g["by"], g["group"]) in published
    ]
    pub = np.array(rows, dtype=float).reshape(len(rows), len(atoms))
    if counts.sum() >= minimum:  # how many responded is public in every report
        pub = np.vstack([pub, np.ones((1, len(atoms)))])
    base = _rank(pub)
    sets = {f"{g['by']} {g['group']}": _members(g["by"], g, atoms) for _, g in groups.iterrows()}
    for role in atoms["role"].unique():
        for dept in atoms["department"].unique():
            sets[f"{role} in {dept}"] = (
                (atoms["role"] == role) & (atoms["department"] == dept)
            ).to_numpy()
    for i in range(len(atoms)):
        sets[f"atom {i}"] = np.arange(len(atoms)) == i
    live_counts = counts[live]
    small = {k: v for k, v in sets.items() if 0 < live_counts[v].sum() < minimum}
    names = list(small)
    for i, first in enumerate(names):
        for second in names[i:]:
            union = small[first] | small[second]
            if not 0 < live_counts[union].sum() < minimum:
                continue
            stacked = np.vstack([pub, union.astype(float)])
            assert _rank(stacked) > base, f"{first} + {second} ({label}) is recoverable"


def _check_every_table_together(
    model: MaturityModel,
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    minimum: int,
) -> None:
    """Every table a report can publish, each measure across all of its tables."""
    pub = publication(model, respondents, answers, min_group_size=minimum)
    shared = {"min_group_size": minimum, "publication": pub}
    table = score_breakdown(model, respondents, answers, **shared)
    facets = score_breakdown(model, respondents, answers, level="facet", **shared)
    strengths = strengths_and_opportunities(
        model, respondents, answers, by=KINDS, k=len(model.items), **shared
    )
    net = enps(model, respondents, answers, by=KINDS, **shared)
    balance = trifecta(model, respondents, answers, by=KINDS, **shared)
    main = _published_groups(table[table["dimension"] == OVERALL])
    groups = pub.index.groups
    item_level = {
        dim: {
            (g["by"], g["group"]) for pos, g in groups.iterrows()
            if not pub.items_withheld[pos, j]
        }
        for j, dim in enumerate(pub.dimensions)
    }
    distributed = {
        (by, group, item)
        for by, group in main
        for item in answer_distribution(
            model, respondents, answers, by=by, group=group, **shared
        )["item"]
    }
    # Nested tables publish a subset of the main pattern's groups; item-level numbers a
    # subset of their dimension's item-level pattern.
    for nested in (facets, strengths, net, balance, pub.headcounts()):
        assert _published_groups(nested) <= main
    for _, row in strengths[~strengths["suppressed"]].iterrows():
        assert (row["by"], row["group"]) in item_level[row["dimension"]]
    for by, group, item in distributed:
        assert (by, group) in item_level[model.item_dimension[item]]
    # The overall score is the weighted mean of the group's dimension means.
    weights = {d.id: d.weight for d in model.dimensions}
    for _, rows in table[~table["suppressed"]].groupby(["by", "group"]):
        means = rows.set_index("dimension")["mean"]
        dims = means.drop(OVERALL)
        if len(dims) == len(weights) and dims.notna().all():
            w = np.array([weights[d] for d in dims.index])
            assert means[OVERALL] == pytest.approx(float(dims.to_numpy() @ w / w.sum()))
    # Each measure, over the groups any table publishes it for.
    scores = respondent_scores(model, answers)
    dim_ids = [d.id for d in model.dimensions]
    _check_family(respondents, np.ones(len(respondents), bool), main, minimum, "headcount")
    _check_family(respondents, scores[dim_ids].notna().any(axis=1).to_numpy(), main, minimum,
                  "overall")
    for dim in dim_ids:
        _check_family(respondents, scores[dim].notna().to_numpy(), main, minimum, dim)
    for item in model.items:
        _check_family(respondents, answers[item].notna().to_numpy(),
                      item_level[model.item_dimension[item]], minimum, item)
    facet_scores = respondent_scores(model, answers, level="facet")
    for dim in model.dimensions:
        for facet in dim.facets:
            _check_family(respondents, facet_scores[facet.id].notna().to_numpy(),
                          item_level[dim.id], minimum, facet.id)
    _check_family(respondents, respondents["recommend"].notna().to_numpy(),
                  _published_groups(net), minimum, "recommend")
    for item_id, item in model.outcome_items.items():
        _check_family(respondents, answers[item_id].notna().to_numpy(),
                      _published_groups(balance), minimum, item.measures)


organisations = st.fixed_dictionaries(
    {
        "size": st.integers(1, 45),
        "teams": st.integers(1, 6),
        "departments": st.integers(1, 3),
        "departments_by": st.sampled_from(["team", "respondent", "role and team"]),
        "minimum": st.integers(3, 6),
        "p_missing": st.sampled_from([0.0, 0.2, 0.45]),
        "seed": st.integers(0, 2**31),
        "by": st.sampled_from(
            [KINDS, ("team",), ("role", "team"), ("role,team",), ("team", "department"),
             ("organisation", "role,team")]
        ),
    }
)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=organisations)
def test_no_group_below_the_minimum_can_be_recovered_from_the_published_numbers(
    model: MaturityModel, org: dict[str, object]
) -> None:
    rng = np.random.default_rng(int(org["seed"]))  # type: ignore[call-overload]
    n = int(org["size"])  # type: ignore[call-overload]
    answers = _answers(model, n, rng, float(org["p_missing"]))  # type: ignore[arg-type]
    n_teams = int(org["teams"])  # type: ignore[call-overload]
    n_depts = int(org["departments"])  # type: ignore[call-overload]
    roles = rng.choice(["executive", "manager", "frontline"], size=n, p=[0.15, 0.25, 0.6])
    teams = rng.choice([f"T{i}" for i in range(n_teams)], size=n)
    if org["departments_by"] == "team":  # each team in one department
        home = {f"T{i}": f"D{rng.integers(n_depts)}" for i in range(n_teams)}
        depts: list[object] = [home[t] for t in teams]
    elif org["departments_by"] == "respondent":  # teams spread over departments
        depts = list(rng.choice([f"D{i}" for i in range(n_depts)], size=n))
    else:  # a team split across departments along its roles
        seat = {
            (r, f"T{i}"): f"D{rng.integers(n_depts)}"
            for r in ("executive", "manager", "frontline")
            for i in range(n_teams)
        }
        depts = [seat[(r, t)] for r, t in zip(roles, teams, strict=True)]
    if n and rng.random() < 0.3:
        depts[0] = np.nan
    respondents = _respondents(list(roles), list(teams), depts, answers.index)
    by = tuple(org["by"])  # type: ignore[call-overload]
    minimum = int(org["minimum"])  # type: ignore[call-overload]
    table = score_breakdown(model, respondents, answers, by=by, min_group_size=minimum)
    _check_nothing_small_is_recoverable(model, respondents, answers, table, by, minimum)
    _check_every_table_together(model, respondents, answers, minimum)


# --- across waves: the subtraction attack across time ------------------------------------
#
# The threat: a reader holds last wave's reports, this wave's reports and the change
# between them, and combines them across breakdowns to work out a group below the minimum
# in either wave. The defence: every number of the change is a number one wave publishes
# under its own pattern (both means, both n, and the sd behind the interval), and a group
# takes part only where both waves publish it. The waves' answers are different unknowns,
# so the published numbers form a block-diagonal system: a combination isolates a set of
# answers across waves only if its part in each wave is isolated by that wave's numbers
# alone, which each wave's own check rules out.

waves = st.fixed_dictionaries(
    {
        "sizes": st.tuples(st.integers(1, 40), st.integers(1, 40)),
        "teams": st.integers(1, 5),
        "minimum": st.integers(3, 6),
        "p_missing": st.sampled_from([0.0, 0.2, 0.45]),
        "seed": st.integers(0, 2**31),
        "panel": st.booleans(),  # the same people answer both waves (ids kept)
    }
)


def _wave(
    model: MaturityModel, n: int, n_teams: int, rng: np.random.Generator, p_missing: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    answers = _answers(model, n, rng, p_missing)
    roles = rng.choice(["executive", "manager", "frontline"], size=n, p=[0.15, 0.25, 0.6])
    teams = rng.choice([f"T{i}" for i in range(n_teams)], size=n)
    depts = [f"D{int(t[1:]) % 2}" for t in teams]
    return _respondents(list(roles), list(teams), depts, answers.index), answers


def _wave_tables(
    model: MaturityModel, respondents: pd.DataFrame, answers: pd.DataFrame, minimum: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One wave's published scores and item scores, under its own pattern."""
    pub = publication(model, respondents, answers, min_group_size=minimum)
    table = score_breakdown(model, respondents, answers, by=KINDS, min_group_size=minimum,
                            publication=pub)
    items = item_scores(model, respondents, answers, by=KINDS, min_group_size=minimum,
                        publication=pub)
    return with_overall_sd(model, table), items


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=waves)
def test_the_change_between_waves_shows_only_what_each_wave_publishes_on_its_own(
    model: MaturityModel, org: dict[str, object]
) -> None:
    rng = np.random.default_rng(int(org["seed"]))  # type: ignore[call-overload]
    minimum = int(org["minimum"])  # type: ignore[call-overload]
    n_teams = int(org["teams"])  # type: ignore[call-overload]
    p_missing = float(org["p_missing"])  # type: ignore[arg-type]
    sizes = org["sizes"]
    assert isinstance(sizes, tuple)
    before = _wave(model, sizes[0], n_teams, rng, p_missing)
    after = _wave(model, sizes[1], n_teams, rng, p_missing)
    if org["panel"]:  # the same people, some of them in another team now
        n = min(sizes)
        after = before[0].iloc[:n].assign(team=after[0]["team"].to_numpy()[:n]), after[1].iloc[
            :n].set_axis(before[1].index[:n])
    then, then_items = _wave_tables(model, *before, minimum)
    now, now_items = _wave_tables(model, *after, minimum)
    change = wave_change(then, now, min_change=0.2)
    keys = ["by", "group", "dimension"]
    for frame, end in ((then, "from"), (now, "to")):
        merged = change.merge(frame[[*keys, "n", "mean", "sd", "suppressed"]], on=keys,
                              how="left")
        shown = ~merged["suppressed_x"].astype(bool)
        # A group with numbers is published in this wave, and its numbers are this
        # wave's published numbers: nothing new is computed from respondents.
        assert not merged.loc[shown, "suppressed_y"].astype(bool).any()
        assert (merged.loc[shown, "n"].astype(int) >= minimum).all()
        assert (merged.loc[shown, f"n_{end}"].astype(int) == merged.loc[shown, "n"]).all()
        np.testing.assert_allclose(merged.loc[shown, f"mean_{end}"].astype(float),
                                   merged.loc[shown, "mean"].astype(float))
        # A group withheld (or absent) in this wave shows nothing in the change.
        hidden = merged["suppressed_y"].astype("boolean").fillna(True).to_numpy(bool)
        assert merged.loc[hidden, "suppressed_x"].astype(bool).all()
    numbers = change[["mean_from", "mean_to", "change", "ci_low", "ci_high", "n_from", "n_to"]]
    assert numbers[change["suppressed"].astype(bool)].isna().all().all()
    shown = ~change["suppressed"].astype(bool)
    np.testing.assert_allclose(change.loc[shown, "change"],
                               change.loc[shown, "mean_to"] - change.loc[shown, "mean_from"])
    # The overall row's sd is made of the group's published dimension rows alone.
    overall = now[(now["dimension"] == OVERALL) & now["sd"].notna()]
    for _, row in overall.iterrows():
        dims = now[(now["by"] == row["by"]) & (now["group"] == row["group"])
                   & (now["dimension"] != OVERALL)]
        assert not dims["suppressed"].any()
        w = dims["dimension"].map({d.id: d.weight for d in model.dimensions})
        se = (w * dims["sd"] / np.sqrt(dims["n"].astype(float))).sum() / w.sum()
        expected = np.sqrt(row["n"]) * se
        assert row["sd"] == pytest.approx(expected)
    # Items: only where each wave publishes the group's item numbers.
    items = item_change(then_items, now_items, min_change=0.2)
    ikeys = ["by", "group", "item"]
    for frame in (then_items, now_items):
        merged = items.merge(frame[[*ikeys, "suppressed", "n"]], on=ikeys, how="left")
        shown_items = ~merged["suppressed_x"].astype(bool)
        assert not merged.loc[shown_items, "suppressed_y"].astype(bool).any()
        assert (merged.loc[shown_items, "n"].astype(int) >= minimum).all()
    # And each wave, on its own, lets no group below the minimum be worked out.
    for (respondents, answers), table in ((before, then), (after, now)):
        _check_nothing_small_is_recoverable(model, respondents, answers, table, KINDS, minimum)


def test_a_team_split_across_departments_along_roles_still_leaks_nothing(
    model: MaturityModel,
) -> None:
    # Team T0's executives sit in D0, its frontline in D1: D0 is exactly the cell (exec, T0).
    rng = np.random.default_rng(3)
    answers = _answers(model, 40, rng, 0.0)
    roles = ["executive"] * 6 + ["frontline"] * 14 + ["manager"] * 3 + ["frontline"] * 17
    teams = ["T0"] * 20 + ["T1"] * 20
    depts: list[object] = ["D0"] * 6 + ["D1"] * 14 + ["D2"] * 20
    respondents = _respondents(roles, teams, depts, answers.index)
    table = score_breakdown(model, respondents, answers, min_group_size=5)
    _check_nothing_small_is_recoverable(model, respondents, answers, table, KINDS, 5)


def test_an_executive_inside_a_team_cannot_be_isolated_through_role_and_team_totals(
    model: MaturityModel,
) -> None:
    # 8 executives on the board, 1 executive inside team T1. Publishing the executive role
    # (9) and the board team (8) would reveal the lone executive's answers.
    rng = np.random.default_rng(5)
    answers = _answers(model, 39, rng, 0.0)
    roles = ["executive"] * 8 + ["executive"] + ["frontline"] * 30
    teams = ["Board"] * 8 + ["T1"] * 16 + ["T2"] * 15
    respondents = _respondents(roles, teams, ["D"] * 39, answers.index)
    for by in (("role", "team"), KINDS):
        table = score_breakdown(model, respondents, answers, by=by, min_group_size=5)
        _check_nothing_small_is_recoverable(model, respondents, answers, table, by, 5)
        shown = table[(table["dimension"] == "culture") & ~table["suppressed"]]
        published = set(zip(shown["by"], shown["group"], strict=True))
        assert not {("role", "executive"), ("team", "Board")} <= published


def test_suppressed_rows_show_no_n_and_no_score(model: MaturityModel) -> None:
    rng = np.random.default_rng(1)
    answers = _answers(model, 23, rng, 0.0)
    teams = ["A"] * 10 + ["B"] * 10 + ["C"] * 3
    respondents = _respondents(["frontline"] * 23, teams, ["D"] * 23, answers.index)
    table = score_breakdown(model, respondents, answers, by=["team"])
    hidden = table[table["suppressed"]]
    numbers = ["n", "mean", "sd", "ci_low", "ci_high", "score_100", "level", "rwg"]
    assert hidden[numbers].isna().all().all()
    # C (3) alone would be the organisation (public: 23 responded) minus A minus B, so one
    # of A and B is withheld with it, even though the organisation row is not asked for.
    assert len(set(hidden["group"])) == 2
    assert "C" in set(hidden["group"])


# --- comments ----------------------------------------------------------------------------------


def _comment_setup() -> tuple[pd.DataFrame, pd.DataFrame]:
    index = pd.Index([f"r{i:02d}" for i in range(26)], name="respondent_id")
    teams = ["Big"] * 12 + ["Mid"] * 9 + ["Tiny"] * 5
    respondents = _respondents(["frontline"] * 26, teams, ["D"] * 26, index)
    comments = pd.DataFrame(
        {
            "respondent_id": ["r00", "r01", "r02", "r13", "r22", "r03"],
            "dimension_id": ["culture", "culture", "autonomy", "culture", "culture", "autonomy"],
            "text": ["zeta remark", "alpha remark", "mid remark", "from mid", "tiny one", "  "],
        }
    )
    return comments, respondents


def test_comments_are_released_only_for_groups_of_at_least_ten() -> None:
    comments, respondents = _comment_setup()
    out = releasable_comments(comments, respondents, by="team")
    assert list(out.columns) == ["by", "group", "dimension_id", "text"]
    assert set(out["group"]) == {"Big"}
    assert sorted(out["text"]) == ["alpha remark", "mid remark", "zeta remark"]  # blank dropped
    lowered = releasable_comments(comments, respondents, by="team", min_comment_group_size=9)
    assert set(lowered["group"]) == {"Big", "Mid"}
    whole = releasable_comments(comments, respondents, by="organisation")
    assert len(whole) == 5


def test_comment_order_does_not_follow_submission_order() -> None:
    comments, respondents = _comment_setup()
    out = releasable_comments(comments, respondents, by="organisation")
    shuffled = releasable_comments(comments.iloc[::-1], respondents, by="organisation")
    pd.testing.assert_frame_equal(out, shuffled)
    assert "respondent_id" not in out.columns


def test_comment_threshold_cannot_be_below_the_score_minimum() -> None:
    comments, respondents = _comment_setup()
    with pytest.raises(ParameterError, match="min_comment_group_size"):
        releasable_comments(
            comments, respondents, min_comment_group_size=5, min_group_size=6
        )
    with pytest.raises(ParameterError, match="respondent_id"):
        bad = comments.assign(respondent_id="nobody")
        releasable_comments(bad, respondents)
