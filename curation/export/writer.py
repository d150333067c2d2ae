"""Parquet files of every config and split, written in row groups as documents stream through.

Rows are buffered per (config, split) and flushed every `batch_rows` rows (100 for the configs with
a row per document, which carry a whole text or its tokens: 1,000 of those held about 100 MB per file
and made peak memory grow with the corpus up to that size), so memory holds one batch per file, not
the dataset. The Arrow schema comes from the datasets Features (their metadata is
embedded), and the bytes are the same for the same rows (no timestamps are written).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

DATA_DIR = "data"


def data_file(config: str, split: str) -> str:
    """Relative path of one file; the card's `data/<config>/<split>-*.parquet` patterns match it."""
    return f"{DATA_DIR}/{config}/{split}-00000-of-00001.parquet"


DOCUMENT_ROWS = {"documents", "tokens"}  # configs with one (large) row per document


class ParquetSink:
    """Open writers lazily, buffer rows, flush row groups, count rows per (config, split)."""

    def __init__(
        self, root: Path, features: dict[str, Features], batch_rows: int = 1000, document_rows: int = 100
    ) -> None:
        self.root = root
        self.schemas = {config: f.arrow_schema for config, f in features.items()}
        self.batch_rows = batch_rows
        self.document_rows = document_rows
        self.buffers: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.counts: dict[tuple[str, str], int] = defaultdict(int)

    def open(self, config: str, split: str) -> None:
        """Create the file even if no row ever comes (a split with no claims still loads)."""
        key = (config, split)
        if key not in self.writers:
            path = self.root / data_file(config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(path, self.schemas[config], compression="zstd")

    def add(self, config: str, split: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        key = (config, split)
        self.open(config, split)
        buffer = self.buffers[key]
        buffer.extend(rows)
        self.counts[key] += len(rows)
        if len(buffer) >= (self.document_rows if config in DOCUMENT_ROWS else self.batch_rows):
            self._flush(key)

    def _flush(self, key: tuple[str, str]) -> None:
        buffer = self.buffers[key]
        if buffer:
            table = pa.Table.from_pylist(buffer, schema=self.schemas[key[0]])
            self.writers[key].write_table(table)
            buffer.clear()

    def close(self) -> None:
        for key in sorted(self.writers):
            self._flush(key)
            self.writers[key].close()

    def abort(self) -> None:
        """Close every writer without flushing (the directory is about to be deleted)."""
        for writer in self.writers.values():
            writer.close()
