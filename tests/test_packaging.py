"""Packaging: public names, dependency lists in agreement, clean notebooks, CLI help."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

import assessment
from assessment._cli._main import cli
from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _stub_names() -> dict[str, str]:
    """Public name -> module, as declared (once) in ``assessment/__init__.pyi``."""
    stub = ast.parse((ROOT / "assessment" / "__init__.pyi").read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in stub.body[1:]:  # after the docstring
        assert isinstance(node, ast.ImportFrom) and node.level == 1 and node.module, (
            f"line {node.lineno}: the stub holds only `from .module import name as name`"
        )
        for alias in node.names:
            assert alias.asname == alias.name, f"{alias.name}: re-export it as itself"
            assert alias.name not in names, f"{alias.name}: declared twice"
            names[alias.name] = f"assessment.{node.module}"
    return names


def test_public_names_are_exactly_the_documented_ones() -> None:
    declared = _stub_names()
    exported = set(assessment.__all__)
    assert exported == set(declared)
    assert exported == {n for n in dir(assessment) if not n.startswith("_")} | {"__version__"}
    for name, module in declared.items():
        value = getattr(assessment, name)
        assert value is not None
        if hasattr(value, "__module__") and callable(value):
            assert value.__module__ == module, f"{name} is defined in {value.__module__}"


def test_plumbing_is_not_public() -> None:
    for name in ("WarmKernel", "html_problems", "export_html", "ReportRenderer", "PdfPrinter"):
        assert name not in assessment.__all__
        with pytest.raises(AttributeError):
            getattr(assessment, name)


def test_every_area_package_init_is_empty() -> None:
    """The form's light start depends on it: importing one module loads only its imports."""
    for init in sorted((ROOT / "assessment").glob("_*/__init__.py")):
        assert init.read_text(encoding="utf-8").strip() == "", init


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


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


@pytest.mark.parametrize("command", _commands(cli), ids=lambda c: " ".join(c) or "assessment")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    """A docstring for the command, and a help text for each of its options."""
    found = _command(command)
    assert (found.help or "").strip(), f"{' '.join(command)}: no docstring"
    bare = [p.name for p in found.params if isinstance(p, click.Option) and not
            (p.help or "").strip()]
    assert bare == [], f"{' '.join(command) or 'assessment'}: options without help: {bare}"
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    summary = " ".join(found.help.strip().splitlines()[0].split())
    assert summary in " ".join(result.output.split())  # shown, however it is wrapped


def _fake_tools(folder: Path, tools: dict[str, str]) -> dict[str, str]:
    """A PATH holding only the basic commands .ci/run needs, and the fakes given."""
    folder.mkdir()
    for name in ("dirname", "grep", "id"):
        (folder / name).symlink_to(shutil.which(name) or f"/usr/bin/{name}")
    for name, body in tools.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return {"PATH": str(folder), "HOME": str(folder)}


def test_ci_installs_what_a_fresh_machine_lacks_and_runs_the_tests_under_ci(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log"
    record = f'echo "$0 CI=$CI $*" >> {log}'
    fresh = _fake_tools(tmp_path / "fresh", {
        "apt-get": record, "sudo": '"$@"', "dpkg-query": "exit 1",
    })
    subprocess.run(["/bin/bash", str(ROOT / ".ci" / "run")], env=fresh, cwd=tmp_path,
                   capture_output=True, text=True, check=False)
    calls = log.read_text().splitlines()
    install = next(c for c in calls if " install " in c)
    for package in ("python3", "python3-venv", "make", "chromium", "fonts-dejavu-core"):
        assert f" {package}" in install.split("--no-install-recommends")[1], package
    log.unlink()
    ready = _fake_tools(tmp_path / "ready", {
        "apt-get": record, "make": record, "chromium": "exit 0", "python3": "exit 0",
        "dpkg-query": "echo 'install ok installed'",
    })
    done = subprocess.run(["/bin/bash", str(ROOT / ".ci" / "run")], env=ready, cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert [c.split("/")[-1] for c in calls] == ["make CI=true test"]  # nothing installed again
