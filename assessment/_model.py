"""The maturity model: a typed schema for the YAML files under ``data/models/``.

A model holds the questionnaire (dimensions -> facets -> items, each item phrased for every
respondent role in every language), the answer scales, the outcome questions and, per
dimension, five maturity levels with the actions that lead to the next one.

``load_model`` validates a file in two passes: pydantic checks the structure and types, then
``_semantic_problems`` checks what types cannot (unique ids, known roles and languages,
complete translations, scale references). Every problem is reported with its exact place,
for example ``dimensions[2].facets[0].items[3].text.frontline.nl: missing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from ._exceptions import ModelError

__all__ = [
    "KNOWN_LANGUAGES",
    "KNOWN_ROLES",
    "OUTCOME_MEASURES",
    "Dimension",
    "DimensionLevel",
    "Facet",
    "Item",
    "MaturityModel",
    "ModelInspection",
    "OutcomeItem",
    "Scale",
    "inspect_model",
    "load_model",
    "load_model_text",
]

#: Respondent roles, from the top of the organisation to the frontline.
KNOWN_ROLES: tuple[str, ...] = ("executive", "manager", "frontline")
#: Languages the form and the reports are written for.
KNOWN_LANGUAGES: tuple[str, ...] = ("en", "nl", "ru", "uk")
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
Language = Literal["en", "nl", "ru", "uk"]


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


class Item(_Strict):
    """A question, phrased for each role, scored on one scale."""

    id: str = Field(pattern=_ID)
    text: RoleText
    reverse: bool = False
    scale: str = "agreement"
    allow_na: bool = False
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


class OutcomeItem(_Strict):
    """An outcome question: a trifecta rating or the perceived customer advocacy."""

    id: str = Field(pattern=_ID)
    measures: Literal[
        "operational_excellence", "customer_experience", "employee_engagement", "customer_advocacy"
    ]
    text: RoleText
    scale: str = "agreement"
    allow_na: bool = False


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

    def allows_na(self, question_id: str) -> bool:
        """Whether 'not applicable' is a valid answer to this question."""
        if question_id in self.items:
            return self.items[question_id].allow_na
        return self.outcome_items[question_id].allow_na

    @property
    def recommend_scale(self) -> Scale:
        """The scale of the recommendation question."""
        return self.scales[self.outcomes.recommend.scale]

    def level_name(self, level: int, lang: str) -> str:
        """Return the name of maturity level ``level`` (1-5) in ``lang``."""
        return next(ln.name.get(lang) for ln in self.level_names if ln.level == level)


# --- loading -----------------------------------------------------------------------------


@dataclass
class ModelInspection:
    """What ``inspect_model`` found: the model (when it parsed) and every problem."""

    path: str
    model: MaturityModel | None
    problems: list[str] = field(default_factory=list)
    #: Per language, the share (0-1) of the model's translatable strings present.
    completeness: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the model loaded without any problem."""
        return self.model is not None and not self.problems

    def summary(self) -> dict[str, Any]:
        """Counts for ``assessment model check``: dimensions, facets, items per role."""
        m = self.model
        if m is None:
            return {}
        return {
            "model": f"{m.id} {m.version}",
            "languages": list(m.languages),
            "roles": list(m.roles),
            "dimensions": len(m.dimensions),
            "facets": sum(len(d.facets) for d in m.dimensions),
            "items": len(m.items),
            "outcome_items": len(m.outcome_items),
            "items_per_role": {
                role: sum(role in item.text.root for item in m.items.values()) for role in m.roles
            },
            "reverse_coded": sum(item.reverse for item in m.items.values()),
            "completeness": {k: round(v, 4) for k, v in self.completeness.items()},
        }


def _place(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "root":  # RootModel wrappers add a 'root' step that users never wrote
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _walk(node: Any, loc: tuple[int | str, ...]) -> Iterator[tuple[tuple[int | str, ...], Any]]:
    """Yield every node of the parsed model with its place."""
    yield loc, node
    if isinstance(node, RootModel):
        yield from _walk(node.root, loc)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), (*loc, name))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, (*loc, i))
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, (*loc, key))


