"""What a version directory holds: parquet files of every config, card, manifest, changelog, schema.

The second pass of an export: the chosen record of each document becomes rows of every config,
streamed into parquet files.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from curation import __version__
from curation.atomic import atomic_write
from curation.cluster import partitioned
from curation.engines import Run, here
from curation.export.card import CardInfo, render_card
from curation.export.changelog import Changelog, diff_versions
from curation.export.features import config_features
from curation.export.places import Place, Placed, ReadFirst, changed, line_hash
from curation.export.plan import FORMAT, Plan
from curation.export.privacy import Redactor, pseudonyms
from curation.export.scan import PARTITION, Choice
from curation.export.shipping import received, shipped_rows
from curation.export.versions import MANIFEST, Version, file_hashes, read_manifest
from curation.export.writer import ParquetSink, data_file
from curation.jsonl import Line, read_at
from curation.progress import NO_PROGRESS, Progress
from curation.schema import SCHEMA_FILE, schema_yaml
from curation.settings import get_settings


def write_version(work: Path, plan: Plan, version: Version, progress: Progress, run: Run = here) -> Changelog:
    """Fill a (temporary) version directory: parquet files, card, manifest, changelog, and the label
    schema the version was written with (labels.yaml beside the manifest: readers decode it with it)."""
    schema = plan.options.schema
    with atomic_write(work / SCHEMA_FILE) as fh:
        fh.write(schema_yaml(schema))
    features = config_features(schema)
    sink = ParquetSink(work, features, threaded=run.shared_dir is None)  # see curation.export.writer
    home = plan.options.home if plan.options.home is not None else get_settings().home
    try:
        with pseudonyms(home) as names:
            keep = plan.options
            redact = Redactor(None if keep.keep_annotator_ids else names, not keep.keep_paths)
            added = Added(
                set(read_manifest(plan.parent_dir)["document_hashes"]) if plan.parent_dir else set()
            )
            span_counts = write_rows(plan, sink, redact, progress, run, added)
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
    log = diff_versions(plan.parent_dir, work, (added.spans, added.relations))
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


@dataclass
class Added:
    """Span and relation labels of the documents the parent version lacks, counted as they are written
    (the changelog needs no second reading of them)."""

    parent_ids: set[str]
    spans: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)


def placed(path: Path, chosen: list[tuple[str, Choice]], splits: dict[str, str]) -> Iterator[Placed]:
    """The second pass's partitions for local processes: the places of their chosen lines, from the
    first pass (where it starts, its length, its hash), with whether each is canonical and its split.
    Nothing is read here: in an export of 2,000 PolNeAR records with one worker, this process read and
    hashed the worker's half too (25 MB) and hashed it again to send its places."""
    for part in partitioned(chosen, PARTITION):
        places: list[Place] = [
            (
                choice.lineno,
                choice.offset,
                choice.length,
                choice.line_hash,
                (choice.canonical, splits[doc_id]),
            )
            for doc_id, choice in part
        ]
        yield Placed(str(path), places)


def write_rows(
    plan: Plan,
    sink: ParquetSink,
    redact: Redactor,
    progress: Progress = NO_PROGRESS,
    run: Run = here,
    added: Added | None = None,
) -> dict[str, Counter[str]]:
    """Second pass: the chosen record of each document becomes rows of every config.

    Only the chosen lines are read (by offset, in file order), each checked against the hash the first
    pass took; rows are built in partitions on `run`'s engine and written here in file order, after
    the redaction of provenance and source, so the parquet bytes are the same on every engine. With
    local workers, a partition goes as the places of its lines and the process that runs it reads them
    (`placed`): this one reads and checks only its own.
    """
    path, choices = plan.path, plan.found.choices
    chosen = sorted(choices.items(), key=lambda item: item[1].offset)
    for split in plan.split_sizes():
        for config in sink.schemas:
            sink.open(config, split)

    def lines() -> Iterator[tuple[Line, bool, str]]:
        raws = read_at(path, [choice.offset for _, choice in chosen])
        for (doc_id, choice), raw in zip(chosen, raws, strict=True):
            if line_hash(raw) != choice.line_hash:
                raise changed(path, choice.lineno)
            yield Line(choice.lineno, choice.offset, raw), choice.canonical, plan.splits[doc_id]

    span_counts: dict[str, Counter[str]] = defaultdict(Counter)
    progress.stage("writing parquet", len(chosen))
    shared = str(run.shared_dir) if run.shared_dir is not None else None
    parts: Iterable[Placed | list[tuple[Line, bool, str]]] = (
        placed(path, chosen, plan.splits) if shared is not None else partitioned(lines(), PARTITION)
    )
    results = run(
        ReadFirst(shipped_rows), parts, str(path), plan.options.schema, plan.model, sink.schemas, shared
    )
    for part in map(received, results):
        sources: list[str | None] = [None] * len(part.facts)
        provenances = [""] * len(part.facts)
        # in file order: pseudonyms are handed out in the order documents come
        for i in sorted(range(len(part.facts)), key=part.positions.__getitem__):
            facts, split = part.facts[i], part.splits[i]
            provenance, source = redact.fields(facts.provenance, facts.source, facts.meta)
            sources[i] = source
            provenances[i] = json.dumps(
                provenance.model_dump(mode="json"), sort_keys=True, ensure_ascii=False
            )
            plan.annotators.update({provenance.annotator or ""} | set(provenance.annotators or ()) - {""})
            span_counts[split].update(facts.labels)
            if added is not None and facts.doc_id not in added.parent_ids:
                added.spans.update(facts.labels)
                added.relations.update(facts.relation_labels)
            plan.found.provenance.defaults.update(facts.defaults)
            progress.advance()
        documents = part.tables["documents"]
        for name, values in (("source", sources), ("provenance", provenances)):
            at = documents.schema.get_field_index(name)
            documents = documents.set_column(at, documents.schema.field(at), pa.array(values, pa.string()))
        sink.add_part(part.tables | {"documents": documents}, part.counts, part.splits)
    return dict(span_counts)
