"""Versioned Hugging Face dataset export: configs, splits, card, manifest, changelog, Hub upload.

The names below are loaded on first use (PEP 562), not when the package is imported: export's
workers import only curation.export.scan or curation.export.rows, and importing this package used to
pull spaCy, datasets, pandas and the Hub client into every worker before its first partition.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curation.export.build import export_dataset
    from curation.export.changelog import Changelog, diff_versions
    from curation.export.hub import HubError, PushPlan, plan_push, push_version
    from curation.export.options import ExportOptions, ExportResult
    from curation.export.splits import Ratios

_HOMES = {
    "export_dataset": "build",
    "Changelog": "changelog",
    "diff_versions": "changelog",
    "HubError": "hub",
    "PushPlan": "hub",
    "plan_push": "hub",
    "push_version": "hub",
    "ExportOptions": "options",
    "ExportResult": "options",
    "Ratios": "splits",
}

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


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
