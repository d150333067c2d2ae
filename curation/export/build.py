"""`export`: records JSONL in, an immutable, documented dataset version out.

Two passes over the input, so memory stays flat: the first validates every record, picks one record
per document, and groups near-duplicates; the splits are then fixed, and the second pass writes the
rows of every config straight into parquet files. Everything is written into a temporary directory
beside the target and renamed at the end: a failure leaves no version directory behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from curation import __version__
from curation.errors import InputError
from curation.export.agreement import SpanKey, mean_pairwise_f1
from curation.export.card import CardInfo, Provenance, render_card
from curation.export.changelog import Changelog, diff_versions
from curation.export.features import config_features
from curation.export.grouping import DEFAULT_THRESHOLD, NearDuplicateGrouper
from curation.export.rows import RowBuilder
from curation.export.splits import SPLITS, Ratios, assign_splits
from curation.export.text import TextAnalyzer, load_tokenizer, pipeline_label
from curation.export.versions import (
    MANIFEST,
    Bump,
    existing_versions,
    file_hashes,
    next_version,
    read_manifest,
)
from curation.export.writer import ParquetSink, data_file
from curation.jsonl import atomic_write, iter_json_lines, parse_document
from curation.records import Document
from curation.schema import get_schema

FORMAT = "curation-export/1"  # bump when the layout or the rows of a config change meaning
Progress = Callable[[str, int, int | None], None]  # stage, done, total (None: unknown)


@dataclass
class ExportOptions:
    name: str
    out: Path = Path("exports")
    bump: Bump = "patch"
    version: str | None = None
    silver: bool = False
    ratios: Ratios = field(default_factory=Ratios)
    license: str = "other"
    language: str = "en"
    model: str | None = None  # tokenizer pipeline; None: the CURATION_MODEL setting
    group_threshold: float = DEFAULT_THRESHOLD


@dataclass
class ExportResult:
    created: bool  # False: nothing changed since `version`, no new directory
    version: str
    version_dir: Path
    parent: str | None
    silver: bool
    documents: int
    splits: dict[str, int]
    dropped_unreviewed: list[str]
    changelog: Changelog | None


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
    provenance: Provenance
    records: int


def document_digest(doc: Document) -> str:
    """Content hash of everything a document contributes to the export."""
    canonical = json.dumps(doc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def is_reviewed(doc: Document) -> bool:
    return doc.provenance.get("reviewed") is True


def record_rank(doc: Document, digest: str) -> tuple[bool, str, str]:
    stamp = doc.provenance.get("updated_at") or doc.provenance.get("annotated_at") or ""
    return (is_reviewed(doc), str(stamp), digest)


def scan(path: Path, silver: bool, grouper: NearDuplicateGrouper, progress: Progress | None = None) -> Scan:
    """First pass: validate everything, choose one record per id, group near-duplicates."""
    choices: dict[str, Choice] = {}
    unreviewed: set[str] = set()
    provenance = Provenance()
    records = 0
    for lineno, obj in iter_json_lines(path):
        doc = parse_document(obj, f"{path}:{lineno}")
        records += 1
        provenance.add(doc.provenance)
        if progress and records % 500 == 0:
            progress("checking records", records, None)
        if not silver and not is_reviewed(doc):
            unreviewed.add(doc.id)
            continue
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
        known.reviewed_records += is_reviewed(doc)
    if records == 0:
        raise InputError(f"{path}: no records; export needs a JSONL file of annotated documents")
    if not choices:
        raise InputError(
            f"{path}: none of the {records} records is human-reviewed (provenance.reviewed true); "
            "export pre-annotations with --silver, or pull reviewed annotations first"
        )
    dropped = sorted(unreviewed - set(choices))
    return Scan(choices, dropped, provenance, records)


def content_hash(header: dict[str, Any], choices: dict[str, Choice], splits: dict[str, str]) -> str:
    """Hash of what the version contains; equal hashes mean nothing to export."""
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode())
    for doc_id in sorted(choices):
        digest.update(f"{doc_id}\t{choices[doc_id].digest}\t{splits[doc_id]}\n".encode())
    return digest.hexdigest()


def export_dataset(
    path: Path | str, options: ExportOptions, progress: Progress | None = None
) -> ExportResult:
    """Export a records file as the next version of dataset `options.name`."""
    from curation.settings import get_settings

    path = Path(path)
    dataset_dir = options.out / options.name
    versions = existing_versions(dataset_dir)
    parent = versions[-1] if versions else None
    parent_dir = dataset_dir / parent.dirname if parent else None
    parent_manifest = read_manifest(parent_dir) if parent_dir else {}

    schema = get_schema()
    nlp = load_tokenizer(options.model or get_settings().model)
    grouper = NearDuplicateGrouper(options.group_threshold)
    found = scan(path, options.silver, grouper, progress)
    groups = grouper.groups()
    previous = {i: s for s, ids in parent_manifest.get("splits", {}).items() for i in ids}
    splits = assign_splits(groups, options.ratios, previous)
    header = {
        "format": FORMAT,
        "schema": schema.fingerprint(),
        "silver": options.silver,
        "tokenizer": pipeline_label(nlp),
    }
    digest = content_hash(header, found.choices, splits)
    split_sizes = dict(sorted(Counter(splits.values()).items(), key=lambda kv: SPLITS.index(kv[0])))
    if parent and parent_manifest.get("content_hash") == digest:
        assert parent_dir is not None
        return ExportResult(
            False, str(parent), parent_dir, parent_manifest.get("parent"), options.silver,
            len(found.choices), split_sizes, found.dropped_unreviewed, None,
        )  # fmt: skip
    version = next_version(parent, options.bump, options.version, dataset_dir)

    dataset_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version.dirname}.", suffix=".tmp", dir=dataset_dir))
    try:
        features = config_features(schema)
        sink = ParquetSink(work, features)
        try:
            span_counts = write_rows(
                path, found, splits, RowBuilder(schema, TextAnalyzer(nlp)), sink, progress
            )
        except BaseException:
            sink.abort()
            raise
        sink.close()
        sizes = {key: (work / data_file(*key)).stat().st_size for key in sink.writers}
        info = CardInfo(
            name=options.name,
            version=str(version),
            silver=options.silver,
            schema=schema,
            features=features,
            rows={k: sink.counts.get(k, 0) for k in sink.writers},
            bytes=sizes,
            spans=span_counts,
            provenance=found.provenance,
            tokenizer=pipeline_label(nlp),
            ratios=options.ratios,
            license=options.license,
            language=options.language,
            dropped_unreviewed=len(found.dropped_unreviewed),
            groups=len(set(groups.values())),
            largest_group=max(Counter(groups.values()).values()),
            parent=str(parent) if parent else None,
        )
        with atomic_write(work / "README.md") as fh:
            fh.write(render_card(info))
        manifest = {
            "name": options.name,
            "version": str(version),
            "parent": str(parent) if parent else None,
            "kind": "silver" if options.silver else "gold",
            "silver": options.silver,
            "schema_name": schema.name,
            "schema_version": schema.version,
            "schema_fingerprint": schema.fingerprint(),
            "tool_version": __version__,
            "format": FORMAT,
            "tokenizer": pipeline_label(nlp),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "input": path.name,
            "content_hash": digest,
            "ratios": vars(options.ratios),
            "dropped_unreviewed": found.dropped_unreviewed,
            "splits": {s: sorted(i for i, sp in splits.items() if sp == s) for s in split_sizes},
            "document_hashes": {i: found.choices[i].digest for i in sorted(found.choices)},
        }
        write_manifest(work, manifest)
        changelog = diff_versions(parent_dir, work)
        with atomic_write(work / "CHANGELOG.md") as fh:
            fh.write(changelog.markdown())
        manifest["files"] = file_hashes(work)
        write_manifest(work, manifest)
        final = dataset_dir / version.dirname
        if final.exists():
            raise InputError(f"{final} appeared while exporting; versions are never overwritten")
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ExportResult(
        True, str(version), final, str(parent) if parent else None, options.silver,
        len(found.choices), split_sizes, found.dropped_unreviewed, changelog,
    )  # fmt: skip


def write_manifest(version_dir: Path, manifest: dict[str, Any]) -> None:
    with atomic_write(version_dir / MANIFEST) as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


def write_rows(
    path: Path,
    found: Scan,
    splits: dict[str, str],
    builder: RowBuilder,
    sink: ParquetSink,
    progress: Progress | None = None,
) -> dict[str, Counter[str]]:
    """Second pass: the chosen record of each document becomes rows of every config."""
    chosen = {c.lineno: doc_id for doc_id, c in found.choices.items()}
    for split in sorted(set(splits.values())):
        for config in builder_configs(sink):
            sink.open(config, split)
    span_counts: dict[str, Counter[str]] = defaultdict(Counter)
    several = {doc_id for doc_id, c in found.choices.items() if c.reviewed_records > 1}
    by_annotator: dict[str, dict[str, set[SpanKey]]] = defaultdict(dict)
    done = 0
    total = len(chosen)
    for lineno, obj in iter_json_lines(path):
        if obj.get("id") in several and obj.get("provenance", {}).get("reviewed") is True:
            who = str(obj["provenance"].get("annotator", f"line {lineno}"))
            by_annotator[obj["id"]][who] = {(s["label"], s["start"], s["end"]) for s in obj.get("spans", [])}
        doc_id = chosen.get(lineno)
        if doc_id is None:
            continue
        doc = parse_document(obj, f"{path}:{lineno}")
        if doc.id != doc_id or document_digest(doc) != found.choices[doc_id].digest:
            raise InputError(f"{path}: changed while being exported (line {lineno}); run the export again")
        split = splits[doc_id]
        for config, rows in builder.rows(doc, is_reviewed(doc)).items():
            sink.add(config, split, rows)
        span_counts[split].update(span.label for span in doc.spans)
        done += 1
        if progress and (done % 200 == 0 or done == total):
            progress("writing parquet", done, total)
    if done != total:
        raise InputError(f"{path}: changed while being exported ({total - done} records missing); run again")
    found.provenance.agreement, found.provenance.agreement_documents = mean_pairwise_f1(by_annotator.values())
    return dict(span_counts)


def builder_configs(sink: ParquetSink) -> list[str]:
    return list(sink.schemas)


def latest_version_dir(dataset_dir: Path) -> Path | None:
    versions = existing_versions(dataset_dir)
    return dataset_dir / versions[-1].dirname if versions else None
