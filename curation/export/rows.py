"""Rows of every config from one Document: what a training script reads.

Label strings are encoded to their ClassLabel ids here (the schema order), so the parquet files hold
integers and `load_dataset` gives typed features.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import numpy as np
import orjson

from curation.export.features import (
    bio_names,
    outgoing_relations,
    relation_tail_attrs,
    span_attr_columns,
    tag_column,
    unit_configs,
)
from curation.export.text import Sentences, TextAnalyzer, Tokens, load_tokenizer, token_strings
from curation.export.text import sentences as sentence_bounds
from curation.export.writer import ColumnRow
from curation.jsonl import Line
from curation.records import Document, schema_context
from curation.schema import AttrSpec, LabelSchema

Row = dict[str, Any]
Rows: TypeAlias = list[Row] | ColumnRow  # rows as dicts, or one row as columns (the tokens config)
# A record as its Python-mode dump (`Document.model_dump()`), or as the Document
Record: TypeAlias = dict[str, Any] | Document


def as_record(doc: Record) -> dict[str, Any]:
    """A record's Python-mode dump: what rows are built from (a Document is dumped once here)."""
    return doc.model_dump() if isinstance(doc, Document) else doc


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
        self.begin_tags = [self.combined_tags[f"B-{label}"] for label in schema.span_labels]
        # Worked out once, not per span: each label's attribute columns of the documents config (all
        # None but its own), and each unit label's relations with the attributes of their tails.
        self.attr_row = {
            label: (
                {column.name: None for column in self.attr_columns},
                [column for column in self.attr_columns if label in column.labels],
            )
            for label in schema.span_labels
        }
        self.relations = {
            label: [(r, relation_tail_attrs(schema, r)) for r in outgoing_relations(schema, label)]
            for label in unit_configs(schema).values()
        }

    def rows(self, doc: Record, reviewed: bool, tokens: Tokens | None = None) -> dict[str, Rows]:
        """Rows of every config for one document (`tokens`: its text already tokenized)."""
        doc = as_record(doc)
        if tokens is None:
            tokens = self.analyzer.tokenize(doc["text"])
        sentences = sentence_bounds(doc["text"])
        out: dict[str, Rows] = {"documents": [self.document_row(doc, reviewed)]}
        linked = self.linked(doc)
        for config, label in unit_configs(self.schema).items():
            out[config] = self.unit_rows(doc, label, sentences, linked)
        out["tokens"] = self.token_row(doc, tokens)
        return out

    def document_row(self, doc: Record, reviewed: bool) -> Row:
        doc = as_record(doc)
        spans = []
        for span in doc["spans"]:
            row: Row = {
                "id": span["id"],
                "start": span["start"],
                "end": span["end"],
                "label": self.labels[span["label"]],
                "text": span["text"],
                "score": span["score"],
                "group": span.get("group"),
            }
            blank, own = self.attr_row[span["label"]]
            row.update(blank)
            attrs = span["attrs"]
            for column in own:
                row[column.name] = encode(column.spec, attrs.get(column.attr))
            spans.append(row)
        return {
            "id": doc["id"],
            "source": doc["source"],
            "text": doc["text"],
            "spans": spans,
            "relations": [
                {"head": r["head"], "tail": r["tail"], "label": self.relation_ids[r["label"]]}
                for r in doc["relations"]
            ],
            "reviewed": reviewed,
            "meta": json.dumps(doc["meta"], sort_keys=True, ensure_ascii=False),
            "provenance": json.dumps(doc["provenance"], sort_keys=True, ensure_ascii=False),
        }

    def linked(self, doc: Record) -> dict[tuple[str, str], Row]:
        """(head id, relation) -> the tail a unit row shows: the first by offset of the linked mentions."""
        doc = as_record(doc)
        spans = {s["id"]: s for s in doc["spans"]}
        tails: dict[tuple[str, str], Row] = {}
        for r in doc["relations"]:
            key = (r["head"], r["label"])
            tail, known = spans[r["tail"]], tails.get(key)
            if known is None or (tail["start"], tail["end"]) < (known["start"], known["end"]):
                tails[key] = tail
        return tails

    def unit_rows(
        self,
        doc: Record,
        label: str,
        sentences: Sentences,
        linked: dict[tuple[str, str], Row] | None = None,
    ) -> list[Row]:
        """One row per span of `label`; linked mentions through the label's relations (first by offset)."""
        doc = as_record(doc)
        if linked is None:
            linked = self.linked(doc)
        attrs = self.schema.spans[label].attrs
        relations = self.relations[label]
        rows = []
        text = doc["text"]
        for span in doc["spans"]:
            if span["label"] != label:
                continue
            row: Row = {
                "document_id": doc["id"],
                "id": span["id"],
                "text": span["text"],
                "start": span["start"],
                "end": span["end"],
            }
            values = span["attrs"]
            for name, spec in attrs.items():
                row[name] = encode(spec, values.get(name, spec.default))
            for relation, tail_attrs in relations:
                tail = linked.get((span["id"], relation))
                row[relation] = tail["text"] if tail else None
                row[f"{relation}_start"] = tail["start"] if tail else None
                row[f"{relation}_end"] = tail["end"] if tail else None
                for name, spec in tail_attrs.items():
                    row[f"{relation}_{name}"] = encode(spec, tail["attrs"].get(name)) if tail else None
            start, end = sentences.around(span["start"], span["end"])
            row.update(sentence=text[start:end], sentence_start=start, sentence_end=end)
            row["score"] = span["score"]
            rows.append(row)
        return rows

    def token_row(self, doc: Record, tokens: Tokens) -> ColumnRow:
        """Tokens without whitespace tokens, one BIO column per label and one combined column, as
        arrays (no Python object per token).

        Spans are taken in (label in schema order, start, longest first) order. In a label's own column
        a span overlapping an earlier span of its label is left out (the earlier, longer one keeps the
        tokens); in the combined column a span overlapping any earlier one is left out (the label first
        in the schema wins)."""
        doc = as_record(doc)
        labels = self.labels
        ordered = sorted(doc["spans"], key=lambda s: (labels[s["label"]], s["start"], s["start"] - s["end"]))
        firsts, lasts = tokens.windows(
            np.array([s["start"] for s in ordered], dtype=np.int64),
            np.array([s["end"] for s in ordered], dtype=np.int64),
        )
        # (column, first, last, begin) ranges of every tag column: the combined one is column 0, each
        # label's own column is 1 + its index; all made into tags at once (bio_columns)
        ranges: list[tuple[int, int, int, int]] = []
        reach = [0] * len(labels)  # per label: where its kept spans end (they come in start order)
        taken = bytearray(len(tokens.starts))  # tokens of the combined column already tagged
        for span, first, last in zip(ordered, firsts.tolist(), lasts.tolist(), strict=True):
            if last <= first:
                continue
            index = labels[span["label"]]
            if first >= reach[index]:
                ranges.append((1 + index, first, last, 1))
                reach[index] = last
            if taken.find(1, first, last) == -1:
                ranges.append((0, first, last, self.begin_tags[index]))
                taken[first:last] = b"\x01" * (last - first)
        keep = ~tokens.is_space
        starts = tokens.starts[keep]
        data, offsets = token_strings(doc["text"], starts, tokens.lengths[keep])
        tags = bio_columns(len(keep), 1 + len(labels), ranges)[:, keep]
        numbers = {"starts": starts.astype(np.int32), "tags": tags[0]}
        for label, index in labels.items():
            numbers[tag_column(label)] = tags[1 + index]
        return ColumnRow({"id": doc["id"]}, numbers, {"tokens": (data, offsets)})


