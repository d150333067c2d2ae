"""Every command is documented: it has help text, an example, and a row in the README tour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from curation.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _commands() -> list[tuple[str, Any]]:
    """(name, command) for every command and sub-command (typer vendors click: duck-type groups)."""
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        if hasattr(cmd, "commands"):
            found.extend((f"{name} {sub}", subcmd) for sub, subcmd in cmd.commands.items())
        else:
            found.append((name, cmd))
    return found


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
    for name, _ in _commands():
        shown = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "200"}).stdout
        options = shown.split("Options:")[-1]  # typer shows an argument's type whatever its metavar
        assert "<bool>" not in shown and "<list[" not in options, f"`curation {name} --help` shows a type"
