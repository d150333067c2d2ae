"""Rows of every config from a partition of records, as Arrow tables: what a training script reads.

A partition's rows are built column by column (one Python list per column, filled in one loop over the
spans) and turned into Arrow arrays of the config's schema at once, instead of a dict per row that
Arrow then takes apart key by key: the same values, so the same parquet bytes, at a fraction of the
CPU. The tokens config is built as numpy arrays (no Python object per token).

Label strings are encoded to their ClassLabel ids here (the schema order), so the parquet files hold
integers and `load_dataset` gives typed features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.collector import without_collections
from curation.export.columnar import (
    Columns,
    encoded_array,
    first_tails,
    ids_in,
    json_column,
    lexsort,
    line_schema,
    read_columns,
    split_at,
    texts_of,
)
from curation.export.features import (
    bio_names,
    outgoing_relations,
    relation_tail_attrs,
    span_attr_columns,
    tag_column,
    unit_configs,
)
from curation.export.text import Sentences, TextAnalyzer, Texts, Tokens, bounded_tokenizer, token_strings
from curation.export.text import sentences as sentence_bounds
from curation.jsonl import Line
from curation.records import Document, schema_context
from curation.schema import AttrSpec, LabelSchema

Row = dict[str, Any]
Record = dict[str, Any]  # a record as its Python-mode dump (`Document.model_dump()`)


def encoded(spec: AttrSpec, values: list[Any]) -> list[Any]:
    """Values of an attribute as stored: a choice as its ClassLabel id, text as text; missing stays None."""
    if spec.type != "choice":
        return values
    ids = choice_ids(tuple(spec.values))
    return [None if value is None else ids[value] for value in values]


@cache
def choice_ids(values: tuple[str, ...]) -> dict[str, int]:
    return {value: i for i, value in enumerate(values)}


@dataclass(slots=True)
class Facts:
    """What the writer needs of one document besides its rows (it redacts and counts here)."""

    doc_id: str
    provenance: dict[str, Any]  # as recorded: the writer redacts it (pseudonyms are handed out in order)
    source: str | None
    meta: dict[str, Any]
    labels: list[str]  # of its spans
    relation_labels: list[str]
    defaults: list[str]  # "LABEL.attr" of every span value pull filled from the schema's default


@dataclass(slots=True)
class Part:
    """The rows of a partition's documents: one table per config (rows in document order), how many
    rows each document has in each config, and each document's facts; as built by `rows_part`, the
    split of each document (the documents of a split come together, so its rows are one slice of
    each table) and its place in the partition as read."""

    tables: dict[str, pa.Table]
    counts: dict[str, np.ndarray]
    facts: list[Facts]
    splits: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


@dataclass(slots=True)
class SpanList:
    """Every span of a partition, document after document, with what the configs read of each as
    columns (label ids, offsets in its text, its document's index)."""

    items: list[Row]  # the span dicts; none when read as columns (`RowBuilder.columnar_part` reads none)
    doc: np.ndarray
    label: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ids: pa.Array  # the string columns, made once: the unit configs take their rows' from them
    texts: pa.Array
    scores: pa.Array

    @classmethod
    def of(cls, docs: list[Record], labels: dict[str, int]) -> SpanList:
        items = [span for doc in docs for span in doc["spans"]]
        doc = np.repeat(np.arange(len(docs)), [len(doc["spans"]) for doc in docs])
        columns = [
            [labels[s["label"]] for s in items],
            [s["start"] for s in items],
            [s["end"] for s in items],
        ]
        label, start, end = (np.array(column, dtype=np.int64) for column in columns)
        ids = pa.array([s["id"] for s in items], pa.string())
        texts = pa.array([s["text"] for s in items], pa.string())
        scores = pa.array([s["score"] for s in items], pa.float32())
        return cls(items, doc, label, start, end, ids, texts, scores)

    def documents_columns(self, groups: Any) -> dict[str, Any]:
        """The documents config's span fields every label has (its attribute columns are added to
        these), whether the spans were read as dicts or as columns (`groups`: a list or an array)."""
        return {
            "id": self.ids,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.texts,
            "score": self.scores,
            "group": groups,
        }


class RowBuilder:
    """Turns records into rows of the documents, unit (quotes, claims) and tokens configs."""

    def __init__(self, schema: LabelSchema, analyzer: TextAnalyzer, arrow: dict[str, pa.Schema]) -> None:
        self.schema = schema
        self.analyzer = analyzer
        self.arrow = arrow  # the Arrow schema of each config (from its datasets Features)
        self.labels = {label: i for i, label in enumerate(schema.span_labels)}
        self.relation_ids = {label: i for i, label in enumerate(schema.relation_labels)}
        self.label_names = np.array(schema.span_labels, dtype=object)  # a Facts' labels, by label id
        self.relation_names = np.array(schema.relation_labels, dtype=object)
        self.attr_columns = span_attr_columns(schema)
        # by label id: whether the label has the column's attribute (the others' spans hold None there)
        self.owners = [np.array([x in c.labels for x in schema.span_labels]) for c in self.attr_columns]
        combined_tags = {name: i for i, name in enumerate(bio_names(schema.span_labels))}
        self.begin_tags = [combined_tags[f"B-{label}"] for label in schema.span_labels]
        self.units = unit_configs(schema)
        self.line_schema = line_schema(schema)
        # Worked out once, not per span: each unit label's relations with the attributes of their tails.
        self.relations = {
            label: [(r, relation_tail_attrs(schema, r)) for r in outgoing_relations(schema, label)]
            for label in self.units.values()
        }

    def part(self, docs: list[Record], texts: Texts | None = None, tokens: Tokens | None = None) -> Part:
        """Rows of every config for these records (`texts`, `tokens`: their texts, already tokenized)."""
        texts = texts if texts is not None else Texts([doc["text"] for doc in docs])
        tokens = tokens if tokens is not None else self.analyzer.tokenize(texts)
        spans = SpanList.of(docs, self.labels)
        tables = {"documents": self.documents_table(docs, spans)}
        counts = {"documents": np.ones(len(docs), dtype=np.int64)}
        sentences = sentence_bounds(texts.joined, texts.codes)
        linked = [self.linked(doc) for doc in docs]
        for config, label in self.units.items():
            tables[config], counts[config] = self.unit_table(
                config, label, docs, spans, texts, sentences, linked
            )
        tables["tokens"] = self.tokens_table([doc["id"] for doc in docs], spans, texts, tokens)
        counts["tokens"] = counts["documents"]
        facts = [
            Facts(
                doc["id"], doc["provenance"], doc["source"], doc["meta"],
                [span["label"] for span in doc["spans"]], [r["label"] for r in doc["relations"]],
                [f"{span['label']}.{attr}" for span in doc["spans"] for attr in span.get("defaults") or []],
            )
            for doc in docs
        ]  # fmt: skip
        return Part(tables, counts, facts)

    def documents_table(self, docs: list[Record], spans: SpanList) -> pa.Table:
        """One row per document: its text, spans (attribute columns of every label, None but its own
        label's) and relations, as recorded; the writer redacts `source` and fills `provenance`
        (`unredacted`)."""
        schema = self.arrow["documents"]
        items = spans.items
        span_columns = spans.documents_columns([s.get("group") for s in items])
        for column in self.attr_columns:
            spec, attr, owners = column.spec, column.attr, column.labels
            span_columns[column.name] = encoded(
                spec, [s["attrs"].get(attr) if s["label"] in owners else None for s in items]
            )
        relations = [r for doc in docs for r in doc["relations"]]
        relation_columns = {
            "head": [r["head"] for r in relations],
            "tail": [r["tail"] for r in relations],
            "label": [self.relation_ids[r["label"]] for r in relations],
        }
        columns = {
            "id": [doc["id"] for doc in docs],
            "source": [doc["source"] for doc in docs],
            "text": [doc["text"] for doc in docs],
            "spans": list_array(schema.field("spans").type, span_columns, [len(d["spans"]) for d in docs]),
            "relations": list_array(
                schema.field("relations").type, relation_columns, [len(d["relations"]) for d in docs]
            ),
            "reviewed": [doc["provenance"]["reviewed"] for doc in docs],
            "meta": json_column([doc["meta"] for doc in docs]),
            "provenance": unredacted(len(docs)),
        }
        return table_of(schema, columns)

    def linked(self, doc: Record) -> dict[tuple[str, str], Row]:
        """(head id, relation) -> the tail a unit row shows: the first by offset of the linked mentions."""
        spans = {s["id"]: s for s in doc["spans"]}
        tails: dict[tuple[str, str], Row] = {}
        for r in doc["relations"]:
            key = (r["head"], r["label"])
            tail, known = spans[r["tail"]], tails.get(key)
            if known is None or (tail["start"], tail["end"]) < (known["start"], known["end"]):
                tails[key] = tail
        return tails

    def unit_table(
        self,
        config: str,
        label: str,
        docs: list[Record],
        spans: SpanList,
        texts: Texts,
        sentences: Sentences,
        linked: list[dict[tuple[str, str], Row]],
    ) -> tuple[pa.Table, np.ndarray]:
        """One row per span of `label`, with its linked mentions through the label's relations (the first
        by offset) and its sentence (`sentences`: of the joined texts); and the number of rows of each
        document."""
        picked = np.flatnonzero(spans.label == self.labels[label])
        units = [spans.items[i] for i in picked.tolist()]
        which = spans.doc[picked]
        starts, ends = spans.start[picked], spans.end[picked]
        rows = pa.array(picked)
        columns: dict[str, Any] = {
            "document_id": pa.array([doc["id"] for doc in docs], pa.string()).take(pa.array(which)),
            "id": spans.ids.take(rows),
            "text": spans.texts.take(rows),
            "start": starts,
            "end": ends,
        }
        for name, spec in self.schema.spans[label].attrs.items():
            columns[name] = encoded(spec, [s["attrs"].get(name, spec.default) for s in units])
        for relation, tail_attrs in self.relations[label]:
            tails = [linked[i].get((s["id"], relation)) for s, i in zip(units, which.tolist(), strict=True)]
            columns[relation] = [t["text"] if t else None for t in tails]
            columns[f"{relation}_start"] = [t["start"] if t else None for t in tails]
            columns[f"{relation}_end"] = [t["end"] if t else None for t in tails]
            for name, spec in tail_attrs.items():
                columns[f"{relation}_{name}"] = encoded(
                    spec, [t["attrs"].get(name) if t else None for t in tails]
                )
        columns |= sentence_columns(texts, sentences, which, starts, ends)
        columns["score"] = spans.scores.take(rows)
        return table_of(self.arrow[config], columns), np.bincount(which, minlength=len(docs))

    def columnar_part(self, columns: Columns, texts: Texts, tokens: Tokens) -> Part | None:
        """`part` of records read as columns (curation.export.columnar), without a Python object per
        span; None when the columns cannot show the same rows (then `part` builds them from dicts)."""
        items, documents = columns.spans, len(columns.span_sizes)
        label = ids_in(items.field("label"), self.schema.span_labels)
        relation_label = ids_in(columns.relations.field("label"), self.schema.relation_labels)
        if label is None or relation_label is None:
            return None
        doc = np.repeat(np.arange(documents), columns.span_sizes)
        start, end = items.field("start").to_numpy(), items.field("end").to_numpy()
        scores = items.field("score").cast(pa.float32())
        spans = SpanList([], doc, label, start, end, items.field("id"), items.field("text"), scores)
        linked = first_tails(columns, doc, start, end, relation_label, len(self.relation_ids))
        table = self.columnar_documents(columns, spans, relation_label)
        if linked is None or table is None:
            return None
        tables = {"documents": table}
        counts = {"documents": np.ones(documents, dtype=np.int64)}
        sentences = sentence_bounds(texts.joined, texts.codes)
        for config, unit in self.units.items():
            made = self.columnar_units(config, unit, columns, spans, texts, sentences, linked)
            if made is None:
                return None
            tables[config], counts[config] = made
        ids = columns.ids.to_pylist()
        tables["tokens"] = self.tokens_table(ids, spans, texts, tokens)
        counts["tokens"] = counts["documents"]
        labels = self.label_names[label].tolist()  # the schema's strings, none made per span
        defaults: list[list[str]] = [[] for _ in range(documents)]
        owners = pc.list_parent_indices(items.field("defaults")).to_numpy()
        for at, attr in zip(
            owners.tolist(), pc.list_flatten(items.field("defaults")).to_pylist(), strict=True
        ):
            defaults[doc[at]].append(f"{labels[at]}.{attr}")
        facts = [
            Facts(i, kept.provenance, source, kept.meta, own, relations, filled)
            for i, kept, source, own, relations, filled in zip(
                ids, columns.kept, columns.sources.to_pylist(), split_at(labels, columns.span_sizes),
                split_at(self.relation_names[relation_label].tolist(), columns.relation_sizes), defaults,
                strict=True,
            )
        ]  # fmt: skip
        return Part(tables, counts, facts)

    def columnar_documents(
        self, columns: Columns, spans: SpanList, relation_label: np.ndarray
    ) -> pa.Table | None:
        """`documents_table` of records read as columns (`relation_label`: each relation's label id;
        None: a choice value is not the schema's)."""
        schema = self.arrow["documents"]
        kind = cast(pa.StructType, cast(pa.ListType, schema.field("spans").type).value_type)
        items = columns.spans
        span_columns = spans.documents_columns(items.field("group"))
        attrs = items.field("attrs")
        for column, owners in zip(self.attr_columns, self.owners, strict=True):
            owned = pa.array(owners[spans.label])
            values = pc.if_else(owned, attrs.field(column.attr), pa.scalar(None, pa.string()))
            span_columns[column.name] = encoded_array(column.spec, values, kind.field(column.name).type)
            if span_columns[column.name] is None:
                return None
        relations = columns.relations
        relation_columns = {
            "head": relations.field("head"), "tail": relations.field("tail"), "label": relation_label
        }  # fmt: skip
        kept = columns.kept
        table = {
            "id": columns.ids,
            "source": columns.sources,
            "text": columns.texts,
            "spans": list_array(schema.field("spans").type, span_columns, columns.span_sizes),
            "relations": list_array(schema.field("relations").type, relation_columns, columns.relation_sizes),
            "reviewed": [each.provenance["reviewed"] for each in kept],
            "meta": json_column([each.meta for each in kept]),
            "provenance": unredacted(len(kept)),
        }
        return table_of(schema, table)

    def columnar_units(
        self,
        config: str,
        label: str,
        columns: Columns,
        spans: SpanList,
        texts: Texts,
        sentences: Sentences,
        linked: np.ndarray,
    ) -> tuple[pa.Table, np.ndarray] | None:
        """`unit_table` of records read as columns (`linked`: `first_tails`); None when a span leaves out
        an attribute whose schema gives a default (the columns hold a null for it either way)."""
        schema = self.arrow[config]
        picked = np.flatnonzero(spans.label == self.labels[label])
        which = spans.doc[picked]
        starts, ends = spans.start[picked], spans.end[picked]
        rows = pa.array(picked)
        attrs = columns.spans.field("attrs")
        table: dict[str, Any] = {
            "document_id": columns.ids.take(pa.array(which)),
            "id": spans.ids.take(rows),
            "text": spans.texts.take(rows),
            "start": starts,
            "end": ends,
        }
        for name, spec in self.schema.spans[label].attrs.items():
            values = attrs.field(name).take(rows)
            if spec.default is not None and values.null_count:
                return None
            table[name] = encoded_array(spec, values, schema.field(name).type)
        offsets = pa.array(spans.start), pa.array(spans.end)
        for relation, tail_attrs in self.relations[label]:
            tail = linked[picked, self.relation_ids[relation]]
            at = pa.array(np.maximum(tail, 0), mask=tail < 0)
            table[relation] = spans.texts.take(at)
            for name, values in zip((f"{relation}_start", f"{relation}_end"), offsets, strict=True):
                table[name] = values.take(at).cast(schema.field(name).type)
            for name, spec in tail_attrs.items():
                column = f"{relation}_{name}"
                table[column] = encoded_array(spec, attrs.field(name).take(at), schema.field(column).type)
        if any(values is None for values in table.values()):
            return None
        table |= sentence_columns(texts, sentences, which, starts, ends)
        table["score"] = spans.scores.take(rows)
        return table_of(schema, table), np.bincount(which, minlength=len(columns.span_sizes))

    def tokens_table(self, ids: list[str], spans: SpanList, texts: Texts, tokens: Tokens) -> pa.Table:
        """Tokens without whitespace tokens, one BIO column per label and one combined column, built as
        arrays over the whole partition (no Python object per token).

        Spans are taken in (label in schema order, start, longest first) order. In a label's own column
        a span overlapping an earlier span of its label is left out (the earlier, longer one keeps the
        tokens); in the combined column a span overlapping any earlier one is left out (the label first
        in the schema wins)."""
        order = lexsort((spans.start - spans.end, spans.start, spans.label, spans.doc))
        firsts, lasts = tokens.windows(texts, spans.doc[order], spans.start[order], spans.end[order])
        labels, solid = spans.label[order], lasts > firsts
        keep = ~tokens.is_space
        kept = np.zeros(len(keep) + 1, dtype=np.int64)  # kept tokens before each token
        np.cumsum(keep, out=kept[1:])
        # Token numbers run on across documents, so a label's spans (in document order) never need a
        # reset between documents. Column 0 is the combined one, 1 + i label i's own.
        taken = Tagged.none()  # the combined column's ranges so far
        ranges: list[tuple[int, np.ndarray, np.ndarray, int]] = []
        for index in range(len(self.labels)):
            first, last = firsts[solid & (labels == index)], lasts[solid & (labels == index)]
            own = kept_in_turn(first, last)
            ranges.append((1 + index, first[own], last[own], 1))
            free = np.flatnonzero(~taken.overlap(first, last))  # none of its tokens tagged yet
            chosen = free[kept_in_turn(first[free], last[free])]
            ranges.append((0, first[chosen], last[chosen], self.begin_tags[index]))
            taken = taken.plus(first[chosen], last[chosen])
        rows = pa.array(kept[tokens.bounds].astype(np.int32))  # where each document's kept tokens start
        starts = tokens.starts[keep]
        tags = bio_columns(int(kept[-1]), 1 + len(self.labels), ranges, kept, keep)
        local = starts - np.repeat(texts.bases[:-1], np.diff(kept[tokens.bounds]))
        values = {
            "tokens": token_strings(texts, starts, tokens.lengths[keep]),
            "starts": pa.array(local.astype(np.int32)),
            "tags": pa.array(tags[0]),
        }
        for label, index in self.labels.items():
            values[tag_column(label)] = pa.array(tags[1 + index])
        schema = self.arrow["tokens"]
        columns: dict[str, Any] = {"id": ids}
        for column in schema:
            if column.name in values:
                columns[column.name] = pa.ListArray.from_arrays(rows, values[column.name], type=column.type)
        return table_of(schema, columns)


def sentence_columns(
    texts: Texts, sentences: Sentences, which: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> dict[str, Any]:
    """The sentence(s) around spans [start, end) of text `which` (`sentences`: of the joined texts), with
    its offsets in the span's text."""
    base = texts.bases[which]
    first, last = sentences.around(starts + base, ends + base)
    joined = texts.joined
    return {
        "sentence": [joined[a:b] for a, b in zip(first.tolist(), last.tolist(), strict=True)],
        "sentence_start": first - base,
        "sentence_end": last - base,
    }


def unredacted(documents: int) -> pa.Array:
    """The documents config's provenance column as a Part holds it: empty, as the writer fills it with
    each document's provenance once redacted (curation.export.contents.write_rows: pseudonyms are
    handed out there, in file order), from its Facts (the JSON of the provenance as recorded was
    written here and thrown away there)."""
    return pa.nulls(documents, pa.string())


def table_of(schema: pa.Schema, columns: dict[str, Any]) -> pa.Table:
    """A table of `schema` from a list, numpy array or Arrow array per column."""
    return pa.Table.from_arrays([arrow_array(columns[f.name], f.type) for f in schema], schema=schema)


def arrow_array(column: Any, kind: pa.DataType) -> pa.Array:
    """An Arrow array of `kind` from a list, a numpy array or an Arrow array (as it is)."""
    return column if isinstance(column, pa.Array) else pa.array(column, kind)


def list_array(kind: pa.ListType, fields: dict[str, Any], sizes: list[int] | np.ndarray) -> pa.ListArray:
    """A list<struct> column from each struct field's values over all rows and the size of each row."""
    struct = cast(pa.StructType, kind.value_type)
    arrays = [arrow_array(fields[f.name], f.type) for f in struct]
    values = pa.StructArray.from_arrays(arrays, fields=list(struct))
    ends = np.zeros(len(sizes) + 1, dtype=np.int32)
    np.cumsum(sizes, out=ends[1:])
    return pa.ListArray.from_arrays(pa.array(ends), values, type=kind)


def kept_in_turn(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Which of these token ranges [first, last) (non-empty, `first` ascending; of equal firsts the
    longest first) are kept when each range that overlaps a kept one is left out, taken in turn: the
    next kept after a range is the first range that starts at or after its end.

    Most ranges overlap none after them (the next kept is the next one): only from the others (a
    hundred of the 100,000 ranges of 640 bench records) is the next kept looked up in turn, and the
    ranges they overlap left out."""
    after = np.searchsorted(first, last, side="left")
    kept = np.ones(len(after), dtype=bool)
    at = 0  # the next range kept
    for jump in np.flatnonzero(after[:-1] > np.arange(1, len(after))).tolist():
        if jump >= at:  # kept (every range from `at` to it is), and the ranges it overlaps are not
            kept[jump + 1 : after[jump]] = False
            at = int(after[jump])
    return np.flatnonzero(kept)


@dataclass(frozen=True, slots=True)
class Tagged:
    """Token ranges [first, last) tagged in a column so far: none overlaps another; by first (so their
    lasts ascend too)."""

    firsts: np.ndarray
    lasts: np.ndarray

    @classmethod
    def none(cls) -> Tagged:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    def overlap(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Whether each non-empty range [first, last) shares a token with one of these: the first of
        these ending after `first` starts before `last`."""
        if not len(self.firsts):
            return np.zeros(len(first), dtype=bool)
        at = np.searchsorted(self.lasts, first, side="right")
        return (at < len(self.firsts)) & (self.firsts[np.minimum(at, len(self.firsts) - 1)] < last)

    def plus(self, first: np.ndarray, last: np.ndarray) -> Tagged:
        """These and more ranges that overlap none of them (nor each other)."""
        firsts, lasts = np.concatenate([self.firsts, first]), np.concatenate([self.lasts, last])
        order = np.argsort(firsts, kind="stable")
        return Tagged(firsts[order], lasts[order])


_NONE = np.zeros(0, dtype=np.int64)


def bio_columns(
    size: int,
    columns: int,
    ranges: list[tuple[int, np.ndarray, np.ndarray, int]],
    kept: np.ndarray,
    keep: np.ndarray,
) -> np.ndarray:
    """Tags of the `size` tokens kept (`keep`; `kept`: how many are kept before each token) in each of
    `columns` columns. Per (column, firsts, lasts, begin) token ranges: B (`begin`) on a range's first
    token and I (`begin` + 1) on its others, 0 (outside) elsewhere, and then the tokens not kept left
    out (a range whose first token is not kept starts with I); the ranges of one column do not
    overlap. All columns as one run-length sequence (per range: the gap before it, its first tag, its
    other tags; then the gap to the column's end), expanded by one `np.repeat`. A scatter of steps and
    a running sum over every token of every column took 0.07 against 0.016 ms a PolNeAR article."""
    values, counts = [], []
    for column in range(columns):
        mine = [
            (first, last, np.full(len(first), begin)) for at, first, last, begin in ranges if at == column
        ]
        first, last, begin = (np.concatenate([_NONE, *(each[i] for each in mine)]) for i in range(3))
        start, stop = kept[first], kept[last]
        some = np.flatnonzero(stop > start)
        some = some[np.argsort(start[some], kind="stable")]  # in token order (the combined column's labels)
        first, begin, start, stop = first[some], begin[some], start[some], stop[some]
        runs = 3 * len(start) + 1
        value, count = np.zeros(runs, dtype=np.int64), np.empty(runs, dtype=np.int64)
        value[1:-1:3] = np.where(keep[first], begin, begin + 1)  # the tag of its first kept token
        value[2:-1:3] = begin + 1
        count[0:-1:3] = start - np.concatenate([[0], stop[:-1]])
        count[1:-1:3] = 1
        count[2:-1:3] = stop - start - 1
        count[-1] = size - (stop[-1] if len(stop) else 0)
        values.append(value)
        counts.append(count)
    return np.repeat(np.concatenate(values), np.concatenate(counts)).reshape(columns, size)


def read_record(raw: bytes, canonical: bool, context: dict[str, Any] | None) -> Record:
    """A chosen record as its Python-mode dump. `canonical`: the first pass found the line to be the
    record's own JSON dump, byte for byte (as curation writes records), so the line read as plain JSON
    is that dump already (a fifth of the time of building the models again); else the models are built.
    msgspec, not orjson: orjson reads an integer beyond 64 bits as a float, silently, where msgspec and
    the models keep it exact (same values otherwise, and as fast on a PolNeAR record)."""
    if canonical:
        return cast(Record, msgspec.json.decode(raw))
    return Document.model_validate_json(raw, context=context).model_dump()


@without_collections
def rows_part(
    lines: list[tuple[Line, bool, str]],
    path: str,
    schema: LabelSchema,
    model: str,
    arrow: dict[str, pa.Schema],
) -> Part:
    """Rows of a partition of chosen records, each with whether its line is canonical (see
    `read_record`) and its split (on any engine; the tokenizer loads once per process, and again when
    its vocabulary is full: `bounded_tokenizer`).

    The documents are taken split by split (in their order within a split), so that the writer takes
    each split's rows as one slice of each table. Their texts are tokenized one after the other before
    any row is built: spaCy's tokenizer between two records' validation and rows took 10 ms a PolNeAR
    article, back to back 7.5 ms, as much as alone (its tables stay in the CPU's caches; measured in one
    process, 640 records, three rounds). With the garbage collector off (curation.collector): its
    record dicts live until the tables are made."""
    builder = RowBuilder(schema, TextAnalyzer(bounded_tokenizer(model)), arrow)
    # Validated in full by the first pass, and the bytes checked against its hash since: only the
    # models are built (curation.records.CHECKED_CONTEXT).
    context = schema_context(schema, checked=True)
    positions = sorted(range(len(lines)), key=lambda i: lines[i][2])
    part, columns = None, None
    if all(lines[i][1] for i in positions):  # every line canonical: read as columns if Arrow can
        columns = read_columns([lines[i][0].raw for i in positions], builder.line_schema)
    if columns is not None:
        texts = texts_of(columns)
        tokens = builder.analyzer.tokenize(texts)
        part = builder.columnar_part(columns, texts, tokens)
    if part is None:  # from dicts (the texts, and their tokens, are the same)
        docs = [read_record(lines[i][0].raw, lines[i][1], context) for i in positions]
        if columns is None:
            texts = Texts([doc["text"] for doc in docs])
            tokens = builder.analyzer.tokenize(texts)
        part = builder.part(docs, texts, tokens)
    part.splits, part.positions = [lines[i][2] for i in positions], positions
    return part
