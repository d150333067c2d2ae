"""Parquet files of every config and split, written in row groups as documents stream through.

Rows come as Arrow tables (a partition's rows of one config and split, curation.export.rows) with the
number of rows of each document; they are buffered per (config, split) and written as one row group
as soon as a document brings the buffer to `batch_rows` rows (100 for the configs with a row per
document, which carry a whole text or its tokens: 1,000 of those held about 100 MB per file and made
peak memory grow with the corpus up to that size), so memory holds one batch per file, not the dataset.
Row groups end after the same documents whatever the partitions, so the bytes are the same for the same
rows on every engine (and no timestamps are written). The Arrow schema comes from the datasets
Features (their metadata is embedded).

Row groups are compressed and written by one background thread, in the order they come: pyarrow lets go
of the GIL while it joins a group's chunks, compresses and writes them, so that work (0.6 s of CPU in an
export of 2,000 PolNeAR-length records) runs beside spaCy's tokenizer and the rows of the next
partitions instead of after them. At most `IN_FLIGHT` groups wait for it, so memory stays bounded.
With local workers (`threaded=False`) every core already runs a process of the export, and the thread
only took turns with the main thread on its core: there the main thread writes each group itself
(2-process export of 2,000 PolNeAR records, 4 rounds taking turns at load ~2: CPU of both processes
9.97 -> 9.56 s, wall 5.57 -> 5.41 s, median).
"""

from __future__ import annotations

from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from datasets import Features

DATA_DIR = "data"


def data_file(config: str, split: str) -> str:
    """Relative path of one file; the card's `data/<config>/<split>-*.parquet` patterns match it."""
    return f"{DATA_DIR}/{config}/{split}-00000-of-00001.parquet"


DOCUMENT_ROWS = {"documents", "tokens"}  # configs with one (large) row per document
# zstd without dictionary pages or min/max statistics: writing a 2,000-record PolNeAR export took 0.39
# against 0.54 s of CPU, and its files are 11% smaller (21.4 against 24.0 MB: zstd finds the repeats a
# dictionary would; most columns are texts, offsets and ids that a dictionary never fits). Readers
# (datasets, pandas) read them alike; no reader of these files filters row groups by statistics.
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "use_dictionary": False, "write_statistics": False}
IN_FLIGHT = 8  # row groups handed to the writing thread and not written yet, at most


class ParquetSink:
    """Open writers lazily, buffer rows, flush row groups, count rows per (config, split)."""

    def __init__(
        self,
        root: Path,
        features: dict[str, Features],
        batch_rows: int = 1000,
        document_rows: int = 100,
        threaded: bool = True,
    ) -> None:
        self.root = root
        self.schemas = {config: f.arrow_schema for config, f in features.items()}
        self.batch_rows = batch_rows
        self.document_rows = document_rows
        self.buffers: dict[tuple[str, str], list[pa.Table]] = defaultdict(list)
        self.pending: dict[tuple[str, str], int] = defaultdict(int)
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet") if threaded else None
        self.in_flight: deque[Future[None]] = deque()

    def open(self, config: str, split: str) -> None:
        """Create the file even if no row ever comes (a split with no claims still loads)."""
        key = (config, split)
        if key not in self.writers:
            path = self.root / data_file(config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(path, self.schemas[config], **PARQUET_OPTIONS)

    def add(self, config: str, split: str, table: pa.Table, counts: np.ndarray) -> None:
        """Buffer the rows of consecutive documents (`counts`: rows of each, in order); a row group is
        written after the document that brings the buffer to the batch size."""
        key = (config, split)
        self.open(config, split)
        limit = self.document_rows if config in DOCUMENT_ROWS else self.batch_rows
        pending, start, end = self.pending[key], 0, 0
        for count in counts.tolist():
            end += count
            pending += count
            if pending >= limit:
                self.buffers[key].append(table.slice(start, end - start))
                self._write(key)
                start, pending = end, 0
        if end > start:
            self.buffers[key].append(table.slice(start, end - start))
        self.pending[key] = pending
        self.counts[key] += end

    def add_part(self, tables: dict[str, pa.Table], counts: dict[str, np.ndarray], splits: list[str]) -> None:
        """Rows of every config of consecutive documents (`counts`: each one's rows per config), whose
        splits (`splits`, one per document) come in runs: each run's rows are one slice of each table."""
        runs = [0] + [i for i in range(1, len(splits)) if splits[i] != splits[i - 1]] + [len(splits)]
        for config, table in tables.items():
            per_doc = counts[config]
            ends = np.zeros(len(per_doc) + 1, dtype=np.int64)
            np.cumsum(per_doc, out=ends[1:])
            for first, last in zip(runs, runs[1:], strict=False):
                rows = table.slice(ends[first], ends[last] - ends[first])
                if 2 * rows.num_rows < table.num_rows:  # see `_own`
                    rows = _own(rows)
                self.add(config, splits[first], rows, per_doc[first:last])

    def _flush(self, key: tuple[str, str]) -> None:
        if self.pending[key]:
            self._write(key)
            self.pending[key] = 0

    def _write(self, key: tuple[str, str]) -> None:
        """One row group of the buffered rows, handed to the writing thread (after the groups before it,
        once fewer than `IN_FLIGHT` wait; a failure to write one is raised here, or by `close`)."""
        if self.thread is None:
            _write_group(self.writers[key], self.buffers.pop(key))
            return
        while len(self.in_flight) >= IN_FLIGHT:
            self.in_flight.popleft().result()
        self.in_flight.append(self.thread.submit(_write_group, self.writers[key], self.buffers.pop(key)))

    def _drain(self) -> None:
        """Wait for every row group handed to the thread (raising the first failure), then stop it."""
        try:
            while self.in_flight:
                self.in_flight.popleft().result()
        finally:
            if self.thread is not None:
                self.thread.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        for key in sorted(self.writers):
            self._flush(key)
        try:
            self._drain()
        except BaseException:
            self.abort()
            raise
        for key in sorted(self.writers):
            self.writers[key].close()

    def abort(self) -> None:
        """Close every writer without flushing (the directory is about to be deleted)."""
        self.in_flight.clear()
        if self.thread is not None:
            self.thread.shutdown(wait=True, cancel_futures=True)
        for writer in self.writers.values():
            writer.close()


def _own(rows: pa.Table) -> pa.Table:
    """A copy of a slice, holding only its rows' buffers.

    A slice is a view: buffered, it keeps its whole partition's buffers (a tokens table's tags, a text)
    until its row group is written. A split with a tenth of the documents fills its 100-document row
    group in a thousand documents, so its slices kept some thirty partitions alive: the second pass's
    memory grew with the first thousand documents of a corpus (923 PolNeAR articles: +26 MB of tags
    alone). The smaller part of a partition is copied: a few rows, once."""
    return rows.take(np.arange(rows.num_rows))


def _write_group(writer: pq.ParquetWriter, buffered: list[pa.Table]) -> None:
    """One row group of these rows, in one chunk per column (as one table of them all)."""
    table = buffered[0] if len(buffered) == 1 else pa.concat_tables(buffered)
    writer.write_table(table.combine_chunks())
