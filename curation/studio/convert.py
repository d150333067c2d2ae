"""Document records <-> Label Studio task data, prediction results and annotation results.

Pure functions over plain dicts, so they are tested without a server. Offsets leave as UTF-16 units
and come back as code points (curation.studio.offsets). On the way back every region is checked
against the task text; a mismatch is an error naming the task and region, never a silent shift.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticValidationError

from curation.errors import ValidationError
from curation.layers import layer_view
from curation.records import Document, Provenance, Relation, Span, text_hash
from curation.schema import ALL_LAYER, LabelSchema
from curation.studio.config import LABELS_NAME, TEXT_NAME, AttrControl, attr_controls, relation_labels
from curation.studio.offsets import OffsetMap

DOC_ID = "doc_id"
TEXT_HASH = "text_hash"
RECORD = "record"  # the rest of the document (source, meta, removed), carried so nothing is lost


def task_data(doc: Document) -> dict[str, Any]:
    """The task's data: the text, the document id and the hash push and pull check the text against."""
    return {
        TEXT_NAME: doc.text,
        DOC_ID: doc.id,
        TEXT_HASH: text_hash(doc.text),
        RECORD: {"source": doc.source, "meta": doc.meta, "removed": [r.model_dump() for r in doc.removed]},
    }


def doubt(doc: Document) -> float:
    """How doubtful the pre-annotation is: its lowest span score (1.0 with no scored span)."""
    scores = [s.score for s in doc.spans if s.score is not None]
    return min(scores, default=1.0)


def prediction(
    doc: Document, schema: LabelSchema, model_version: str, layer: str = ALL_LAYER
) -> dict[str, Any]:
    """One Label Studio prediction for one layer (default: every label): a region per span the layer
    shows, its attributes, and the layer's relations (without a label when the layer's config has none:
    then the label follows from the two ends, and no tag is drawn over the text)."""
    doc = layer_view(doc, schema, layer)
    offsets = OffsetMap(doc.text)
    controls = {(c.label, c.attr): c for c in attr_controls(schema, layer)}
    labelled = bool(relation_labels(schema, layer))
    result: list[dict[str, Any]] = []
    for span in doc.spans:
        where = {"start": offsets.to_utf16(span.start), "end": offsets.to_utf16(span.end)}
        region: dict[str, Any] = {
            "id": span.id,
            "from_name": LABELS_NAME,
            "to_name": TEXT_NAME,
            "type": "labels",
            "value": {**where, "text": span.text, "labels": [span.label]},
        }
        if span.score is not None:
            region["score"] = span.score
        if span.rule:  # shown to the annotator as the region's meta: why the model proposed it
            region["meta"] = {"text": [f"rule: {span.rule}"]}
        result.append(region)
        for attr, value in span.attrs.items():
            control = controls.get((span.label, attr))
            if control is None or value is None or value == "":
                continue
            key = "choices" if control.kind == "choices" else "text"
            result.append(
                {
                    "id": span.id,
                    "from_name": control.name,
                    "to_name": TEXT_NAME,
                    "type": control.kind,
                    "value": {**where, key: [value]},
                }
            )
    for rel in doc.relations:
        result.append(
            {
                "from_id": rel.head,
                "to_id": rel.tail,
                "type": "relation",
                "direction": "right",
                "labels": [rel.label] if labelled else [],
            }
        )
    return {"model_version": model_version, "score": doubt(doc), "result": result}


def document_from_task(
    task: dict[str, Any], result: list[dict[str, Any]], schema: LabelSchema, provenance: Provenance
) -> Document:
    """Rebuild the document record from a task and one annotation's result, checking every region."""
    text = task_text(task)
    spans, relations = regions_to_spans(result, text, schema, where=f"task {task.get('id')}")
    return task_record(task, spans, relations, provenance, schema)


def task_text(task: dict[str, Any]) -> str:
    """The task's document text, checked against the hash pushed with it."""
    data = task.get("data") or {}
    task_id = task.get("id")
    text = data.get(TEXT_NAME)
    if not isinstance(text, str):
        raise ValidationError(f"task {task_id}: no text in its data")
    if data.get(TEXT_HASH) != text_hash(text):
        raise ValidationError(
            f"task {task_id} (document {data.get(DOC_ID)}): its text no longer matches the pushed text "
            "(hash differs); it was edited on the server: re-push the document instead"
        )
    return text


