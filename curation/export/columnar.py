"""Rows of a partition of canonical lines, read column by column: no Python object per span.

A PolNeAR article has about 90 spans and 50 relations. Read as dicts (orjson), every span is a dict of
a dozen objects, and each column of each config is a Python loop over them: a dozen such loops over a
partition's 2,800 spans, plus a dict of spans and a loop over relations per document for the linked
mentions. Here the partition's lines are read by Arrow's JSON reader into typed columns (span ids,
offsets, labels, attributes, relations), and every config's columns are taken from those with Arrow
and numpy over the whole partition: label ids by `index_in`, linked mentions by one sort of the
relations, unit rows by `take`. Only meta and provenance (kept as dicts: the writer redacts them, and
they are written as sorted JSON) are read by msgspec, skipping everything else in the line.

Only lines the first pass found canonical come here (every value of the type its model field holds, the
record valid under the schema: curation.canonical), so the columns hold what the dicts would. Any
partition this path cannot show to give the same rows gets None, and `curation.export.rows` builds it
from dicts as before: a line Arrow refuses (an integer beyond 64 bits, a type the explicit schema does
not hold); a missing value; a unit attribute left out of a span whose schema gives it a default (Arrow
reads a key left out and a null alike; the dicts tell them apart). The parquet bytes are the same
either way (tests/export/test_export_engines.py, tests/export/test_export_rows.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from curation.export.text import Texts
from curation.schema import AttrSpec, LabelSchema


class Kept(msgspec.Struct):
    """What is read of a line as Python values (msgspec skips the rest of the line)."""

    meta: dict[str, Any]
    provenance: dict[str, Any]


_KEPT = msgspec.json.Decoder(Kept)


def line_schema(schema: LabelSchema) -> pa.Schema:
    """The columns read of a record's line: its id, source, text, spans (with every attribute any
    label has, as text: validation allows no other value) and relations."""
    names = list(dict.fromkeys(name for spec in schema.spans.values() for name in spec.attrs))
    span = pa.struct(
        [
            ("id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("label", pa.string()),
            ("text", pa.string()),
            ("attrs", pa.struct([(name, pa.string()) for name in names])),
            ("score", pa.float64()),
            ("group", pa.string()),
            ("defaults", pa.list_(pa.string())),
        ]
    )
    relation = pa.struct([("head", pa.string()), ("tail", pa.string()), ("label", pa.string())])
    return pa.schema(
        [
            ("id", pa.string()),
            ("source", pa.string()),
            ("text", pa.string()),
            ("spans", pa.list_(span)),
            ("relations", pa.list_(relation)),
        ]
    )


@dataclass(slots=True)
class Columns:
    """A partition's records as columns: per document (id, source, text, meta, provenance, how many
    spans and relations), and every span and every relation of the partition, document after document."""

    ids: pa.Array
    sources: pa.Array
    texts: pa.Array
    kept: list[Kept]
    spans: pa.StructArray
    span_sizes: np.ndarray
    relations: pa.StructArray
    relation_sizes: np.ndarray


def read_columns(raws: list[bytes], schema: pa.Schema) -> Columns | None:
    """The records of these canonical lines as columns (`schema`: `line_schema`'s; None: Arrow refuses
    a line or a value is missing; the dicts then read them)."""
    data = b"".join(raw if raw.endswith(b"\n") else raw + b"\n" for raw in raws)
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    read = pa_json.ReadOptions(use_threads=False, block_size=max(len(data), 1 << 20))
    try:
        table = pa_json.read_json(pa.BufferReader(data), read_options=read, parse_options=options)
        kept = [_KEPT.decode(raw) for raw in raws]
    except (pa.ArrowInvalid, msgspec.DecodeError):
        return None
    if not raws or table.num_rows != len(raws):
        return None
    table = table.combine_chunks()
    column = {name: table.column(name).chunk(0) for name in table.column_names}
    if any(array.null_count for array in column.values()):
        return None
    spans, relations = column["spans"], column["relations"]
    span_items, relation_items = spans.flatten(), relations.flatten()
    required = [span_items.field(name) for name in ("id", "start", "end", "label", "text")]
    required += [relation_items.field(name) for name in ("head", "tail", "label")]
    if any(array.null_count for array in required):
        return None
    return Columns(
        column["id"], column["source"], column["text"], kept,
        span_items, spans.value_lengths().to_numpy(), relation_items, relations.value_lengths().to_numpy(),
    )  # fmt: skip


def texts_of(columns: Columns) -> Texts:
    return Texts(columns.texts.to_pylist())


def ids_in(values: pa.Array, names: list[str]) -> np.ndarray | None:
    """The position of each value among `names` (None: a value is not one of them)."""
    found = pc.index_in(values, value_set=pa.array(names, pa.string()))
    if found.null_count:
        return None
    return found.to_numpy().astype(np.int64)


def encoded_array(spec: AttrSpec, values: pa.Array, kind: pa.DataType) -> pa.Array | None:
    """`curation.export.rows.encoded` over an Arrow column: a choice as its ClassLabel id, text as text,
    null stays null (None: a value is not one of the choices, which validation does not let through)."""
    if spec.type != "choice":
        return values.cast(kind)
    found = pc.index_in(values, value_set=pa.array(spec.values, pa.string()))
    if found.null_count != values.null_count:
        return None
    return found.cast(kind)


def positions_in(
    span_doc: np.ndarray, span_ids: pa.Array, docs: np.ndarray, ids: list[pa.Array]
) -> list[np.ndarray] | None:
    """Where each id of `ids` (of document `docs`) is among the partition's spans (of document
    `span_doc`, `span_ids`), the first such span if several (None: an id is not a span of its
    document). Every id is numbered once (Arrow's dictionary encoding) and a span found by (document,
    number) among them sorted: making "document, separator, id" strings of every span and every
    relation's ends and looking them up made `first_tails` take 0.0197 against 0.014 ms a PolNeAR
    article."""
    numbers = pc.dictionary_encode(pa.concat_arrays([span_ids, *ids])).indices.to_numpy().astype(np.int64)
    width = int(numbers.max(initial=0)) + 1
    keys = span_doc * width + numbers[: len(span_ids)]
    order = np.argsort(keys, kind="stable")  # of spans with the same key, the first comes first
    ordered = keys[order]
    if not len(ordered):
        return None if any(len(each) for each in ids) else [order for _ in ids]
    found, at = [], len(span_ids)
    for each in ids:
        wanted = docs * width + numbers[at : at + len(each)]
        at += len(each)
        place = np.minimum(np.searchsorted(ordered, wanted, side="left"), len(ordered) - 1)
        if (ordered[place] != wanted).any():
            return None
        found.append(order[place])
    return found


def first_tails(
    columns: Columns,
    span_doc: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    labels: np.ndarray,
    relation_labels: int,
) -> np.ndarray | None:
    """For each span and relation label, the span its relations of that label point to first by
    offset (-1: none): `RowBuilder.linked` over the partition at once (the earliest relation among
    tails at the same offsets, as its loop keeps; `labels`: each relation's label id, of
    `relation_labels`)."""
    relations = columns.relations
    relation_doc = np.repeat(np.arange(len(columns.relation_sizes)), columns.relation_sizes)
    ends_found = positions_in(
        span_doc, columns.spans.field("id"), relation_doc, [relations.field("head"), relations.field("tail")]
    )
    if ends_found is None:
        return None
    head, tail = ends_found
    linked = np.full((len(starts), relation_labels), -1, dtype=np.int64)
    if not len(head):
        return linked
    order = lexsort((ends[tail], starts[tail], labels, head))  # stable: the earliest relation first
    head, labels, tail = head[order], labels[order], tail[order]
    first = np.ones(len(head), dtype=bool)
    first[1:] = (head[1:] != head[:-1]) | (labels[1:] != labels[:-1])
    linked[head[first], labels[first]] = tail[first]
    return linked


def lexsort(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """`np.lexsort(keys)` of integer keys (the last one sorts first), stable (of equal keys, the first
    first): one stable argsort of a key that holds them all (each key less its least value, times the
    sizes of the ones before), or np.lexsort when that would not fit 62 bits. An argsort for each key
    took 0.0145 against 0.0034 ms a PolNeAR article (the tokens config's spans, by document, label,
    start and longest first)."""
    combined, size = np.zeros(len(keys[0]), dtype=np.int64), 1
    for key in keys:
        low, high = int(key.min(initial=0)), int(key.max(initial=0))
        if size * (high - low + 1) >= 1 << 62:
            return np.lexsort(keys)
        combined += (key - low) * size
        size *= high - low + 1
    return np.argsort(combined, kind="stable")


def json_column(values: list[dict[str, Any]]) -> list[str]:
    """Dicts as the documents config writes them (sorted keys, as `RowBuilder.documents_table` does)."""
    return [json.dumps(value, sort_keys=True, ensure_ascii=False) for value in values]


def split_at(values: list[Any], sizes: np.ndarray) -> list[list[Any]]:
    """A list cut into consecutive pieces of these sizes."""
    ends = np.cumsum(sizes).tolist()
    return [values[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
