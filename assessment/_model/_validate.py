"""Checking a model: structural and semantic problems, each named by its exact place.

pydantic checks the structure and types, then ``_semantic_problems`` checks what types
cannot (unique ids, known roles and languages, complete translations, scale references).
Structural problems that have an obvious stand-in (a field with a default, an unknown field,
a malformed id or text) are replaced by it for the semantic pass, so one run reports both.
Every problem is reported with its exact place, for example
``dimensions[2].facets[0].items[3].text.frontline.nl: missing``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, RootModel, ValidationError

from .._i18n._catalogues import LOCALE_DIR, missing_catalogues
from ._schema import (
    KNOWN_ROLES,
    MAX_OPTIONS,
    MIN_OPTIONS,
    RESERVED_IDS,
    Dimension,
    Facet,
    Item,
    Localized,
    LocalizedList,
    MaturityModel,
    OutcomeItem,
    RecommendQuestion,
    RoleText,
    Scale,
)

__all__ = ["ModelInspection", "source_problems"]

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
            "not_applicable": {
                role: sum(item.allows_na(role) for item in m.items.values()) for role in m.roles
            },
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
        for name, info in type(node).model_fields.items():
            yield from _walk(getattr(node, name), (*loc, info.alias or name))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, (*loc, i))
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, (*loc, key))


def _role_problem(role: str, roles: Sequence[str]) -> str | None:
    """What is wrong with a role the model names: unknown (neither one of its ``roles`` nor
    an interface role), or an interface role the model does not list."""
    if role not in KNOWN_ROLES and role not in roles:
        return f"unknown role {role!r}"
    if role not in roles:
        return f"role {role!r} is not in roles"
    return None


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
                if problem := _role_problem(role, m.roles):
                    problems.append(f"{_place((*loc, role))}: {problem}")
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

    # "Not applicable" per role: known roles of this model, each once.
    for loc, node in _walk(m, ()):
        if isinstance(node, Item | OutcomeItem) and isinstance(node.allow_na, list):
            for j, role in enumerate(node.allow_na):
                problem = _role_problem(role, m.roles) or (
                    f"duplicate role {role!r}" if node.allow_na.index(role) != j else None
                )
                if problem:
                    problems.append(f"{_place((*loc, 'allow_na', j))}: {problem}")

    # Scales: codes, values, label counts, the favourable cut; references and kinds.
    for name, scale in m.scales.items():
        problems += _scale_problems(f"scales.{name}", scale)
    first: tuple[str, str] | None = None
    for loc, node in _walk(m, ()):
        if isinstance(node, Item | OutcomeItem | RecommendQuestion):
            used: Scale | None = m.scales.get(node.scale)
            where = _place((*loc, "scale"))
            if used is None:
                problems.append(f"{where}: unknown scale {node.scale!r}")
            elif isinstance(node, RecommendQuestion):
                if (used.kind, used.min, used.max) != ("recommend", 0, 10):
                    problems.append(f"{where}: must be a 0-10 recommend scale")
            elif used.kind == "recommend":
                problems.append(
                    f"{where}: {node.scale!r} is the 0-10 recommend scale; items need an "
                    "agreement, frequency or answer_set scale"
                )
            elif isinstance(node, Item):
                if first is None:
                    first = (node.scale, where)
                elif node.scale != first[0]:
                    problems.append(
                        f"{where}: {node.scale!r} differs from {first[0]!r} ({first[1]}); every "
                        "dimension item uses one scale, so that every mean, level bound and "
                        "overall score has one meaning"
                    )

    # Levels: numbered from 0 or 1, one apart, the same in every dimension; bounds increase.
    numbers = [ln.level for ln in m.level_names]
    want = ", ".join(map(str, numbers))
    consecutive = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    if numbers[:1] not in ([0], [1]) or not consecutive:
        problems.append(
            "level_names: must number the levels in order from 0 or 1, one apart "
            "(such as 1, 2, 3, 4, 5 or 0, 1, 2, 3)"
        )
    else:
        for i, dim in enumerate(m.dimensions):
            if [lv.level for lv in dim.levels] != numbers:
                problems.append(f"dimensions[{i}].levels: must list levels {want} in order")
        if first is not None and m.scales.get(first[0]) is not None:
            problems += _bound_problems(m, m.scales[first[0]])
    problems += _dependency_problems(m)
    for i, lang in enumerate(m.languages):
        if m.languages.index(lang) != i:
            problems.append(f"languages[{i}]: duplicate language {lang!r}")
        elif missing := missing_catalogues(lang):
            problems.append(f"languages[{i}]: {_no_catalogue(lang, missing)}")
    for i, defined in enumerate(m.role_defs):
        if m.roles.index(defined.id) != i:
            problems.append(f"roles[{i}]: duplicate role {defined.id!r}")
        elif defined.name is None and defined.id not in KNOWN_ROLES:
            problems.append(
                f"roles[{i}].name: missing; only {', '.join(KNOWN_ROLES)} are named by the "
                f"interface, so give {defined.id!r} a name per language"
            )

    total = max(expected, 1)
    return problems, {lang: present[lang] / total for lang in langs}


def _bound_problems(m: MaturityModel, scale: Scale) -> list[str]:
    """Level bounds (``from``): none (equal bands) or one per level above the first,
    increasing, on the dimension items' scale."""
    given = [ln.from_ for ln in m.level_names]
    if all(g is None for g in given[1:]):
        if given[0] is not None and given[0] != scale.low:
            return [f"level_names[0].from: the first level starts at the scale's lowest value "
                    f"({scale.low:g})"]
        return []
    problems = []
    previous = scale.low
    for i, bound in enumerate(given):
        where = f"level_names[{i}].from"
        if i == 0:
            if bound is not None and bound != scale.low:
                problems.append(f"{where}: the first level starts at the scale's lowest value "
                                f"({scale.low:g})")
        elif bound is None:
            problems.append(f"{where}: missing (give every level above the first a bound, or "
                            "none for equal bands)")
        elif not previous < bound <= scale.high:
            problems.append(f"{where}: {bound:g} must be above the previous level's bound "
                            f"({previous:g}) and at most the scale's highest value "
                            f"({scale.high:g})")
        else:
            previous = bound
    return problems


