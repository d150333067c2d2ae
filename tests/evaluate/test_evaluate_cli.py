"""`curation evaluate` and `curation agreement` run on real files with typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import write_documents
from curation.schema import get_schema

runner = CliRunner()

TEXT = 'Ann Lee said: "We will win the vote in March." Bob Ray said that taxes rose last year.'


@pytest.fixture
def files(tmp_path: Path, doc_builder):
    gold = doc_builder(
        TEXT,
        [
            {"label": "SPEAKER", "text": "Ann Lee"},
            {"label": "QUOTE", "text": "We will win the vote in March.", "attrs": {"kind": "direct"}},
            {"label": "SPEAKER", "text": "Bob Ray"},
            {"label": "QUOTE", "text": "taxes rose last year", "attrs": {"kind": "indirect"}},
        ],
        [(1, 0, "speaker"), (3, 2, "speaker")],
        id="doc1",
    )
    pred = doc_builder(
        TEXT,
        [
            {"label": "SPEAKER", "text": "Ann Lee"},
            {"label": "QUOTE", "text": "We will win the vote in March.", "attrs": {"kind": "direct"}},
        ],
        [(1, 0, "speaker")],
        id="doc1",
    )
    paths = {
        "gold": tmp_path / "gold.jsonl",
        "pred": tmp_path / "pred.jsonl",
        "other": tmp_path / "other.jsonl",
    }
    write_documents(paths["gold"], [gold])
    write_documents(paths["pred"], [pred])
    write_documents(paths["other"], [gold])
    return paths


def test_evaluate_cli_prints_a_table(files):
    result = runner.invoke(
        app, ["evaluate", "--gold", str(files["gold"]), "--pred", str(files["pred"]), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "QUOTE" in result.output
    assert "direct" in result.output
    assert "CLAIM" not in result.stdout  # not annotated in the gold: not scored


def test_evaluate_cli_table_is_whole_in_a_pipe(files):
    """A log or pipe gets every column: rich's 80-column default had cut figures to "0.…"."""
    result = runner.invoke(
        app, ["evaluate", "--gold", str(files["gold"]), "--pred", str(files["pred"]), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    header = next(line for line in result.stdout.splitlines() if "exact F1" in line)
    for column in ("gold", "pred", "char F1", "speaker", "canonical", "cue"):
        assert column in header


def test_evaluate_cli_json_has_the_figures(files):
    args = ["evaluate", "--gold", str(files["gold"]), "--pred", str(files["pred"]), "--json", "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (ev,) = json.loads(result.stdout)["evaluations"]
    rows = {row["key"]: row for row in ev["rows"]}
    assert rows["QUOTE"]["overlap"]["recall"] == 0.5  # 1 of 2 gold quotes
    assert rows["QUOTE"]["overlap"]["precision"] == 1.0
    assert rows["QUOTE kind=direct"]["overlap"]["f1"] == 1.0


def test_evaluate_cli_several_systems_one_column_each(files):
    args = [
        "evaluate",
        "--gold",
        str(files["gold"]),
        "--pred",
        str(files["pred"]),
        "--pred",
        str(files["other"]),
    ]
    result = runner.invoke(app, [*args, "-q"])
    assert result.exit_code == 0, result.output
    assert "pred" in result.output and "other" in result.output
    result = runner.invoke(app, [*args, "--json", "-q"])
    systems = [ev["system"] for ev in json.loads(result.stdout)["evaluations"]]
    assert systems == ["pred", "other"]


def test_evaluate_cli_writes_a_self_contained_html_report(files, tmp_path):
    report = tmp_path / "out" / "report.html"
    args = [
        "evaluate",
        "--gold",
        str(files["gold"]),
        "--pred",
        str(files["pred"]),
        "--html",
        str(report),
        "-q",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") >= 2  # a chart per scored row
    assert "taxes rose last year" in page  # the missed quote, listed under the worst document
    assert "href='#s0-doc1'" in page and "id='s0-doc1'" in page
    assert "<script" not in page and "http" not in page


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (
            lambda f: ["--gold", str(f["gold"].with_name("missing.jsonl")), "--pred", str(f["pred"])],
            "missing.jsonl",
        ),
        (lambda f: ["--gold", str(f["gold"])], "nothing to evaluate"),
        (
            lambda f: ["--gold", str(f["gold"]), "--pred", str(f["pred"]), "--threshold", "2"],
            "between 0 and 1",
        ),
        (lambda f: ["--gold", str(f["gold"]), "--system", "textacy"], "unknown system 'textacy'"),
        (lambda f: ["--gold", str(f["gold"].parent), "--pred", str(f["pred"])], "data/documents"),
        (
            lambda f: ["--gold", str(f["gold"]), "--pred", str(f["pred"]), "--html", str(f["gold"].parent)],
            "directory",
        ),
    ],
)
def test_evaluate_cli_bad_input_is_one_clear_line(files, make_args, message):
    result = runner.invoke(app, ["evaluate", *make_args(files), "-q"])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_evaluate_cli_predictions_for_other_documents(files, tmp_path, doc_builder):
    stranger = tmp_path / "stranger.jsonl"
    write_documents(stranger, [doc_builder("Another text entirely.", [], id="doc2")])
    result = runner.invoke(app, ["evaluate", "--gold", str(files["gold"]), "--pred", str(stranger), "-q"])
    assert result.exit_code == 1
    assert "none of its records has the id of a gold document" in result.output


def test_evaluate_cli_reads_an_exported_dataset_version(files, tmp_path):
    schema = get_schema()
    version = tmp_path / "exports" / "news" / "v1.0.0"
    (version / "data" / "documents").mkdir(parents=True)
    start = TEXT.index("We will")
    spans = [
        {"id": "q1", "start": start, "end": start + 30, "label": schema.span_labels.index("QUOTE"),
         "text": TEXT[start : start + 30], "kind": schema.choice_values("QUOTE", "kind").index("direct")},
    ]  # fmt: skip
    table = pa.Table.from_pylist(
        [
            {
                "id": "doc1",
                "source": "",
                "text": TEXT,
                "spans": spans,
                "relations": [],
                "meta": "{}",
                "provenance": "{}",
            }
        ]
    )
    pq.write_table(table, version / "data" / "documents" / "test-00000-of-00001.parquet")
    args = ["evaluate", "--gold", str(version), "--pred", str(files["pred"]), "--json", "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.stdout)["evaluations"][0]["rows"]}
    assert rows["QUOTE kind=direct"]["exact"]["f1"] == 1.0


def test_evaluate_cli_runs_the_builtin_system(files):
    """The real pre-annotator on the gold text: it must find the direct quote."""
    args = ["evaluate", "--gold", str(files["gold"]), "--system", "spacy", "--json", "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (ev,) = json.loads(result.stdout)["evaluations"]
    rows = {row["key"]: row for row in ev["rows"]}
    assert ev["system"] == "spacy"
    assert rows["QUOTE kind=direct"]["overlap"]["recall"] == 1.0


def test_evaluate_cli_html_escapes_document_text(tmp_path, doc_builder):
    text = 'Eve said "<script>alert(1)</script> is fine" today.'
    gold = doc_builder(
        text, [{"label": "QUOTE", "text": "<script>alert(1)</script> is fine", "attrs": {"kind": "direct"}}]
    )
    gold_path, pred_path, report = tmp_path / "g.jsonl", tmp_path / "p.jsonl", tmp_path / "r.html"
    write_documents(gold_path, [gold])
    write_documents(pred_path, [doc_builder(text, [], id=gold.id)])
    args = ["evaluate", "--gold", str(gold_path), "--pred", str(pred_path), "--html", str(report), "-q"]
    assert runner.invoke(app, args).exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is fine" in page
    assert "<script" not in page
