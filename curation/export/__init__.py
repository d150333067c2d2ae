"""Versioned Hugging Face dataset export: configs, splits, card, manifest, changelog, Hub upload."""

from curation.export.build import export_dataset
from curation.export.changelog import Changelog, diff_versions
from curation.export.hub import HubError, PushPlan, plan_push, push_version
from curation.export.options import ExportOptions, ExportResult
from curation.export.splits import Ratios

__all__ = [
    "Changelog",
    "ExportOptions",
    "ExportResult",
    "HubError",
    "PushPlan",
    "Ratios",
    "diff_versions",
    "export_dataset",
    "plan_push",
    "push_version",
]
