"""One parsed .ann over its text -> one gold record (spans, split-quote groups, relations).

A quote split by its attribution (brat's discontinuous "s1 e1;s2 e2") becomes several spans sharing the
field `group` (the event id), so an evaluation can count one split quote once (see
curation.evaluate.matching).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticValidationError

from curation.errors import InputError
from curation.ingest.brat.mapping import BratMapping
from curation.ingest.brat.marks import split_content, strip_spaces
from curation.ingest.brat.standoff import AnnFile, TextBound, base_role
from curation.records import Document, Provenance, Relation, Span, content_id, span_id
from curation.schema import LabelSchema


class _Builder:
    """Collects spans and relations for one document, reusing a span when two T lines coincide."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[str, Span] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}

    def span(self, label: str, start: int, end: int, attrs: dict[str, Any], **extra: Any) -> str:
        sid = span_id(label, start, end)
        if sid not in self.spans:
            self.spans[sid] = Span.at(self.text, label, start, end, attrs, **extra)
        return sid

    def relate(self, head: str, tail: str, label: str) -> None:
        self.relations.setdefault((head, tail, label), Relation(head=head, tail=tail, label=label))


def build_document(
    text: str,
    ann: AnnFile,
    mapping: BratMapping,
    *,
    source: str,
    annotator: str,
    name: str,
    ann_file: str,
    schema: LabelSchema | None = None,
) -> Document:
    """Turn one parsed .ann over its text into a gold Document (see the module docstring)."""
    build = _Builder(text)
    group_of: dict[str, str] = {}  # content T id -> event id
    for event in ann.events:
        rule = mapping.events.get(event.type)
        if rule is None:
            continue
        for role, tid in event.args:
            if base_role(role) in rule.heads:
                group_of.setdefault(tid, event.eid)
    span_ids: dict[str, list[str]] = {}
    for tb in ann.textbounds.values():
        if tb.label in mapping.ignore:
            continue
        label = mapping.spans.get(tb.label)
        if label is None:
            raise InputError(
                f"{ann_file}:{tb.lineno}: brat label {tb.label!r} is not in the mapping {mapping.name!r}; "
                "add it under spans or ignore"
            )
        span_ids[tb.tid] = _segment_spans(build, tb, label, mapping, group_of.get(tb.tid, tb.tid))
    for event in ann.events:
        rule = mapping.events.get(event.type)
        if rule is None:
            if event.type in mapping.ignore:
                continue
            raise InputError(
                f"{ann_file}:{event.lineno}: brat event type {event.type!r} is not in the mapping "
                f"{mapping.name!r}; add it under events or ignore"
            )
        heads = [tid for role, tid in event.args if base_role(role) in rule.heads]
        for role, tid in event.args:
            relation = rule.relations.get(base_role(role))
            if relation is None:
                continue
            for head in heads:
                for head_sid in span_ids.get(head, []):
                    for tail_sid in span_ids.get(tid, []):
                        build.relate(head_sid, tail_sid, relation)
    spans = sorted(build.spans.values(), key=lambda s: (s.start, s.end, s.label))
    try:
        return _document(text, spans, build, mapping, source, annotator, name, ann_file, schema)
    except PydanticValidationError as exc:
        problem = "; ".join(str(e["msg"]) for e in exc.errors())
        raise InputError(f"{ann_file}: not a valid record under the label schema: {problem}") from None


def _document(
    text: str,
    spans: list[Span],
    build: _Builder,
    mapping: BratMapping,
    source: str,
    annotator: str,
    name: str,
    ann_file: str,
    schema: LabelSchema | None,
) -> Document:
    provenance = Provenance(
        source="brat", corpus=mapping.name, file=ann_file, annotator=annotator, reviewed=True
    )
    return Document.checked(
        {
            "id": content_id(text),
            "source": source,
            "text": text,
            "meta": {"name": name},
            "spans": spans,
            "relations": list(build.relations.values()),
            "provenance": provenance,
        },
        schema,
    )


def _segment_spans(build: _Builder, tb: TextBound, label: str, mapping: BratMapping, group: str) -> list[str]:
    """The span ids one T line becomes: one per segment; quotes classified and split by their marks.

    A split quote has one kind for all its segments: quoted when every segment is wholly quoted (then
    the marks are dropped), unquoted when none has marks, otherwise partly quoted (segments kept whole).
    """
    quote = mapping.quote
    if quote is None or label != quote.label:
        stripped = [strip_spaces(build.text, start, end) for start, end in tb.segments]
        return [build.span(label, s, e, {}, brat=tb.tid) for s, e in stripped if e > s]
    classified = [split_content(build.text, start, end) for start, end in tb.segments]
    classes = {cls for cls, _ in classified}
    if len(classes) == 1:
        kind = classes.pop()
        pieces = [piece for _, segment_pieces in classified for piece in segment_pieces]
    else:
        kind = "partly_quoted"
        pieces = [strip_spaces(build.text, start, end) for start, end in tb.segments]
    attrs = {quote.kind_attr: quote.kinds[kind]}
    return [build.span(label, s, e, dict(attrs), group=group, brat=tb.tid) for s, e in pieces if e > s]
