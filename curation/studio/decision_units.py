"""Decision units: one predicted quote (or claim) with what it links to, shown for accept / reject.

Prodigy's binary interfaces are the model: one small question at a time, answered with one key. A
unit is a head span (a QUOTE, or every segment of a split quote's group) with the spans its relations
point to (its SPEAKER and CUE) and those relations. The annotator sees the paragraph around it as
HTML, coloured from the label schema, and answers with one of `CHOICES`.

Pure functions over records: the task and the labeling config are built here, push and pull live in
curation.studio.decisions. Every task carries its document's text and the unit's predicted spans, so
pull rebuilds gold records from the server alone (no pre-annotation file needed).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Literal
from xml.etree import ElementTree as ET

from curation.records import Document, Relation, Span
from curation.schema import LabelSchema
from curation.studio.convert import UNIT, task_data

VIEW_NAME = "context"  # the HyperText object showing the unit
CHOICE_NAME = "decision"  # the Choices control holding the answer
HTML = "html"  # task data: the rendered unit
PREDICTED = "predicted"  # task data: the unit's spans and relations as predicted, and the model version

Outcome = Literal["gold", "removed", "editor"]


@dataclass(frozen=True)
class Choice:
    """One answer: its value in the annotation, its key, what it means and what pull does with it."""

    value: str
    hotkey: str
    meaning: str
    outcome: Outcome


# Prodigy's keys where they exist (a = accept, x = reject); the two "wrong" answers send the document
# to the full editor, where the annotator fixes the span or the speaker by hand.
CHOICES: tuple[Choice, ...] = (
    Choice("accept", "a", "the highlighted span, its attributes and every linked span are right", "gold"),
    Choice("reject", "x", "wrong altogether (not a quote, not a claim)", "removed"),
    Choice("wrong speaker", "s", "a quote, but its speaker (or the missing speaker) is wrong", "editor"),
    Choice("wrong span", "w", "a quote, but its span, attributes or cue are wrong", "editor"),
)
OUTCOMES: dict[str, Outcome] = {c.value: c.outcome for c in CHOICES}

MAX_BLOCK = 1500  # characters of one context block before it is trimmed around the unit
MARGIN = 300  # characters kept either side of the unit when a block is trimmed


@dataclass(frozen=True)
class Unit:
    """One decision: head spans (a quote's segments), the spans they link to, those relations."""

    doc_id: str
    heads: tuple[Span, ...]
    linked: tuple[Span, ...]
    relations: tuple[Relation, ...]
    index: int  # 1-based position among the document's units
    total: int

    @property
    def key(self) -> str:
        return unit_key(self.doc_id, self.heads[0].id)

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.heads + self.linked

    @property
    def doubt(self) -> float:
        """The lowest score of its spans (1.0 with none): push sends the most doubtful first."""
        return min((s.score for s in self.spans if s.score is not None), default=1.0)


def unit_key(doc_id: str, head_id: str) -> str:
    return f"{doc_id}:{head_id}"


def head_labels(schema: LabelSchema, labels: list[str] | None = None) -> list[str]:
    """The labels a decision is about: those that start a relation (QUOTE, CLAIM), within `labels`."""
    starts = {label for rel in schema.relations.values() for label in rel.from_}
    return [label for label in (labels or schema.span_labels) if label in starts]


def units(doc: Document, heads: list[str]) -> list[Unit]:
    """The document's decision units in text order: one per head span, split-quote groups as one."""
    by_id = doc.spans_by_id()
    groups: dict[str, list[Span]] = {}
    for span in sorted(doc.spans, key=lambda s: (s.start, s.end)):
        if span.label in heads:
            group = span.group or span.id
            groups.setdefault(f"{span.label}:{group}", []).append(span)
    found: list[tuple[tuple[Span, ...], tuple[Span, ...], tuple[Relation, ...]]] = []
    for members in groups.values():
        ids = {s.id for s in members}
        relations = tuple(r for r in doc.relations if r.head in ids and r.tail in by_id)
        linked: dict[str, Span] = {}
        for rel in relations:
            if rel.tail not in ids:
                linked.setdefault(rel.tail, by_id[rel.tail])
        found.append((tuple(members), tuple(linked.values()), relations))
    return [
        Unit(doc.id, heads_, linked_, relations, index, len(found))
        for index, (heads_, linked_, relations) in enumerate(found, start=1)
    ]


def context_blocks(text: str, spans: tuple[Span, ...]) -> list[tuple[int, int]]:
    """The stretches of text shown: the lines (paragraphs) holding the spans, trimmed when long.

    Lines next to each other merge into one block; distant ones (a speaker named paragraphs
    earlier) stay separate blocks, shown with an ellipsis between them.
    """
    lines = sorted({_line(text, s.start, s.end) for s in spans})
    blocks: list[tuple[int, int]] = []
    for start, end in lines:
        if blocks and start <= blocks[-1][1] + 1:
            blocks[-1] = (blocks[-1][0], max(end, blocks[-1][1]))
        else:
            blocks.append((start, end))
    return [_trim(text, block, spans) for block in blocks]


def _line(text: str, start: int, end: int) -> tuple[int, int]:
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last < 0 else last


def _trim(text: str, block: tuple[int, int], spans: tuple[Span, ...]) -> tuple[int, int]:
    start, end = block
    if end - start <= MAX_BLOCK:
        return block
    inside = [s for s in spans if start <= s.start and s.end <= end]
    lo = max(start, min(s.start for s in inside) - MARGIN)
    hi = min(end, max(s.end for s in inside) + MARGIN)
    if lo > start:  # start on a word
        space = text.find(" ", lo, min(s.start for s in inside))
        lo = space + 1 if space >= 0 else lo
    if hi < end:
        space = text.rfind(" ", max(s.end for s in inside), hi)
        hi = space if space >= 0 else hi
    return lo, hi


def render(doc: Document, unit: Unit, schema: LabelSchema) -> str:
    """The unit as HTML: a one-line summary, then the context with each span in its schema colour.

    Everything from the document is escaped; colours and names come from the schema.
    """
    blocks = context_blocks(doc.text, unit.spans)
    parts = ['<div style="font-size:16px;line-height:1.8;max-width:60em">']
    parts.append(_summary(doc, unit, schema))
    for n, (start, end) in enumerate(blocks):
        before = "… " if start > 0 and (n > 0 or doc.text[start - 1] != "\n") else ""
        after = " …" if end < len(doc.text) and doc.text[end] != "\n" else ""
        parts.append(
            f'<p style="margin:0.6em 0">{before}{_marked(doc.text, start, end, unit, schema)}{after}</p>'
        )
        if n + 1 < len(blocks):
            parts.append('<p style="margin:0;color:#888">[…]</p>')
    parts.append("</div>")
    return "".join(parts)


def _summary(doc: Document, unit: Unit, schema: LabelSchema) -> str:
    head = unit.heads[0]
    attrs = ", ".join(f"{k}: {v}" for k, v in head.attrs.items() if v not in (None, ""))
    score = f"score {unit.doubt:.2f}" if any(s.score is not None for s in unit.spans) else ""
    where = " · ".join(
        html.escape(x) for x in (f"{head.label} {unit.index} of {unit.total}", doc.source, attrs, score) if x
    )
    lines = [f'<div style="color:#555;font-size:13px">{where}</div>']
    present = {(r.label) for r in unit.relations}
    by_id = {s.id: s for s in unit.linked}
    for name, rel in schema.relations.items():
        if head.label not in rel.from_:
            continue
        tails = [by_id[r.tail] for r in unit.relations if r.label == name and r.tail in by_id]
        if name not in present or not tails:
            lines.append(f"<div><b>{html.escape(name)}</b>: <i>none predicted</i></div>")
            continue
        for tail in tails:
            extra = "; ".join(f"{k}: {v}" for k, v in tail.attrs.items() if v not in (None, ""))
            described = f"{_badge(tail.label, schema)} {html.escape(tail.text)}"
            if extra:
                described += f' <span style="color:#555">({html.escape(extra)})</span>'
            lines.append(f"<div><b>{html.escape(name)}</b>: {described}</div>")
    return "".join(lines)


def _marked(text: str, start: int, end: int, unit: Unit, schema: LabelSchema) -> str:
    """text[start:end] with the unit's spans coloured; the shortest covering span sets the colour."""
    spans = [s for s in unit.spans if s.start < end and s.end > start]
    cuts = sorted({start, end} | {max(start, min(end, p)) for s in spans for p in (s.start, s.end)})
    heads = {s.id for s in unit.heads}
    out: list[str] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s.start <= lo and hi <= s.end]
        piece = html.escape(text[lo:hi])
        if covering:
            inner = min(covering, key=lambda s: s.end - s.start)
            color = schema.spans[inner.label].color
            style = f"background:{color}{'30' if inner.id in heads else '66'};padding:2px 0"
            if inner.id not in heads:
                style += ";font-weight:600"
            if any(s.id in heads for s in covering):
                head_color = schema.spans[unit.heads[0].label].color
                style += f";border-bottom:2px solid {head_color}"
            piece = f'<span style="{style}">{piece}</span>'
        out.append(piece)
        out.extend(_badge(s.label, schema) for s in spans if s.end == hi)
    return "".join(out)


