"""Label Studio's real editor shows what push sent: each predicted region highlights exactly its span text."""

from __future__ import annotations

from curation.records import Relation, Span


def pushed_document(push_predicted, project: str, text: str, marks: list[tuple[str, str, dict]]):
    """Push one document with spans `marks` (label, fragment, attrs); returns (doc, project id, task id)."""
    spans = []
    for label, fragment, attrs in marks:
        start = text.index(fragment)
        spans.append(Span.at(text, label, start, start + len(fragment), attrs=attrs, score=0.9))
    by_label = {s.label: s.id for s in spans}
    relations = [Relation(head=by_label["QUOTE"], tail=by_label["SPEAKER"], label="speaker")]
    return push_predicted(project, text, spans, relations)


def test_browser_editor_draws_each_predicted_region_over_its_span_text(push_predicted, editor) -> None:
    text = 'The minister said: "Prices will fall next year." Analysts doubted it.'
    marks = [
        ("SPEAKER", "The minister", {"canonical": "minister"}),
        ("CUE", "said", {}),
        ("QUOTE", "Prices will fall next year.", {"kind": "direct"}),
    ]
    doc, project_id, task_id = pushed_document(push_predicted, "browser-ascii", text, marks)

    editor.open_task(project_id, task_id)

    assert editor.text() == text
    assert editor.highlights() == {span.id: span.text for span in doc.spans}
