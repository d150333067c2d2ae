"""`export`: records JSONL in, an immutable, documented dataset version out.

Two passes over the input, so memory stays flat: the first validates every record, picks one record
per document, and groups near-duplicates; the splits are then fixed, and the second pass writes the
rows of every config straight into parquet files. Everything is written into a temporary directory
beside the target and renamed at the end: a failure leaves no version directory behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spacy.language import Language

from curation import __version__
from curation.atomic import atomic_write, set_output_modes
from curation.errors import InputError
from curation.evaluate.agreement import measure_agreement
from curation.export.card import CardInfo, ProvenanceSummary, render_card
from curation.export.changelog import Changelog, diff_versions
from curation.export.features import config_features
from curation.export.grouping import DEFAULT_THRESHOLD, NearDuplicateGrouper
from curation.export.privacy import PersonalData, Redactor, pseudonyms
from curation.export.rows import RowBuilder
from curation.export.splits import SPLITS, Ratios, assign_splits
from curation.export.text import TextAnalyzer, load_tokenizer, pipeline_label
from curation.export.versions import (
    MANIFEST,
    Bump,
    Version,
    existing_versions,
    file_hashes,
    next_version,
    read_manifest,
)
from curation.export.writer import ParquetSink, data_file
from curation.gold.adjudicate import AdjudicationReport, Policy, adjudicate_file
from curation.jsonl import iter_json_lines, parse_document
from curation.locks import hold, lock_path
from curation.records import Document, update_stamp
from curation.schema import SCHEMA_FILE, LabelSchema, get_schema, schema_yaml
from curation.settings import get_settings

TMP_SUFFIX = ".tmp"
DATASET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
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
    keep_annotator_ids: bool = False  # True: annotators by name/e-mail instead of stable pseudonyms
    keep_paths: bool = False  # True: `source` keeps its local directories
    home: Path | None = None  # state dir holding the annotator pseudonyms; None: the CURATION_HOME setting
    adjudication: Policy = field(default_factory=Policy)  # several annotators of one document
    schema: LabelSchema = field(default_factory=get_schema)  # shipped beside the manifest as labels.yaml


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
    personal_data: PersonalData | None = None  # what the version holds (None: an older export)
    cleaned: list[Path] = field(default_factory=list)  # temporary folders of interrupted exports removed
    adjudication: AdjudicationReport | None = None


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
# Provenance that changes on every run without changing the data: re-annotating the same texts with
# the same model must not make a new version.
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
    progress: Progress | None = None,
    schema: LabelSchema | None = None,
) -> Scan:
    """First pass: validate everything, choose one record per id, group near-duplicates."""
    choices: dict[str, Choice] = {}
    unreviewed: set[str] = set()
    provenance = ProvenanceSummary()
    records = 0
    for lineno, obj in iter_json_lines(path):
        doc = parse_document(obj, f"{path}:{lineno}", schema)
        records += 1
        if progress and records % 500 == 0:
            progress("checking records", records, None)
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


def content_hash(header: dict[str, Any], choices: dict[str, Choice], splits: dict[str, str]) -> str:
    """Hash of what the version contains; equal hashes mean nothing to export."""
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode())
    for doc_id in sorted(choices):
        digest.update(f"{doc_id}\t{choices[doc_id].digest}\t{splits[doc_id]}\n".encode())
    return digest.hexdigest()


@dataclass
class Plan:
    """Everything decided before a byte is written: which records, which splits, which parent."""

    path: Path
    options: ExportOptions
    dataset_dir: Path
    parent: Version | None
    parent_dir: Path | None
    found: Scan
    groups: dict[str, str]
    splits: dict[str, str]
    digest: str
    tokenizer: str
    input_name: str = ""  # the file the user gave (`path` may be its adjudicated copy)
    adjudication: AdjudicationReport | None = None
    annotators: Counter[str] = field(default_factory=Counter)  # documents per annotator, as written

    @property
    def unchanged(self) -> bool:
        return (
            self.parent_dir is not None and read_manifest(self.parent_dir).get("content_hash") == self.digest
        )

    def split_sizes(self) -> dict[str, int]:
        counts = Counter(self.splits.values())
        return {s: counts[s] for s in SPLITS if counts[s]}

    def result(self, created: bool, version: str, version_dir: Path, log: Changelog | None) -> ExportResult:
        manifest = read_manifest(version_dir)
        personal = manifest.get("personal_data")
        return ExportResult(
            created, version, version_dir, manifest.get("parent"), self.options.silver,
            len(self.found.choices), self.split_sizes(), self.found.dropped_unreviewed, log,
            PersonalData.from_manifest(personal) if isinstance(personal, dict) else None,
            adjudication=self.adjudication,
        )  # fmt: skip


def plan_export(path: Path, options: ExportOptions, nlp: Language, progress: Progress | None) -> Plan:
    """First pass and split assignment against the latest existing version."""
    dataset_dir = options.out / options.name
    versions = existing_versions(dataset_dir)
    parent = versions[-1] if versions else None
    parent_dir = dataset_dir / parent.dirname if parent else None
    grouper = NearDuplicateGrouper(options.group_threshold)
    found = scan(path, options.silver, grouper, progress, options.schema)
    if progress:
        progress("grouping near-duplicate documents", 0, None)
    groups = grouper.groups()
    previous = earlier_splits(dataset_dir, versions)
    splits = assign_splits(groups, options.ratios, previous)
    header = {
        "format": FORMAT,
        "schema": options.schema.fingerprint(),
        "silver": options.silver,
        "tokenizer": pipeline_label(nlp),
        "privacy": {"annotator_ids": options.keep_annotator_ids, "paths": options.keep_paths},
    }
    digest = content_hash(header, found.choices, splits)
    return Plan(
        path, options, dataset_dir, parent, parent_dir, found, groups, splits, digest, pipeline_label(nlp)
    )


def earlier_splits(dataset_dir: Path, versions: list[Version]) -> dict[str, str]:
    """Split of every document any earlier version held: the latest one, but test once test always.

    Reading every version (not only the parent) keeps a document that left in one version and came
    back in a later one in test.
    """
    splits: dict[str, str] = {}
    for version in versions:
        for split, ids in read_manifest(dataset_dir / version.dirname).get("splits", {}).items():
            for doc_id in ids:
                if splits.get(doc_id) != "test":
                    splits[doc_id] = split
    return splits


def export_dataset(
    path: Path | str, options: ExportOptions, progress: Progress | None = None
) -> ExportResult:
    """Export a records file as the next version of dataset `options.name` (or nothing if unchanged)."""
    if not DATASET_NAME.fullmatch(options.name):
        raise InputError(
            f"dataset name {options.name!r}: use letters, digits, '.', '_' or '-' "
            f"(it becomes a folder under {options.out})"
        )
    if options.version is not None:
        Version.parse(options.version)  # refuse a malformed version before reading any record
    nlp = load_tokenizer(options.model or get_settings().model)
    dataset_dir = options.out / options.name
    home = options.home if options.home is not None else get_settings().home
    with export_lock(dataset_dir, home):
        cleaned = remove_leftovers(dataset_dir)
        result = _adjudicate_and_write(Path(path), options, nlp, progress)
    result.cleaned = cleaned
    return result


def _adjudicate_and_write(
    path: Path, options: ExportOptions, nlp: Language, progress: Progress | None
) -> ExportResult:
    with tempfile.TemporaryDirectory(prefix="curation-adjudicated-") as scratch:
        decided = Path(scratch) / Path(path).name
        report = adjudicate_file(
            Path(path), decided, options.adjudication, _stage(progress, "adjudicating"), options.schema
        )
        if not report.documents and report.left_out:
            raise InputError(f"{path}: adjudication kept no document ({'; '.join(report.left_out[:3])})")
        try:
            plan = plan_export(decided, options, nlp, progress)
        except InputError as exc:  # name the user's file, not its adjudicated copy
            raise InputError(str(exc).replace(str(decided), str(path))) from None
        plan.input_name, plan.adjudication = Path(path).name, report
        if report.shared:  # the card's agreement figures are `curation agreement`'s on the same records
            plan.found.provenance.agreement = measure_agreement(path, schema=options.schema, required=False)
        return _write(plan, options, nlp, progress)


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    report = progress
    return lambda done, total: report(stage, done, total)


def _write(plan: Plan, options: ExportOptions, nlp: Language, progress: Progress | None) -> ExportResult:
    """Write the planned version (or nothing, when the content is the parent's)."""
    if plan.unchanged:
        assert plan.parent is not None and plan.parent_dir is not None
        return plan.result(False, str(plan.parent), plan.parent_dir, None)
    version = next_version(plan.parent, options.bump, options.version, plan.dataset_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{version.dirname}.", suffix=TMP_SUFFIX, dir=plan.dataset_dir))
    final = plan.dataset_dir / version.dirname
    try:
        log = write_version(work, plan, version, nlp, progress)
        if final.exists():
            raise InputError(f"{final} appeared while exporting; versions are never overwritten")
        set_output_modes(work)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return plan.result(True, str(version), final, log)


@contextlib.contextmanager
def export_lock(dataset_dir: Path, home: Path) -> Iterator[None]:
    """One export of a dataset at a time, so leftovers found under the lock are nobody's work.

    The lock file lives in the state dir (curation.locks), so the dataset folder holds only versions."""
    dataset_dir.mkdir(parents=True, exist_ok=True)
    with hold(lock_path(home, "export", str(dataset_dir.resolve()))):
        yield


def remove_leftovers(dataset_dir: Path) -> list[Path]:
    """Temporary version folders an interrupted export left (a kill skips its clean-up): removed."""
    found = sorted(p for p in dataset_dir.glob(f".v*{TMP_SUFFIX}") if p.is_dir())
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
    return found


def write_version(
    work: Path, plan: Plan, version: Version, nlp: Language, progress: Progress | None
) -> Changelog:
    """Fill a (temporary) version directory: parquet files, card, manifest, changelog, and the label
    schema the version was written with (labels.yaml beside the manifest: readers decode it with it)."""
    schema = plan.options.schema
    with atomic_write(work / SCHEMA_FILE) as fh:
        fh.write(schema_yaml(schema))
    features = config_features(schema)
    sink = ParquetSink(work, features)
    home = plan.options.home if plan.options.home is not None else get_settings().home
    try:
        with pseudonyms(home) as names:
            keep = plan.options
            redact = Redactor(None if keep.keep_annotator_ids else names, not keep.keep_paths)
            span_counts = write_rows(plan, RowBuilder(schema, TextAnalyzer(nlp)), sink, redact, progress)
    except BaseException:
        sink.abort()
        raise
    sink.close()
    group_sizes = Counter(plan.groups.values())
    info = CardInfo(
        name=plan.options.name,
        version=str(version),
        silver=plan.options.silver,
        schema=schema,
        features=features,
        rows={key: sink.counts.get(key, 0) for key in sink.writers},
        bytes={key: (work / data_file(*key)).stat().st_size for key in sink.writers},
        spans=span_counts,
        provenance=plan.found.provenance,
        tokenizer=plan.tokenizer,
        ratios=plan.options.ratios,
        license=plan.options.license,
        language=plan.options.language,
        dropped_unreviewed=len(plan.found.dropped_unreviewed),
        groups=len(group_sizes),
        largest_group=max(group_sizes.values()),
        parent=str(plan.parent) if plan.parent else None,
        adjudication=plan.adjudication,
    )
    with atomic_write(work / "README.md") as fh:
        fh.write(render_card(info))
    manifest = build_manifest(plan, version)
    manifest["personal_data"] = redact.report.as_manifest()
    write_manifest(work, manifest)  # the changelog reads the document hashes from it
    log = diff_versions(plan.parent_dir, work)
    with atomic_write(work / "CHANGELOG.md") as fh:
        fh.write(log.markdown())
    manifest["files"] = file_hashes(work)
    write_manifest(work, manifest)
    return log


def build_manifest(plan: Plan, version: Version) -> dict[str, Any]:
    schema = plan.options.schema
    sizes = plan.split_sizes()
    return {
        "name": plan.options.name,
        "version": str(version),
        "parent": str(plan.parent) if plan.parent else None,
        "kind": "silver" if plan.options.silver else "gold",
        "silver": plan.options.silver,
        "schema_name": schema.name,
        "schema_version": schema.version,
        "schema_fingerprint": schema.fingerprint(),
        "tool_version": __version__,
        "format": FORMAT,
        "tokenizer": plan.tokenizer,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": plan.input_name or plan.path.name,
        "content_hash": plan.digest,
        "ratios": vars(plan.options.ratios),
        "dropped_unreviewed": plan.found.dropped_unreviewed,
        "annotators": dict(sorted(plan.annotators.items())),  # as exported (pseudonyms by default)
        "splits": {s: sorted(i for i, split in plan.splits.items() if split == s) for s in sizes},
        "document_hashes": {i: plan.found.choices[i].digest for i in sorted(plan.found.choices)},
    }


def write_manifest(version_dir: Path, manifest: dict[str, Any]) -> None:
    with atomic_write(version_dir / MANIFEST) as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


def write_rows(
    plan: Plan,
    builder: RowBuilder,
    sink: ParquetSink,
    redact: Callable[[Document], Document] = lambda doc: doc,
    progress: Progress | None = None,
) -> dict[str, Counter[str]]:
    """Second pass: the chosen record of each document becomes rows of every config."""
    path, choices = plan.path, plan.found.choices
    chosen = {c.lineno: doc_id for doc_id, c in choices.items()}
    for split in plan.split_sizes():
        for config in sink.schemas:
            sink.open(config, split)
    span_counts: dict[str, Counter[str]] = defaultdict(Counter)
    done, total = 0, len(chosen)
    for lineno, obj in iter_json_lines(path):
        doc_id = chosen.get(lineno)
        if doc_id is None:
            continue
        doc = parse_document(obj, f"{path}:{lineno}", plan.options.schema)
        if doc.id != doc_id or document_digest(doc) != choices[doc_id].digest:
            raise InputError(f"{path}: changed while being exported (line {lineno}); run the export again")
        split = plan.splits[doc_id]
        reviewed = doc.provenance.reviewed
        doc = redact(doc)
        plan.annotators.update({doc.provenance.annotator or ""} | set(doc.provenance.annotators or ()) - {""})
        for config, rows in builder.rows(doc, reviewed).items():
            sink.add(config, split, rows)
        span_counts[split].update(span.label for span in doc.spans)
        plan.found.provenance.count_defaults(doc)
        done += 1
        if progress and (done % 200 == 0 or done == total):
            progress("writing parquet", done, total)
    if done != total:
        raise InputError(f"{path}: changed while being exported ({total - done} records missing); run again")
    return dict(span_counts)
