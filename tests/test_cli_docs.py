"""Every command is documented: it has help text, an example, and a row in the README tour."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from curation.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _commands() -> list[tuple[str, Any]]:
    """(name, command) for every command, at any depth (typer vendors click: duck-type groups)."""

    def walk(group: Any, prefix: str) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                found.extend(walk(cmd, f"{prefix}{name} "))
            else:
                found.append((f"{prefix}{name}", cmd))
        return found

    return walk(typer.main.get_command(app), "")


# Commands that print no results (they start or stop something, or write one file).
NO_RESULTS = {"schema", "studio start", "studio stop", "studio config", "studio user add"}
TYPE_METAVAR = re.compile(r"<[A-Za-z_\[]")  # <str>, <path>, <list[Path]>; not Click's range 0<=x<=1


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_cli_docs_every_command_has_help_with_an_example(name, command):
    assert command.help, f"`curation {name}` has no help text"
    assert "Example" in command.help, f"`curation {name}` help has no example"


def test_cli_docs_readme_mentions_every_top_level_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, _ in _commands():
        assert f"curation {name.split()[0]}" in readme, f"README does not mention `curation {name}`"


def test_cli_schema_check_passes_on_the_committed_file():
    result = runner.invoke(app, ["schema", "--check"])
    assert result.exit_code == 0, result.output


def test_cli_schema_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "record.schema.json"
    stale.write_text("{}\n")
    result = runner.invoke(app, ["schema", "--check", "--out", str(stale)])
    assert result.exit_code == 1
    assert stale.read_text() == "{}\n"  # --check never writes


def test_cli_docs_help_lists_commands_in_workflow_order_without_type_metavars():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    workflow = ["ingest", "annotate", "push", "pull", "export", "evaluate", "agreement"]
    assert [name for name in listed if name in workflow] == workflow


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_cli_docs_help_shows_no_type_metavar(name, command):
    shown = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "200"}).stdout
    assert "Usage:" in shown
    assert not TYPE_METAVAR.search(shown), f"`curation {name} --help` shows a type: {shown}"


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_cli_docs_every_command_that_prints_results_has_json_and_one_quiet(name, command):
    options = {opt: param for param in command.params for opt in param.opts}
    if name not in NO_RESULTS:
        assert "--json" in options, f"`curation {name}` prints results but has no --json"
    if "--quiet" in options:
        assert options["--quiet"].help == "No progress display (results and errors still print).", name
        assert options["--quiet"].opts == ["--quiet", "-q"], name
    for out in ("-o",):
        if out in options:
            assert "--out" in options[out].opts, f"`curation {name}`: -o is not --out"
