"""Where gold and predicted records come from, paired document by document without loading a corpus.

- A records JSONL is indexed first (id -> byte offset of its lines): a record is parsed only when its
  turn comes, so memory grows with the number of ids, not with the texts.
- Several records with one id (one per annotator, as `curation pull` writes them): human-reviewed gold
  is adjudicated (curation.gold.adjudicate, majority; a reviewer's record wins), never "the latest";
  machine records (and predictions) keep the latest `curation.records.update_stamp` (updated_at in UTC),
  then the later line.
  Skipped annotations (provenance.cancelled) are not records of anything and are left out.
- A dataset version directory (exports/NAME/vX.Y.Z/) is read by `curation.export.reader`, with the
  label schema the version ships (labels.yaml beside its manifest).
- `--system spacy` runs the built-in pre-annotator over the gold texts as they stream by.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from curation.errors import InputError
from curation.gold.adjudicate import AdjudicationReport, one_record
from curation.jsonl import Line, iter_lines, parse_document, parse_json, read_at
from curation.records import Document, update_stamp
from curation.schema import LabelSchema, get_schema


@dataclass
class _Entry:
    offset: int
    lineno: int
    updated_at: str


class RecordIndex:
    """Random access to the records of a JSONL file by document id (latest record per id)."""

    def __init__(self, path: Path | str, schema: LabelSchema | None = None) -> None:
        self.path = Path(path)
        self.schema = schema  # records are validated against it when read (the packaged one when None)
        self.entries: dict[str, _Entry] = {}  # the latest record per id
        self.versions: dict[str, list[_Entry]] = {}  # every record per id, in file order
        self.labels: set[str] = set()  # span labels that occur in the file
        self.lines = 0
        if not self.path.is_file():
            raise InputError(f"{self.path}: cannot read (no such file); give a records .jsonl file")
        for line in iter_lines(self.path):
            self._add(line)

    def _add(self, line: Line) -> None:
        where = f"{self.path}:{line.lineno}"
        obj = parse_json(line.raw, where)
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise InputError(f"{where}: a record needs a string 'id'; is this a records .jsonl file?")
        self.lines += 1
        spans = obj.get("spans")
        if isinstance(spans, list):
            self.labels.update(str(sp.get("label")) for sp in spans if isinstance(sp, dict))
        provenance = obj.get("provenance")
        if isinstance(provenance, dict) and provenance.get("cancelled"):
            return  # a skipped annotation: no answer to evaluate or compare
        updated = update_stamp(provenance) if isinstance(provenance, dict) else ""
        entry = _Entry(line.offset, line.lineno, updated)
        self.versions.setdefault(obj["id"], []).append(entry)
        known = self.entries.get(obj["id"])
        if known is None or updated >= known.updated_at:
            self.entries[obj["id"]] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.entries

    def ids(self) -> list[str]:
        """Ids in the order of their first line."""
        return list(self.entries)

    def _read(self, entry: _Entry) -> Document:
        (raw,) = read_at(self.path, [entry.offset])
        obj = parse_json(raw, f"{self.path}:{entry.lineno}")
        return parse_document(obj, f"{self.path}:{entry.lineno}", self.schema)

    def get(self, doc_id: str) -> Document | None:
        """The latest record with this id (None when there is none)."""
        entry = self.entries.get(doc_id)
        return None if entry is None else self._read(entry)

    def get_all(self, doc_id: str) -> list[Document]:
        """Every record with this id (one per annotator in pulled files), in file order."""
        return [self._read(entry) for entry in self.versions.get(doc_id, [])]

    def __iter__(self) -> Iterator[Document]:
        for doc_id in self.ids():
            doc = self.get(doc_id)
            if doc is not None:
                yield doc


@dataclass
class Gold:
    """A gold version: its documents (one per id), and what is cheap to know before reading them."""

    path: Path
    schema: LabelSchema
    index: RecordIndex | None = None  # records files only
    adjudication: AdjudicationReport = field(default_factory=AdjudicationReport)

    @property
    def total(self) -> int | None:
        return len(self.index) if self.index is not None else None

    @property
    def labels(self) -> set[str] | None:
        """The span labels the gold annotates (None when unknown before reading)."""
        return self.index.labels if self.index is not None else None

    def __iter__(self) -> Iterator[Document]:
        if self.index is not None:
            return self._adjudicated(self.index)
        from curation.export.reader import read_version  # pyarrow and datasets: only for a version

        return read_version(self.path)

    def _adjudicated(self, index: RecordIndex) -> Iterator[Document]:
        """One record per id: several annotators' versions are adjudicated, never the latest taken."""
        for doc_id in index.ids():
            versions = index.get_all(doc_id) if len(index.versions[doc_id]) > 1 else []
            if any(v.provenance.reviewed for v in versions):
                doc = one_record(versions, self.adjudication)
            else:  # one record, or machine records only: the latest
                doc = index.get(doc_id)
            if doc is not None:
                yield doc


def open_gold(path: Path | str, schema: LabelSchema | None = None) -> Gold:
    """A records JSONL (indexed now) or a dataset version directory (read when iterated)."""
    p = Path(path)
    if p.is_dir():
        from curation.export.reader import dataset_files, version_schema

        dataset_files(p)  # fail now, not halfway, when it holds no documents
        return Gold(p, version_schema(p))  # a version is read with the schema it was written with
    if not p.exists():
        raise InputError(
            f"{p}: no such file or directory; give a records .jsonl or an exported dataset version"
        )
    schema = schema or get_schema()
    return Gold(p, schema, RecordIndex(p, schema))


def read_gold(path: Path | str, schema: LabelSchema | None = None) -> Iterator[Document]:
    """Gold documents, one per id, from a records JSONL or a dataset version directory."""
    return iter(open_gold(path, schema))


def pair_with_file(
    gold: Iterable[Document], pred: Path | str, schema: LabelSchema | None = None
) -> Iterator[tuple[Document, Document | None]]:
    """(gold, prediction with the same id or None) for each gold document."""
    index = RecordIndex(pred, schema)
    for doc in gold:
        found = index.get(doc.id)
        if found is not None and found.text != doc.text:
            raise InputError(
                f"{pred}: record {doc.id} has a different text from the gold record with that id; "
                "offsets cannot be compared: annotate the gold texts themselves"
            )
        yield doc, found


def pair_with_system(
    gold: Iterable[Document], system: str, model: str | None = None, schema: LabelSchema | None = None
) -> Iterator[tuple[Document, Document | None]]:
    """(gold, the built-in system's prediction on the gold text) for each gold document."""
    if system != "spacy":
        raise InputError(
            f"unknown system {system!r}: the built-in system is 'spacy'; "
            "give other systems' output with --pred"
        )
    from curation.annotate import annotate_documents
    from curation.extract.pipeline import build_pipeline

    nlp = build_pipeline(model, schema)
    waiting: deque[Document] = deque()

    def bare() -> Iterator[Document]:
        for doc in gold:
            waiting.append(doc)
            yield Document(id=doc.id, source=doc.source, text=doc.text, meta=doc.meta)

    for pred in annotate_documents(bare(), nlp):
        yield waiting.popleft(), pred