def _scale_problems(where: str, scale: Scale) -> list[str]:
    """What is wrong with one scale: its codes, values, labels and favourable cut."""
    problems = []
    count = scale.max - scale.min + 1
    if scale.max <= scale.min:
        problems.append(f"{where}.max: must be greater than min")
    elif scale.kind != "recommend" and not MIN_OPTIONS <= count <= MAX_OPTIONS:
        problems.append(
            f"{where}: {count} options, expected {MIN_OPTIONS} to {MAX_OPTIONS}"
        )
    if scale.kind == "answer_set":
        values = scale.values or []
        if not values:
            problems.append(f"{where}.values: missing (an answer set gives each option a value)")
        elif len(values) != count:
            problems.append(
                f"{where}.values: {len(values)} values for codes {scale.min}-{scale.max}"
            )
        elif any(b <= a for a, b in pairwise(values)):
            problems.append(f"{where}.values: must increase from the first option to the last")
    elif scale.values is not None:
        problems.append(f"{where}.values: only an answer_set gives its options values")
    want = count if scale.kind != "recommend" else 2
    for lang, labels in scale.labels.root.items():
        if len(labels) != want:
            problems.append(f"{where}.labels.{lang}: {len(labels)} labels, expected {want}")
    if count >= 2 and not problems:
        fav, unfav = scale._cut()
        if fav + unfav > count:
            problems.append(
                f"{where}: favourable ({fav}) and unfavourable ({unfav}) options together "
                f"exceed the {count} options"
            )
    return problems


def _no_catalogue(language: str, domains: list[str]) -> str:
    """Say that ``language`` lacks the interface catalogues of ``domains``, and which files
    to add."""
    folder = LOCALE_DIR.relative_to(LOCALE_DIR.parents[2]).as_posix()
    files = " and ".join(f"{d}.po" for d in domains)
    return (
        f"{language!r} has no interface catalogue; add {folder}/{language}/LC_MESSAGES/{files} "
        "(see docs/translating.md)"
    )


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


LISTS_OF_NAMES = ("roles", "languages")


#: Added when a structural problem has no stand-in, so the semantic checks could not run.
SKIPPED_CHECKS = (
    "further checks (unique ids, roles, languages, translations, scales, levels) were "
    "skipped; they run once the problems above are fixed"
)


def _structural_problem(err: Any) -> str:
    what = "missing" if err["type"] == "missing" else err["msg"]
    if err["type"] == "extra_forbidden":
        what = "unknown field"
    elif err["type"] == "value_error":
        what = str(err["msg"]).removeprefix("Value error, ")
    elif err["type"] == "literal_error" and err["loc"][:1] == ("roles",):
        what = f"unknown role {err['input']!r}"
    elif err["type"] == "string_pattern_mismatch" and err["loc"][:1] == ("languages",):
        what = f"{err['input']!r} is not a language code (such as 'de' or 'pt_BR')"
    return f"{_place(err['loc'])}: {what}"


def _unwrap(tp: Any) -> Any:
    while isinstance(tp, type) and issubclass(tp, RootModel):
        tp = tp.model_fields["root"].annotation
    return tp


