"""Output hygiene: text from the data is never Rich markup, the card escapes what it copies,
interrupted exports are cleaned by the next one, and every output has the same file mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from curation.atomic import output_mode
from curation.cli import app
from curation.jsonl import write_documents
from curation.records import Document, Relation, Span, content_id

runner = CliRunner()

MARKUP = "[/bold]"


def _quoted(outlet: str, speaker: str) -> Document:
    quote = f"we will {MARKUP} win the [red]vote[/red] today"
    text = f"{speaker} said that {quote}. Reported by {outlet}."
    s = text.index(speaker)
    q = text.index(quote)
    spans = [
        Span.at(text, "SPEAKER", s, s + len(speaker), {"canonical": speaker}, 0.9),
        Span.at(text, "QUOTE", q, q + len(quote), {"kind": "indirect"}, 0.9),
    ]
    return Document(
        id=content_id(text),
        source=f"news/{MARKUP}{outlet}.txt",
        text=text,
        spans=spans,
        relations=[Relation(head=spans[1].id, tail=spans[0].id, label="speaker")],
        provenance={"model": "test", "model_version": "t-1", "reviewed": False},
    )


def test_quotes_shows_markup_from_the_data_as_text(tmp_path: Path) -> None:
    path = tmp_path / "pre.jsonl"
    write_documents(path, [_quoted("A", f"Ana {MARKUP}Obi"), _quoted("B", f"Ana {MARKUP}Obi")])
    result = runner.invoke(app, ["quotes", str(path), "-q"])
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())  # the table folds long cells
    assert MARKUP in flat and "[red]vote[/red]" in flat and f"Ana{MARKUP}Obi" in flat


def _seed_record(doc_id: str, text: str, project: str) -> dict[str, Any]:
    start = text.index("ceasefire")
    return {
        "id": doc_id,
        "source": f"{doc_id}.txt",
        "text": text,
        "meta": {},
        "spans": [
            {
                "id": f"claim-{start}-{start + 9}",
                "start": start,
                "end": start + 9,
                "label": "CLAIM",
                "text": "ceasefire",
                "attrs": {"checkworthy": "high"},
                "score": 0.9,
            }
        ],
        "relations": [],
        "provenance": {
            "reviewed": True,
            "annotator": "a@example.org",
            "updated_at": "2026-11-01T10:00:00+00:00",
            "project": project,
            "started_from_model_version": "<img src=x onerror=alert(1)>",
        },
    }


def _records(tmp_path: Path, seeds_dir: Path, project: str) -> Path:
    recs = [
        _seed_record(p.stem, p.read_text(encoding="utf-8"), project)
        for p in sorted(seeds_dir.glob("*.txt"))
        if "ceasefire" in p.read_text(encoding="utf-8")
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def test_card_escapes_titles_versions_and_licence_and_outputs_share_one_mode(
    tmp_path: Path, seeds_dir: Path
) -> None:
    path = _records(tmp_path, seeds_dir, "<script>alert('title')</script>")
    out = tmp_path / "exports"
    leftover = out / "n" / ".v0.1.0.abc123.tmp"  # what a killed export leaves
    leftover.mkdir(parents=True)
    (leftover / "part.parquet").write_bytes(b"half")
    licence = "<script>alert('licence')</script>"
    result = runner.invoke(app, ["export", str(path), "--name", "n", "--out", str(out), "--license", licence])
    assert result.exit_code == 0, result.output
    assert not leftover.exists()
    assert f"removed {leftover}" in " ".join(result.output.split())

    version = out / "n" / "v0.1.0"
    card = (version / "README.md").read_text(encoding="utf-8")
    body = card.split("\n---\n", 1)[1]
    assert "<script>" not in body and "<img" not in body
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body

    # every file and folder the export wrote has the one output mode (umask-derived), like other outputs
    ingested = tmp_path / "docs.jsonl"
    assert runner.invoke(app, ["ingest", str(seeds_dir), "-o", str(ingested), "--quiet"]).exit_code == 0
    file_mode, dir_mode = output_mode(), output_mode(directory=True)
    assert stat.S_IMODE(ingested.stat().st_mode) == file_mode
    for p in [version, *version.rglob("*")]:
        assert stat.S_IMODE(os.stat(p).st_mode) == (dir_mode if p.is_dir() else file_mode), p
