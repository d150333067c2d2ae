"""What changed between two versions: documents, spans, attributes, relations and annotators.

Both the export (to write CHANGELOG.md) and `curation diff` call `diff_versions` on version
directories, so they say the same thing. Documents are compared by the content hash the manifest
keeps for each; spans and relations are read back (by `curation.export.reader`, with
the schema each version ships) only for documents whose hash changed, streaming the
parquet files batch by batch. A span with the same label and offsets whose attributes differ is
"changed", counted per attribute (QUOTE.kind); a relation is added or removed (same label, same ends).
Which annotators' work a version holds comes from its manifest (documents per annotator).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.export.reader import read_version
from curation.export.versions import read_manifest

SpanKey = tuple[str, int, int]  # label, start, end
RelationKey = tuple[SpanKey, SpanKey, str]  # head, tail, relation label
SHOW_DOCUMENTS = 50  # documents listed by name in the changelog; the rest are counted


@dataclass
class DocumentChange:
    id: str
    added: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    attributes: Counter[str] = field(default_factory=Counter)  # LABEL.attr -> spans whose value changed
    relations_added: Counter[str] = field(default_factory=Counter)
    relations_removed: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = []
        for verb, counts in (
            ("added", self.added),
            ("removed", self.removed),
            ("changed", self.changed),
            ("attributes changed", self.attributes),
            ("relations added", self.relations_added),
            ("relations removed", self.relations_removed),
        ):
            if counts:
                parts.append(f"{verb} " + ", ".join(f"{n} {label}" for label, n in sorted(counts.items())))
        return "; ".join(parts) or "metadata or provenance only"


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
    attributes_changed: Counter[str] = field(default_factory=Counter)  # LABEL.attr
    relations_added: Counter[str] = field(default_factory=Counter)
    relations_removed: Counter[str] = field(default_factory=Counter)
    annotators: dict[str, int] = field(default_factory=dict)  # this version: documents per annotator
    old_annotators: dict[str, int] = field(default_factory=dict)

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
        relations = sorted(set(self.relations_added) | set(self.relations_removed))
        if relations:
            lines += ["| relation | added | removed |", "|---|---:|---:|"]
            for name in relations:
                lines.append(f"| {name} | {self.relations_added[name]} | {self.relations_removed[name]} |")
            lines.append("")
        if self.attributes_changed:
            lines += ["| attribute | spans whose value changed |", "|---|---:|"]
            lines += [f"| {name} | {n} |" for name, n in sorted(self.attributes_changed.items())]
            lines.append("")
        lines += self._annotator_lines()
        if self.old_version is not None:
            lines += _listing("Added", self.added) + _listing("Removed", self.removed)
            lines += _listing("Changed", [f"{c.id}: {c.summary()}" for c in self.changed])
        return "\n".join(lines).rstrip() + "\n"

    def _annotator_lines(self) -> list[str]:
        """Whose work the version holds, and who joined or left since the old one."""
        if not self.annotators:
            return ["Annotators: none recorded (machine annotations or an older export).", ""]
        held = ", ".join(f"{who} ({n} documents)" for who, n in sorted(self.annotators.items()))
        lines = [f"Annotators whose work this version holds: {held}."]
        if self.old_version is not None:
            joined = sorted(set(self.annotators) - set(self.old_annotators))
            left = sorted(set(self.old_annotators) - set(self.annotators))
            if joined:
                lines.append(f"Annotators added: {', '.join(joined)}.")
            if left:
                lines.append(f"Annotators no longer in this version: {', '.join(left)}.")
        return [*lines, ""]


def _listing(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    lines = [f"## {title}", ""]
    lines += [f"- {item}" for item in items[:SHOW_DOCUMENTS]]
    if len(items) > SHOW_DOCUMENTS:
        lines.append(f"- ... and {len(items) - SHOW_DOCUMENTS} more")
    return [*lines, ""]


Units = tuple[dict[SpanKey, tuple[Any, ...]], set[RelationKey]]


def iter_units(version_dir: Path, ids: set[str]) -> Iterator[tuple[str, Units]]:
    """(document id, (spans keyed (label, start, end) -> ((attribute, value), ...), relations)) for the
    given ids, read by the one reader of a version; relations are keyed by their ends' span keys and label."""
    if not ids:
        return
    for doc in read_version(version_dir, ids):
        spans: dict[SpanKey, tuple[Any, ...]] = {}
        keys: dict[str, SpanKey] = {}
        for span in doc.spans:
            key = keys[span.id] = (span.label, span.start, span.end)
            compared = {"text": span.text, "group": span.group, **span.attrs}
            spans[key] = tuple(sorted(compared.items()))
        links = {
            (keys[r.head], keys[r.tail], r.label) for r in doc.relations if r.head in keys and r.tail in keys
        }
        yield doc.id, (spans, links)


