"""Everything an export decides before writing a byte: records, groups, splits, parent version, hash."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.engines import Run, here
from curation.export.changelog import Changelog
from curation.export.grouping import NearDuplicateGrouper
from curation.export.options import ExportOptions, ExportResult
from curation.export.privacy import PersonalData
from curation.export.scan import Choice, Scan, scan
from curation.export.splits import SPLITS, assign_splits
from curation.export.versions import Version, existing_versions, read_manifest
from curation.gold.adjudicate import AdjudicationReport
from curation.progress import Progress
from curation.settings import get_settings

FORMAT = "curation-export/1"  # bump when the layout or the rows of a config change meaning


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
    tokenizer: str  # name-version, as recorded
    model: str  # the pipeline whose tokenizer cuts the tokens config
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


def plan_export(
    path: Path, options: ExportOptions, meta: dict[str, Any], progress: Progress, run: Run = here
) -> Plan:
    """First pass and split assignment against the latest existing version (`meta`: the pipeline's,
    whose name and version label the tokens)."""
    from curation.extract.pipeline import pipeline_label  # not at import: it registers spaCy factories

    dataset_dir = options.out / options.name
    versions = existing_versions(dataset_dir)
    parent = versions[-1] if versions else None
    parent_dir = dataset_dir / parent.dirname if parent else None
    grouper = NearDuplicateGrouper(options.group_threshold)
    found = scan(path, options.silver, grouper, progress, options.schema, run)
    progress.stage("grouping near-duplicate documents")
    groups = grouper.groups()
    previous = earlier_splits(dataset_dir, versions)
    splits = assign_splits(groups, options.ratios, previous)
    tokenizer = pipeline_label(meta)
    header = {
        "format": FORMAT,
        "schema": options.schema.fingerprint(),
        "silver": options.silver,
        "tokenizer": tokenizer,
        "privacy": {"annotator_ids": options.keep_annotator_ids, "paths": options.keep_paths},
    }
    digest = content_hash(header, found.choices, splits)
    return Plan(
        path,
        options,
        dataset_dir,
        parent,
        parent_dir,
        found,
        groups,
        splits,
        digest,
        tokenizer,
        options.model or get_settings().model,
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
