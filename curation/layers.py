"""Annotation layers: one document seen one job at a time, and the layers merged back into one record.

The label schema (`layers:` in schemas/labels.yaml) says which span labels each layer owns and which
labels of other layers it links to. `layer_view` cuts a record down to what one layer shows (push sends
each layer to its own Label Studio project); `merge_layers` puts one annotator's layer records of one
document back together (pull, and anyone reading a store of per-layer pulls).

Merging never picks silently: a label is taken from the layer that owns it; a span of another layer is
added from a linking layer only when one of that layer's links needs it and its own layer lacks it, and
every such addition is returned as a note naming the document, the span and the layers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from curation.records import Document, Provenance, Relation, Span, update_stamp
from curation.schema import ALL_LAYER, LabelSchema

TITLE_SEPARATOR = " · "  # "<project> · <layer>": the Label Studio project of one layer


def layer_title(project: str, layer: str) -> str:
    """The title of a layer's Label Studio project ("seeds · attribution"); layer "all" is the project."""
    return project if layer == ALL_LAYER else f"{project}{TITLE_SEPARATOR}{layer}"


def split_title(title: str, schema: LabelSchema) -> tuple[str, str]:
    """(project, layer) of a Label Studio project title; a title without a known layer is layer "all"."""
    base, sep, layer = title.rpartition(TITLE_SEPARATOR)
    if sep and layer in schema.layers:
        return base, layer
    return title, ALL_LAYER


def layer_view(doc: Document, schema: LabelSchema, layer: str) -> Document:
    """The document as one layer shows it: its labels, the labels it links to, and its own relations."""
    spec = schema.layer(layer)
    shown = set(spec.labels) | set(spec.links_to)
    spans = [s for s in doc.spans if s.label in shown]
    labels = {s.id: s.label for s in spans}
    allowed = set(schema.layer_relations(layer))
    relations = [
        r
        for r in doc.relations
        if r.head in labels and r.tail in labels and (r.label, labels[r.head], labels[r.tail]) in allowed
    ]
    return doc.model_copy(update={"spans": spans, "relations": relations})


def layer_of_record(doc: Document) -> str:
    """Which layer a pulled record came from (provenance.layer; "all" for a record of every label)."""
    return doc.provenance.layer or ALL_LAYER


@dataclass
class Merged:
    """One annotator's record of one document, put together from its layers, and what merging did."""

    document: Document
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # layers of the schema with no part


def merge_layers(parts: Mapping[str, Document], schema: LabelSchema) -> Merged:
    """Merge the layer records of ONE document by ONE annotator (layer name -> record) into one record.

    Each span label and each relation comes from the layer that owns it (a relation belongs to the layer
    of its head). A span of a linked label (e.g. a SPEAKER a claim points at) is added from the linking
    layer only when its own layer does not have it; each addition is a note. A part of layer "all" holds
    every label and is taken whole. Raises ValueError when the parts are not of one text and annotator.
    """
    if not parts:
        raise ValueError("merge_layers needs at least one layer record")
    first = next(iter(parts.values()))
    for name, part in parts.items():
        if part.id != first.id or part.text != first.text:
            raise ValueError(f"layer {name!r}: record {part.id} is not the document {first.id}")
        if part.provenance.annotator != first.provenance.annotator:
            raise ValueError(
                f"document {first.id}: layer {name!r} is by {part.provenance.annotator!r}, "
                f"not {first.provenance.annotator!r}"
            )
    if ALL_LAYER in parts and len(parts) == 1:
        return Merged(first)
    spans: dict[str, Span] = {}
    relations: dict[tuple[str, str, str], Relation] = {}
    notes: list[str] = []
    for name, part in parts.items():
        owned = set(schema.layer(name).labels)
        for span in part.spans:
            if span.label in owned:
                spans.setdefault(span.id, span)
        for rel in part.relations:
            head = next((s for s in part.spans if s.id == rel.head), None)
            if head is not None and head.label in owned:
                relations.setdefault((rel.head, rel.tail, rel.label), rel)
    for name, part in parts.items():
        linked = {r.tail for r in part.relations} | {r.head for r in part.relations}
        owned = set(schema.layer(name).labels)
        for span in part.spans:
            if span.label in owned or span.id in spans or span.id not in linked:
                continue
            owner = schema.layer_of(span.label)
            why = "was not annotated" if owner not in parts else "does not have it"
            notes.append(
                f"document {first.id}: {span.label} {span.text!r} ({span.start}-{span.end}) is linked in "
                f"layer {name!r} and kept from it: layer {owner!r} {why}"
            )
            spans[span.id] = span
    missing = [name for name in schema.layer_names if name not in parts]
    provenance = _merged_provenance(parts, missing, schema)
    document = first.model_copy(
        update={
            "spans": sorted(spans.values(), key=lambda s: (s.start, s.end, s.label)),
            "relations": list(relations.values()),
            "provenance": provenance,
        },
        deep=True,
    )
    return Merged(document, notes, missing)


def merge_records(records: Iterable[Document], schema: LabelSchema) -> Iterator[Merged]:
    """Group one-layer records by (document, annotator) and merge each group (in first-seen order).

    For a store of per-layer pulls read back into memory; `pull` does the same over temporary files so
    its memory stays flat. Two records of the same layer, document and annotator: the later one
    (provenance.updated_at) wins, and a note says so.
    """
    groups: dict[tuple[str, str], dict[str, Document]] = {}
    replaced: dict[tuple[str, str], list[str]] = {}
    for doc in records:
        key = (doc.id, doc.provenance.annotator or "")
        layer = layer_of_record(doc)
        group = groups.setdefault(key, {})
        if layer in group:
            older, newer = sorted([group[layer], doc], key=lambda d: update_stamp(d.provenance))
            replaced.setdefault(key, []).append(
                f"document {doc.id}: two {layer!r} records by {key[1] or 'an unknown annotator'}; "
                f"kept the one updated {newer.provenance.updated_at}"
            )
            doc = newer
        group[layer] = doc
    for key, group in groups.items():
        merged = merge_layers(group, schema)
        merged.notes[:0] = replaced.get(key, [])
        yield merged


def _merged_provenance(parts: Mapping[str, Document], missing: list[str], schema: LabelSchema) -> Provenance:
    """Who and when for the whole record, with each layer's own provenance under `layers`."""
    each = [part.provenance for part in parts.values()]
    stamps = [(update_stamp(p), p.updated_at) for p in each if p.updated_at]
    created = sorted(p.created_at for p in each if p.created_at)
    versions = {p.started_from_model_version for p in each}
    lead = [p.lead_time for p in each if p.lead_time is not None]
    projects = {split_title(p.project or "", schema)[0] for p in each}
    return Provenance(
        reviewed=all(p.reviewed for p in each),
        annotator=each[0].annotator,
        created_at=created[0] if created else None,
        updated_at=max(stamps)[1] if stamps else None,
        lead_time=sum(lead) if lead else None,
        started_from_model_version=versions.pop() if len(versions) == 1 else None,
        project=(projects.pop() or None) if len(projects) == 1 else None,
        layers={name: part.provenance.model_dump(mode="json") for name, part in parts.items()},
        layers_missing=missing or None,
    )
