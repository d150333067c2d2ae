"""First pass of an export: validate every record, choose one record per document, hash contents.

Only small facts are kept per document (rank, line, digests), never its text, so memory stays flat.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import numpy as np

from curation.canonical import Canonical, canonical_read, spelled_alike
from curation.cluster import partitioned
from curation.collector import without_collections
from curation.engines import Run, here
from curation.errors import InputError
from curation.export.grouping import NearDuplicateGrouper, signatures
from curation.export.places import ReadFirst, by_place, line_hash
from curation.jsonl import Line, iter_lines, parse_line_document
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, Provenance, text_hash, update_stamp
from curation.schema import LabelSchema, get_schema

if TYPE_CHECKING:
    from curation.export.card import ProvenanceSummary

PARTITION = 32  # records per partition sent to a worker (the same on every engine: same output bytes)


@dataclass(slots=True)
class Choice:
    """The record chosen for one document id, and what we know about it after the first pass."""

    rank: tuple[bool, str, str]  # reviewed, updated_at, content hash: the highest wins
    lineno: int
    offset: int  # where its line starts: the second pass reads only the chosen lines
    digest: str
    text_digest: str
    line_hash: str  # of the raw line: the second pass checks the file did not change meanwhile
    canonical: bool  # the line is the record's own JSON dump (the second pass reads it as plain JSON)
    reviewed_records: int = 0
    length: int = 0  # of its line in bytes: a local worker reads it by place (curation.export.places)


@dataclass
class Scan:
    choices: dict[str, Choice]
    dropped_unreviewed: list[str]
    provenance: ProvenanceSummary
    records: int


@dataclass(slots=True)
class Seen:
    """What the first pass learns from one record; the record itself is not kept (nor sent back)."""

    line: Line  # without its bytes
    doc_id: str
    reviewed: bool
    provenance: Provenance | None = None  # None: left out (unreviewed in a gold export)
    rank: tuple[bool, str, str] = (False, "", "")
    digest: str = ""
    text_digest: str = ""
    line_hash: str = ""
    signature: np.ndarray | None = None
    canonical: bool = False
    length: int = 0  # of the line in bytes


def is_canonical(raw: bytes, doc: Document) -> bool:
    """Whether a line is the record's own JSON dump byte for byte (what curation writes): then the line
    read as JSON gives the record's dump, without building its models again."""
    return raw.rstrip(b"\r\n") == doc.__pydantic_serializer__.to_json(doc)


@without_collections
def scan_part(lines: list[Line], path: str, silver: bool, schema: LabelSchema | None) -> list[Seen]:
    """Validate a partition of records and compute what the first pass keeps (runs on any engine), with
    the garbage collector off (curation.collector: its Structs and dicts made three full collections
    over 2,000 records, 0.4 s of CPU).

    A line that is a valid record's own canonical dump (what curation writes) is read without building
    its models (curation.canonical); any other line is read through the models,
    which name what is wrong. Step by step over the partition (every record validated, then every hash,
    then every signature), not record by record: each step's code and tables stay in the CPU's caches
    (0.4 of 6 ms a PolNeAR article, measured in one process over four rounds), as for the tokenizer in
    the second pass."""
    checked_against = schema if schema is not None else get_schema()
    reads = [canonical_read(line.raw, checked_against) for line in lines]
    docs = [
        parse_line_document(line, path, schema) if read is None else None
        for line, read in zip(lines, reads, strict=True)
    ]
    records = [Record(read, doc) for read, doc in zip(reads, docs, strict=True)]
    kept = [silver or record.provenance.reviewed for record in records]  # a gold export skips unreviewed
    digests = [record.digest() if keep else "" for record, keep in zip(records, kept, strict=True)]
    texts = [text_hash(record.text)[:16] if keep else "" for record, keep in zip(records, kept, strict=True)]
    kept_signatures = iter(
        signatures([record.text for record, keep in zip(records, kept, strict=True) if keep])
    )
    signed = [next(kept_signatures) if keep else None for keep in kept]
    canonical = [
        keep and record.canonical(line.raw) for line, record, keep in zip(lines, records, kept, strict=True)
    ]
    out = []
    for line, record, keep, digest, text_digest, values, own in zip(
        lines, records, kept, digests, texts, signed, canonical, strict=True
    ):
        where = Line(line.lineno, line.offset, b"")
        if not keep:
            out.append(Seen(where, record.id, False))
            continue
        provenance = record.provenance
        out.append(
            Seen(
                where, record.id, provenance.reviewed, provenance, record_rank(provenance, digest), digest,
                text_digest, line_hash(line.raw), values, own, len(line.raw),
            )
        )  # fmt: skip
    return out


class Record:
    """One record as the first pass read it: its canonical dump (no models built), or its Document."""

    __slots__ = ("dump", "plain", "doc", "id", "text", "provenance")

    def __init__(self, read: Canonical | None, doc: Document | None) -> None:
        dump: dict[str, Any] | None = read.dump if read is not None else None
        self.dump, self.plain, self.doc = dump, read is not None and read.plain, doc
        if dump is not None:
            self.id, self.text = dump["id"], dump["text"]
            self.provenance = Provenance.model_validate(dump["provenance"])  # the same values: one model
        else:
            assert doc is not None
            self.id, self.text, self.provenance = doc.id, doc.text, doc.provenance

    def digest(self) -> str:
        if self.dump is not None:
            return dump_digest(self.dump, plain=self.plain)
        return document_digest(self.doc)  # type: ignore[arg-type]

    def canonical(self, raw: bytes) -> bool:
        return self.dump is not None or is_canonical(raw, self.doc)  # type: ignore[arg-type]


