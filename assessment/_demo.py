"""A deterministic, realistic sample organisation, and synthetic responses at any scale.

The demo organisation has three layers and eight teams, with patterns the analysis must
reveal: executives rate the organisation clearly higher than the frontline (the iceberg of
ignorance), one strong and one struggling team, one team below the minimum group size, some
missing and not-applicable answers, and a few comments in English, Dutch, Russian and
Ukrainian. Everything is drawn from one seeded generator, vectorised with NumPy.

It has two waves of the same model a year apart: ``demo-2025`` (on the model version before,
where one item had an earlier wording) and ``demo``, with planted changes: leadership clearly
up, one team down on frontline autonomy, and one team reportable last year and below the
minimum group size now. The earlier wave holds the three actions the client agreed after it,
which the current wave's reports list beside each dimension's change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._model._load import load_model_text
from ._model._schema import Item, MaturityModel, OutcomeItem, Scale
from ._responses import ResponseSet
from ._store._engagements import Engagement
from ._store._store import Store
from ._workbook import setup_engagement

__all__ = [
    "DEMO_ENGAGEMENT",
    "DEMO_ORGANISATION",
    "DEMO_PREVIOUS_ENGAGEMENT",
    "TeamSpec",
    "build_demo",
    "demo_responses",
    "generate_frames",
]

DEMO_ORGANISATION = "Lumen Care Services"
DEMO_ENGAGEMENT = "demo"
#: The demo's earlier wave, a year before :data:`DEMO_ENGAGEMENT`.
DEMO_PREVIOUS_ENGAGEMENT = "demo-2025"

#: The frontline's average level per dimension in the demo (others: around 2.75).
DIMENSION_BASE = {"culture": 2.6, "leadership": 2.8, "coaching": 3.0, "autonomy": 2.2}
#: Average level of each layer above the frontline, on the 1-5 scale.
ROLE_EFFECT = {"executive": 0.95, "manager": 0.45, "frontline": 0.0}


@dataclass(frozen=True)
class TeamSpec:
    """A team of the sample organisation: its size by role and how well it works."""

    name: str
    department: str
    frontline: int
    managers: int
    executives: int = 0
    effect: float = 0.0


DEMO_TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("Executive board", "Management", 0, 0, executives=9),
    TeamSpec("Customer Care Amsterdam", "Customer Care", 42, 4, effect=0.55),  # the strong team
    TeamSpec("Customer Care Kyiv", "Customer Care", 38, 3),
    TeamSpec("Billing Support", "Customer Care", 30, 3, effect=-0.75),  # the struggling team
    TeamSpec("Field Service North", "Field Service", 34, 3, effect=0.1),
    TeamSpec("Field Service South", "Field Service", 31, 3, effect=-0.1),
    TeamSpec("Technical Helpdesk", "Support", 33, 3, effect=0.2),
    TeamSpec("Social Media Care", "Support", 11, 1, effect=0.05),
    TeamSpec("Complaints Desk", "Support", 3, 0, effect=-0.2),  # below the minimum group size
)

DEMO_COMMENTS: tuple[tuple[str, str], ...] = (
    ("culture", "Customers come up in every meeting now, but mostly as a number on a slide."),
    ("leadership", "Our director sat with us for a whole shift last month. Please do that more."),
    ("autonomy", "I want to refund small amounts without asking three people for approval."),
    ("coaching", "Mijn teamleider helpt me echt verder, maar heeft er te weinig tijd voor."),
    ("autonomy", "De gesprekstijd telt nog steeds zwaarder dan of de klant geholpen is."),
    ("culture", "We weten niet wat de afdeling facturatie de klant al heeft beloofd."),
    ("leadership", "Руководство говорит о клиенте, но решения принимаются только по затратам."),
    ("coaching", "Наш менеджер проводит разборы звонков, и это реально помогает."),
    ("culture", "Ідеї з першої лінії рідко доходять до керівництва."),
    ("autonomy", "Хотілося б більше свободи відходити від скрипту, коли клієнт цього потребує."),
)


def _layer_roles(roles: list[str]) -> dict[str, str]:
    """The model's role for each layer of the sample organisation: the top, the middle and
    the frontline map to the first, a middle and the last of the model's roles."""
    return {"executive": roles[0], "manager": roles[len(roles) // 2] if len(roles) > 2
            else roles[-1], "frontline": roles[-1]}


def _respondent_frame(
    teams: tuple[TeamSpec, ...], rng: np.random.Generator, roles: list[str]
) -> pd.DataFrame:
    rows = []
    role_of = _layer_roles(roles)
    for team in teams:
        for layer, count in (
            ("executive", team.executives),
            ("manager", team.managers),
            ("frontline", team.frontline),
        ):
            rows += [(role_of[layer], layer, team.name, team.department, team.effect)] * count
    frame = pd.DataFrame(rows, columns=["role", "layer", "team", "department", "effect"])
    ids = rng.choice(16**6, size=len(frame), replace=False)
    frame.index = pd.Index([f"r{i:06x}" for i in ids], name="respondent_id")
    return frame


def _not_applicable(
    question: Item | OutcomeItem, people: pd.DataFrame, rate: float, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """Who answers "not applicable": about ``rate`` of the people whose role may."""
    if not question.allow_na:
        return np.zeros(len(people), dtype=bool)
    may = people["role"].map(question.allows_na).to_numpy(bool)
    na: npt.NDArray[np.bool_] = (rng.random(len(people)) < rate) & may
    return na


def _answers(
    model: MaturityModel, people: pd.DataFrame, rng: np.random.Generator, wave: _Wave
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Draw answers from a latent level per person and dimension; return answers, n/a, latent."""
    n = len(people)
    base = people["layer"].map(ROLE_EFFECT).to_numpy() + people["effect"].to_numpy()
    person = rng.normal(0.0, 0.45, size=n)
    dim_base = {
        dim.id: wave.dimension_base.get(dim.id, 2.75 + 0.2 * (i % 3 - 1))
        for i, dim in enumerate(model.dimensions)
    }
    latent_by_dim = {
        dim_id: level + base + person + rng.normal(0.0, 0.3, size=n)
        for dim_id, level in dim_base.items()
    }
    for (team, dim_id), moved in wave.team_dimension.items():  # no draw: the same stream
        if dim_id in latent_by_dim:
            frontline = (people["team"] == team) & (people["layer"] == "frontline")
            latent_by_dim[dim_id] = latent_by_dim[dim_id] + moved * frontline.to_numpy(float)
    columns: dict[str, np.ndarray] = {}
    na_columns: dict[str, np.ndarray] = {}
    for item_id, item in model.items.items():
        latent = latent_by_dim[model.item_dimension[item_id]]
        value = _on_scale(
            model.scales[item.scale], latent + rng.normal(0.0, 0.65, size=n), item.reverse
        )
        # Open to every role: a few say so; to the roles that cannot see this: many of them.
        na = _not_applicable(item, people, 0.08 if item.allow_na is True else 0.25, rng)
        missing = rng.random(n) < 0.02
        columns[item_id] = np.where(na | missing, np.nan, value)
        na_columns[item_id] = na
    overall = np.mean(np.column_stack(list(latent_by_dim.values())), axis=1)
    # Outcomes: customer experience is rated above engagement ("CX outruns EX").
    shift = {
        "operational_excellence": 0.0,
        "customer_experience": 0.35,
        "employee_engagement": -0.15,
        "customer_advocacy": 0.2,
    }
    for item_id, outcome in model.outcome_items.items():
        value = _on_scale(
            model.scales[outcome.scale], overall + shift[outcome.measures] + rng.normal(0, 0.7, n),
            False,
        )
        na = _not_applicable(outcome, people, 0.1, rng)
        columns[item_id] = np.where(na, np.nan, value)
        na_columns[item_id] = na
    answers = pd.DataFrame(columns, index=people.index)
    not_applicable = pd.DataFrame(na_columns, index=people.index)
    return answers, not_applicable, pd.Series(overall, index=people.index)


def _on_scale(scale: Scale, latent: npt.NDArray[np.float64], reverse: bool) -> np.ndarray:
    """Codes on ``scale`` from a latent level on 1-5 (reversed for a reverse-coded item)."""
    if list(scale.points) == [1, 2, 3, 4, 5] and scale.values is None:
        value = np.clip(np.rint(latent), 1, 5)  # the shipped scale: as always
        return 6 - value if reverse else value
    top = len(scale.points) - 1
    position = np.clip(np.rint((latent - 1) / 4 * top), 0, top)
    return scale.min + (top - position if reverse else position)


def _recommend(latent: pd.Series, rng: np.random.Generator) -> pd.Series:
    score = np.clip(np.rint(latent.to_numpy() * 2.3 + 0.4 + rng.normal(0, 1.5, len(latent))), 0, 10)
    unanswered = rng.random(len(latent)) < 0.03
    return pd.Series(np.where(unanswered, np.nan, score), index=latent.index, name="recommend")


@dataclass(frozen=True)
class _Wave:
    """What differs between the demo's waves: dimension levels, (team, dimension) shifts."""

    dimension_base: Mapping[str, float]
    team_dimension: Mapping[tuple[str, str], float]


_CURRENT = _Wave(DIMENSION_BASE, {})
#: The earlier wave: leadership clearly lower, Field Service South's frontline freer.
_EARLIER = _Wave({**DIMENSION_BASE, "leadership": 2.3}, {("Field Service South", "autonomy"): 0.7})
#: The earlier wave's teams: the Complaints Desk was reportable then (8 people, now 3).
DEMO_TEAMS_2025: tuple[TeamSpec, ...] = (
    TeamSpec("Executive board", "Management", 0, 0, executives=8),
    TeamSpec("Customer Care Amsterdam", "Customer Care", 40, 4, effect=0.5),
    TeamSpec("Customer Care Kyiv", "Customer Care", 35, 3),
    TeamSpec("Billing Support", "Customer Care", 31, 3, effect=-0.7),
    TeamSpec("Field Service North", "Field Service", 33, 3, effect=0.1),
    TeamSpec("Field Service South", "Field Service", 32, 3, effect=-0.1),
    TeamSpec("Technical Helpdesk", "Support", 30, 3, effect=0.2),
    TeamSpec("Social Media Care", "Support", 10, 1, effect=0.05),
    TeamSpec("Complaints Desk", "Support", 8, 0, effect=-0.2),
)


def _build(
    model: MaturityModel, teams: tuple[TeamSpec, ...], seed: int, comments: bool,
    wave: _Wave = _CURRENT,
) -> ResponseSet:
    rng = np.random.default_rng(seed)
    people = _respondent_frame(teams, rng, model.roles)
    answers, not_applicable, latent = _answers(model, people, rng, wave)
    respondents = people[["role", "team", "department"]].copy()
    recommend = _recommend(latent, rng)  # drawn either way: the same stream for every model
    respondents["recommend"] = recommend if model.has_recommend else np.nan
    comment_rows = []
    dims = {d.id for d in model.dimensions}
    if comments:
        eligible = people.index[(people["layer"] == "frontline") & (people["team"].map(
            lambda t: sum(1 for s in teams if s.name == t and s.frontline >= 10) > 0
        ))]
        chosen = rng.choice(eligible.to_numpy(), size=len(DEMO_COMMENTS), replace=False)
        for rid, (dim, text) in zip(chosen, DEMO_COMMENTS, strict=True):
            comment_rows.append((rid, dim if dim in dims else model.dimensions[0].id, text))
    comment_frame = pd.DataFrame(comment_rows, columns=["respondent_id", "dimension_id", "text"])
    return ResponseSet(respondents, answers, not_applicable, comment_frame)


def demo_responses(
    model: MaturityModel, seed: int = 2026, teams: tuple[TeamSpec, ...] = DEMO_TEAMS
) -> ResponseSet:
    """Return the demo organisation's responses (about 250 respondents) for ``model``.

    ``teams`` gives another organisation's shape (the sample files under ``data/samples``).
    """
    return _build(model, teams, seed, comments=True)


def generate_frames(
    model: MaturityModel, n_respondents: int, seed: int = 0, *, teams: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return ``(respondents, answers, comments)`` for ``n_respondents`` synthetic people.

    ``teams`` teams (default: about 40 people each; 4% executives, 12% managers, the rest
    frontline), with team effects spread from struggling to strong, in 12 departments. For
    benchmarks and property tests at scale.
    """
    rng = np.random.default_rng(seed)
    n_teams = max(1, teams if teams is not None else n_respondents // 40)
    effects = rng.normal(0.0, 0.4, size=n_teams)
    n_exec = max(1, round(n_respondents * 0.04)) if n_respondents >= 3 else 0
    sizes = np.full(n_teams, (n_respondents - n_exec) // n_teams)
    sizes[: (n_respondents - n_exec) - sizes.sum()] += 1
    specs = [TeamSpec("Executive board", "Management", 0, 0, executives=n_exec)] if n_exec else []
    for i, (size, effect) in enumerate(zip(sizes, effects, strict=True)):
        managers = max(1, round(size * 0.12)) if size >= 4 else 0
        specs.append(
            TeamSpec(
                f"Team {i + 1:04d}",
                f"Department {i % 12 + 1:02d}",
                int(size) - managers,
                managers,
                effect=float(effect),
            )
        )
    data = _build(model, tuple(specs), seed, comments=False)
    return data.respondents, data.answers, data.comments


def earlier_demo_responses(model: MaturityModel, seed: int = 2025) -> ResponseSet:
    """Return the responses of the demo's earlier wave (``demo-2025``) for ``model``."""
    return _build(model, DEMO_TEAMS_2025, seed, comments=True, wave=_EARLIER)


#: The shipped model's one reworded item (1.3 -> 1.4): its frontline wording per language,
#: before and after.
_REWORDED_ITEM: Final = "cul_customer_2"
_REWORDED_VERSIONS: Final = ("1.3", "1.4")
_WORDING: Final = {
    "en": ("Colleagues in other departments know how their work shows up in my conversations "
           "with customers.",
           "Colleagues in other departments understand how their work affects the customers I "
           "talk to."),
    "nl": ("Collega's van andere afdelingen weten hoe hun werk doorwerkt in mijn gesprekken met "
           "klanten.",
           "Collega's van andere afdelingen begrijpen hoe hun werk de klanten raakt die ik "
           "spreek."),
    "ru": ("Коллеги из других отделов знают, как их работа сказывается на моих разговорах с "
           "клиентами.",
           "Коллеги из других отделов понимают, как их работа влияет на клиентов, с которыми я "
           "разговариваю."),
    "uk": ("Колеги з інших відділів знають, як їхня робота позначається на моїх розмовах із "
           "клієнтами.",
           "Колеги з інших відділів розуміють, як їхня робота впливає на клієнтів, з якими я "
           "розмовляю."),
    "de": ("Kolleginnen und Kollegen aus anderen Abteilungen wissen, wie sich ihre Arbeit in "
           "meinen Gesprächen mit Kundinnen und Kunden bemerkbar macht.",
           "Kolleginnen und Kollegen aus anderen Abteilungen verstehen, wie sich ihre Arbeit "
           "auf die Kundinnen und Kunden auswirkt, mit denen ich spreche."),
}


def earlier_model_source(model_source: str) -> str:
    """The model text of the demo's earlier wave: the shipped model 1.4 gives back 1.3, byte
    for byte (the item reworded since, at its first text version); another model itself."""
    old, new = _REWORDED_VERSIONS
    before = "".join(f"                {lang}: {text[0]}\n" for lang, text in _WORDING.items())
    after = "".join(f"                {lang}: {text[1]}\n" for lang, text in _WORDING.items())
    marker = f"          - id: {_REWORDED_ITEM}\n"
    version_line = f'version: "{new}"\n'
    bump = "            text_version: 2\n"
    if not (marker in model_source and after in model_source and version_line in model_source
            and bump in model_source):
        return model_source
    head, tail = model_source.split(marker, 1)
    tail = tail.replace(bump, "", 1).replace(after, before, 1)
    return (head + marker + tail).replace(version_line, f'version: "{old}"\n', 1)


def _build_earlier_wave(store: Store, model_source: str, on: date) -> None:
    """Write the earlier wave (engagement, responses, teams, targets) into ``store``."""
    source = earlier_model_source(model_source)
    model = load_model_text(source)
    store.create_engagement(DEMO_PREVIOUS_ENGAGEMENT, DEMO_ORGANISATION, source,
                            wave="2025-Q4", on=on)
    store.add_responses(DEMO_PREVIOUS_ENGAGEMENT, earlier_demo_responses(model), source="demo")
    store.set_teams(DEMO_PREVIOUS_ENGAGEMENT, demo_teams(DEMO_TEAMS_2025))
    dims = [d.id for d in model.dimensions]
    store.set_targets(DEMO_PREVIOUS_ENGAGEMENT, {d: DEMO_TARGETS.get(d, 4) for d in dims})
    # What the client agreed after last year's report: this year's reports list it beside
    # each dimension's change (two done, one still open and overdue).
    for dimension, title, owner, months, done in DEMO_ACTIONS_2025:
        action = store.add_action(DEMO_PREVIOUS_ENGAGEMENT, dimension=dimension, title=title,
                                  owner=owner, due=on + timedelta(days=30 * months))
        if done:
            store.set_action_status(DEMO_PREVIOUS_ENGAGEMENT, action.id, "done")


#: The actions agreed in the demo's earlier wave: dimension, title, owner, months to the due
#: date, done.
DEMO_ACTIONS_2025: tuple[tuple[str, str, str, int, bool], ...] = (
    ("leadership", "Monthly skip-level conversations between directors and the frontline",
     "COO", 3, True),
    ("coaching", "A weekly coaching hour in every team lead's calendar",
     "Head of Customer Care", 2, True),
    ("autonomy", "Field engineers settle customer refunds up to EUR 250 without approval",
     "Head of Field Service", 6, False),
)


def build_demo(store: Store, model_source: str, *, seed: int = 2026) -> Engagement:
    """Create the demo organisation and its two waves in ``store``, once: ``demo-2025`` (a
    year earlier, on the model version before) and ``demo`` (now). Returns ``demo``.

    Everything is written in one transaction, so a build killed halfway leaves nothing and
    the next one starts afresh. Idempotent: when the engagement ``demo`` already holds
    responses, nothing is written (a workspace of an earlier, single-wave demo keeps its one
    wave: build the demo in a new workspace to see two).
    """
    model = load_model_text(model_source)
    with store.transaction():
        known = {e.id for e in store.engagements()}
        if not known & {DEMO_ENGAGEMENT, DEMO_PREVIOUS_ENGAGEMENT}:
            if DEMO_ORGANISATION not in {o.name for o in store.organisations()}:
                store.create_organisation(DEMO_ORGANISATION)
            _build_earlier_wave(store, model_source, date.today() - timedelta(days=365))
        engagement = setup_engagement(
            store, DEMO_ORGANISATION, DEMO_ENGAGEMENT, model_source, wave="2026-Q4"
        )
        if store.count_respondents(DEMO_ENGAGEMENT, include_excluded=True) == 0:
            store.add_responses(DEMO_ENGAGEMENT, demo_responses(model, seed), source="demo")
            store.set_teams(DEMO_ENGAGEMENT, demo_teams())
            dims = [d.id for d in model.dimensions]
            store.set_targets(DEMO_ENGAGEMENT, {d: DEMO_TARGETS.get(d, 4) for d in dims})
    return engagement


#: The client's target levels in the demo (dimensions not named get level 4).
DEMO_TARGETS = {"culture": 4, "leadership": 4, "coaching": 3, "autonomy": 4}


def demo_teams(teams: tuple[TeamSpec, ...] = DEMO_TEAMS) -> pd.DataFrame:
    """Return the demo's team list, with headcounts a little above the response counts."""
    rows = []
    for team in teams:
        size = team.executives + team.managers + team.frontline
        rows.append({"team": team.name, "department": team.department,
                     "headcount": int(np.ceil(size / (0.55 if team.effect < -0.5 else 0.8)))})
    return pd.DataFrame(rows)
