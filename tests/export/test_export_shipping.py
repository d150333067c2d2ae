"""A local worker's rows come back through IPC files in the shared folder: the same tables, no file left."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from curation.export.features import config_features
from curation.export.rows import rows_part
from curation.export.shipping import Shipped, received, shipped_rows
from curation.jsonl import Line
from curation.schema import get_schema
from curation.settings import get_settings


def test_shipping_gives_the_tables_rows_part_builds(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    path = make.write_jsonl(tmp_path / "gold.jsonl", seed_records)
    raws = path.read_bytes().splitlines(keepends=True)
    lines = [(Line(i + 1, 0, raw), False, "train" if i % 2 else "test") for i, raw in enumerate(raws)]
    schema, model = get_schema(), get_settings().model
    arrow = {config: features.arrow_schema for config, features in config_features(schema).items()}
    args = (str(path), schema, model, arrow)
    shared = tmp_path / "shared"
    shared.mkdir()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        result = pool.submit(shipped_rows, lines, *args, str(shared)).result()
    assert isinstance(result, Shipped) and not result.part.tables
    assert sorted(p.name.split("-", 2)[-1] for p in shared.iterdir()) == sorted(
        f"{config}.arrow" for config in arrow
    )
    part, expected = received(result), rows_part(lines, *args)
    assert list(shared.iterdir()) == []
    assert part.tables.keys() == expected.tables.keys()
    for config, table in expected.tables.items():
        assert part.tables[config].equals(table, check_metadata=True)
    assert part.splits == expected.splits and part.positions == expected.positions
    assert [f.doc_id for f in part.facts] == [f.doc_id for f in expected.facts]
    # in this process nothing is shipped
    assert not isinstance(shipped_rows(lines, *args, str(shared)), Shipped)