def task_record(
    task: dict[str, Any],
    spans: list[Span],
    relations: list[Relation],
    provenance: Provenance,
    schema: LabelSchema | None = None,
) -> Document:
    """The document record of a task (text, source, meta, removed from its data) with these spans,
    checked against `schema` (the packaged one when None)."""
    data = task.get("data") or {}
    task_id = task.get("id")
    text = task_text(task)
    extra = data.get(RECORD) or {}
    try:
        return Document.checked(
            {
                "id": data.get(DOC_ID) or f"task-{task_id}",
                "source": extra.get("source", ""),
                "text": text,
                "meta": extra.get("meta", {}),
                "removed": extra.get("removed", []),
                "spans": spans,
                "relations": relations,
                "provenance": provenance,
            },
            schema,
        )
    except PydanticValidationError as exc:
        raise ValidationError(f"task {task_id}: annotation breaks the label schema ({_first(exc)})") from None


def regions_to_spans(
    result: list[dict[str, Any]], text: str, schema: LabelSchema, where: str
) -> tuple[list[Span], list[Relation]]:
    """Label Studio result items -> spans (with attributes) and relations, offsets as code points."""
    offsets = OffsetMap(text)
    controls = {c.name: c for c in attr_controls(schema)}
    spans: dict[str, Span] = {}  # by span id
    by_region: dict[str, str] = {}  # region id -> span id
    attrs: list[tuple[str, AttrControl, Any]] = []
    links: list[dict[str, Any]] = []
    for item in result:
        kind = item.get("type")
        if kind == "relation":
            links.append(item)
        elif item.get("from_name") == LABELS_NAME:
            span = _span(item, text, offsets, schema, where)
            by_region[str(item.get("id"))] = span.id
            spans.setdefault(span.id, span)
        elif item.get("from_name") in controls:
            control = controls[item["from_name"]]
            attrs.append((str(item.get("id")), control, _attr_value(item, control)))
        else:
            raise ValidationError(f"{where}: result item from unknown control {item.get('from_name')!r}")
    for region, control, value in attrs:
        span_key = by_region.get(region)
        if span_key is None or value is None:
            continue  # an attribute left on a deleted region
        if spans[span_key].label == control.label:
            spans[span_key].attrs[control.attr] = value
    relations = [_relation(link, by_region, spans, schema, where) for link in links]
    unique = {(r.head, r.tail, r.label): r for r in relations}
    return list(spans.values()), list(unique.values())


def _span(item: dict[str, Any], text: str, offsets: OffsetMap, schema: LabelSchema, where: str) -> Span:
    value = item.get("value") or {}
    region = item.get("id")
    labels = value.get("labels") or []
    if len(labels) != 1 or labels[0] not in schema.spans:
        raise ValidationError(
            f"{where}, region {region}: labels {labels} (expected one of {schema.span_labels})"
        )
    try:
        start, end = offsets.from_utf16(int(value["start"])), offsets.from_utf16(int(value["end"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"{where}, region {region}: bad offsets ({exc})") from None
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"{where}, region {region}: offsets {start}-{end} outside the text ({len(text)})"
        )
    if "text" in value and text[start:end] != value["text"]:
        raise ValidationError(
            f"{where}, region {region}: text[{start}:{end}] is {text[start:end]!r} but the region says "
            f"{value['text']!r}; offsets shifted, refusing to guess"
        )
    return Span.at(text, labels[0], start, end)


def _attr_value(item: dict[str, Any], control: AttrControl) -> Any:
    value = item.get("value") or {}
    got = value.get("choices") if control.kind == "choices" else value.get("text")
    if isinstance(got, list):
        return got[0] if got else None
    return got


def _relation(
    link: dict[str, Any], by_region: dict[str, str], spans: dict[str, Span], schema: LabelSchema, where: str
) -> Relation:
    head, tail = by_region.get(str(link.get("from_id"))), by_region.get(str(link.get("to_id")))
    if head is None or tail is None:
        raise ValidationError(
            f"{where}: relation {link.get('from_id')}->{link.get('to_id')} links a missing region"
        )
    if link.get("direction") == "left":
        head, tail = tail, head
    labels = link.get("labels") or []
    if not labels:
        # An unlabelled arrow: take the one relation the schema allows between these labels.
        fits = [
            name
            for name, rel in schema.relations.items()
            if spans[head].label in rel.from_ and spans[tail].label in rel.to
        ]
        if len(fits) != 1:
            raise ValidationError(f"{where}: relation {head}->{tail} has no label and {len(fits)} would fit")
        labels = fits
    return Relation(head=head, tail=tail, label=labels[0])


def _first(exc: PydanticValidationError) -> str:
    return str(exc.errors()[0].get("msg", exc))
