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
