"""Where per-document work runs: in this process, on local processes, or on a Dask cluster.

`ordered_map(n_process, dask)` gives one function, `run(func, partitions, *args)`, that yields
`func(partition, *args)` for each partition in input order whatever the engine, with a bounded number
of partitions in flight, so memory stays flat and the output is the same bytes on every engine.

`n_process` counts the processes that do the work, this one included: this process and `n_process - 1`
workers (`alongside`). This process has its modules imported and its models loaded already, and it
would otherwise wait while the workers work: on a 2-core machine, two workers beside a waiting parent
paid a second worker's start (imports and tokenizer, about 3 s of CPU) and three processes shared two
cores. Local workers use the spawn start method: forking a process that already holds Arrow's and
spaCy's threads is not safe. Each worker loads what it needs once (module-level caches, e.g.
`curation.export.text.load_tokenizer`), never with each partition.

A worker's start (a new interpreter, its imports, a tokenizer: 3-5 s of CPU) used to happen at its first
partition: this process ran the next few partitions meanwhile, filled the window of results it may
hold, and then waited for the late worker in every pass (about a third of a 2-process export's wall
time). So `ordered_map(..., warm=func)` starts the workers at once with `func` (what they will import
and load), while this process does its own start, and `alongside` hands a worker partitions only once
it is warm: until then this process runs them in turn, holding nothing back.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from curation.cluster import DaskOptions

P = TypeVar("P")
R = TypeVar("R")


class Map(Protocol):
    def __call__(self, func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]: ...


class Run:
    """`run(func, partitions, *args)`: `func(partition, *args)` of each partition, in input order.

    `shared_dir`: a folder this process and its workers all see (local workers: a private temporary
    folder, removed at the end; None here and on Dask, whose workers may be other machines), where a
    worker can leave a large result for this process to map instead of pickling it through a pipe."""

    def __init__(self, mapper: Map, shared_dir: Path | None = None) -> None:
        self.mapper = mapper
        self.shared_dir = shared_dir

    def __call__(self, func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
        return self.mapper(func, partitions, *args)


def _in_order(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
    return (func(part, *args) for part in partitions)


here = Run(_in_order)


@contextlib.contextmanager
def ordered_map(
    n_process: int = 1, dask: DaskOptions | None = None, warm: Callable[[], object] | None = None
) -> Iterator[Run]:
    """A `run(func, partitions, *args)` on Dask (if `dask`), on `n_process` local processes (this one
    and `n_process - 1` workers), or here.

    `warm` (picklable, e.g. a functools.partial of a module's function): run once in each local worker
    as soon as the pool starts, to import and load what the partitions will need."""
    if dask is not None:
        from curation.cluster import dask_client, map_ordered

        with dask_client(dask.workers, dask.scheduler) as client:

            def on_dask(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
                return map_ordered(client, func, partitions, *args)

            yield Run(on_dask)
        return
    if n_process <= 1:
        yield here
        return
    context = multiprocessing.get_context("spawn")
    workers = n_process - 1
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm)
    with tempfile.TemporaryDirectory(prefix="curation-shared-") as shared:
        try:
            # Every worker starts now (the pool starts its processes at the first submit) and runs
            # `warm` first; once this no-op comes back, the workers are ready for partitions.
            ready = pool.submit(int) if warm is not None else None

            def on_pool(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
                return alongside(pool, func, partitions, args, limit=2 * workers + 1, ready=ready)

            yield Run(on_pool, Path(shared))
        finally:
            # Ctrl-C or a failure: nothing left queued. Not waiting for the workers to exit: a worker
            # holding spaCy and pyarrow takes 0.3-0.5 s to tear its interpreter down, which this
            # process waited for at the end of every export with nothing left to give it; the pool's
            # own thread joins them meanwhile (and the interpreter's exit waits for that thread).
            pool.shutdown(wait=False, cancel_futures=True)


def alongside(
    pool: Executor,
    func: Callable[..., R],
    partitions: Iterable[P],
    args: tuple[Any, ...],
    limit: int,
    ready: Future[Any] | None = None,
) -> Iterator[R]:
    """`func(partition, *args)` for each partition, results in input order: on the pool's workers, at
    most `limit` partitions queued there, and here whenever the oldest partition is not back yet (this
    process takes the next one instead of waiting). At most `2 * limit` results are held. Until
    `ready` is done (the workers are warm), every partition runs here.

    A failure in a partition run here is raised in its turn, as the pool's would be: the first failing
    partition is the one reported, on every engine."""
    pending: deque[tuple[Future[R], bool]] = deque()  # (future, run here), in input order
    parts = iter(partitions)
    queued, more = 0, True
    try:
        while True:
            while more and queued < limit and _warm(ready):
                more = _take(parts, lambda part: pending.append((pool.submit(func, part, *args), False)))
                queued += more
            if not pending and not more:
                return
            if more and (not pending or not pending[0][0].done()) and len(pending) < 2 * limit:
                more = _take(parts, lambda part: pending.append((_run_here(func, part, args), True)))
                continue
            future, local = pending.popleft()
            queued -= not local
            yield future.result()
    finally:
        for future, _ in pending:  # interrupted or failed: nothing left running for this command
            future.cancel()


def _warm(ready: Future[Any] | None) -> bool:
    """Whether the workers are ready (a failure to get ready is raised: they could never work)."""
    if ready is None:
        return True
    if not ready.done():
        return False
    ready.result()
    return True


def _take(parts: Iterator[P], use: Callable[[P], None]) -> bool:
    """Hand the next partition to `use`; False when there is none left."""
    for part in parts:
        use(part)
        return True
    return False


def _run_here(func: Callable[..., R], part: Any, args: tuple[Any, ...]) -> Future[R]:
    future: Future[R] = Future()
    try:
        future.set_result(func(part, *args))
    except Exception as exc:  # raised when its turn comes (Ctrl-C and exits go through at once)
        future.set_exception(exc)
    return future
