"""The label schema is one value passed through every command and shipped with the data: a label added
to a copy of the schema goes ingest -> annotate -> push -> pull -> export -> evaluate without a code
change, against a real Label Studio server."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import read_documents
from curation.schema import SCHEMA_FILE, SCHEMA_PATH, load_schema
from curation.studio.config import LABELS_NAME, TEXT_NAME
from curation.studio.connection import client

runner = CliRunner()
TEXT = "“We will win the vote,” said Ana Silva.\nThe storm hit Lisbon on Monday and closed the port.\n"
EVENT = "The storm hit Lisbon"
EXTRA_LABEL = """  EVENT:
    description: Something that happened, as the text reports it.
    color: "#9467bd"
    hotkey: e
"""


def _schema_with_event(tmp_path: Path) -> Path:
    """A copy of the packaged schema with one more span label, appended at the end of `spans`."""
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    head, relations = text.split("\nrelations:\n", 1)
    copy = tmp_path / "labels.yaml"
    layer = "  events:\n    description: What happened.\n    labels: [EVENT]\n"  # every label has a layer
    copy.write_text(f"{head}\n{EXTRA_LABEL}relations:\n{relations.rstrip()}\n{layer}", encoding="utf-8")
    return copy


def _ok(args: list[str], env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_schema_an_added_label_travels_from_ingest_to_evaluate(studio, tmp_path: Path) -> None:
    schema_file = _schema_with_event(tmp_path)
    assert "EVENT" in load_schema(schema_file).span_labels
    env = {"LABEL_STUDIO_URL": studio.url, "LABEL_STUDIO_API_KEY": studio.token}
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    docs, pre, gold = tmp_path / "docs.jsonl", tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    schema = ["--schema", str(schema_file)]

    _ok(["ingest", str(article), "-o", str(docs), "-q", *schema])
    _ok(["annotate", str(docs), "-o", str(pre), "-q", *schema])
    _ok(["push", str(pre), "--project", "schema-travels", "--layer", "all", "-q", *schema], env)

    # An annotator accepts the predictions and marks one EVENT (a label only the copy has).
    ls = client(studio.conn)
    [project] = [p for p in ls.projects.list() if p.title == "schema-travels"]
    assert 'value="EVENT"' in (ls.projects.get(project.id).label_config or "")
    [task] = [t.model_dump() for t in ls.tasks.list(project=project.id, fields="all")]
    start = TEXT.index(EVENT)
    event = {
        "id": "event-1",
        "from_name": LABELS_NAME,
        "to_name": TEXT_NAME,
        "type": "labels",
        "value": {"start": start, "end": start + len(EVENT), "text": EVENT, "labels": ["EVENT"]},
    }
    ls.annotations.create(task["id"], result=[*task["predictions"][0]["result"], event])

    refused = runner.invoke(app, ["pull", "--project", "schema-travels", "-o", str(gold), "-q"], env=env)
    assert refused.exit_code == 1 and "EVENT" in refused.output  # the packaged schema has no EVENT
    _ok(["pull", "--project", "schema-travels", "-o", str(gold), "-q", *schema], env)
    [record] = read_documents(gold, load_schema(schema_file))
    assert (EVENT, "EVENT") in [(s.text, s.label) for s in record.spans]

    exports = tmp_path / "exports"
    _ok(["export", str(gold), "--name", "events", "--out", str(exports), "-q", *schema])
    version = exports / "events" / "v0.1.0"
    assert load_schema(version / SCHEMA_FILE) == load_schema(schema_file)  # shipped beside the manifest
    manifest = json.loads((version / "manifest.json").read_text())
    assert SCHEMA_FILE in manifest["files"]

    # Read back with the schema it shipped: no --schema here, and the packaged schema has no EVENT.
    report = json.loads(_ok(["evaluate", "--gold", str(version), "--pred", str(gold), "--json", "-q"]))
    [evaluation] = report["evaluations"]
    assert '"label": "EVENT"' in json.dumps(evaluation)  # scored like any other label
