"""Where per-document work runs: in this process, on a pool of local processes, or on a Dask cluster.

`ordered_map(n_process, dask)` gives one function, `run(func, partitions, *args)`, that yields
`func(partition, *args)` for each partition in input order whatever the engine, with a bounded number
of partitions in flight, so memory stays flat and the output is the same bytes on every engine.
Local pools use the spawn start method: forking a process that already holds Arrow's and spaCy's
threads is not safe. Each worker loads what it needs once (module-level caches, e.g.
`curation.export.text.load_tokenizer`), never with each partition.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from curation.cluster import DaskOptions, submit_ordered

P = TypeVar("P")
R = TypeVar("R")


class Run(Protocol):
    def __call__(self, func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]: ...


def here(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
    return (func(part, *args) for part in partitions)


@contextlib.contextmanager
def ordered_map(n_process: int = 1, dask: DaskOptions | None = None) -> Iterator[Run]:
    """A `run(func, partitions, *args)` on Dask (if `dask`), on `n_process` local processes, or here."""
    if dask is not None:
        from curation.cluster import dask_client, map_ordered

        with dask_client(dask.workers, dask.scheduler) as client:

            def on_dask(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
                return map_ordered(client, func, partitions, *args)

            yield on_dask
        return
    if n_process <= 1:
        yield here
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n_process, mp_context=context) as pool:

        def on_pool(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
            return submit_ordered(pool.submit, func, partitions, *args, limit=2 * n_process + 1)

        try:
            yield on_pool
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C or a failure: nothing left queued
            raise
