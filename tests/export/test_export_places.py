"""A partition bound for a local worker travels as the places of its lines, read back from the file there."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from curation.errors import InputError
from curation.export.places import ByPlace, Placed, ReadFirst, by_place
from curation.jsonl import Line, iter_lines


def echo(part: list[Any], *args: Any) -> tuple[list[Any], tuple[Any, ...]]:
    return part, args


def records_file(tmp_path: Path) -> Path:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "b"}\n\n{"id": "c"}\n{"id": "d"}')  # a blank line; no last newline
    return path


def test_a_partition_pickled_carries_places_and_reads_the_same_lines_back(tmp_path: Path) -> None:
    path = records_file(tmp_path)
    lines = list(iter_lines(path))
    part = ByPlace(lines, path)
    data = pickle.dumps(part)
    assert b'"id"' not in data  # no record's bytes in the pickle
    placed = pickle.loads(data)
    assert isinstance(placed, Placed)
    assert ReadFirst(echo)(placed, 1) == (lines, (1,))  # lines after the blank one, the last one unended
    # the second pass's items: a Line and what goes with it; some lines skipped (not adjacent)
    chosen = [(lines[0], True, "train"), (lines[2], False, "test"), (lines[3], True, "train")]
    assert ReadFirst(echo)(pickle.loads(pickle.dumps(ByPlace(chosen, path))))[0] == chosen
    # in this process the partition is used as it is
    assert ReadFirst(echo)(part)[0] is part


def test_a_file_changed_after_its_lines_were_read_is_the_partitions_failure(tmp_path: Path) -> None:
    path = records_file(tmp_path)
    lines = list(iter_lines(path))
    data = pickle.dumps(ByPlace(lines, path))
    path.write_bytes(path.read_bytes().replace(b'"c"', b'"x"'))
    placed = pickle.loads(data)  # unpickling reads nothing, so it cannot break a worker
    with pytest.raises(InputError, match=r"records\.jsonl: changed while being exported \(line 4\)"):
        ReadFirst(echo)(placed)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(InputError, match=r"changed while being exported \(line 4\)"):
            pool.submit(ReadFirst(echo), ByPlace(lines, path)).result()
        assert pool.submit(int, "3").result() == 3  # the worker goes on


def test_partitions_go_by_place_only_to_local_workers(tmp_path: Path) -> None:
    parts = [[Line(1, 0, b"{}\n")]]
    assert all(type(p) is ByPlace for p in by_place(parts, tmp_path / "f", local=True))
    assert list(by_place(parts, tmp_path / "f", local=False)) == parts
    assert all(type(p) is list for p in by_place(parts, tmp_path / "f", local=False))


def test_the_second_pass_reads_its_chosen_lines_by_the_first_pass_places(
    make: Any, tmp_path: Path, seed_records: list[dict[str, Any]]
) -> None:
    """With local workers the second pass's partitions are the first pass's places of the chosen lines
    (nothing read by this process until it runs one): they read back the lines the first pass chose,
    and a line changed since is the partition's failure, named by its line."""
    from curation.export.contents import placed
    from curation.export.grouping import NearDuplicateGrouper
    from curation.export.scan import scan

    older = dict(
        seed_records[0], provenance=dict(seed_records[0]["provenance"], updated_at="2000-01-01T00:00:00Z")
    )
    path = make.write_jsonl(tmp_path / "records.jsonl", [older, *seed_records])  # line 1 is not chosen
    found = scan(path, True, NearDuplicateGrouper())
    chosen = sorted(found.choices.items(), key=lambda item: item[1].offset)
    splits = {doc_id: f"split-{i}" for i, doc_id in enumerate(found.choices)}
    items = [item for part in placed(path, chosen, splits) for item in part.items()]
    by_offset = {line.offset: line for line in iter_lines(path)}
    assert [(line, canonical, split) for line, canonical, split in items] == [
        (by_offset[choice.offset], choice.canonical, splits[doc_id]) for doc_id, choice in chosen
    ]
    assert 1 not in {line.lineno for line, _, _ in items}
    last = chosen[-1][1]
    raw = path.read_bytes()
    path.write_bytes(raw[: last.offset] + raw[last.offset :].replace(b'"id"', b'"ID"', 1))
    parts = list(placed(path, chosen, splits))
    with pytest.raises(
        InputError, match=rf"records\.jsonl: changed while being exported \(line {last.lineno}\)"
    ):
        parts[-1].items()
