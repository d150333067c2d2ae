"""The one reader of an exported dataset version (exports/NAME/vX.Y.Z/): its label schema and its documents.

A version is read with the schema it was written with (labels.yaml beside manifest.json), never with
today's: ClassLabel ids decode to the names they had when the version was made. Versions written before
the schema was shipped fall back to the packaged schema. `curation evaluate`/`agreement` (gold from a
version) and the changelog (spans of changed documents) both read through here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curation.errors import InputError
from curation.jsonl import parse_document
from curation.records import Document, span_id
from curation.schema import SCHEMA_FILE, LabelSchema, get_schema, load_schema


def version_schema(root: Path) -> LabelSchema:
    """The label schema a version was written with (the packaged one for versions that lack the file)."""
    path = root / SCHEMA_FILE
    return load_schema(path) if path.is_file() else get_schema()


def dataset_files(root: Path, split: str | None = None) -> list[Path]:
    """The documents parquet files of an exported version (data/documents/<split>-*.parquet)."""
    name = f"{split}-*.parquet" if split else "*.parquet"
    for folder in ("data/documents", "documents", "*/data/documents"):
        files = sorted(root.glob(f"{folder}/{name}"))
        if files:
            return files
    raise InputError(
        f"{root}: no data/documents/*.parquet here; give a dataset version directory "
        "(exports/NAME/vX.Y.Z) or a records .jsonl"
    )


def read_version(root: Path, ids: set[str] | None = None, split: str | None = None) -> Iterator[Document]:
    """Documents of an exported version (only `ids` / one `split`, when given), decoded with the version's
    own schema, one record per document, streamed row group by row group."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = version_schema(root)
    wanted = pa.array(sorted(ids), pa.string()) if ids is not None else None
    seen: set[str] = set()
    for file in dataset_files(root, split):
        parquet = pq.ParquetFile(file)
        for batch in parquet.iter_batches(batch_size=256):
            if wanted is not None:
                batch = batch.filter(pc.is_in(batch.column("id"), value_set=wanted))
            for number, row in enumerate(batch.to_pylist()):
                doc = _row_document(row, schema, f"{file} (row {number})")
                if doc.id not in seen:  # one record per document (splits do not share documents)
                    seen.add(doc.id)
                    yield doc


def _decode(value: Any, names: list[str]) -> Any:
    """A ClassLabel id back to its name; names pass through."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value]
    return value


def _json_field(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return value if isinstance(value, dict) else {}


def _row_document(row: dict[str, Any], schema: LabelSchema, where: str) -> Document:
    spans = []
    for raw in row.get("spans") or []:
        label = _decode(raw.get("label"), schema.span_labels)
        spec = schema.spans.get(label)
        attrs = {}
        for name, attr in spec.attrs.items() if spec else ():
            for column in (name, f"{str(label).lower()}_{name}"):
                if raw.get(column) is not None:
                    attrs[name] = _decode(raw[column], attr.values) if attr.type == "choice" else raw[column]
        extra = {k: raw[k] for k in ("group", "score") if raw.get(k) is not None}
        spans.append(
            {
                "id": raw.get("id") or span_id(str(label), raw["start"], raw["end"]),
                "start": raw["start"],
                "end": raw["end"],
                "label": label,
                "text": raw.get("text") or row["text"][raw["start"] : raw["end"]],
                "attrs": attrs,
                **extra,
            }
        )
    relations = [
        {"head": r["head"], "tail": r["tail"], "label": _decode(r["label"], schema.relation_labels)}
        for r in row.get("relations") or []
    ]
    obj = {
        "id": row["id"],
        "source": row.get("source") or "",
        "text": row["text"],
        "meta": _json_field(row.get("meta")),
        "spans": spans,
        "relations": relations,
        "provenance": _json_field(row.get("provenance")),
    }
    return parse_document(obj, where, schema)
