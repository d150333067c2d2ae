"""Python's cyclic garbage collector paused around work that makes many short-lived objects.

An export's passes read thousands of records into dicts and msgspec Structs that live until their
partition is done: collections kept coming, their survivors were promoted, and every third or so
of them led to a full collection walking every object of a process holding spaCy and pyarrow
(0.13 s each; three in the first pass of 2,000 PolNeAR records, 0.4 s of its 9 s of CPU). None of
these objects form cycles, so reference counting frees them all the same.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def no_collections() -> Iterator[None]:
    """The cyclic collector off inside (back as it was after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_collections(func: Callable[P, R]) -> Callable[P, R]:
    """`func` run with the collector off (`no_collections`). The wrapper keeps `func`'s module and name,
    so an engine still sends it to its workers by reference."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with no_collections():
            return func(*args, **kwargs)

    return run
