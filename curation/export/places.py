"""How a partition of records reaches a local worker: as the places of its lines in the file (offset,
length, hash), which the worker reads itself, instead of their bytes through the pool's pipe.

A partition of 32 PolNeAR-length records is about 0.9 MB of JSON. Pickled, the pool's feeder thread
copied it into a 64 KB pipe in this process and the worker read and unpickled it before it could start
(about 2 ms a partition on this machine, pipe throughput ~430 MB/s), in both passes. A worker on this
machine reads the same file from the page cache in one `pread` per run of adjacent lines (~0.1 ms a
partition).

The bytes a worker reads are checked against the hash of the bytes this process read (xxh3, 0.004 ms
a record): a file changed in between is the same error as a file changed between the two passes. In the
first pass a partition is a `ByPlace` (this process reads every line to cut the file into partitions);
in the second, a `Placed` made from the first pass's places and hashes (curation.export.contents.placed),
which this process reads too when it runs the partition itself, so it never reads the worker's lines.
On Dask (workers on other machines, `Run.shared_dir` None) and in this process, the lines go as they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import xxhash

from curation.errors import InputError
from curation.jsonl import Line

T = TypeVar("T")
R = TypeVar("R")


def line_hash(raw: bytes) -> str:
    """What a line is checked against when it is read again (never written out): xxh3, a 128-bit hash
    at 40 times sha256's speed (0.004 against 0.15 ms a PolNeAR record)."""
    return xxhash.xxh3_128_hexdigest(raw)


def changed(path: str | Path, lineno: int) -> InputError:
    return InputError(f"{path}: changed while being exported (line {lineno}); run the export again")


class ByPlace(list[T]):
    """A partition of a file's lines (each item a Line, or a tuple whose first item is one): used as it
    is in this process (it is a list), pickled as the places of its lines (a `Placed`)."""

    def __init__(self, items: Iterable[T], path: str | Path) -> None:
        super().__init__(items)
        self.path = str(path)

    def __reduce__(self) -> tuple[Any, ...]:
        places = []
        for item in self:
            line, rest = (item, None) if isinstance(item, Line) else (item[0], tuple(item[1:]))  # type: ignore[index]
            places.append((line.lineno, line.offset, len(line.raw), line_hash(line.raw), rest))
        return (Placed, (self.path, places))


Place = tuple[int, int, int, str, "tuple[Any, ...] | None"]  # line number, offset, length, hash, rest


class Placed:
    """A ByPlace where it was unpickled: its lines are read when the partition runs (`ReadFirst`), so
    that a failure to read is the partition's failure, raised in its turn (not the worker's, which
    would break the pool)."""

    def __init__(self, path: str, places: list[Place]) -> None:
        self.path, self.places = path, places

    def items(self) -> list[Any]:
        """The partition's items, their lines read from the file, one read per run of adjacent lines."""
        places, raws = self.places, []
        with open(self.path, "rb") as fh:
            i = 0
            while i < len(places):
                j, end = i + 1, places[i][1] + places[i][2]
                while j < len(places) and places[j][1] == end:
                    end += places[j][2]
                    j += 1
                block, at = os.pread(fh.fileno(), end - places[i][1], places[i][1]), 0
                for place in places[i:j]:
                    raws.append(block[at : at + place[2]])
                    at += place[2]
                i = j
        items: list[Any] = []
        for (lineno, offset, _, digest, rest), raw in zip(places, raws, strict=True):
            if line_hash(raw) != digest:
                raise changed(self.path, lineno)
            line = Line(lineno, offset, raw)
            items.append(line if rest is None else (line, *rest))
        return items


@dataclass(frozen=True, slots=True)
class ReadFirst(Generic[R]):
    """`func(partition, *args)` of a partition that may come as a `Placed` (picklable when `func` is)."""

    func: Callable[..., R]

    def __call__(self, part: Any, *args: Any) -> R:
        return self.func(part.items() if isinstance(part, Placed) else part, *args)


def by_place(parts: Iterable[list[T]], path: str | Path, local: bool) -> Iterator[list[T]]:
    """Each partition as a ByPlace when it may go to a worker on this machine (`local`), else as it is."""
    return (ByPlace(part, path) for part in parts) if local else iter(parts)