EXPORTED_FIELDS = {"id", "source", "text", "meta", "spans", "relations", "provenance"}

VOLATILE_PROVENANCE = ("annotated_at",)


def document_digest(doc: Document) -> str:
    """Content hash of what a document contributes to the export (run timestamps left out).

    The hash of the record's JSON-mode dump, taken from its Python-mode dump (40% cheaper; the export
    pays it for every record): the two give the same JSON text for every value a record read from JSON
    holds, except a float that is not finite, which JSON mode writes as null. json.dumps refuses one
    (allow_nan=False), and that record is dumped in JSON mode, so every hash stays what it was."""
    try:
        return dump_digest(doc.model_dump(include=EXPORTED_FIELDS))
    except (TypeError, ValueError):
        return dump_digest(doc.model_dump(mode="json", include=EXPORTED_FIELDS), allow_nan=True)


def dump_digest(dump: dict[str, Any], allow_nan: bool = False, plain: bool = False) -> str:
    """`document_digest` of a record's dump (`Document.model_dump()`, as a canonical line read without
    models gives it: curation.canonical); only the exported fields are read, the dump is left as it is.
    `plain`: every value is a JSON type and every float one json.dumps spells as msgspec does (what
    `curation.canonical.canonical_read` says of a line it read), so they are not looked at again."""
    content = {key: dump[key] for key in EXPORTED_FIELDS}
    content["provenance"] = {
        key: value for key, value in dump["provenance"].items() if key not in VOLATILE_PROVENANCE
    }
    data = sorted_json(content, plain)  # None: json.dumps spells it (a float not finite is null in both)
    if data is None:
        data = json.dumps(content, sort_keys=True, ensure_ascii=False, allow_nan=allow_nan).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


_SORTED = msgspec.json.Encoder(order="sorted")


def sorted_json(content: Any, plain: bool = False) -> bytes | None:
    """`json.dumps(content, sort_keys=True, ensure_ascii=False)` as UTF-8, byte for byte, at a quarter of
    its time (0.3 of a PolNeAR record's 1.2 ms): msgspec writes it with sorted keys (code-point order,
    as json.dumps), and its `format` puts json.dumps' separators (", " and ": ") in between, strings
    left as they are. Strings, ints of any size, true/false/null come out the same; floats too, except
    below 1e-4 and from 1e16 (1e-05 is 0.00001 there, 1e+16 is 1e16): None for those, for a type
    json.dumps refuses or spells otherwise, and for nesting deeper than msgspec writes.
    `plain`: the caller knows there are none (see `spelled_alike`); else the values are looked at first.
    tests/export/test_export_digest.py holds it."""
    if not plain and not json_plain(content):
        return None
    try:
        return msgspec.json.format(_SORTED.encode(content), indent=0)
    except RecursionError:
        return None


def json_plain(value: Any) -> bool:
    """Whether a value holds only dicts with text keys, lists, text, ints, bools, None and floats that
    json.dumps and msgspec spell alike (exact types: a subclass may be spelled otherwise)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            if not spelled_alike(item):
                return False
        elif kind not in _SCALARS:
            return False
    return True


_SCALARS = frozenset({str, int, bool, type(None)})


def record_rank(provenance: Provenance, digest: str) -> tuple[bool, str, str]:
    """Reviewed before unreviewed, then the latest update (compared in UTC), then the content hash."""
    return (provenance.reviewed, update_stamp(provenance), digest)


def scan(
    path: Path,
    silver: bool,
    grouper: NearDuplicateGrouper,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
    run: Run = here,
) -> Scan:
    """First pass: validate everything, choose one record per id, group near-duplicates.

    The records are validated in partitions on `run`'s engine; what comes back is merged here in
    file order, so the choices are the same on every engine."""
    from curation.export.card import ProvenanceSummary  # heavy (datasets): workers never need it

    choices: dict[str, Choice] = {}
    unreviewed: set[str] = set()
    provenance = ProvenanceSummary()
    records = 0
    progress.stage("checking records")
    parts = by_place(partitioned(iter_lines(path), PARTITION), path, local=run.shared_dir is not None)
    for part in run(ReadFirst(scan_part), parts, str(path), silver, schema):
        for seen in part:
            records += 1
            if records % 500 == 0:
                progress.advance(500)
            if seen.provenance is None:
                unreviewed.add(seen.doc_id)
                continue
            provenance.add(seen.provenance)
            lineno = seen.line.lineno
            known = choices.get(seen.doc_id)
            if known is None:
                grouper.add_signature(seen.doc_id, seen.signature)
                known = choices[seen.doc_id] = Choice(
                    seen.rank, lineno, seen.line.offset, seen.digest, seen.text_digest, seen.line_hash,
                    seen.canonical, length=seen.length,
                )  # fmt: skip
            elif known.text_digest != seen.text_digest:
                raise InputError(
                    f"{path}:{lineno}: record {seen.doc_id} has a different text from line {known.lineno}; "
                    "one id must always name the same text"
                )
            elif seen.rank > known.rank:
                known.rank, known.lineno, known.digest = seen.rank, lineno, seen.digest
                known.offset, known.line_hash = seen.line.offset, seen.line_hash
                known.canonical, known.length = seen.canonical, seen.length
            known.reviewed_records += seen.reviewed
    if records == 0:
        raise InputError(f"{path}: no records; export needs a JSONL file of annotated documents")
    if not choices:
        raise InputError(
            f"{path}: none of the {records} records is human-reviewed (provenance.reviewed true); "
            "export pre-annotations with --silver, or pull reviewed annotations first"
        )
    dropped = sorted(unreviewed - set(choices))
    return Scan(choices, dropped, provenance, records)
