"""Rows of every config from one Document: what a training script reads.

Label strings are encoded to their ClassLabel ids here (the schema order), so the parquet files hold
integers and `load_dataset` gives typed features.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import numpy as np

from curation.export.features import (
    bio_names,
    outgoing_relations,
    relation_tail_attrs,
    span_attr_columns,
    tag_column,
    unit_configs,
)
from curation.export.text import Sentences, TextAnalyzer, Tokens
from curation.export.text import sentences as sentence_bounds
from curation.records import Document, Span
from curation.schema import AttrSpec, LabelSchema

Row = dict[str, Any]


def encode(spec: AttrSpec, value: Any) -> Any:
    """A choice value as its ClassLabel id; text as text; missing stays None."""
    if value is None:
        return None
    return spec.values.index(value) if spec.type == "choice" else value


class RowBuilder:
    """Turns documents into rows of the documents, quotes, claims and tokens configs."""

    def __init__(self, schema: LabelSchema, analyzer: TextAnalyzer) -> None:
        self.schema = schema
        self.analyzer = analyzer
        self.labels = {label: i for i, label in enumerate(schema.span_labels)}
        self.relation_ids = {label: i for i, label in enumerate(schema.relation_labels)}
        self.attr_columns = span_attr_columns(schema)
        self.combined_tags = {name: i for i, name in enumerate(bio_names(schema.span_labels))}

    def rows(self, doc: Document, reviewed: bool) -> dict[str, list[Row]]:
        """Rows of every config for one document."""
        tokens = self.analyzer.tokenize(doc.text)
        sentences = sentence_bounds(doc.text)
        out: dict[str, list[Row]] = {"documents": [self.document_row(doc, reviewed)]}
        for config, label in unit_configs(self.schema).items():
            out[config] = self.unit_rows(doc, label, sentences)
        out["tokens"] = [self.token_row(doc, tokens)]
        return out

    def document_row(self, doc: Document, reviewed: bool) -> Row:
        spans = []
        for span in doc.spans:
            row: Row = {
                "id": span.id,
                "start": span.start,
                "end": span.end,
                "label": self.labels[span.label],
                "text": span.text,
                "score": span.score,
                "group": span.group,
            }
            for column in self.attr_columns:
                own = span.label in column.labels
                row[column.name] = encode(column.spec, span.attrs.get(column.attr)) if own else None
            spans.append(row)
        return {
            "id": doc.id,
            "source": doc.source,
            "text": doc.text,
            "spans": spans,
            "relations": [
                {"head": r.head, "tail": r.tail, "label": self.relation_ids[r.label]} for r in doc.relations
            ],
            "reviewed": reviewed,
            "meta": json.dumps(doc.meta, sort_keys=True, ensure_ascii=False),
            "provenance": json.dumps(
                doc.provenance.model_dump(mode="json"), sort_keys=True, ensure_ascii=False
            ),
        }

    def unit_rows(self, doc: Document, label: str, sentences: Sentences) -> list[Row]:
        """One row per span of `label`; linked mentions through the label's relations (first by offset)."""
        spans = doc.spans_by_id()
        attrs = self.schema.spans[label].attrs
        relations = outgoing_relations(self.schema, label)
        linked: dict[tuple[str, str], list[Span]] = defaultdict(list)  # (head id, relation) -> tails
        for r in doc.relations:
            linked[(r.head, r.label)].append(spans[r.tail])
        rows = []
        for span in doc.spans:
            if span.label != label:
                continue
            row: Row = {
                "document_id": doc.id,
                "id": span.id,
                "text": span.text,
                "start": span.start,
                "end": span.end,
            }
            for name, spec in attrs.items():
                row[name] = encode(spec, span.attrs.get(name, spec.default))
            for relation in relations:
                tails = linked.get((span.id, relation))
                tail = min(tails, key=lambda s: (s.start, s.end)) if tails else None
                row[relation] = tail.text if tail else None
                row[f"{relation}_start"] = tail.start if tail else None
                row[f"{relation}_end"] = tail.end if tail else None
                for name, spec in relation_tail_attrs(self.schema, relation).items():
                    row[f"{relation}_{name}"] = encode(spec, tail.attrs.get(name)) if tail else None
            start, end = sentences.around(span.start, span.end)
            row.update(sentence=doc.text[start:end], sentence_start=start, sentence_end=end)
            row["score"] = span.score
            rows.append(row)
        return rows

    def token_row(self, doc: Document, tokens: Tokens) -> Row:
        """Tokens without whitespace tokens, one BIO column per label and one combined column."""
        size = len(tokens.starts)
        per_label = {label: np.zeros(size, dtype=np.int64) for label in self.schema.span_labels}
        combined = np.zeros(size, dtype=np.int64)
        ordered = sorted(doc.spans, key=lambda s: (self.labels[s.label], s.start, -(s.end - s.start)))
        for span in ordered:
            window = tokens.doc.char_span(span.start, span.end, alignment_mode="expand")
            if window is None or len(window) == 0:
                continue
            first, last = window.start, window.end
            column = per_label[span.label]
            if not column[first:last].any():  # same-label overlap: the earlier, longer span keeps it
                column[first], column[first + 1 : last] = 1, 2
            if not combined[first:last].any():  # cross-label overlap: the label first in the schema wins
                begin = self.combined_tags[f"B-{span.label}"]
                combined[first], combined[first + 1 : last] = begin, begin + 1
        keep = ~tokens.is_space
        starts = tokens.starts[keep].tolist()
        text = doc.text
        row: Row = {
            "id": doc.id,
            "tokens": [text[s : s + n] for s, n in zip(starts, tokens.lengths[keep].tolist(), strict=True)],
            "starts": starts,
            "tags": combined[keep].tolist(),
        }
        for label, column in per_label.items():
            row[tag_column(label)] = column[keep].tolist()
        return row
