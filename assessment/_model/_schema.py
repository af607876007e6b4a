"""The maturity model's typed schema (pydantic): the questionnaire, its scales, outcomes and levels.

A model holds the questionnaire (dimensions -> facets -> items, each item phrased for every
respondent role in every language), the answer scales, the outcome questions and, per
dimension, five maturity levels with the actions that lead to the next one.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from .._i18n._catalogues import interface_languages

__all__ = [
    "KNOWN_LANGUAGES",
    "KNOWN_ROLES",
    "LANGUAGE_CODE",
    "OUTCOME_MEASURES",
    "Dimension",
    "DimensionLevel",
    "Facet",
    "Item",
    "MaturityModel",
    "OutcomeItem",
    "Scale",
]

#: Respondent roles, from the top of the organisation to the frontline.
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


Role = Literal["executive", "manager", "frontline"]


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


class Scale(_Strict):
    """An answer scale: labelled points (agreement) or a 0-10 range with two anchors."""

    kind: Literal["agreement", "recommend"]
    min: int
    max: int
    labels: LocalizedList = Field(
        description="agreement: one label per point; recommend: the low and high anchors"
    )

    @property
    def points(self) -> range:
        """The valid answer values."""
        return range(self.min, self.max + 1)


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


class Facet(_Strict):
    """A facet of a dimension: a few items and the source articles it rests on."""

    id: str = Field(pattern=_ID)
    name: Localized
    sources: list[str] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


class DimensionLevel(_Strict):
    """What a dimension looks like at one maturity level, and how to reach the next."""

    level: int = Field(ge=1, le=5)
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
    levels: list[DimensionLevel] = Field(min_length=5, max_length=5)
    facets: list[Facet] = Field(min_length=1)

    @property
    def items(self) -> list[Item]:
        """The dimension's items, facet by facet."""
        return [item for facet in self.facets for item in facet.items]


class LevelName(_Strict):
    """The name of a maturity level, shared by every dimension."""

    level: int = Field(ge=1, le=5)
    name: Localized


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
    """Questions outside the dimensions, asked of every respondent."""

    recommend: RecommendQuestion
    items: list[OutcomeItem] = Field(default_factory=list)


class MaturityModel(_Strict):
    """A validated maturity model. Build it with :func:`load_model`."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")
    version: str = Field(pattern=r"^\d+(\.\d+){0,2}$")
    title: Localized
    languages: list[Language] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    intro: Localized
    confidentiality: Localized = Field(
        description="may use {min_group_size}, replaced by the engagement's minimum"
    )
    not_applicable: Localized = Field(description="label of the 'not applicable' choice")
    scales: dict[str, Scale]
    level_names: list[LevelName] = Field(min_length=5, max_length=5)
    dimensions: list[Dimension] = Field(min_length=1)
    outcomes: Outcomes

    # --- lookups -------------------------------------------------------------------------
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
    def recommend_scale(self) -> Scale:
        """The scale of the recommendation question."""
        return self.scales[self.outcomes.recommend.scale]

    def level_name(self, level: int, lang: str) -> str:
        """Return the name of maturity level ``level`` (1-5) in ``lang``."""
        return next(ln.name.get(lang) for ln in self.level_names if ln.level == level)
