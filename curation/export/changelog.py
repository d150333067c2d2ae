"""What changed between two versions: documents added or removed, spans added, removed or changed.

Both the export (to write CHANGELOG.md) and `curation diff` call `diff_versions` on version
directories, so they say the same thing. Documents are compared by the content hash the manifest
keeps for each; spans are read back only for documents whose hash changed, streaming the parquet
files batch by batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasets import Features

from curation.export.versions import read_manifest
from curation.export.writer import DATA_DIR

SpanKey = tuple[str, int, int]  # label, start, end
SHOW_DOCUMENTS = 50  # documents listed by name in the changelog; the rest are counted


@dataclass
class DocumentChange:
    id: str
    added: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = []
        for verb, counts in (("added", self.added), ("removed", self.removed), ("changed", self.changed)):
            if counts:
                parts.append(f"{verb} " + ", ".join(f"{n} {label}" for label, n in sorted(counts.items())))
        return "; ".join(parts) or "relations, metadata or provenance only"


@dataclass
class Changelog:
    old_version: str | None
    new_version: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[DocumentChange] = field(default_factory=list)
    spans_added: Counter[str] = field(default_factory=Counter)
    spans_removed: Counter[str] = field(default_factory=Counter)
    spans_changed: Counter[str] = field(default_factory=Counter)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def markdown(self) -> str:
        lines = [f"# Changes in {self.new_version}", ""]
        if self.old_version is None:
            lines += [f"First version: {len(self.added)} documents.", ""]
        else:
            lines += [f"Since {self.old_version}:", ""]
            lines.append(f"- documents added: {len(self.added)}")
            lines.append(f"- documents removed: {len(self.removed)}")
            lines.append(f"- documents changed: {len(self.changed)}")
            lines.append("")
        labels = sorted(set(self.spans_added) | set(self.spans_removed) | set(self.spans_changed))
        if labels:
            lines += ["| label | spans added | spans removed | spans changed |", "|---|---:|---:|---:|"]
            for label in labels:
                lines.append(
                    f"| {label} | {self.spans_added[label]} | {self.spans_removed[label]} "
                    f"| {self.spans_changed[label]} |"
                )
            lines.append("")
        if self.old_version is not None:
            lines += _listing("Added", self.added) + _listing("Removed", self.removed)
            lines += _listing("Changed", [f"{c.id}: {c.summary()}" for c in self.changed])
        return "\n".join(lines).rstrip() + "\n"


def _listing(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    lines = [f"## {title}", ""]
    lines += [f"- {item}" for item in items[:SHOW_DOCUMENTS]]
    if len(items) > SHOW_DOCUMENTS:
        lines.append(f"- ... and {len(items) - SHOW_DOCUMENTS} more")
    return [*lines, ""]


def iter_spans(version_dir: Path, ids: set[str]) -> Iterator[tuple[str, dict[SpanKey, tuple[Any, ...]]]]:
    """(document id, spans keyed (label, start, end) -> (text, attributes...)) for the given ids."""
    if not ids:
        return
    wanted = pa.array(sorted(ids), pa.string())
    for path in sorted((version_dir / DATA_DIR / "documents").glob("*.parquet")):
        parquet = pq.ParquetFile(path)
        labels = Features.from_arrow_schema(parquet.schema_arrow)["spans"].feature["label"]
        for batch in parquet.iter_batches(columns=["id", "spans"], batch_size=1000):
            for row in batch.filter(pc.is_in(batch.column("id"), value_set=wanted)).to_pylist():
                spans = {}
                for span in row["spans"]:
                    compared = sorted(set(span) - {"id", "label", "start", "end", "score"})
                    key = (labels.int2str(span["label"]), span["start"], span["end"])
                    spans[key] = tuple((n, span[n]) for n in compared)
                yield row["id"], spans


def diff_versions(old_dir: Path | None, new_dir: Path) -> Changelog:
    """Compare two version directories (old_dir None: the first version).

    Streams both: only the spans of documents present in both versions with a different hash are
    held in memory; added and removed documents are only counted.
    """
    new_manifest = read_manifest(new_dir)
    new_hashes: dict[str, str] = new_manifest.get("document_hashes", {})
    old_manifest = read_manifest(old_dir) if old_dir else {}
    old_hashes: dict[str, str] = old_manifest.get("document_hashes", {})
    log = Changelog(old_manifest.get("version"), new_manifest["version"])
    log.added = sorted(new_hashes.keys() - old_hashes.keys())
    log.removed = sorted(old_hashes.keys() - new_hashes.keys())
    changed = {i for i in new_hashes.keys() & old_hashes.keys() if new_hashes[i] != old_hashes[i]}
    old_spans: dict[str, dict[SpanKey, tuple[Any, ...]]] = {}
    if old_dir is not None:
        for doc_id, spans in iter_spans(old_dir, changed | set(log.removed)):
            if doc_id in changed:
                old_spans[doc_id] = spans
            else:
                log.spans_removed.update(label for label, _, _ in spans)
    changes = {}
    for doc_id, spans in iter_spans(new_dir, changed | set(log.added)):
        if doc_id in changed:
            change = changes[doc_id] = compare_spans(doc_id, old_spans.pop(doc_id, {}), spans)
            log.spans_added.update(change.added)
            log.spans_removed.update(change.removed)
            log.spans_changed.update(change.changed)
        else:
            log.spans_added.update(label for label, _, _ in spans)
    log.changed = [changes[doc_id] for doc_id in sorted(changes)]
    return log


def compare_spans(
    doc_id: str, old: dict[SpanKey, tuple[Any, ...]], new: dict[SpanKey, tuple[Any, ...]]
) -> DocumentChange:
    """Same label and offsets with other text or attributes: changed; otherwise added or removed."""
    change = DocumentChange(doc_id)
    for key in new.keys() - old.keys():
        change.added[key[0]] += 1
    for key in old.keys() - new.keys():
        change.removed[key[0]] += 1
    for key in new.keys() & old.keys():
        if new[key] != old[key]:
            change.changed[key[0]] += 1
    return change
