"""What a version directory holds: parquet files of every config, card, manifest, changelog, schema.

The second pass of an export: the chosen record of each document becomes rows of every config,
streamed into parquet files.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spacy.language import Language

from curation import __version__
from curation.atomic import atomic_write
from curation.errors import InputError
from curation.export.card import CardInfo, render_card
from curation.export.changelog import Changelog, diff_versions
from curation.export.features import config_features
from curation.export.plan import FORMAT, Plan
from curation.export.privacy import Redactor, pseudonyms
from curation.export.rows import RowBuilder
from curation.export.scan import document_digest
from curation.export.text import TextAnalyzer
from curation.export.versions import MANIFEST, Version, file_hashes
from curation.export.writer import ParquetSink, data_file
from curation.jsonl import iter_json_lines, parse_document
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document
from curation.schema import SCHEMA_FILE, schema_yaml
from curation.settings import get_settings


def write_version(
    work: Path, plan: Plan, version: Version, nlp: Language, progress: Progress
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
    progress: Progress = NO_PROGRESS,
) -> dict[str, Counter[str]]:
    """Second pass: the chosen record of each document becomes rows of every config."""
    path, choices = plan.path, plan.found.choices
    chosen = {c.lineno: doc_id for doc_id, c in choices.items()}
    for split in plan.split_sizes():
        for config in sink.schemas:
            sink.open(config, split)
    span_counts: dict[str, Counter[str]] = defaultdict(Counter)
    done, total = 0, len(chosen)
    progress.stage("writing parquet", total)
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
        progress.advance()
    if done != total:
        raise InputError(f"{path}: changed while being exported ({total - done} records missing); run again")
    return dict(span_counts)
