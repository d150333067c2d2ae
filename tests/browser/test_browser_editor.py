"""Label Studio's real editor shows what push sent: each predicted region highlights exactly its span text."""

from __future__ import annotations

from pathlib import Path

from curation.jsonl import write_documents
from curation.records import Document, Relation, Span, content_id
from curation.studio.push import push
from curation.studio.tasks import task_ids


def pushed_document(studio, tmp_path: Path, project: str, text: str, marks: list[tuple[str, str, dict]]):
    """Push one document with spans `marks` (label, fragment, attrs); returns (doc, project id, task id)."""
    spans = []
    for label, fragment, attrs in marks:
        start = text.index(fragment)
        spans.append(Span.at(text, label, start, start + len(fragment), attrs=attrs, score=0.9))
    by_label = {s.label: s.id for s in spans}
    relations = [Relation(head=by_label["QUOTE"], tail=by_label["SPEAKER"], label="speaker")]
    doc = Document(
        id=content_id(text),
        source="browser-test",
        text=text,
        spans=spans,
        relations=relations,
        provenance={"model": "test", "model_version": "browser-1", "reviewed": False},
    )
    path = tmp_path / "pre.jsonl"
    write_documents(path, [doc])
    report = push(studio.conn, path, project)
    (task_id,) = task_ids(studio.conn, report.project_id)
    return doc, report.project_id, task_id


def test_browser_editor_draws_each_predicted_region_over_its_span_text(studio, editor, tmp_path) -> None:
    text = 'The minister said: "Prices will fall next year." Analysts doubted it.'
    marks = [
        ("SPEAKER", "The minister", {"canonical": "minister"}),
        ("CUE", "said", {}),
        ("QUOTE", "Prices will fall next year.", {"kind": "direct"}),
    ]
    doc, project_id, task_id = pushed_document(studio, tmp_path, "browser-ascii", text, marks)

    editor.open_task(project_id, task_id)

    assert editor.text() == text
    assert editor.highlights() == {span.id: span.text for span in doc.spans}
