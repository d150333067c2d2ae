"""`curation agreement` on real files with typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import write_documents
from curation.records import Document, Span, span_id

runner = CliRunner()
TEXT = "Bob Ray said that taxes rose last year."


def quote(needle: str) -> Span:
    start = TEXT.index(needle)
    end = start + len(needle)
    return Span(id=span_id("QUOTE", start, end), start=start, end=end, label="QUOTE", text=needle)


def test_agreement_cli_table_and_json(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_documents(
        path,
        [
            Document(
                id="d1",
                text=TEXT,
                spans=[quote("taxes rose last year")],
                provenance={"annotator": "alice", "reviewed": True},
            ),
            Document(
                id="d1",
                text=TEXT,
                spans=[quote("taxes rose")],
                provenance={"annotator": "bob", "reviewed": True},
            ),
        ],
    )
    result = runner.invoke(app, ["agreement", str(path), "-q"])
    assert result.exit_code == 0, result.output
    assert "alice ~ bob" in result.output
    data = json.loads(runner.invoke(app, ["agreement", str(path), "--json", "-q"]).stdout)
    quote_row = next(la for la in data["labels"] if la["label"] == "QUOTE")
    # "taxes rose" covers 10 / 20 of the other (>= 0.3) and is wholly covered: matched both ways
    assert (quote_row["overlap_f1"], quote_row["exact_f1"]) == (1.0, 0.0)


def test_agreement_cli_bad_input(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["agreement", str(bad), "-q"])
    assert result.exit_code == 1
    assert "bad.jsonl:1" in result.output
    assert "Traceback" not in result.output