def _badge(label: str, schema: LabelSchema) -> str:
    color = schema.spans[label].color
    return (
        f'<span style="font-size:11px;font-weight:600;color:#fff;background:{color};border-radius:3px;'
        f'padding:0 4px;margin:0 3px;vertical-align:middle">{html.escape(label)}</span>'
    )


def unit_task(doc: Document, unit: Unit, schema: LabelSchema, model_version: str) -> dict[str, Any]:
    """The Label Studio task of one unit: its view, and what pull needs to rebuild the record."""
    return {
        "data": {
            **task_data(doc),
            UNIT: unit.key,
            HTML: render(doc, unit, schema),
            PREDICTED: {
                "heads": [s.id for s in unit.heads],
                "spans": [s.model_dump() for s in unit.spans],
                "relations": [r.model_dump() for r in unit.relations],
                "model_version": model_version,
                "index": unit.index,
                "total": unit.total,
            },
        }
    }


def decisions_config(schema: LabelSchema) -> str:
    """The labeling config of a decisions project: the rendered unit and the answers, with hotkeys."""
    view = ET.Element("View")
    keys = ", ".join(f"{c.hotkey} = {c.value}" for c in CHOICES)
    ET.SubElement(view, "Header", value=f"Is the highlighted prediction right? Keys: {keys}", size="5")
    ET.SubElement(
        view, "HyperText", name=VIEW_NAME, value=f"${HTML}", inline="true", selectionEnabled="false"
    )
    choices = ET.SubElement(
        view,
        "Choices",
        name=CHOICE_NAME,
        toName=VIEW_NAME,
        choice="single-radio",
        showInline="true",
        required="true",
        requiredMessage="Choose accept, reject, wrong speaker or wrong span before submitting.",
    )
    for c in CHOICES:
        ET.SubElement(choices, "Choice", value=c.value, hotkey=c.hotkey, hint=c.meaning)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode")


