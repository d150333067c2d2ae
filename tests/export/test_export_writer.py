"""The parquet sink: row groups written by its background thread, in order, and nothing left running."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasets import Features, Value

from curation.export.writer import IN_FLIGHT, ParquetSink, data_file

FEATURES = {"documents": Features({"id": Value("string")}), "quotes": Features({"n": Value("int64")})}


def test_row_groups_are_written_in_order_by_the_thread(tmp_path: Path) -> None:
    before = threading.active_count()
    sink = ParquetSink(tmp_path, FEATURES, batch_rows=3, document_rows=1)
    ids = [f"d{i}" for i in range(5 * IN_FLIGHT)]  # more groups than wait for the thread at once
    for start in range(0, len(ids), 4):
        chunk = ids[start : start + 4]
        sink.add("documents", "train", pa.table({"id": chunk}), np.ones(len(chunk), dtype=np.int64))
        sink.add("quotes", "train", pa.table({"n": [1, 2]}), np.array([2], dtype=np.int64))
    sink.close()
    documents = pq.ParquetFile(tmp_path / data_file("documents", "train"))
    assert documents.read().column("id").to_pylist() == ids
    assert documents.num_row_groups == len(ids)  # one document a group
    quotes = pq.ParquetFile(tmp_path / data_file("quotes", "train"))
    assert quotes.read().column("n").to_pylist() == [1, 2] * (len(ids) // 4)
    assert [quotes.metadata.row_group(i).num_rows for i in range(quotes.num_row_groups)] == [4] * 5
    assert sink.counts == {("documents", "train"): len(ids), ("quotes", "train"): 2 * len(ids) // 4}
    assert threading.active_count() == before  # the thread is gone: the next export's workers may fork


def test_a_failed_write_is_raised_and_the_thread_stopped(tmp_path: Path) -> None:
    before = threading.active_count()
    sink = ParquetSink(tmp_path, FEATURES, document_rows=1)
    wrong = pa.table({"id": pa.array([1], pa.int64())})  # not the config's schema: the write fails
    sink.add("documents", "train", wrong, np.ones(1, dtype=np.int64))
    with pytest.raises(ValueError, match="schema"):
        sink.close()
    assert threading.active_count() == before


def test_abort_stops_the_thread(tmp_path: Path) -> None:
    before = threading.active_count()
    sink = ParquetSink(tmp_path, FEATURES, document_rows=1)
    sink.add("documents", "train", pa.table({"id": ["a", "b"]}), np.ones(2, dtype=np.int64))
    sink.abort()
    assert threading.active_count() == before


def test_the_last_row_groups_of_many_files_follow_their_earlier_ones(tmp_path: Path) -> None:
    """At close every file's last group is written, each after the groups written before it."""
    sink = ParquetSink(tmp_path, FEATURES, batch_rows=5, document_rows=2)
    splits = ["train", "validation", "test", "other"]
    expected: dict[str, list[str]] = {split: [] for split in splits}
    for i in range(7):
        for split in splits:
            chunk = [f"{split}-{i}-{j}" for j in range(i % 3 + 1)]
            expected[split] += chunk
            sink.add("documents", split, pa.table({"id": chunk}), np.ones(len(chunk), dtype=np.int64))
            sink.add("quotes", split, pa.table({"n": [i]}), np.ones(1, dtype=np.int64))
    sink.close()
    for split in splits:
        documents = pq.ParquetFile(tmp_path / data_file("documents", split))
        assert documents.read().column("id").to_pylist() == expected[split]
        assert pq.read_table(tmp_path / data_file("quotes", split)).column("n").to_pylist() == list(range(7))


def test_a_sink_beside_local_workers_writes_the_same_groups_without_a_thread(tmp_path: Path) -> None:
    """With local workers the main thread writes each group itself (no thread to take turns with it on
    its core): the same files, no thread started."""
    before = set(threading.enumerate())
    for threaded in (True, False):
        sink = ParquetSink(
            tmp_path / str(threaded), FEATURES, batch_rows=3, document_rows=2, threaded=threaded
        )
        for start in range(0, 20, 4):
            chunk = [f"d{i}" for i in range(start, start + 4)]
            sink.add("documents", "train", pa.table({"id": chunk}), np.ones(4, dtype=np.int64))
            sink.add("quotes", "train", pa.table({"n": [start, start + 1]}), np.array([2], dtype=np.int64))
            if not threaded:
                assert set(threading.enumerate()) <= before
        sink.close()
    for config in FEATURES:
        path = data_file(config, "train")
        assert (tmp_path / "False" / path).read_bytes() == (tmp_path / "True" / path).read_bytes()


def test_a_small_split_does_not_keep_its_partitions_alive(tmp_path: Path) -> None:
    """The few rows of a small split wait in the buffer for many partitions: they are copies, not views
    holding each partition's buffers; the big split's rows stay views (no copy of most of the data)."""
    sink = ParquetSink(tmp_path, FEATURES, batch_rows=10_000, document_rows=10_000)
    ids = pa.array([f"document-{i:04d}-" + "x" * 200 for i in range(1000)])
    splits = ["train"] * 990 + ["validation"] * 10
    sink.add_part({"documents": pa.table({"id": ids})}, {"documents": np.ones(1000, dtype=np.int64)}, splits)
    (held,) = sink.buffers[("documents", "validation")]
    whole = pa.table({"id": ids}).get_total_buffer_size()
    assert held.num_rows == 10 and held.get_total_buffer_size() < whole / 50
    (train,) = sink.buffers[("documents", "train")]
    assert train.get_total_buffer_size() == whole
    sink.close()
    assert (
        pq.read_table(tmp_path / data_file("documents", "validation")).column("id").to_pylist()
        == (ids.to_pylist()[990:])
    )
