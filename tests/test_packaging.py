"""Packaging: public names, dependency lists in agreement, clean notebooks, CLI help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

import assessment
from assessment._main import cli
from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_public_names_are_exactly_the_documented_ones() -> None:
    exported = set(assessment.__all__)
    assert exported == {n for n in dir(assessment) if not n.startswith("_")} | {"__version__"}
    for name in exported:
        assert getattr(assessment, name) is not None


def test_the_form_starts_without_the_analysis_stack() -> None:
    """A Voilà kernel per respondent: opening the form must not load scipy, pandera, Altair."""
    probe = ("import sys; from assessment import open_questionnaire; "
             "print(' '.join(m for m in ('scipy', 'pandera', 'altair', 'papermill') "
             "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []


def test_package_is_typed() -> None:
    assert (Path(assessment.__file__).parent / "py.typed").is_file()


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    wanted = {_name(r): r.replace(_name(r), "", 1) for r in project["dependencies"]}
    listed = {
        _name(r): r.replace(_name(r), "", 1) for r in conda if _name(r) not in ("python", "pip")
    }
    assert listed == wanted  # same packages, same version bounds
    assert any(f"python={project['requires-python'].removeprefix('>=')}" == d for d in conda)
    assert pip == ['-e ".[test,dev]"']
    extras = set(project["optional-dependencies"])
    assert {"test", "dev"} <= extras


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebooks_are_clean(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path
        assert "widgets" not in cell.get("metadata", {})


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _commands(command, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("command", _commands(cli), ids=lambda c: " ".join(c) or "assessment")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and len(result.output.splitlines()) > 3
