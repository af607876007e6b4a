"""The change since the previous wave, question by question: what is compared and how it is
labelled."""

from __future__ import annotations

import pandas as pd

from assessment._scoring._change import item_change


def _items(rows: list[tuple[str, str, int, int, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"by": "team", "group": g, "item": i, "dimension": "culture", "text_version": v,
          "n": pd.NA if hidden else n, "mean": float("nan") if hidden else m, "sd": 0.5,
          "suppressed": hidden} for g, i, v, n, m, hidden in rows]
    ).astype({"n": "Int64"})


def test_items_are_compared_only_on_the_same_wording_and_new_ones_are_named() -> None:
    before = _items([("A", "same", 1, 40, 3.0, False), ("A", "reworded", 1, 40, 3.0, False)])
    now = _items([("A", "same", 1, 40, 3.5, False), ("A", "reworded", 2, 40, 3.5, False),
                  ("A", "added", 1, 40, 3.5, False), ("B", "same", 1, 40, 3.5, False)])
    out = item_change(before, now, min_change=0.2).set_index(["group", "item"])
    assert out.loc[("A", "same"), "label"] == "up"
    assert out.loc[("A", "same"), "change"] == 0.5
    assert out.loc[("A", "reworded"), "label"] == "not comparable"
    assert out.loc[("A", "added"), "label"] == "new"
    for key in [("A", "reworded"), ("A", "added")]:
        assert not out.loc[key, "comparable"] and out.loc[key, "suppressed"]
        assert pd.isna(out.loc[key, "change"]) and pd.isna(out.loc[key, "mean_from"])
    # A team the previous wave did not have: the question is the same, there is no change.
    new_team = out.loc[("B", "same")]
    assert new_team["comparable"] and new_team["suppressed"] and pd.isna(new_team["label"])
