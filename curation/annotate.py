"""Streaming pre-annotation: document records in, records with predicted spans out.

Documents flow through `nlp.pipe(as_tuples=True)` one batch at a time, so memory stays flat in
corpus size; each record keeps its own fields (id, source, meta, removed, extras) and gets spans,
relations and provenance from `curation.extract.pipeline.to_record`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from curation.errors import InputError
from curation.extract.pipeline import to_record
from curation.jsonl import atomic_write, dump_document, read_documents
from curation.records import Document


def annotate_documents(
    docs: Iterable[Document], nlp: Language, batch_size: int = 32, n_process: int = 1
) -> Iterator[Document]:
    """Yield each document with the pipeline's predictions (replacing earlier predicted spans)."""
    pairs = ((d.text, d) for d in docs)
    for doc, base in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield to_record(doc, base, nlp)


def read_inputs(paths: Sequence[Path], skipped: list[str] | None = None) -> Iterator[Document]:
    """Records from docs.jsonl files (as written by ingest) or raw paths ingested on the fly.

    JSONL files are read as records when every path is one; anything else goes through
    `curation.ingest.iter_documents`, whose skip messages are appended to `skipped`.
    """
    if paths and all(p.suffix == ".jsonl" and p.is_file() for p in paths):
        for path in paths:
            yield from read_documents(path)
        return
    from curation.ingest import IngestReport, iter_documents

    report = IngestReport()
    try:
        yield from iter_documents(list(paths), report=report)
    finally:
        if skipped is not None:
            skipped.extend(report.messages)


@dataclass
class AnnotateStats:
    """What one run wrote: documents and spans per label."""

    documents: int = 0
    words: int = 0
    labels: dict[str, int] = field(default_factory=dict)


def annotate_file(
    paths: Sequence[Path],
    out: Path,
    nlp: Language,
    batch_size: int = 32,
    n_process: int = 1,
    on_document: Callable[[Document], None] | None = None,
    skipped: list[str] | None = None,
) -> AnnotateStats:
    """Annotate `paths` into `out` atomically (nothing half-written if interrupted or failing).

    No document at all is an InputError, and `out` is left as it was (not replaced by an empty file).
    """
    stats = AnnotateStats()
    with atomic_write(out) as fh:
        for record in annotate_documents(read_inputs(paths, skipped), nlp, batch_size, n_process):
            fh.write(dump_document(record) + "\n")
            stats.documents += 1
            stats.words += len(record.text.split())
            for span in record.spans:
                stats.labels[span.label] = stats.labels.get(span.label, 0) + 1
            if on_document is not None:
                on_document(record)
        if stats.documents == 0:
            raise InputError(
                f"no documents to annotate in {', '.join(map(str, paths))}; give docs.jsonl or article files"
            )
    return stats
