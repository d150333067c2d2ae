"""The local gold store: every pull merges into what was pulled before, so nothing leaves it silently.

The store is the pulled JSONL itself (what `export`, `evaluate` and `agreement` already read), one line
per (project, document, annotator, annotation). A pull replaces the lines of annotations it read again,
adds new ones, and keeps the rest, so `pull --since` only adds and updates. A line leaves the store only
when Label Studio no longer has that annotation as the annotator's latest (deleted, or replaced by a
newer annotation of the same person on the same task), and the pull names each such line. Lines of
other projects (another layer, a review project) are never touched. The merged file is written beside
the old one and renamed over it: an interrupted pull leaves the previous store intact.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from curation.atomic import atomic_write
from curation.errors import InputError
from curation.jsonl import dump_document, iter_json_lines
from curation.records import Document

# (project, document id, annotator, annotation id): one stored line.
StoreKey = tuple[str, str, str, str]
# (project, document id, annotator): whose latest annotation a line is.
Owner = tuple[str, str, str]


def store_key(provenance: dict[str, Any], doc_id: str) -> StoreKey:
    """The key of a pulled record (from its provenance, as pull writes it)."""
    return (
        str(provenance.get("project") or ""),
        doc_id,
        str(provenance.get("annotator") or ""),
        str(provenance.get("annotation_id") or ""),
    )


@dataclass
class MergeReport:
    """What one pull did to the store."""

    added: int = 0  # annotations not in the store before
    updated: int = 0  # annotations read again (changed or not)
    kept: int = 0  # lines left as they were (this project's unchanged ones and every other project's)
    removed: list[str] = field(default_factory=list)  # one sentence per line that left the store
    documents_removed: list[str] = field(default_factory=list)  # documents with no line left, this project


@dataclass
class StoreWriter:
    """Collects one pull's fresh records in a temporary file and what the server has now.

    `live` holds every annotation the server has as some annotator's latest on a task of the project,
    whether or not this pull re-read it (`--since` skips unchanged ones but still sees them).
    """

    project: str
    fresh: IO[str]
    fresh_keys: set[StoreKey] = field(default_factory=set)
    live: dict[Owner, str] = field(default_factory=dict)  # owner -> annotation id

    def see(self, doc_id: str, annotator: str, annotation_id: Any) -> None:
        self.live[(self.project, doc_id, annotator)] = str(annotation_id or "")

    def write(self, doc: Document) -> None:
        key = store_key(doc.provenance.model_dump(), doc.id)
        self.see(doc.id, key[2], key[3])
        self.fresh_keys.add(key)
        self.fresh.write(dump_document(doc) + "\n")


@contextmanager
def merging(out: Path, project: str, report: MergeReport) -> Iterator[StoreWriter]:
    """Yield a writer for this pull's records; on success merge them into `out` atomically.

    Nothing is written when the block fails: the old store stays as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=out.parent) as fresh:
        writer = StoreWriter(project, fresh)
        yield writer
        fresh.flush()
        fresh.seek(0)
        merge(out, writer, fresh, report)


def merge(out: Path, writer: StoreWriter, fresh: IO[str], report: MergeReport) -> None:
    """Write old lines (minus replaced and deleted ones of this project), then the fresh ones."""
    before: set[str] = set()  # this project's documents in the old store
    after: set[str] = set()  # ... and in the merged one
    with atomic_write(out) as fh:
        if out.exists():
            for lineno, obj in iter_json_lines(out):
                key = _line_key(obj, out, lineno)
                if key[0] != writer.project:
                    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
                    report.kept += 1
                    continue
                before.add(key[1])
                if key in writer.fresh_keys:
                    report.updated += 1
                    continue  # the fresh copy follows
                live = writer.live.get(key[:3])
                if live == key[3]:
                    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
                    report.kept += 1
                    after.add(key[1])
                    continue
                report.removed.append(_why_removed(key, live, obj))
        for line in fresh:
            obj = json.loads(line)
            key = store_key(obj.get("provenance") or {}, str(obj.get("id")))
            after.add(key[1])
            fh.write(line)
    report.added = len(writer.fresh_keys) - report.updated
    report.documents_removed = sorted(before - after)


def _why_removed(key: StoreKey, live: str | None, obj: dict[str, Any]) -> str:
    project, doc_id, annotator, annotation = key
    task = (obj.get("provenance") or {}).get("task_id")
    where = f"document {doc_id} (task {task}, project {project!r}): annotation {annotation} by {annotator}"
    if live is None:
        return f"{where} is no longer in Label Studio (deleted or skipped): left the store"
    return f"{where} was replaced by their annotation {live}: left the store"


def _line_key(obj: dict[str, Any], path: Path, lineno: int) -> StoreKey:
    provenance = obj.get("provenance")
    if not isinstance(provenance, dict) or not isinstance(obj.get("id"), str):
        raise InputError(
            f"{path}:{lineno}: not a pulled record (no id or provenance); pull into a file of its own"
        )
    return store_key(provenance, obj["id"])
