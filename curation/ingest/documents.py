"""`iter_documents`: paths in, clean document records out, streamed one at a time.

This is what `curation ingest` writes and what `curation annotate` calls on raw paths. Memory stays
flat in corpus size: files are read one by one; only the ids already seen are kept, to drop duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from curation.atomic import atomic_write
from curation.errors import CurationError, InputError
from curation.ingest.boilerplate import LAYOUT_REASONS, clean_text
from curation.ingest.paths import Format, Input, check_paths, expand
from curation.ingest.readers import RawText, Skipped, read_jsonl_file, read_text_file
from curation.ingest.report import IngestReport
from curation.jsonl import dump_document
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, content_id
from curation.schema import LabelSchema

_TITLE_CHARS = 200


def iter_documents(
    paths: Sequence[Path],
    *,
    report: IngestReport | None = None,
    text_field: str = "text",
    fmt: Format = "auto",
    mapping: Path | None = None,
    exclude: Path | None = None,
    schema: LabelSchema | None = None,
) -> Iterator[Document]:
    """Stream one Document per distinct article found under `paths`.

    Text files and folders (recursive, sorted, hidden files skipped) give one document per file;
    JSONL files one per line (`text_field` holds the article; id, meta and source are kept; lines
    that are already full records, with spans, pass through validated); brat corpora (folders with
    .ann files, or `fmt="brat"`) give gold records via `curation.ingest.brat`. Exact duplicates
    (same content id) are kept once. `exclude` is a file a folder walk passes over (the output of a
    previous run written inside an input folder). Bad inputs are skipped and described in `report`; a path
    that does not exist raises InputError before anything is read.
    """
    report = report if report is not None else IngestReport()
    check_paths(paths)
    seen: dict[str, str] = {}  # content id -> source of the first copy
    ids: dict[str, str] = {}  # given record id -> content id (an id must not name two texts)
    for item in expand(paths, fmt, exclude):
        if item.fmt == "ignored":
            report.ignored += 1
            continue
        for found in _read(item, text_field, mapping, schema):
            if isinstance(found, Skipped):
                report.skip(found.message, found.reason)
                continue
            report.read += 1
            doc = _to_document(found) if isinstance(found, RawText) else found
            if doc is None:
                report.skip(*_empty_message(found))
                continue
            key = content_id(doc.text)
            if not _is_new(doc, key, seen, ids, report):
                continue
            for piece in doc.removed:
                if piece.reason not in LAYOUT_REASONS:
                    report.removed[piece.reason] += 1
            report.written += 1
            yield doc


def _read(
    item: Input, text_field: str, mapping: Path | None, schema: LabelSchema | None
) -> Iterator[RawText | Document | Skipped]:
    if item.fmt == "text":
        yield read_text_file(item.path, item.display)
    elif item.fmt == "jsonl":
        yield from read_jsonl_file(item.path, item.display, text_field, schema)
    elif item.fmt == "brat":
        yield from _read_brat(item, mapping, schema)
    elif item.fmt == "error":
        yield Skipped(f"{item.display}: {item.problem}", item.reason)


def _read_brat(item: Input, mapping: Path | None, schema: LabelSchema | None) -> Iterator[Document | Skipped]:
    """Gold records from a brat corpus; an .ann file that is not valid gold is skipped with its message
    (the rest of the corpus goes on); a corpus-wide error (mapping, layout) ends that corpus."""
    from curation.ingest.brat import read_brat_corpus

    errors: list[str] = []
    try:
        for record in read_brat_corpus(item.path, mapping, errors=errors, schema=schema):
            yield from (Skipped(message, "brat") for message in errors)
            errors.clear()
            yield record
        yield from (Skipped(message, "brat") for message in errors)
    except CurationError as exc:
        yield Skipped(f"{exc} (brat corpus {item.display} skipped from here on)", "brat")


def _to_document(raw: RawText) -> Document | None:
    """Clean the text and build its record; None when nothing but whitespace or boilerplate is left."""
    cleaned = clean_text(raw.text)
    if not cleaned.text.strip():
        return None
    meta: dict[str, Any] = {
        "title": _title(cleaned.text),
        "format": raw.fmt,
        "original_length": len(raw.text),
    }
    if raw.where != raw.source:
        meta["input"] = raw.where
    return Document(
        id=raw.id or content_id(cleaned.text),
        source=raw.source,
        text=cleaned.text,
        meta=meta | raw.meta,
        removed=cleaned.removed,
    )


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= _TITLE_CHARS else first[: _TITLE_CHARS - 1].rstrip() + "…"


def _empty_message(raw: RawText | Document) -> tuple[str, str]:
    """The skip message and reason for a text with nothing (or nothing but boilerplate) in it."""
    where = raw.where if isinstance(raw, RawText) else raw.source
    if isinstance(raw, RawText) and raw.text.strip():
        return f"{where}: nothing left after removing boilerplate; check it is an article", "only-boilerplate"
    return f"{where}: empty (no text); remove it or fill it", "empty"


def _is_new(doc: Document, key: str, seen: dict[str, str], ids: dict[str, str], report: IngestReport) -> bool:
    """Record `doc` as seen; False (and a report line) when it repeats an earlier one."""
    if key in seen and not _several_annotators(doc):
        report.duplicate(f"{doc.source}: same text as {seen[key]}; kept once")
        return False
    owner = ids.get(doc.id) or (doc.id if doc.id in seen else None)  # the text this id already names
    if owner is not None and owner != key:
        report.skip(
            f"{doc.source}: id {doc.id!r} already names a different text; give each record its own id",
            "id-conflict",
        )
        return False
    seen.setdefault(key, doc.source)
    if doc.id != key:  # ids derived from the text are checked through `seen`: no second copy kept
        ids[doc.id] = key
    return True


def _several_annotators(doc: Document) -> bool:
    """Gold records of one text by several annotators share an id on purpose: they are not duplicates."""
    return doc.provenance.reviewed and bool(doc.provenance.annotator)


def ingest(
    paths: Sequence[Path],
    out: Path,
    *,
    report: IngestReport | None = None,
    progress: Progress = NO_PROGRESS,
    text_field: str = "text",
    fmt: Format = "auto",
    mapping: Path | None = None,
    schema: LabelSchema | None = None,
) -> IngestReport:
    """Write the documents under `paths` to the JSONL file `out`, atomically.

    Raises InputError (and leaves `out` untouched) when not one document could be read: a run that
    skipped everything is a failure, a run that skipped some is a success with a report.
    `progress` counts the documents written.
    """
    report = report if report is not None else IngestReport()
    docs = iter_documents(
        paths, report=report, text_field=text_field, fmt=fmt, mapping=mapping, exclude=out, schema=schema
    )
    progress.stage("ingesting")
    with atomic_write(out) as fh:
        for doc in docs:
            fh.write(dump_document(doc) + "\n")
            progress.advance()
        if report.written == 0:
            inputs = ", ".join(p.as_posix() for p in paths)
            raise InputError(f"no documents could be read from {inputs}; nothing was written to {out}")
    return report
