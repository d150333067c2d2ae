"""How a local worker's rows reach the writer: Arrow IPC files in the folder the engine shares with
its workers (`curation.engines.Run.shared_dir`), read back here without a pickle.

A partition's Part is about 3 MB (32 PolNeAR-length silver documents), nearly all Arrow buffers.
Pickled, it cost the worker ~15 ms to dump and this process ~13 ms to load, and it went through a
64 KB pipe read by the pool's result thread, which needs the GIL for each read while this process
builds rows of its own, so the worker waited before it could take its next partition. An IPC file is
written with a copy of the buffers and mapped here without one; only the small facts (provenance,
labels) are pickled. On Dask (workers on other machines) and in this process, the Part comes as it is.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from curation.export.rows import Part, rows_part
from curation.jsonl import Line
from curation.schema import LabelSchema

_names = itertools.count()


@dataclass(slots=True)
class Shipped:
    """A Part whose tables wait in IPC files (one per config)."""

    files: dict[str, str]
    part: Part  # its tables left out


def shipped_rows(
    lines: list[tuple[Line, bool, str]],
    path: str,
    schema: LabelSchema,
    model: str,
    arrow: dict[str, pa.Schema],
    shared: str | None,
) -> Part | Shipped:
    """`rows_part(lines, path, schema, model, arrow)`; in a local worker (`shared`: the engine's shared
    folder), its tables written to IPC files there."""
    part = rows_part(lines, path, schema, model, arrow)
    if shared is None or multiprocessing.parent_process() is None:
        return part
    stem = Path(shared) / f"{os.getpid()}-{next(_names)}"
    files = {}
    for config, table in part.tables.items():
        files[config] = f"{stem}-{config}.arrow"
        with pa.OSFile(files[config], "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    part.tables = {}
    return Shipped(files, part)


def received(result: Part | Shipped) -> Part:
    """The Part of a result: its tables mapped from their files, which are then removed (the mapping
    keeps them readable until the writer lets go of the last row)."""
    if isinstance(result, Part):
        return result
    part = result.part
    for config, file in result.files.items():
        part.tables[config] = pa.ipc.open_file(pa.memory_map(file)).read_all()
        os.unlink(file)
    return part
