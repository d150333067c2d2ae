"""One progress shape: every long library operation takes a curation.progress.Progress."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from curation.annotate import annotate_file
from curation.evaluate.agreement import measure_agreement
from curation.evaluate.run import evaluate_paths
from curation.export.build import export_dataset
from curation.gold.adjudicate import adjudicate_file
from curation.ingest.documents import ingest
from curation.progress import NO_PROGRESS, Progress
from curation.quotes import group_quotes, group_quotes_in_file
from curation.studio.decisions import pull_decisions, push_decisions
from curation.studio.pull import pull
from curation.studio.push import push
from curation.train.run import train_pipeline

LONG_OPERATIONS = [
    annotate_file,
    ingest,
    export_dataset,
    adjudicate_file,
    push,
    pull,
    push_decisions,
    pull_decisions,
    evaluate_paths,
    measure_agreement,
    group_quotes,
    group_quotes_in_file,
    train_pipeline,
]


class Recorder:
    """A Progress that remembers each stage and how far it got."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None, int]] = []

    def stage(self, description: str, total: int | None = None) -> None:
        self.stages.append((description, total, 0))

    def advance(self, n: int = 1) -> None:
        description, total, done = self.stages[-1]
        self.stages[-1] = (description, total, done + n)


@pytest.mark.parametrize("operation", LONG_OPERATIONS, ids=lambda f: f.__name__)
def test_progress_every_long_operation_takes_the_one_shape(operation: Callable[..., Any]) -> None:
    parameter = inspect.signature(operation).parameters["progress"]
    assert parameter.annotation == "Progress" and operation.__globals__["Progress"] is Progress
    assert parameter.default is NO_PROGRESS  # nobody watching is the default, never None


def test_progress_ingest_counts_every_document_written(seeds_dir: Path, tmp_path: Path) -> None:
    recorder = Recorder()
    report = ingest([seeds_dir], tmp_path / "docs.jsonl", progress=recorder)
    assert recorder.stages == [("ingesting", None, report.written)] and report.written > 0
