"""Every command x every kind of bad input: one line naming the file, a non-zero exit, no traceback.

The inputs are the ones that used to escape as tracebacks: JSON nested deeper than the recursion
limit, a directory given as a file, a path that does not exist, bytes that are not UTF-8, and export
versions whose manifest.json has the wrong shape. Nothing is written when the input is bad.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app

runner = CliRunner()

DEPTH = 100_000  # far deeper than Python's recursion limit


def _deep(tmp: Path) -> Path:
    path = tmp / "deep.jsonl"
    path.write_text('{"id": "x", "text": ' + "[" * DEPTH + "]" * DEPTH + "}\n", encoding="utf-8")
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "a-directory.jsonl"
    path.mkdir()
    return path


def _missing(tmp: Path) -> Path:
    return tmp / "no-such-file.jsonl"


def _latin1(tmp: Path) -> Path:
    path = tmp / "latin1.jsonl"
    path.write_bytes('{"id": "x", "text": "caf\u00e9"}\n'.encode("latin-1"))
    return path


INPUTS: dict[str, Callable[[Path], Path]] = {
    "deep": _deep,
    "directory": _directory,
    "missing": _missing,
    "latin1": _latin1,
}

# {f}: the bad file; {o}: an output path; {v}: a well-formed version directory.
COMMANDS: dict[str, list[str]] = {
    "ingest": ["ingest", "{f}", "-o", "{o}", "--quiet"],
    "annotate": ["annotate", "{f}", "-o", "{o}", "--quiet"],
    "summary": ["summary", "{f}"],
    "evaluate-gold": ["evaluate", "--gold", "{f}", "--pred", "{f}"],
    "agreement": ["agreement", "{f}"],
    "export": ["export", "{f}", "--name", "bad", "--out", "{o}", "-q"],
    "diff": ["diff", "{v}", "{f}"],
    "quotes": ["quotes", "{f}", "-q"],
    "push": ["push", "{f}", "--project", "bad-input", "-q"],
}


def _version_dir(tmp: Path, manifest: object) -> Path:
    folder = tmp / "exports" / "n" / "v0.1.0"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _run(args: list[str]) -> tuple[int, str]:
    env = {"LABEL_STUDIO_URL": "http://127.0.0.1:9", "LABEL_STUDIO_API_KEY": "unused"}
    result = runner.invoke(app, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def _assert_one_clear_error(code: int, output: str, named: Path) -> None:
    assert code != 0, output
    assert "Traceback" not in output
    flat = " ".join(output.split())
    assert str(named) in flat, flat  # the message names the file


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_bad_input_matrix(command: str, kind: str, tmp_path: Path) -> None:
    bad = INPUTS[kind](tmp_path)
    version = _version_dir(tmp_path, {"version": "0.1.0", "document_hashes": {}})
    out = tmp_path / "out"
    args = [
        a.format(f=bad, o=out / "x.jsonl" if command != "export" else out, v=version)
        for a in COMMANDS[command]
    ]
    code, output = _run(args)
    _assert_one_clear_error(code, output, bad)
    assert not (out / "x.jsonl").exists()  # nothing half-written


@pytest.mark.parametrize(
    "manifest",
    [[1, 2], {"version": 3}, {"version": "0.1.0", "document_hashes": ["a"]}, "just text", {"no": "version"}],
    ids=["list", "version-int", "hashes-list", "string", "no-version"],
)
@pytest.mark.parametrize("command", ["diff-old", "diff-new", "evaluate-gold-dir"])
def test_malformed_manifest_is_one_line_naming_it(command: str, manifest: object, tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "manifest.json").write_text(json.dumps({"version": "0.1.0", "document_hashes": {}}))
    broken = _version_dir(tmp_path, manifest)
    records = tmp_path / "pred.jsonl"
    records.write_text("", encoding="utf-8")
    args = {
        "diff-old": ["diff", str(broken), str(good)],
        "diff-new": ["diff", str(good), str(broken)],
        "evaluate-gold-dir": ["evaluate", "--gold", str(broken), "--pred", str(records)],
    }[command]
    code, output = _run(args)
    # diff reads the manifest; evaluate reads the version's parquet files (and names the folder)
    _assert_one_clear_error(code, output, broken / "manifest.json" if command.startswith("diff") else broken)


def test_empty_push_exits_non_zero_with_a_hint(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    code, output = _run(["push", str(empty), "--project", "nothing", "-q"])
    _assert_one_clear_error(code, output, empty)
    assert "curation annotate" in " ".join(output.split())
