"""The maturity model's typed schema (pydantic): the questionnaire, its scales, outcomes and levels.

A model holds the questionnaire (dimensions -> facets -> items, each item phrased for every
respondent role in every language), the answer scales, the outcome questions and, per
dimension, five maturity levels with the actions that lead to the next one.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from .._i18n._catalogues import interface_languages

__all__ = [
    "KNOWN_LANGUAGES",
    "KNOWN_ROLES",
    "LANGUAGE_CODE",
    "MAX_LEVELS",
    "MIN_LEVELS",
    "OUTCOME_MEASURES",
    "SCALE_KINDS",
    "Dimension",
    "DimensionLevel",
    "Facet",
    "Item",
    "MaturityModel",
    "OutcomeItem",
    "Scale",
]

#: The roles whose names the interface catalogues hold, from the top of the organisation to
#: the frontline: a model may list them by id alone (the shape before models named their roles).
KNOWN_ROLES: tuple[str, ...] = ("executive", "manager", "frontline")


#: Languages the form and the reports can be written in: English and every language with an
#: interface catalogue (``assessment/_i18n/locale``). A model may use any of them; the
#: validation asks the catalogues, so a language added there is known without code.
KNOWN_LANGUAGES: tuple[str, ...] = interface_languages()

#: A model language: a code as the catalogues' folders are named (``de``, ``pt_BR``).
LANGUAGE_CODE = r"^[a-z]{2,3}(_[A-Z]{2})?$"


#: What an outcome item measures: the trifecta and the customers' advocacy.
OUTCOME_MEASURES: tuple[str, ...] = (
    "operational_excellence",
    "customer_experience",
    "employee_engagement",
    "customer_advocacy",
)


#: Column names of the response layout that no item id may take.
RESERVED_IDS = frozenset({"respondent_id", "role", "team", "department", "recommend"})


_ID = r"^[a-z][a-z0-9_]{0,62}$"


Language = Annotated[str, Field(pattern=LANGUAGE_CODE)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(RootModel[dict[str, str]]):
    """A string per language code."""

    def get(self, lang: str) -> str:
        """Return the text in ``lang``."""
        return self.root[lang]


class LocalizedList(RootModel[dict[str, list[str]]]):
    """A list of strings per language code (the lists line up across languages)."""

    def get(self, lang: str) -> list[str]:
        """Return the list in ``lang``."""
        return self.root[lang]


class RoleText(RootModel[dict[str, Localized]]):
    """An item's text per respondent role, each in every language."""

    def get(self, role: str, lang: str) -> str:
        """Return the phrasing for ``role`` in ``lang``."""
        return self.root[role].get(lang)


#: Kinds of answer scales: labelled points (agreement, frequency), options that carry their
#: own numeric value (answer_set, as in OWASP SAMM), and the 0-10 recommendation question.
SCALE_KINDS: tuple[str, ...] = ("agreement", "frequency", "answer_set", "recommend")

#: How many options a scored scale (agreement, frequency, answer set) may have.
MIN_OPTIONS, MAX_OPTIONS = 2, 11

#: How many maturity levels a model may have; they are numbered from 0 or 1, one apart.
MIN_LEVELS, MAX_LEVELS = 2, 10

#: Values closer than this count as equal when a value is compared with the favourable cut
#: (a reverse-coded answer-set value such as 1 - 0.25 is not exactly an option's value).
_EPS = 1e-9


