"""Decision units, their view and their labeling config: pure functions, no server."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from curation.records import Document, Relation, Span, content_id
from curation.schema import get_schema
from curation.studio.decision_units import (
    CHOICE_NAME,
    CHOICES,
    HTML,
    PREDICTED,
    UNIT,
    context_blocks,
    decision_of,
    decisions_config,
    head_labels,
    render,
    unit_task,
    units,
)


def _doc(text: str, spans: list[Span], relations: list[tuple[str, str, str]]) -> Document:
    return Document(
        id=content_id(text),
        text=text,
        spans=spans,
        relations=[Relation(head=h, tail=t, label=label) for h, t, label in relations],
        provenance={"model_version": "m1", "reviewed": False},
    )


def _at(text: str, label: str, fragment: str, score: float = 0.8, **extra: object) -> Span:
    start = text.index(fragment)
    return Span.at(text, label, start, start + len(fragment), score=score, **extra)


TEXT = (
    "Headline about a vote\n"
    "“The vote passed,” Ada said, “and we are glad.” Bob said the count was late.\n"
    "No quote in this line at all.\n"
    "Cy argued that <b>tags</b> & marks are text."
)


def _seeded() -> Document:
    t = TEXT
    ada, said_a = _at(t, "SPEAKER", "Ada", 0.9), _at(t, "CUE", "said", 0.9)
    q1 = _at(t, "QUOTE", "The vote passed,", 0.7, group="g1")
    q1b = _at(t, "QUOTE", "and we are glad.", 0.6, group="g1")
    bob = _at(t, "SPEAKER", "Bob", 0.5)
    said_b = Span.at(t, "CUE", t.index("said the count"), t.index("said the count") + 4, score=0.5)
    q2 = _at(t, "QUOTE", "the count was late", 0.4)
    cy, q3 = _at(t, "SPEAKER", "Cy", 0.8), _at(t, "QUOTE", "<b>tags</b> & marks are text", 0.8)
    spans = [ada, said_a, q1, q1b, bob, said_b, q2, cy, q3]
    relations = [
        (q1.id, ada.id, "speaker"),
        (q1b.id, ada.id, "speaker"),
        (q1.id, said_a.id, "cue"),
        (q2.id, bob.id, "speaker"),
        (q2.id, said_b.id, "cue"),
        (q3.id, cy.id, "speaker"),
    ]
    return _doc(t, spans, relations)


def test_decision_units_one_per_quote_and_a_split_quote_is_one_unit() -> None:
    doc = _seeded()
    found = units(doc, ["QUOTE"])
    assert [[s.text for s in u.heads] for u in found] == [
        ["The vote passed,", "and we are glad."],
        ["the count was late"],
        ["<b>tags</b> & marks are text"],
    ]
    assert [sorted(s.label for s in u.linked) for u in found] == [
        ["CUE", "SPEAKER"],
        ["CUE", "SPEAKER"],
        ["SPEAKER"],
    ]
    assert [len(u.relations) for u in found] == [3, 2, 1]
    assert [u.doubt for u in found] == [0.6, 0.4, 0.8]
    assert [(u.index, u.total) for u in found] == [(1, 3), (2, 3), (3, 3)]
    assert len({u.key for u in found}) == 3


def test_decision_head_labels_come_from_the_schema_relations() -> None:
    schema = get_schema()
    assert head_labels(schema) == [
        label for label in schema.span_labels if any(label in r.from_ for r in schema.relations.values())
    ]
    assert head_labels(schema, ["QUOTE", "SPEAKER"]) == ["QUOTE"]


def test_decision_context_is_the_paragraph_and_distant_lines_stay_apart() -> None:
    doc = _seeded()
    first, _, third = units(doc, ["QUOTE"])
    [(start, end)] = context_blocks(doc.text, first.spans)
    assert doc.text[start:end].startswith("“The vote passed,”") and doc.text[start:end].endswith("was late.")
    far = Span.at(doc.text, "SPEAKER", 0, 8)  # a speaker in the headline, two lines above the quote
    blocks = context_blocks(doc.text, (*third.heads, far))
    assert [doc.text[a:b] for a, b in blocks] == ["Headline about a vote", doc.text.splitlines()[3]]


def test_decision_context_trims_a_long_paragraph_around_the_unit() -> None:
    text = "word " * 600 + "Ada said “yes it is” and " + "more " * 600
    quote = _at(text, "QUOTE", "yes it is")
    [(start, end)] = context_blocks(text, (quote,))
    assert start > 0 and end < len(text) and end - start < 700
    assert "yes it is" in text[start:end] and text[start:end].startswith("word")


def test_decision_view_escapes_text_and_colours_from_schema() -> None:
    doc, schema = _seeded(), get_schema()
    third = units(doc, ["QUOTE"])[2]
    html = render(doc, third, schema)
    assert "<b>tags</b>" not in html and "&lt;b&gt;tags&lt;/b&gt; &amp; marks are text" in html
    assert schema.spans["QUOTE"].color in html and schema.spans["SPEAKER"].color in html
    assert "<b>cue</b>: <i>none predicted</i>" in html  # nothing silent: a missing cue is said


def test_decision_task_carries_what_pull_needs() -> None:
    doc = _seeded()
    unit = units(doc, ["QUOTE"])[0]
    data = unit_task(doc, unit, get_schema(), "m1")["data"]
    assert data[UNIT] == unit.key and data["doc_id"] == doc.id and data["text"] == doc.text
    assert data[PREDICTED]["heads"] == [s.id for s in unit.heads]
    assert {s["id"] for s in data[PREDICTED]["spans"]} == {s.id for s in unit.spans}
    assert data[PREDICTED]["model_version"] == "m1" and data[HTML].startswith("<div")


def test_decision_config_has_every_choice_with_its_hotkey_and_is_valid() -> None:
    from label_studio_sdk.label_interface import LabelInterface

    config = decisions_config(get_schema())
    root = ET.fromstring(config)
    choices = {c.get("value"): c.get("hotkey") for c in root.iter("Choice")}
    assert choices == {c.value: c.hotkey for c in CHOICES}
    assert len(set(choices.values())) == len(CHOICES)
    interface = LabelInterface(config)
    assert set(interface.get_control(CHOICE_NAME).labels) == set(choices)
    assert root.find("HyperText") is not None and root.find("Labels") is None  # nothing to redraw


def test_decision_of_reads_the_answer() -> None:
    item = {
        "from_name": CHOICE_NAME,
        "to_name": "context",
        "type": "choices",
        "value": {"choices": ["reject"]},
    }
    assert decision_of([item]) == "reject"
    assert decision_of([]) is None
