"""What an export is asked to do (ExportOptions) and what it did (ExportResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from curation.cluster import DaskOptions
from curation.export.changelog import Changelog
from curation.export.grouping import DEFAULT_THRESHOLD
from curation.export.privacy import PersonalData
from curation.export.splits import Ratios
from curation.export.versions import Bump
from curation.gold.adjudicate import AdjudicationReport, Policy
from curation.schema import LabelSchema, get_schema


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
    n_process: int = 1  # local processes for the per-document work (validation, tokens, rows)
    dask: DaskOptions | None = None  # or a Dask cluster (curation.cluster)
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