def diff_versions(
    old_dir: Path | None, new_dir: Path, added: tuple[Counter[str], Counter[str]] | None = None
) -> Changelog:
    """Compare two version directories (old_dir None: the first version).

    Streams both: only the units of documents present in both versions with a different hash are
    held in memory; added and removed documents are only counted. `added`: the span and relation
    labels of the added documents, when the caller counted them while writing (export does), so they
    are not read back.
    """
    new_manifest = read_manifest(new_dir)
    new_hashes: dict[str, str] = new_manifest.get("document_hashes", {})
    old_manifest = read_manifest(old_dir) if old_dir else {}
    old_hashes: dict[str, str] = old_manifest.get("document_hashes", {})
    log = Changelog(old_manifest.get("version"), new_manifest["version"])
    log.annotators = dict(new_manifest.get("annotators") or {})
    log.old_annotators = dict(old_manifest.get("annotators") or {})
    log.added = sorted(new_hashes.keys() - old_hashes.keys())
    log.removed = sorted(old_hashes.keys() - new_hashes.keys())
    changed = {i for i in new_hashes.keys() & old_hashes.keys() if new_hashes[i] != old_hashes[i]}
    old_units: dict[str, Units] = {}
    if old_dir is not None:
        for doc_id, (spans, links) in iter_units(old_dir, changed | set(log.removed)):
            if doc_id in changed:
                old_units[doc_id] = (spans, links)
            else:
                log.spans_removed.update(label for label, _, _ in spans)
                log.relations_removed.update(label for _, _, label in links)
    changes = {}
    if added is not None:
        log.spans_added.update(added[0])
        log.relations_added.update(added[1])
    for doc_id, (spans, links) in iter_units(new_dir, changed | (set(log.added) if added is None else set())):
        if doc_id in changed:
            before = old_units.pop(doc_id, ({}, set()))
            change = changes[doc_id] = compare_units(doc_id, before, (spans, links))
            log.spans_added.update(change.added)
            log.spans_removed.update(change.removed)
            log.spans_changed.update(change.changed)
            log.attributes_changed.update(change.attributes)
            log.relations_added.update(change.relations_added)
            log.relations_removed.update(change.relations_removed)
        else:
            log.spans_added.update(label for label, _, _ in spans)
            log.relations_added.update(label for _, _, label in links)
    log.changed = [changes[doc_id] for doc_id in sorted(changes)]
    return log


def compare_units(doc_id: str, old: Units, new: Units) -> DocumentChange:
    """Same label and offsets with other text or attributes: changed (and which attributes); otherwise
    added or removed. Relations: added or removed."""
    (old_spans, old_links), (new_spans, new_links) = old, new
    change = DocumentChange(doc_id)
    for key in new_spans.keys() - old_spans.keys():
        change.added[key[0]] += 1
    for key in old_spans.keys() - new_spans.keys():
        change.removed[key[0]] += 1
    for key in new_spans.keys() & old_spans.keys():
        if new_spans[key] != old_spans[key]:
            change.changed[key[0]] += 1
            before, after = dict(old_spans[key]), dict(new_spans[key])
            for name in sorted(set(before) | set(after)):
                if name != "text" and before.get(name) != after.get(name):
                    change.attributes[f"{key[0]}.{name}"] += 1
    for link in new_links - old_links:
        change.relations_added[link[2]] += 1
    for link in old_links - new_links:
        change.relations_removed[link[2]] += 1
    return change
