"""Personal data in exports: annotators pseudonymised (stable, mapping kept locally), paths stripped,
and what a version holds listed before a Hub upload."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from typer.testing import CliRunner

from curation.cli import app

runner = CliRunner()


def _documents(version_dir: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted((version_dir / "data" / "documents").glob("*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def _all_bytes(version_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(version_dir.rglob("*")) if p.is_file())


def _records(make: Any, seed_records: list[dict[str, Any]], annotators: list[str]) -> list[dict[str, Any]]:
    out = []
    for rec, who in zip(seed_records, annotators, strict=False):
        rec = json.loads(json.dumps(rec))
        rec["provenance"]["annotator"] = who
        rec["source"] = f"/home/ana/private/news/{rec['id']}.txt"
        out.append(rec)
    return out


def test_export_pseudonymises_annotators_stably_and_strips_paths(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]], private_home: Path
) -> None:
    out = tmp_path / "exports"
    first = _records(make, seed_records[:3], ["ana@example.org", "bo@example.org", "ana@example.org"])
    path = make.write_jsonl(tmp_path / "a.jsonl", first)
    result = runner.invoke(app, ["export", str(path), "--name", "n", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    v1 = out / "n" / "v0.1.0"
    rows = {r["id"]: r for r in _documents(v1)}
    ids = {doc_id: json.loads(r["provenance"])["annotator"] for doc_id, r in rows.items()}
    assert sorted(set(ids.values())) == ["annotator-1", "annotator-2"]
    assert ids[first[0]["id"]] == ids[first[2]["id"]] != ids[first[1]["id"]]  # one person, one id
    assert {r["source"] for r in rows.values()} == {f"{r['id']}.txt" for r in first}
    everything = _all_bytes(v1)
    assert b"example.org" not in everything and b"/home/ana" not in everything
    manifest = json.loads((v1 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["personal_data"]["annotators"] == 2
    assert manifest["personal_data"]["sources_with_directories"] == 3

    mapping_file = private_home / "annotators.json"
    assert stat.S_IMODE(mapping_file.stat().st_mode) == 0o600
    mapping = json.loads(mapping_file.read_text(encoding="utf-8"))["annotators"]
    assert mapping["ana@example.org"] == ids[first[0]["id"]]

    # a later version with a new annotator: the known ones keep their ids
    second = _records(
        make, seed_records[:4], ["bo@example.org", "bo@example.org", "cy@example.org", "ana@example.org"]
    )
    path2 = make.write_jsonl(tmp_path / "b.jsonl", second)
    result = runner.invoke(app, ["export", str(path2), "--name", "n", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows2 = {r["id"]: json.loads(r["provenance"])["annotator"] for r in _documents(out / "n" / "v0.1.1")}
    assert rows2[second[0]["id"]] == mapping["bo@example.org"]
    assert rows2[second[3]["id"]] == mapping["ana@example.org"]
    assert rows2[second[2]["id"]] == "annotator-3"


def test_export_keep_options_keep_names_and_paths_and_dry_run_says_so(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    out = tmp_path / "exports"
    recs = _records(make, seed_records[:2], ["ana@example.org", "bo@example.org"])
    recs[0]["meta"] = {"author": "Dee <dee@paper.example>"}
    path = make.write_jsonl(tmp_path / "a.jsonl", recs)
    base = ["export", str(path), "--name", "n", "--out", str(out), "-q", "--push-to-hub", "me/n", "--dry-run"]

    default = runner.invoke(app, base)
    assert default.exit_code == 0, default.output
    said = " ".join(default.output.split())
    assert "personal data in" in said
    assert "2 annotators, as pseudonyms" in said
    assert "2 sources had local directories, stripped to file names" in said
    assert "1 e-mail addresses in meta.author" in said
    assert said.index("personal data") < said.index("dry run: would upload")

    kept = runner.invoke(app, [*base, "--keep-annotator-ids", "--keep-paths"])
    assert kept.exit_code == 0, kept.output
    said = " ".join(kept.output.split())
    assert "2 annotators BY NAME or e-mail" in said and "2 sources WITH local directories" in said
    rows = _documents(out / "n" / "v0.1.1")  # other options: another version
    assert {json.loads(r["provenance"])["annotator"] for r in rows} == {"ana@example.org", "bo@example.org"}
    assert all(r["source"].startswith("/home/ana/private/news/") for r in rows)
