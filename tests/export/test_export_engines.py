"""Export on several processes or a Dask cluster writes the same bytes as in one process.

The bench corpus (PolNeAR-length silver records, all canonical lines, plain values) reaches only the
common paths of the second pass. `unusual_records` reach the others: documents long enough that a column
chunk passes parquet's 1 MB data page, floats JSON spells in exponent form, integers beyond 64 bits
(kept exact in either spelling),
empty lists, None attributes, text past the Basic Multilingual Plane, nested meta and extra provenance,
lines in curation's own spelling and in another.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from curation.cluster import DaskOptions
from curation.export import ExportOptions, export_dataset
from curation.export.scan import PARTITION
from curation.export.versions import read_manifest


def corpus(make: Any, seed_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The seeds and enough invented documents for several partitions, with annotators to pseudonymise
    (handed out in file order) and local paths to strip."""
    records = list(seed_records)
    for i in range(2 * PARTITION + 7):
        extra = make.record(
            f"invented-{i:03d}", make.invented_text(i), [], annotator=f"person{i % 4}@example.org"
        )
        extra["source"] = f"/home/ana/news/{i}.txt"
        records.append(extra)
    return records


def version_facts(version_dir: Path) -> dict[str, Any]:
    manifest = read_manifest(version_dir)
    data = {k: v for k, v in manifest["files"].items() if k.startswith("data/")}
    same = ("splits", "document_hashes", "annotators", "personal_data", "content_hash")
    return {"data": data, **{key: manifest[key] for key in same}}


@pytest.mark.parametrize(
    "engine", [{"n_process": 2}, {"dask": DaskOptions(workers=2)}], ids=["n-process-2", "dask-2-workers"]
)
def test_export_in_parallel_gives_byte_identical_parquet(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]], engine: dict[str, Any]
) -> None:
    path = make.write_jsonl(tmp_path / "gold.jsonl", corpus(make, seed_records))
    home = tmp_path / "home"
    one = export_dataset(path, ExportOptions(name="one", out=tmp_path / "e", home=home))
    many = export_dataset(path, ExportOptions(name="many", out=tmp_path / "e", home=home, **engine))
    assert one.documents == many.documents == len(seed_records) + 2 * PARTITION + 7
    facts = version_facts(one.version_dir)
    assert facts == version_facts(many.version_dir)
    assert {name.split("/")[1] for name in facts["data"]} == {"documents", "quotes", "claims", "tokens"}
    assert facts["personal_data"]["sources_with_directories"] == 2 * PARTITION + 7


@pytest.mark.parametrize(
    "engine", [{"n_process": 2}, {"dask": DaskOptions(workers=2)}], ids=["n-process-2", "dask-2-workers"]
)
def test_unusual_records_give_the_same_parquet_on_every_engine(
    make: Any, tmp_path: Path, engine: dict[str, Any]
) -> None:
    path = make.write_unusual(tmp_path / "unusual.jsonl")
    home = tmp_path / "home"
    one = export_dataset(path, ExportOptions(name="one", out=tmp_path / "e", home=home, silver=True))
    many = export_dataset(
        path, ExportOptions(name="many", out=tmp_path / "e", home=home, silver=True, **engine)
    )
    assert one.documents == many.documents == 80
    facts = version_facts(one.version_dir)
    assert facts == version_facts(many.version_dir)
    rows = [
        row
        for path in one.version_dir.glob("data/documents/*.parquet")
        for row in pq.read_table(path).to_pylist()
    ]
    metas = [json.loads(row["meta"]) for row in rows]
    # exact, whatever the line's spelling (a float 2**70 would compare equal, so the type is asserted)
    assert {(type(m["big"]), m["big"]) for m in metas if "big" in m} == {(int, 2**70)}
    assert {m["n"] for m in metas if "n" in m} == {12345678901234567890}
    assert max(len(row["text"]) for row in rows) > 100_000