def decisions_instructions(schema: LabelSchema) -> str:
    """What each answer means and does, and the keys, for the project's instructions."""
    parts = [
        f"<h3>{html.escape(schema.name)} {html.escape(schema.version)}: one decision per prediction</h3>",
        "<p>Each task shows one predicted span and what it links to, in the paragraph around it. "
        "Press a key, then Ctrl+Enter (or Submit). Skip only when you cannot tell; skipped tasks stay "
        "undecided.</p><ul>",
    ]
    for c in CHOICES:
        then = {
            "gold": "kept as reviewed gold",
            "removed": "removed from the gold record",
            "editor": "the document goes to the full editor",
        }[c.outcome]
        parts.append(
            f"<li><b>{html.escape(c.value)}</b> (key {html.escape(c.hotkey)}): "
            f"{html.escape(c.meaning)}; {then}.</li>"
        )
    parts.append("</ul><p>The labels, each in its colour in the task:</p><ul>")
    for label, spec in schema.spans.items():
        described = html.escape(" ".join(spec.description.split()))
        parts.append(f"<li><b>{html.escape(label)}</b>: {described}</li>")
    parts.append("</ul>")
    return "".join(parts)


def decision_of(result: list[dict[str, Any]]) -> str | None:
    """The answer in one annotation's result (None when it holds no answer of ours)."""
    for item in result:
        if item.get("from_name") == CHOICE_NAME:
            chosen = (item.get("value") or {}).get("choices") or []
            if chosen:
                return str(chosen[0])
    return None