class Scale(_Strict):
    """An answer scale: labelled points, an answer set with a value per option, or 0-10.

    Every answer is stored, imported and exported as a whole-number **code**: the points
    ``min``..``max`` of an agreement or frequency scale (the code is the value), or, for an
    answer set, the option's position counted from ``min`` (default 0). Scoring uses the
    option's **value**: the code itself, or the answer set's ``values`` entry.

    The API other areas build on (issue 15 shows favourable shares from it):

    - :attr:`option_values`, :attr:`low`, :attr:`high`: the numeric values, in option order;
    - :meth:`value_of`: a code's value;
    - :meth:`reverse`: ``low + high - x`` on values;
    - :attr:`null_variance`: rwg(J)'s "no agreement" variance;
    - :attr:`favourable_from`, :attr:`unfavourable_to` and :meth:`classify`: the favourable
      cut, applied to values after reverse coding.
    """

    kind: Literal["agreement", "frequency", "answer_set", "recommend"]
    min: int = Field(description="the first code (an answer set: default 0)")
    max: int = Field(description="the last code (an answer set: min + options - 1)")
    labels: LocalizedList = Field(
        description="one label per point or option; recommend: the low and high anchors"
    )
    values: list[float] | None = Field(
        default=None, description="answer_set only: each option's numeric value, increasing"
    )
    favourable: int | None = Field(
        default=None, ge=1, description="how many of the top options count as favourable"
    )
    unfavourable: int | None = Field(
        default=None, ge=1, description="how many of the bottom options count as unfavourable"
    )

    @model_validator(mode="before")
    @classmethod
    def _answer_set_codes(cls, data: Any) -> Any:
        """An answer set's codes: ``min`` defaults to 0, ``max`` follows from its values."""
        if isinstance(data, dict) and data.get("kind") == "answer_set":
            values = data.get("values")
            if isinstance(values, list):
                data = dict(data)
                data.setdefault("min", 0)
                if isinstance(data["min"], int):
                    data.setdefault("max", data["min"] + len(values) - 1)
        return data

    @property
    def points(self) -> range:
        """The valid codes (what is stored, imported and exported)."""
        return range(self.min, self.max + 1)

    @property
    def option_values(self) -> tuple[float, ...]:
        """Each option's numeric value, in option order (the code itself unless an answer set)."""
        if self.values is not None:
            return tuple(float(v) for v in self.values)
        return tuple(float(p) for p in self.points)

    @property
    def low(self) -> float:
        """The lowest value (the first option's)."""
        return self.option_values[0]

    @property
    def high(self) -> float:
        """The highest value (the last option's)."""
        return self.option_values[-1]

    def value_of(self, code: int) -> float:
        """Return the value of the answer stored as ``code``."""
        if code not in self.points:
            raise ValueError(f"{code!r} is not a code of this scale ({self.min}-{self.max})")
        return self.option_values[code - self.min]

    def reverse(self, value: float) -> float:
        """Reverse-code a value: ``low + high - value``."""
        return self.low + self.high - value

    @property
    def null_variance(self) -> float:
        """Variance of answers given at random (uniform over the options), for rwg(J).

        ``(A**2 - 1) / 12`` for a scale of A points one apart; for an answer set, the
        variance of its values (the same formula scaled to the values' spacing).
        """
        if self.values is None:
            a = len(self.points)
            return (a**2 - 1) / 12
        values = self.option_values
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / len(values)

    def _cut(self) -> tuple[int, int]:
        """How many top options are favourable and how many bottom options unfavourable."""
        a = len(self.points)
        # recommend: the eNPS cut (promoters 9-10, detractors 0-6); else the top and bottom two
        default = (2, 7) if self.kind == "recommend" else (min(2, a // 2), min(2, a // 2))
        return (self.favourable or default[0], self.unfavourable or default[1])

    @property
    def favourable_from(self) -> float:
        """The lowest value that counts as favourable (default: the top two options)."""
        return self.option_values[len(self.points) - self._cut()[0]]

    @property
    def unfavourable_to(self) -> float:
        """The highest value that counts as unfavourable (default: the bottom two options)."""
        return self.option_values[self._cut()[1] - 1]

    def classify(self, values: Any) -> Any:
        """Classify values (after reverse coding) as favourable 1, neutral 0, unfavourable -1.

        ``values`` is a number or a NumPy array (NaN stays NaN); returns the same shape
        as floats.
        """
        import numpy as np

        x = np.asarray(values, dtype=float)
        out = np.where(
            x >= self.favourable_from - _EPS,
            1.0,
            np.where(x <= self.unfavourable_to + _EPS, -1.0, 0.0),
        )
        out = np.where(np.isnan(x), np.nan, out)
        return out if out.ndim else float(out)


class _AllowsNA(_Strict):
    """``allow_na``: ``true``, ``false`` or the list of roles that may answer "not applicable"."""

    allow_na: bool | list[str] = Field(
        default=False, description="true, false or the roles that may answer 'not applicable'"
    )

    @field_validator("allow_na", mode="before")
    @classmethod
    def _bool_or_roles(cls, value: Any) -> Any:
        if isinstance(value, bool) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            return value
        raise ValueError("must be true, false or a list of roles, such as [executive]")

    def allows_na(self, role: str) -> bool:
        """Whether a respondent in ``role`` may answer "not applicable"."""
        return self.allow_na if isinstance(self.allow_na, bool) else role in self.allow_na


class Item(_AllowsNA):
    """A question, phrased for each role, scored on one scale."""

    id: str = Field(pattern=_ID)
    text: RoleText
    reverse: bool = False
    scale: str = "agreement"
    weight: float = Field(default=1.0, gt=0)
    #: The version of the item's wording: 1 at first, bumped whenever the text changes.
    #: Waves compare an item only where its id and text version are the same in both.
    text_version: int = Field(default=1, ge=1)


class Facet(_Strict):
    """A facet of a dimension: a few items and the source articles it rests on."""

    id: str = Field(pattern=_ID)
    name: Localized
    sources: list[str] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


class DimensionLevel(_Strict):
    """What a dimension looks like at one maturity level, and how to reach the next."""

    level: int = Field(ge=0, le=MAX_LEVELS)
    description: Localized
    actions: LocalizedList


class Dimension(_Strict):
    """One of the assessed dimensions (culture, leadership, ...)."""

    id: str = Field(pattern=_ID)
    name: Localized
    description: Localized
    weight: float = Field(default=1.0, gt=0)
    depends_on: list[str] = Field(
        default_factory=list,
        description="dimensions that must mature first (orders the roadmap's phases)",
    )
    levels: list[DimensionLevel] = Field(min_length=MIN_LEVELS, max_length=MAX_LEVELS)
    facets: list[Facet] = Field(min_length=1)

    @property
    def items(self) -> list[Item]:
        """The dimension's items, facet by facet."""
        return [item for facet in self.facets for item in facet.items]


class LevelName(_Strict):
    """A maturity level shared by every dimension: its number, name and lower bound."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    level: int = Field(ge=0, le=MAX_LEVELS)
    name: Localized
    from_: float | None = Field(
        default=None,
        alias="from",
        description="the lowest dimension mean at this level, on the items' scale "
        "(default: equal bands)",
    )


class OutcomeItem(_AllowsNA):
    """An outcome question: a trifecta rating or the perceived customer advocacy."""

    id: str = Field(pattern=_ID)
    measures: Literal[
        "operational_excellence", "customer_experience", "employee_engagement", "customer_advocacy"
    ]
    text: RoleText
    scale: str = "agreement"


class RecommendQuestion(_Strict):
    """The 0-10 question on recommending the organisation as an employer (eNPS)."""

    text: RoleText
    scale: str = "recommend"


class Outcomes(_Strict):
    """Questions outside the dimensions, asked of every respondent; each part optional."""

    recommend: RecommendQuestion | None = None
    items: list[OutcomeItem] = Field(default_factory=list)


class RoleDef(_Strict):
    """A respondent role of the model: its id and its name per language.

    ``name`` is how reports and the form name the layer ("Executives", "Team members"); a
    role without one must be one of :data:`KNOWN_ROLES`, named by the interface catalogues.
    """

    id: str = Field(pattern=_ID)
    name: Localized | None = None


class MaturityModel(_Strict):
    """A validated maturity model. Build it with :func:`load_model`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")
    version: str = Field(pattern=r"^\d+(\.\d+){0,2}$")
    title: Localized
    languages: list[Language] = Field(min_length=1)
    role_defs: list[RoleDef] = Field(
        alias="roles",
        min_length=1,
        description="the roles from the top of the organisation to the frontline: ids alone "
        "(executive, manager, frontline) or {id, name}",
    )

    @field_validator("role_defs", mode="before")
    @classmethod
    def _role_ids(cls, value: Any) -> Any:
        """A role given by its id alone (the shape before models named their roles)."""
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value
    intro: Localized
    confidentiality: Localized = Field(
        description="may use {min_group_size}, replaced by the engagement's minimum"
    )
    not_applicable: Localized = Field(description="label of the 'not applicable' choice")
    scales: dict[str, Scale]
    level_names: list[LevelName] = Field(min_length=MIN_LEVELS, max_length=MAX_LEVELS)
    dimensions: list[Dimension] = Field(min_length=1)
    outcomes: Outcomes = Field(
        default_factory=Outcomes,
        description="optional: the recommendation question and outcome items, each optional",
    )

    # --- lookups -------------------------------------------------------------------------
    @property
    def roles(self) -> list[str]:
        """The role ids, from the top of the organisation to the frontline."""
        return [r.id for r in self.role_defs]

    def role_label(self, role: str, lang: str) -> str | None:
        """The model's name of ``role`` in ``lang``; None when the interface names it."""
        for r in self.role_defs:
            if r.id == role and r.name is not None:
                return r.name.get(lang)
        return None

    @cached_property
    def items(self) -> dict[str, Item]:
        """Every dimension item by id, in questionnaire order."""
        return {item.id: item for dim in self.dimensions for item in dim.items}

    @cached_property
    def item_dimension(self) -> dict[str, str]:
        """The dimension id of every dimension item."""
        return {item.id: dim.id for dim in self.dimensions for item in dim.items}

    @cached_property
    def item_facet(self) -> dict[str, str]:
        """The facet id of every dimension item."""
        return {
            item.id: facet.id
            for dim in self.dimensions
            for facet in dim.facets
            for item in facet.items
        }

    @cached_property
    def outcome_items(self) -> dict[str, OutcomeItem]:
        """Every outcome item by id."""
        return {item.id: item for item in self.outcomes.items}

    @property
    def question_ids(self) -> list[str]:
        """Ids of every question stored as an answer: dimension items, then outcome items."""
        return [*self.items, *self.outcome_items]

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with this id."""
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def scale_of(self, question_id: str) -> Scale:
        """Return the scale a dimension or outcome item is answered on."""
        question: Item | OutcomeItem = (
            self.items[question_id]
            if question_id in self.items
            else self.outcome_items[question_id]
        )
        return self.scales[question.scale]

    @property
    def score_scale(self) -> Scale:
        """The scale every dimension item is answered on (model check makes it one scale).

        Dimension means, the overall score, the level bounds, ``score_100`` and rwg(J) are
        on this scale's values.
        """
        return self.scales[next(iter(self.items.values())).scale]

    def dimension_scale(self, dimension_id: str) -> Scale:
        """The scale of a dimension's items (today the same for every dimension)."""
        return self.scales[self.dimension(dimension_id).items[0].scale]

    def allows_na(self, question_id: str, role: str | None = None) -> bool:
        """Whether 'not applicable' is a valid answer to this question for ``role``.

        Without a role: whether it is valid for at least one of the model's roles.
        """
        question: Item | OutcomeItem = (
            self.items[question_id]
            if question_id in self.items
            else self.outcome_items[question_id]
        )
        roles = self.roles if role is None else [role]
        return any(question.allows_na(r) for r in roles)

    @property
    def has_recommend(self) -> bool:
        """Whether the model asks the 0-10 recommendation question (the eNPS needs it)."""
        return self.outcomes.recommend is not None

    @property
    def has_outcome_page(self) -> bool:
        """Whether the questionnaire has its last page: the recommendation or outcome items."""
        return self.has_recommend or bool(self.outcomes.items)

    def measures(self) -> set[str]:
        """What the model's outcome items measure (the trifecta needs all three of its own)."""
        return {item.measures for item in self.outcomes.items}

    @property
    def recommend_scale(self) -> Scale:
        """The scale of the recommendation question (the model must have one)."""
        if self.outcomes.recommend is None:
            raise KeyError("the model has no recommendation question")
        return self.scales[self.outcomes.recommend.scale]

    def recommend_text(self, role: str, lang: str) -> str:
        """The recommendation question for ``role`` in ``lang`` (the model must have one)."""
        if self.outcomes.recommend is None:
            raise KeyError("the model has no recommendation question")
        return self.outcomes.recommend.text.get(role, lang)

    def level_name(self, level: int, lang: str) -> str:
        """Return the name of maturity level ``level`` (a number of ``levels``) in ``lang``."""
        return next(ln.name.get(lang) for ln in self.level_names if ln.level == level)

    @property
    def levels(self) -> list[int]:
        """The level numbers, lowest first (1-5 in the shipped model, 0-3 in a SAMM-style one)."""
        return [ln.level for ln in self.level_names]

    @cached_property
    def level_bounds(self) -> tuple[float, ...]:
        """The lowest dimension mean of each level, lowest level first, on the items' scale.

        The first level's bound is the scale's lowest value. Without ``from`` on the level
        names, equal bands: ``low + i * (high - low) / L`` for L levels (1, 1.8, 2.6, 3.4,
        4.2 for five levels on 1-5), rounded to 9 decimals, as means are when compared.
        """
        scale = self.score_scale
        count = len(self.level_names)
        if all(ln.from_ is None for ln in self.level_names[1:]):
            width = scale.high - scale.low
            return tuple(round(scale.low + width * i / count, 9) for i in range(count))
        return (scale.low, *(round(float(ln.from_ or 0.0), 9) for ln in self.level_names[1:]))

    def level_of(self, mean: float) -> int:
        """Return the level number of a dimension mean (compared at 9 decimals)."""
        rounded = round(float(mean), 9)
        level = self.levels[0]
        for number, bound in zip(self.levels[1:], self.level_bounds[1:], strict=True):
            if rounded >= bound:
                level = number
        return level