def _holder(loc: tuple[int | str, ...]) -> Any:
    """The schema type that holds the last step of ``loc`` (a model class, list or dict type)."""
    tp: Any = MaturityModel
    for part in loc[:-1]:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
            info = tp.model_fields.get(part)
            tp = info.annotation if info is not None else None
        elif get_origin(tp) is list and isinstance(part, int):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict and isinstance(part, str):
            tp = get_args(tp)[1]
        else:
            return None
    return _unwrap(tp)


#: Stand-ins for a malformed value, by the type that holds it: a text per language, an
#: entry of a list of texts, an item's phrasing for one role.
_BLANKS: list[tuple[Any, Any]] = [(dict[str, str], ""), (list[str], ""), (dict[str, Localized], {})]


def _stand_in(data: Any, err: Any, counter: list[int]) -> bool:
    """Replace the value at a structural error by a valid stand-in; False when there is none."""
    loc = tuple(err["loc"])
    if not loc:
        return False
    parent: Any = data
    try:
        for part in loc[:-1]:
            parent = parent[part]
    except (KeyError, IndexError, TypeError):
        return False
    key, holder = loc[-1], _holder(loc)
    if isinstance(parent, dict) and (
        err["type"] == "extra_forbidden"
        or (isinstance(holder, type) and issubclass(holder, BaseModel)
            and key in holder.model_fields and not holder.model_fields[key].is_required())
    ):
        parent.pop(key, None)  # an unknown field, or one with a default
        return True
    if isinstance(holder, type) and issubclass(holder, BaseModel) and isinstance(key, str):
        info = holder.model_fields.get(key)
        if key == "id":
            counter[0] += 1
            parent[key] = f"invalid_id_{counter[0]}"
            return True
        if info is not None and _unwrap(info.annotation) in (
            dict[str, str], dict[str, list[str]], dict[str, Localized]
        ):
            parent[key] = {}  # a missing text: the semantic pass sees its languages missing
            return True
        return False
    for holding, blank in _BLANKS:
        if holder == holding and isinstance(parent, dict | list):
            parent[key] = copy.copy(blank)
            return True
    return False


def _under(problem: str, places: list[str]) -> bool:
    return any(
        problem.startswith(place) and problem[len(place):len(place) + 1] in (":", ".", "[")
        for place in places
    )


def _inspect(data: Any, path: str, problems: list[str] | None = None) -> ModelInspection:
    """Validate parsed YAML; report structural problems and, where possible, semantic ones."""
    problems = list(problems or [])
    if not isinstance(data, dict):
        what = "the file is empty" if data is None else "must be a mapping (id: ..., version: ...)"
        return ModelInspection(path, None, [*problems, f"(top level): {what}"])
    try:
        model = MaturityModel.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems += [_structural_problem(err) for err in errors]
        repaired = copy.deepcopy(data)
        counter = [0]
        removals: list[tuple[str, int]] = []
        ok = True
        for err in errors:
            loc = tuple(err["loc"])
            if (err["type"] in ("literal_error", "string_pattern_mismatch") and len(loc) == 2
                    and loc[0] in LISTS_OF_NAMES):
                removals.append((str(loc[0]), int(loc[1])))  # an unknown role or language
            elif not _stand_in(repaired, err, counter):
                ok = False
        for name, index in sorted(removals, reverse=True):
            del repaired[name][index]
        try:
            stand_in = MaturityModel.model_validate(repaired) if ok else None
        except ValidationError:
            stand_in = None
        if stand_in is None:
            return ModelInspection(path, None, [*problems, SKIPPED_CHECKS])
        places = [_place(tuple(err["loc"])) for err in errors]
        more, completeness = _semantic_problems(stand_in)
        problems += [p for p in more if not _under(p, places) and "invalid_id_" not in p]
        return ModelInspection(path, None, problems, completeness)
    more, completeness = _semantic_problems(model)
    return ModelInspection(path, model, problems + more, completeness)


def source_problems(model: MaturityModel, directory: str | Path) -> list[str]:
    """Name every source a facet cites that is not a file in ``directory``."""
    folder = Path(directory)
    if not folder.is_dir():
        return [f"sources: {folder} is not a directory"]
    present = {p.name for p in folder.iterdir() if p.is_file()}
    problems = []
    for i, dim in enumerate(model.dimensions):
        for j, facet in enumerate(dim.facets):
            for k, name in enumerate(facet.sources):
                where = f"dimensions[{i}].facets[{j}].sources[{k}]"
                if name != Path(name).name or name in ("", ".", ".."):
                    problems.append(f"{where}: {name!r} must be a file name, not a path")
                elif name not in present:
                    problems.append(f"{where}: no file {name!r} in {folder}")
    return problems
