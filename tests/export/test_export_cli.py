"""`curation export` and `curation diff` through the Typer runner on real files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.export.hub import HubError, plan_push, push_version
from curation.export.versions import read_manifest

runner = CliRunner()


def test_export_cli_export_then_diff(make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]) -> None:
    out = tmp_path / "exports"
    first = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    result = runner.invoke(app, ["export", str(first), "--name", "news", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "exported gold news v0.1.0: 5 documents" in result.output
    assert f'datasets.load_dataset("{out / "news" / "v0.1.0"}", "quotes")' in result.output

    again = runner.invoke(app, ["export", str(first), "--name", "news", "--out", str(out), "-q"])
    assert again.exit_code == 0 and "no change since news v0.1.0" in again.output

    fewer = make.write_jsonl(tmp_path / "b.jsonl", seed_records[1:])
    second = runner.invoke(
        app, ["export", str(fewer), "--name", "news", "--out", str(out), "--bump", "major"]
    )
    assert second.exit_code == 0, second.output
    diff = runner.invoke(app, ["diff", str(out / "news" / "v0.1.0"), str(out / "news" / "v1.0.0")])
    assert diff.exit_code == 0
    assert "documents removed: 1" in diff.output and seed_records[0]["id"] in diff.output
    as_json = runner.invoke(
        app, ["diff", str(out / "news" / "v0.1.0"), str(out / "news" / "v1.0.0"), "--json"]
    )
    changes = json.loads(as_json.stdout)
    assert (changes["old_version"], changes["new_version"]) == ("0.1.0", "1.0.0")
    assert changes["removed"] == [seed_records[0]["id"]] and changes["added"] == []
    exported = json.loads(
        runner.invoke(app, ["export", str(fewer), "--name", "news", "--out", str(out), "--json", "-q"]).stdout
    )
    assert exported["created"] is False and exported["version"] == "1.0.0"


def test_export_cli_bad_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["export", str(bad), "--name", "n", "--out", str(tmp_path / "e")])
    assert result.exit_code == 1
    assert "bad.jsonl:2: not valid JSON" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "e" / "n" / "v0.1.0").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "../escape"], "dataset name '../escape'"),
        (["--name", "n", "--bump", "minor", "--version", "1.0.0"], "not both"),
        (["--name", "n", "--version", "1.0"], "X.Y.Z"),
        (["--name", "n", "--train", "0.9"], "add up to 1"),
    ],
)
def test_export_cli_refuses_bad_options(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]], args: list[str], message: str
) -> None:
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records[:1])
    result = runner.invoke(app, ["export", str(path), "--out", str(tmp_path / "e"), "-q", *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "e").exists() or not any((tmp_path / "e").rglob("manifest.json"))


def test_export_cli_reports_left_out_unreviewed(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    mixed = copy.deepcopy(seed_records)
    mixed[1]["provenance"] = {"reviewed": False}
    path = make.write_jsonl(tmp_path / "m.jsonl", mixed)
    result = runner.invoke(app, ["export", str(path), "--name", "n", "--out", str(tmp_path / "e"), "-q"])
    assert result.exit_code == 0
    assert "left out 1 unreviewed documents" in result.output and mixed[1]["id"] in result.output


def test_export_cli_dry_run_lists_files_repo_and_tag(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    args = ["export", str(path), "--name", "n", "--out", str(tmp_path / "e"), "-q"]
    result = runner.invoke(app, [*args, "--push-to-hub", "someone/news", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "to Hub dataset someone/news, tagged v0.1.0" in result.output
    for name in ("README.md", "manifest.json", "CHANGELOG.md", "data/quotes/train-00000-of-00001.parquet"):
        assert name in result.output


def test_export_hub_push_fails_with_one_clear_error_when_unreachable(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    runner.invoke(app, ["export", str(path), "--name", "n", "--out", str(tmp_path / "e"), "-q"])
    version_dir = tmp_path / "e" / "n" / "v0.1.0"
    plan = plan_push(version_dir, "someone/news")
    try:
        push_version(plan, version_dir, endpoint="http://127.0.0.1:9")  # nothing listens on port 9
    except HubError as exc:
        assert "could not push" in str(exc) and "someone/news" in str(exc)
    else:
        raise AssertionError("a push to an unreachable Hub must fail")


def test_export_hub_refuses_a_tampered_version(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    runner.invoke(app, ["export", str(path), "--name", "n", "--out", str(tmp_path / "e"), "-q"])
    version_dir = tmp_path / "e" / "n" / "v0.1.0"
    assert read_manifest(version_dir)["files"]["README.md"]
    (version_dir / "README.md").write_text("edited by hand\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            *["export", str(path), "--name", "n", "--out", str(tmp_path / "e")],
            "-q",
            "--push-to-hub",
            "someone/news",
            "--dry-run",
        ],
    )
    assert result.exit_code == 1 and "README.md" in result.output and "differ from manifest" in result.output


def test_export_cli_progress_display_leaves_local_workers_forked(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The display has no thread of its own during an export, so its workers fork (a spawned one pays
    a new interpreter, imports and tokenizer), and it still draws each stage."""
    import io
    import sys
    import threading

    from rich.console import Console

    from curation import engines

    cli_app = sys.modules["curation.cli.app"]  # the module (the package's `app` is the Typer app)

    methods: list[str] = []
    start_method = engines.start_method
    monkeypatch.setattr(engines, "start_method", lambda: methods.append(start_method()) or methods[-1])
    path = make.write_jsonl(tmp_path / "a.jsonl", seed_records)
    # what the engine would choose with no display at all (another test may have left a thread, e.g.
    # tqdm's monitor: then both spawn; alone, the display's thread made it spawn instead of fork)
    expected = start_method()
    result = runner.invoke(
        app, ["export", str(path), "--name", "n", "--out", str(tmp_path), "--n-process", "2"]
    )
    assert result.exit_code == 0, result.output
    assert methods == [expected]

    screen = io.StringIO()
    monkeypatch.setattr(cli_app, "err_console", Console(file=screen, force_terminal=True, width=100))
    before = set(threading.enumerate())  # (the export's pool may still be joining its worker)
    with cli_app.progress_bar("reading records", threaded=False) as progress:
        assert set(threading.enumerate()) <= before
        progress.stage("checking records", 3)
        progress.advance(2)
    assert "checking records" in screen.getvalue() and "2/3" in screen.getvalue()