def bio_columns(size: int, columns: int, ranges: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Tags of `size` tokens in each of `columns` columns: per (column, first, last, begin) range, B
    (`begin`) on its first token and I (`begin` + 1) on the others, 0 (outside) elsewhere; the ranges of
    one column do not overlap. All columns in one running sum (one numpy pass, not one per label)."""
    if not ranges:
        return np.zeros((columns, size), dtype=np.int64)
    table = np.array(ranges, dtype=np.int64)
    base = table[:, 0] * (size + 1)
    first, last, begin = base + table[:, 1], base + table[:, 2], table[:, 3]
    # steps that a running sum turns into B, I ... I, 0 over each range
    at = np.concatenate([first, first + 1, last])
    step = np.concatenate([begin, np.ones_like(begin), -(begin + 1)])
    steps = np.bincount(at, weights=step, minlength=columns * (size + 1)).reshape(columns, size + 1)
    return np.cumsum(steps[:, :size], axis=1).astype(np.int64)


@dataclass(slots=True)
class Built:
    """One document's rows of every config, and what the writer needs to finish them here."""

    doc_id: str
    rows: dict[str, Rows]
    provenance: dict[str, Any]  # as recorded: the writer redacts it (pseudonyms are handed out in order)
    source: str | None
    meta: dict[str, Any]
    labels: list[str]  # of its spans
    relation_labels: list[str]
    defaults: list[str]  # "LABEL.attr" of every span value pull filled from the schema's default


def read_record(raw: bytes, canonical: bool, context: dict[str, Any] | None) -> dict[str, Any]:
    """A chosen record as its Python-mode dump. `canonical`: the first pass found the line to be the
    record's own JSON dump, byte for byte (as curation writes records), so the line read by orjson is
    that dump already (a fifth of the time of building the models again); else the models are built."""
    if canonical:
        try:
            return cast(dict[str, Any], orjson.loads(raw))
        except orjson.JSONDecodeError:  # an integer beyond 64 bits
            pass
    return Document.model_validate_json(raw, context=context).model_dump()


def rows_part(lines: list[tuple[Line, bool]], path: str, schema: LabelSchema, model: str) -> list[Built]:
    """Rows of a partition of chosen records, each with whether its line is canonical (see
    `read_record`; on any engine; the tokenizer loads once per process).

    The partition's texts are tokenized one after the other before any row is built: spaCy's tokenizer
    between two records' validation and rows took 10 ms a PolNeAR article, back to back 7.5 ms, as much
    as alone (its tables stay in the CPU's caches; measured in one process, 640 records, three rounds)."""
    builder = RowBuilder(schema, TextAnalyzer(load_tokenizer(model)))
    # Validated in full by the first pass, and the bytes checked against its hash since: only the
    # models are built (curation.records.CHECKED_CONTEXT).
    context = schema_context(schema, checked=True)
    docs = [read_record(line.raw, canonical, context) for line, canonical in lines]
    tokens = [builder.analyzer.tokenize(doc["text"]) for doc in docs]
    out = []
    for doc, cut in zip(docs, tokens, strict=True):
        provenance, spans = doc["provenance"], doc["spans"]
        out.append(
            Built(
                doc["id"], builder.rows(doc, provenance["reviewed"], cut), provenance, doc["source"],
                doc["meta"], [span["label"] for span in spans], [r["label"] for r in doc["relations"]],
                [f"{span['label']}.{attr}" for span in spans for attr in span.get("defaults") or []],
            )
        )  # fmt: skip
    return out
