"""Typed Hugging Face features for every export config, derived from the label schema alone.

ClassLabel names follow the schema's order (labels, choice values, relation labels), so the
integer ids stay stable as long as the schema only appends. Offsets are int32.

`datasets` is imported by the functions that build Features, not by this module: the workers that
build rows (curation.export.rows) use only the schema helpers here, and importing datasets (and pandas)
was about half of a worker's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from curation.schema import AttrSpec, LabelSchema

if TYPE_CHECKING:
    from datasets import ClassLabel, Features, Value

# The "one row per annotated unit" configs: named after the role of the span label each is built around.
UNIT_ROLES: tuple[str, ...] = ("quote", "claim")
OUTSIDE = "O"


def unit_configs(schema: LabelSchema) -> dict[str, str]:
    """Config name -> span label of the unit configs the schema has ("quotes" -> its quote label)."""
    return {f"{role}s": schema.role_label(role) for role in UNIT_ROLES if schema.has_role(role)}


@dataclass(frozen=True)
class SpanColumn:
    """One per-span attribute column of the documents config (attributes of all labels, merged)."""

    name: str
    labels: tuple[str, ...]  # the labels that carry this attribute
    attr: str
    spec: AttrSpec


def attr_feature(spec: AttrSpec) -> ClassLabel | Value:
    from datasets import ClassLabel, Value

    return ClassLabel(names=list(spec.values)) if spec.type == "choice" else Value("string")


def span_attr_columns(schema: LabelSchema) -> list[SpanColumn]:
    """Attribute columns of the span dicts: the attribute's name, or LABEL_attr if two labels clash."""
    seen: dict[str, AttrSpec] = {}
    clashing: set[str] = set()
    for spec in schema.spans.values():
        for name, attr in spec.attrs.items():
            if name in seen and seen[name] != attr:
                clashing.add(name)
            seen.setdefault(name, attr)
    columns: dict[str, SpanColumn] = {}
    for label, spec in schema.spans.items():
        for name, attr in spec.attrs.items():
            column = f"{label.lower()}_{name}" if name in clashing else name
            known = columns.get(column)
            labels = (*known.labels, label) if known else (label,)
            columns[column] = SpanColumn(column, labels, name, attr)
    return list(columns.values())


def documents_features(schema: LabelSchema) -> Features:
    from datasets import ClassLabel, Features, List, Value

    span: dict[str, object] = {
        "id": Value("string"),
        "start": Value("int32"),
        "end": Value("int32"),
        "label": ClassLabel(names=schema.span_labels),
        "text": Value("string"),
        "score": Value("float32"),
        # segments of one discontinuous span (a quote split by its attribution) share a group id
        "group": Value("string"),
    }
    for column in span_attr_columns(schema):
        span[column.name] = attr_feature(column.spec)
    return Features(
        {
            "id": Value("string"),
            "source": Value("string"),
            "text": Value("string"),
            "spans": List(span),
            "relations": List(
                {
                    "head": Value("string"),
                    "tail": Value("string"),
                    "label": ClassLabel(names=schema.relation_labels),
                }
            ),
            "reviewed": Value("bool"),
            "meta": Value("string"),  # JSON: keys vary by source
            "provenance": Value("string"),  # JSON: keys vary between pre-annotation and review
        }
    )


def outgoing_relations(schema: LabelSchema, label: str) -> list[str]:
    """Relations whose head may be `label`, in schema order (QUOTE -> speaker, cue)."""
    return [name for name, rel in schema.relations.items() if label in rel.from_]


def relation_tail_attrs(schema: LabelSchema, relation: str) -> dict[str, AttrSpec]:
    """Attributes of the labels a relation points to (speaker -> SPEAKER.canonical)."""
    attrs: dict[str, AttrSpec] = {}
    for tail in schema.relations[relation].to:
        for name, spec in schema.spans[tail].attrs.items():
            attrs.setdefault(name, spec)
    return attrs


def unit_features(schema: LabelSchema, label: str) -> Features:
    """One row per span of `label` with its attributes, linked mentions and surrounding sentence."""
    from datasets import Features, Value

    fields: dict[str, object] = {
        "document_id": Value("string"),
        "id": Value("string"),
        "text": Value("string"),
        "start": Value("int32"),
        "end": Value("int32"),
    }
    for name, spec in schema.spans[label].attrs.items():
        fields[name] = attr_feature(spec)
    for relation in outgoing_relations(schema, label):
        fields[relation] = Value("string")
        fields[f"{relation}_start"] = Value("int32")
        fields[f"{relation}_end"] = Value("int32")
        for name, spec in relation_tail_attrs(schema, relation).items():
            fields[f"{relation}_{name}"] = attr_feature(spec)
    fields["sentence"] = Value("string")
    fields["sentence_start"] = Value("int32")
    fields["sentence_end"] = Value("int32")
    fields["score"] = Value("float32")
    return Features(fields)


def bio_names(labels: list[str]) -> list[str]:
    names = [OUTSIDE]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def tag_column(label: str) -> str:
    return f"{label.lower()}_tags"


def tokens_features(schema: LabelSchema) -> Features:
    from datasets import ClassLabel, Features, List, Value

    fields: dict[str, object] = {
        "id": Value("string"),
        "tokens": List(Value("string")),
        "starts": List(Value("int32")),
        "tags": List(ClassLabel(names=bio_names(schema.span_labels))),
    }
    for label in schema.span_labels:
        fields[tag_column(label)] = List(ClassLabel(names=bio_names([label])))
    return Features(fields)


def config_features(schema: LabelSchema) -> dict[str, Features]:
    """Features of every config, keyed by config name, in the order configs are listed in the card."""
    features = {"documents": documents_features(schema)}
    for config, label in unit_configs(schema).items():
        features[config] = unit_features(schema, label)
    features["tokens"] = tokens_features(schema)
    return features