def _semantic_problems(m: MaturityModel) -> tuple[list[str], dict[str, float]]:
    """Check what the types cannot; also measure translation completeness per language."""
    problems: list[str] = []
    langs = list(m.languages)
    present = dict.fromkeys(langs, 0)
    expected = 0

    def texts(loc: tuple[int | str, ...], value: Localized | LocalizedList) -> None:
        nonlocal expected
        expected += 1
        lengths = set()
        for key in value.root:
            if key not in langs:
                problems.append(f"{_place((*loc, key))}: unknown language {key!r}")
        for lang in langs:
            text: str | list[str] | None = value.root.get(lang)
            if text is None:
                problems.append(f"{_place((*loc, lang))}: missing")
            elif (not text.strip()) if isinstance(text, str) else not any(s.strip() for s in text):
                problems.append(f"{_place((*loc, lang))}: empty")
            else:
                present[lang] += 1
                if isinstance(text, list):
                    lengths.add(len(text))
        if len(lengths) > 1:
            problems.append(f"{_place(loc)}: the languages list different numbers of entries")

    for loc, node in _walk(m, ()):
        if isinstance(node, Localized | LocalizedList):
            texts(loc, node)
        elif isinstance(node, RoleText):
            for role in node.root:
                if role not in KNOWN_ROLES:
                    problems.append(f"{_place((*loc, role))}: unknown role {role!r}")
                elif role not in m.roles:
                    problems.append(f"{_place((*loc, role))}: role {role!r} is not in roles")
            for role in m.roles:
                if role not in node.root:
                    problems.append(f"{_place((*loc, role))}: missing")
                    expected += 1  # a missing role is a missing string in every language

    # Unique ids across dimensions, facets, items and outcome items.
    seen: dict[str, str] = {}
    for loc, node in _walk(m, ()):
        if isinstance(node, Dimension | Facet | Item | OutcomeItem):
            where = _place((*loc, "id"))
            if node.id in seen:
                problems.append(f"{where}: duplicate id {node.id!r} (first at {seen[node.id]})")
            else:
                seen[node.id] = where
            if node.id in RESERVED_IDS or node.id.startswith("comment_"):
                problems.append(f"{where}: {node.id!r} is reserved for a column of the layout")

    # Scales: references, kinds and label counts.
    for name, scale in m.scales.items():
        where = f"scales.{name}"
        if scale.max <= scale.min:
            problems.append(f"{where}.max: must be greater than min")
        want = len(scale.points) if scale.kind == "agreement" else 2
        for lang, labels in scale.labels.root.items():
            if len(labels) != want:
                problems.append(f"{where}.labels.{lang}: {len(labels)} labels, expected {want}")
    for loc, node in _walk(m, ()):
        if isinstance(node, Item | OutcomeItem | RecommendQuestion):
            used: Scale | None = m.scales.get(node.scale)
            where = _place((*loc, "scale"))
            if used is None:
                problems.append(f"{where}: unknown scale {node.scale!r}")
            elif isinstance(node, RecommendQuestion):
                if (used.kind, used.min, used.max) != ("recommend", 0, 10):
                    problems.append(f"{where}: must be a 0-10 recommend scale")
            elif (used.kind, used.min, used.max) != ("agreement", 1, 5):
                problems.append(f"{where}: must be a 1-5 agreement scale")

    # Levels: exactly 1..5 once each, in order.
    if [ln.level for ln in m.level_names] != [1, 2, 3, 4, 5]:
        problems.append("level_names: must list levels 1, 2, 3, 4, 5 in order")
    for i, dim in enumerate(m.dimensions):
        if [lv.level for lv in dim.levels] != [1, 2, 3, 4, 5]:
            problems.append(f"dimensions[{i}].levels: must list levels 1, 2, 3, 4, 5 in order")
    problems += _dependency_problems(m)
    for i, lang in enumerate(m.languages):
        if m.languages.index(lang) != i:
            problems.append(f"languages[{i}]: duplicate language {lang!r}")
    for i, role in enumerate(m.roles):
        if m.roles.index(role) != i:
            problems.append(f"roles[{i}]: duplicate role {role!r}")

    total = max(expected, 1)
    return problems, {lang: present[lang] / total for lang in langs}


def _dependency_problems(m: MaturityModel) -> list[str]:
    """Check ``depends_on``: known dimensions, no dimension depending on itself, no cycle."""
    problems = []
    ids = [d.id for d in m.dimensions]
    for i, dim in enumerate(m.dimensions):
        for j, dep in enumerate(dim.depends_on):
            if dep not in ids:
                problems.append(f"dimensions[{i}].depends_on[{j}]: unknown dimension {dep!r}")
            elif dep == dim.id:
                problems.append(f"dimensions[{i}].depends_on[{j}]: cannot depend on itself")
    graph = {d.id: [x for x in d.depends_on if x in ids and x != d.id] for d in m.dimensions}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, node])):
                return cycle
        state[node] = 2
        return None

    for node in ids:
        if node not in state and (cycle := visit(node, [])):
            problems.append(f"dimensions: depends_on forms a cycle ({' -> '.join(cycle)})")
            break
    return problems


def _inspect(data: Any, path: str) -> ModelInspection:
    try:
        model = MaturityModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            what = "missing" if err["type"] == "missing" else err["msg"]
            if err["type"] == "extra_forbidden":
                what = "unknown field"
            elif err["type"] == "literal_error" and err["loc"][:1] == ("roles",):
                what = f"unknown role {err['input']!r}"
            elif err["type"] == "literal_error" and err["loc"][:1] == ("languages",):
                what = f"unknown language {err['input']!r}"
            problems.append(f"{_place(err['loc'])}: {what}")
        return ModelInspection(path, None, problems)
    problems, completeness = _semantic_problems(model)
    return ModelInspection(path, model, problems, completeness)


def _parse_yaml(text: str, path: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = getattr(exc, "problem", exc)
        raise ModelError(path, [f"{where}: not valid YAML ({problem})"]) from exc


def inspect_model(path: str | Path) -> ModelInspection:
    """Validate a model file and return the model (if it parsed), its problems and completeness.

    Raises :class:`ModelError` only when the file cannot be read or is not YAML.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(str(p), [f"cannot read the file ({exc.strerror})"]) from exc
    return _inspect(_parse_yaml(text, str(p)), str(p))


def load_model_text(text: str, source: str = "<model>") -> MaturityModel:
    """Parse and validate a model from YAML text; raise :class:`ModelError` on any problem."""
    result = _inspect(_parse_yaml(text, source), source)
    if result.model is None or result.problems:
        raise ModelError(source, result.problems)
    return result.model


def load_model(path: str | Path) -> MaturityModel:
    """Load and validate the model at ``path``; raise :class:`ModelError` on any problem.

    Parameters
    ----------
    path:
        A YAML file, usually under ``data/models/``.
    """
    result = inspect_model(path)
    if result.model is None or result.problems:
        raise ModelError(str(path), result.problems)
    return result.model
