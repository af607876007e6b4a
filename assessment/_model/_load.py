"""Loading a model: YAML without duplicate keys, validated whole, from a file or stored text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .._exceptions import ModelError
from ._schema import MaturityModel
from ._validate import ModelInspection, _inspect, source_problems

__all__ = ["inspect_model", "load_model", "load_model_text", "read_model_text"]

class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that records every duplicate mapping key with its line."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is None:
                seen[key] = line
            else:
                self.duplicates.append(
                    f"line {line}: duplicate key {key!r} (first on line {first})"
                )
        return super().construct_mapping(node, deep=deep)


def _parse_yaml(text: str, path: str) -> tuple[Any, list[str]]:
    """Parse YAML text; return the data and one problem per duplicate key."""
    loader = _UniqueKeyLoader(text)
    try:
        return loader.get_single_data(), loader.duplicates
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = getattr(exc, "problem", exc)
        raise ModelError(path, [f"{where}: not valid YAML ({problem})"]) from exc
    finally:
        loader.dispose()


def read_model_text(path: str | Path) -> str:
    """Return a model file's text; raise :class:`ModelError` if it is unreadable or not UTF-8.

    The error names the file, and the reason it cannot be read or the line and byte of the
    first byte that is not UTF-8.
    """
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(str(p), [f"cannot read the file ({exc.strerror})"]) from exc
    except UnicodeDecodeError as exc:  # exc.start counts bytes from the start of the file
        line = p.read_bytes()[: exc.start].count(b"\n") + 1
        raise ModelError(
            str(p), [f"line {line} (byte {exc.start}): not UTF-8 text; save the file as UTF-8"]
        ) from exc


def inspect_model(path: str | Path, *, sources: str | Path | None = None) -> ModelInspection:
    """Validate a model file and return the model (if it parsed), its problems and completeness.

    Parameters
    ----------
    path:
        A YAML model file.
    sources:
        Optionally, the folder of source articles: every file a facet cites must be in it.

    Raises :class:`ModelError` only when the file cannot be read, is not UTF-8 or not YAML.
    """
    p = Path(path)
    data, duplicates = _parse_yaml(read_model_text(p), str(p))
    result = _inspect(data, str(p), duplicates)
    if sources is not None and result.model is not None:
        result.problems += source_problems(result.model, sources)
    return result


def load_model_text(text: str, source: str = "<model>") -> MaturityModel:
    """Parse and validate a model from YAML text; raise :class:`ModelError` on any problem."""
    data, duplicates = _parse_yaml(text, source)
    result = _inspect(data, source, duplicates)
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
