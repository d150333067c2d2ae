"""First pass of an export: validate every record, choose one record per document, hash contents.

Only small facts are kept per document (rank, line, digests), never its text, so memory stays flat.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from curation.errors import InputError
from curation.export.card import ProvenanceSummary
from curation.export.grouping import NearDuplicateGrouper
from curation.jsonl import iter_json_lines, parse_document
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, update_stamp
from curation.schema import LabelSchema


@dataclass(slots=True)
class Choice:
    """The record chosen for one document id, and what we know about it after the first pass."""

    rank: tuple[bool, str, str]  # reviewed, updated_at, content hash: the highest wins
    lineno: int
    digest: str
    text_digest: str
    reviewed_records: int = 0


@dataclass
class Scan:
    choices: dict[str, Choice]
    dropped_unreviewed: list[str]
    provenance: ProvenanceSummary
    records: int


EXPORTED_FIELDS = {"id", "source", "text", "meta", "spans", "relations", "provenance"}

VOLATILE_PROVENANCE = ("annotated_at",)


def document_digest(doc: Document) -> str:
    """Content hash of what a document contributes to the export (run timestamps left out)."""
    content = doc.model_dump(mode="json", include=EXPORTED_FIELDS)
    for key in VOLATILE_PROVENANCE:
        content["provenance"].pop(key, None)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def record_rank(doc: Document, digest: str) -> tuple[bool, str, str]:
    """Reviewed before unreviewed, then the latest update (compared in UTC), then the content hash."""
    return (doc.provenance.reviewed, update_stamp(doc.provenance), digest)


def scan(
    path: Path,
    silver: bool,
    grouper: NearDuplicateGrouper,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
) -> Scan:
    """First pass: validate everything, choose one record per id, group near-duplicates."""
    choices: dict[str, Choice] = {}
    unreviewed: set[str] = set()
    provenance = ProvenanceSummary()
    records = 0
    progress.stage("checking records")
    for lineno, obj in iter_json_lines(path):
        doc = parse_document(obj, f"{path}:{lineno}", schema)
        records += 1
        if records % 500 == 0:
            progress.advance(500)
        if not silver and not doc.provenance.reviewed:
            unreviewed.add(doc.id)
            continue
        provenance.add(doc.provenance)
        digest = document_digest(doc)
        text_digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
        rank = record_rank(doc, digest)
        known = choices.get(doc.id)
        if known is None:
            grouper.add(doc.id, doc.text)
            known = choices[doc.id] = Choice(rank, lineno, digest, text_digest)
        elif known.text_digest != text_digest:
            raise InputError(
                f"{path}:{lineno}: record {doc.id} has a different text from line {known.lineno}; "
                "one id must always name the same text"
            )
        elif rank > known.rank:
            known.rank, known.lineno, known.digest = rank, lineno, digest
        known.reviewed_records += doc.provenance.reviewed
    if records == 0:
        raise InputError(f"{path}: no records; export needs a JSONL file of annotated documents")
    if not choices:
        raise InputError(
            f"{path}: none of the {records} records is human-reviewed (provenance.reviewed true); "
            "export pre-annotations with --silver, or pull reviewed annotations first"
        )
    dropped = sorted(unreviewed - set(choices))
    return Scan(choices, dropped, provenance, records)
