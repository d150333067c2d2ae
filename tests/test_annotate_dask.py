"""`annotate --engine dask`: a real local Dask cluster gives the records the single process gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.annotate import annotate_file
from curation.cluster import DaskOptions
from curation.jsonl import write_documents
from curation.records import Document, content_id

pytestmark = pytest.mark.integration

EXTRA = [
    "“We will rebuild the bridge,” the mayor said on Monday. She added that work would start in May.",
    "According to the ministry, 40 people were hurt.\n\n“It is over,” said Ana Silva, a nurse.",
    "No quotes at all in this short note about the weather.",
]


def _without_time(path: Path) -> list[dict[str, object]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for r in records:
        r["provenance"].pop("annotated_at")  # the clock, not the annotation
    return records


class Advances:
    """A curation.progress.Progress that records each advance."""

    def __init__(self) -> None:
        self.steps: list[int] = []

    def stage(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        self.steps.append(n)


def test_dask_engine_gives_the_single_process_records_in_input_order(tmp_path, seeds_dir):
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    docs = [Document(id=content_id(t), source=f"{i}.txt", text=t) for i, t in enumerate(seeds + EXTRA)]
    inputs = tmp_path / "docs.jsonl"
    write_documents(inputs, docs)
    single, dask = tmp_path / "single.jsonl", tmp_path / "dask.jsonl"
    one = annotate_file([inputs], single)
    done = Advances()
    # Partitions of 3 documents: several tasks per worker, results come back out of order.
    options = DaskOptions(workers=2, partition_size=3)
    many = annotate_file([inputs], dask, dask=options, progress=done)
    assert _without_time(dask) == _without_time(single)
    assert [r["id"] for r in _without_time(dask)] == [d.id for d in docs]
    assert (many.documents, many.words, many.labels) == (one.documents, one.words, one.labels)
    assert sum(done.steps) == len(docs) and len(done.steps) == 3  # the progress bar moved per partition
