"""Parquet files of every config and split, written in row groups as documents stream through.

Rows (dicts, or `ColumnRow`s already in arrays) are buffered per (config, split) and flushed every
`batch_rows` rows (100 for the configs with a row per document, which carry a whole text or its
tokens: 1,000 of those held about 100 MB per file and made peak memory grow with the corpus up to that
size), so memory holds one batch per file, not the dataset. The Arrow schema comes from the datasets
Features (their metadata is embedded), and the bytes are the same for the same rows (no timestamps
are written).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
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


@dataclass(slots=True)
class ColumnRow:
    """One row whose list columns are arrays: numbers as numpy arrays, strings as their UTF-8 bytes
    joined with int32 offsets (one more than strings). A tokens row holds thousands of items: built,
    pickled back from a worker and written this way, it never becomes one Python object per item."""

    scalars: dict[str, Any]
    numbers: dict[str, np.ndarray]
    strings: dict[str, tuple[bytes, np.ndarray]]

    def __len__(self) -> int:
        return 1


def columns_table(rows: list[ColumnRow], schema: pa.Schema) -> pa.Table:
    """Rows given as columns, joined into one table of `schema` (one chunk per column)."""
    sizes = {name: [len(row.numbers[name]) for row in rows] for name in rows[0].numbers}
    sizes |= {name: [len(row.strings[name][1]) - 1 for row in rows] for name in rows[0].strings}
    arrays = []
    for field in schema:
        name = field.name
        if name in rows[0].scalars:
            arrays.append(pa.array([row.scalars[name] for row in rows], field.type))
            continue
        if name in rows[0].numbers:
            values = pa.array(np.concatenate([row.numbers[name] for row in rows]), field.type.value_type)
        else:
            parts = [row.strings[name] for row in rows]
            bases = np.cumsum([0] + [len(data) for data, _ in parts])
            offsets = np.concatenate(
                [offsets[:-1] + base for (_, offsets), base in zip(parts, bases, strict=False)]
                + [np.array([bases[-1]])]
            ).astype(np.int32)
            values = pa.StringArray.from_buffers(
                len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(b"".join(data for data, _ in parts))
            )
        starts = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum(sizes[name], out=starts[1:])
        arrays.append(pa.ListArray.from_arrays(pa.array(starts), values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


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
        self.columns: dict[tuple[str, str], list[ColumnRow]] = defaultdict(list)
        self.pending: dict[tuple[str, str], int] = defaultdict(int)
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.counts: dict[tuple[str, str], int] = defaultdict(int)

    def open(self, config: str, split: str) -> None:
        """Create the file even if no row ever comes (a split with no claims still loads)."""
        key = (config, split)
        if key not in self.writers:
            path = self.root / data_file(config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(path, self.schemas[config], compression="zstd")

    def add(self, config: str, split: str, rows: list[dict[str, Any]] | ColumnRow) -> None:
        """Buffer rows given as dicts, or one row given as columns."""
        if not len(rows):
            return
        key = (config, split)
        self.open(config, split)
        if isinstance(rows, ColumnRow):
            self.columns[key].append(rows)
        else:
            self.buffers[key].extend(rows)
        self.counts[key] += len(rows)
        self.pending[key] += len(rows)
        if self.pending[key] >= (self.document_rows if config in DOCUMENT_ROWS else self.batch_rows):
            self._flush(key)

    def _flush(self, key: tuple[str, str]) -> None:
        """One row group (the same bytes for the same rows, whether given as dicts or as columns)."""
        if not self.pending[key]:
            return
        schema = self.schemas[key[0]]
        if self.columns[key]:
            table = columns_table(self.columns[key], schema)
        else:
            table = pa.Table.from_pylist(self.buffers[key], schema=schema)
        self.writers[key].write_table(table)
        self.buffers[key].clear()
        self.columns[key].clear()
        self.pending[key] = 0

    def close(self) -> None:
        for key in sorted(self.writers):
            self._flush(key)
            self.writers[key].close()

    def abort(self) -> None:
        """Close every writer without flushing (the directory is about to be deleted)."""
        for writer in self.writers.values():
            writer.close()
