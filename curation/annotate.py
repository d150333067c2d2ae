"""Streaming pre-annotation: document records in, records with predicted spans out.

Documents flow through `nlp.pipe(as_tuples=True)` one batch at a time, so memory stays flat in
corpus size; each record keeps its own fields (id, source, meta, removed, extras) and gets spans,
relations and provenance from `curation.extract.pipeline.to_record`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from curation.atomic import atomic_write
from curation.errors import InputError
from curation.extract.chunks import CHUNK_CHARS, chunk_bounds, shift_attribution, shift_claim
from curation.extract.pipeline import OutputLabels, build_pipeline, build_record, to_record
from curation.extract.types import Attribution, Claim
from curation.jsonl import dump_document, read_documents
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document
from curation.schema import LabelSchema, get_schema

if TYPE_CHECKING:
    from curation.cluster import DaskOptions


def annotate_documents(
    docs: Iterable[Document],
    nlp: Language,
    batch_size: int = 32,
    n_process: int = 1,
    skipped: list[str] | None = None,
    chunk_chars: int = CHUNK_CHARS,
    schema: LabelSchema | None = None,
) -> Iterator[Document]:
    """Yield each document with the pipeline's predictions, in input order: its spans and relations are
    replaced by the predicted ones (whatever it had before, human spans included), its provenance
    by the model's.

    A text longer than `chunk_chars` (or the pipeline's max_length) goes through the pipeline in
    pieces (`curation.extract.chunks`) whose predictions are shifted back; its pieces run here one
    at a time, outside the batches, so memory holds one piece's parse, not a batch of them. A document
    the pipeline or the record check fails on is left out and named in `skipped` (id and reason); the
    rest go on.
    Records are written with the labels of `schema` (the packaged one by default).
    """
    size = min(chunk_chars, nlp.max_length)
    pending: deque[_Pending] = deque()
    _FAILURES.clear()
    # Our components' failures (spaCy's set_error_handler breaks on this version's parser: set the default).
    nlp.default_error_handler = _note_failure

    def batched() -> Iterator[tuple[str, tuple[int, int]]]:
        for seq, base in enumerate(docs):
            item = _Pending(seq, base)
            pending.append(item)
            bounds = chunk_bounds(base.text, size)
            if len(bounds) == 1:
                yield base.text, (seq, 0)
            else:
                item.result = _annotate_pieces(nlp, seq, base.text, bounds)

    def finish(item: _Pending) -> Iterator[Document]:
        error = _FAILURES.pop(item.seq, None)
        if item.result is not None and error is None:
            try:
                yield _record(item, nlp, schema)
                return
            except Exception as exc:  # noqa: BLE001 (one bad document must not end the run)
                error = f"{type(exc).__name__}: {exc}"
        if skipped is not None:
            where = f"document {item.base.id} ({item.base.source})"
            skipped.append(f"{where}: not annotated, {error or 'failed'}")

    stream = nlp.pipe(batched(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    for doc, (seq, _) in stream:
        # Before `seq`: long documents (annotated while the stream was fed) and documents the
        # pipeline dropped (its error handler).
        while pending[0].seq < seq:
            yield from finish(pending.popleft())
        pending[0].result = doc
        yield from finish(pending.popleft())
    while pending:
        yield from finish(pending.popleft())


@dataclass
class _Pending:
    """A document on its way through the pipeline and what came back: its Doc, or a long document's
    findings gathered piece by piece (None while nothing has, or when the pipeline dropped it)."""

    seq: int
    base: Document
    result: Doc | _Found | None = None


@dataclass
class _Found:
    """A long document's predictions, gathered piece by piece with offsets into the whole text."""

    attributions: list[Attribution] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def _annotate_pieces(nlp: Language, seq: int, text: str, bounds: list[tuple[int, int]]) -> _Found | None:
    """A long document's pieces through the pipeline one at a time (a batch of them would hold
    every piece's parse at once: a 2 MB text peaked at 6 GB), each piece's predictions shifted
    back and its Doc let go; None when the pipeline dropped a piece (the reason is in _FAILURES)."""
    found = _Found()
    done = 0
    pieces = ((text[start:end], (seq, k)) for k, (start, end) in enumerate(bounds))
    for doc, (_, k) in nlp.pipe(pieces, as_tuples=True, batch_size=1):
        start = bounds[k][0]
        found.attributions += [shift_attribution(a, start) for a in doc._.attributions or []]
        found.claims += [shift_claim(c, start) for c in doc._.claims or []]
        done += 1
    return found if done == len(bounds) else None


def _record(item: _Pending, nlp: Language, schema: LabelSchema | None) -> Document:
    if isinstance(item.result, _Found):
        return build_record(item.base, item.result.attributions, item.result.claims, nlp, schema)
    assert item.result is not None  # finish() records only what came back
    return to_record(item.result, item.base, nlp, schema)


# Why a document failed, by its number in the run: filled by the pipeline's error handler (in this
# process; with n_process > 1 the reason stays in the worker and the document is reported as failed).
_FAILURES: dict[int, str] = {}


def _note_failure(proc_name: str, proc: object, docs: list[Doc], exc: Exception) -> None:
    """spaCy's error handler: note the failed piece's document and let the pipeline go on."""
    for doc in docs:
        context = getattr(doc, "_context", None)
        if isinstance(context, tuple):
            _FAILURES[context[0]] = f"{proc_name}: {type(exc).__name__}: {exc}"


def read_inputs(
    paths: Sequence[Path], skipped: list[str] | None = None, schema: LabelSchema | None = None
) -> Iterator[Document]:
    """Records from docs.jsonl files (as written by ingest) or raw paths ingested on the fly.

    JSONL files are read as records when every path is one; anything else goes through
    `curation.ingest.iter_documents`, whose skip messages are appended to `skipped`.
    """
    if paths and all(p.suffix == ".jsonl" and p.is_file() for p in paths):
        for path in paths:
            yield from read_documents(path, schema)
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
    """What one run (or one partition of it) wrote: documents, words and spans per label."""

    documents: int = 0
    words: int = 0
    labels: dict[str, int] = field(default_factory=dict)

    def add(self, record: Document) -> None:
        self.documents += 1
        self.words += len(record.text.split())
        for span in record.spans:
            self.labels[span.label] = self.labels.get(span.label, 0) + 1

    def merge(self, other: AnnotateStats) -> None:
        self.documents += other.documents
        self.words += other.words
        for label, n in other.labels.items():
            self.labels[label] = self.labels.get(label, 0) + n


def annotate_file(
    paths: Sequence[Path],
    out: Path,
    nlp: Language | None = None,
    batch_size: int = 32,
    n_process: int = 1,
    progress: Progress = NO_PROGRESS,
    skipped: list[str] | None = None,
    dask: DaskOptions | None = None,
    model: str | None = None,
    schema: LabelSchema | None = None,
) -> AnnotateStats:
    """Annotate `paths` into `out` atomically (nothing half-written if interrupted or failing).

    No document at all is an InputError, and `out` is left as it was (not replaced by an empty file).
    With `dask`, partitions of documents go to the workers of a Dask cluster (each loads the pipeline
    named by `model` once) and come back in input order; otherwise `nlp` (or the pipeline named by
    `model`) runs here with `n_process` processes. `progress` advances by every document done (the
    caller names the stage and its total). `schema` (the packaged one by default) reads JSONL inputs
    and names the labels of the records written; it must hold what the extractor writes (checked
    before anything runs).
    """
    OutputLabels.of(schema or get_schema())  # before any worker starts or file is read
    stats = AnnotateStats()
    docs = read_inputs(paths, skipped, schema)
    with atomic_write(out) as fh:
        if dask is not None:
            for part in _on_dask(docs, dask, model, batch_size, schema):
                fh.writelines(line + "\n" for line in part.lines)
                stats.merge(part.stats)
                if skipped is not None:
                    skipped.extend(part.skipped)
                progress.advance(part.inputs)
        else:
            nlp = nlp or build_pipeline(model, schema)
            before = 0
            for record in annotate_documents(docs, nlp, batch_size, n_process, skipped, schema=schema):
                fh.write(dump_document(record) + "\n")
                stats.add(record)
                done = stats.documents + (len(skipped) if skipped else 0)
                progress.advance(done - before)
                before = done
        if stats.documents == 0:
            raise InputError(
                f"no documents to annotate in {', '.join(map(str, paths))}; give docs.jsonl or article files"
            )
    return stats


# -- the Dask engine -------------------------------------------------------------------------------


@dataclass
class Partition:
    """What a worker sends back for one partition: the records as JSON lines, in input order."""

    inputs: int
    lines: list[str]
    stats: AnnotateStats
    skipped: list[str]


_PIPELINES: dict[str | None, Language] = {}  # per process: a Dask worker loads its pipeline once


def cached_pipeline(model: str | None = None) -> Language:
    """The pipeline named `model` (default: the settings'), loaded on first use in this process."""
    if model not in _PIPELINES:
        _PIPELINES[model] = build_pipeline(model)
    return _PIPELINES[model]


def annotate_partition(
    docs: list[Document], model: str | None, batch_size: int, schema: LabelSchema | None = None
) -> Partition:
    """Run on a worker: annotate a partition with the worker's pipeline (same rules as one process),
    records written under `schema`."""
    skipped: list[str] = []
    stats = AnnotateStats()
    lines = []
    for record in annotate_documents(docs, cached_pipeline(model), batch_size, 1, skipped, schema=schema):
        lines.append(dump_document(record))
        stats.add(record)
    return Partition(len(docs), lines, stats, skipped)


def _on_dask(
    docs: Iterable[Document],
    options: DaskOptions,
    model: str | None,
    batch_size: int,
    schema: LabelSchema | None,
) -> Iterator[Partition]:
    from curation.cluster import dask_client, map_ordered, partitioned

    with dask_client(options.workers, options.scheduler) as client:
        parts = partitioned(docs, options.partition_size or batch_size)
        yield from map_ordered(client, annotate_partition, parts, model, batch_size, schema)
