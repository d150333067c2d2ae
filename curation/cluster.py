"""Work spread over a Dask cluster: a local one started here, or an existing one by its address.

`dask_client` starts (and always stops, Ctrl-C included) a LocalCluster bound to 127.0.0.1 with no
dashboard, or connects to a scheduler. Settings measured on a 2-core machine
(../shared/notes/scale-out.md): one thread per worker process (spaCy holds the GIL); glibc's own
malloc trimming on workers (Dask's default MALLOC_TRIM_THRESHOLD_ of 64 KiB quadrupled system CPU);
scratch files in a private temporary folder removed at the end, not in the system one.

`map_ordered` streams partitions to the workers with a bounded number in flight and yields results
in input order, so client memory stays flat in corpus size and the output is deterministic.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from curation.errors import InputError

if TYPE_CHECKING:
    from distributed import Client

P = TypeVar("P")
R = TypeVar("R")

# Environment of worker processes started here: single-threaded maths libraries (as Dask's default)
# and no MALLOC_TRIM_THRESHOLD_ (glibc's dynamic default).
WORKER_ENVIRON = {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1}


@dataclass(frozen=True)
class DaskOptions:
    """How to reach the cluster: `scheduler` (an address) if given, else a local one of `workers`."""

    workers: int = 2
    scheduler: str | None = None
    partition_size: int | None = None  # documents per task; None: the command's default


@contextlib.contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None) -> Iterator[Client]:
    """A Client of a new local cluster of `workers` processes, or of the scheduler at `scheduler`
    (an address such as tcp://10.0.0.5:8786; workers there need curation and the spaCy model)."""
    import dask
    import distributed  # before dask.config.set: importing it would add its defaults back

    # The cluster's own chatter (workers killed on Ctrl-C, cancelled tasks) is not the user's business.
    logging.getLogger("distributed").setLevel(logging.ERROR)

    with (
        tempfile.TemporaryDirectory(prefix="curation-dask-") as scratch,
        dask.config.set(
            {
                "temporary-directory": scratch,
                "distributed.nanny.pre-spawn-environ": WORKER_ENVIRON,
                "distributed.worker.daemon": False,
            }
        ),
        _environ("DASK_TEMPORARY_DIRECTORY", scratch),
    ):
        if scheduler is not None:
            try:
                client = distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with "
                    "`dask scheduler` and give its address, or use --workers N for a local cluster"
                ) from None
            with client:
                yield client
            return
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            local_directory=scratch,
        )
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:  # Ctrl-C included: the workers started here never outlive the command
            cluster.close()


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def map_ordered(
    client: Client, func: Callable[..., R], partitions: Iterable[P], *args: Any, in_flight: int | None = None
) -> Iterator[R]:
    """`func(partition, *args)` on the cluster for each partition, results in input order.

    At most `in_flight` partitions (default: twice the cluster's threads, plus one) are submitted
    and not yet yielded, so a corpus of any size is never held in the client's memory.
    """
    limit = in_flight or 2 * max(1, sum(client.nthreads().values())) + 1

    def submit(func: Callable[..., R], part: P, *args: Any) -> Any:
        return client.submit(func, part, *args, pure=False)

    return submit_ordered(submit, func, partitions, *args, limit=limit)


def submit_ordered(
    submit: Callable[..., Any], func: Callable[..., R], partitions: Iterable[P], *args: Any, limit: int
) -> Iterator[R]:
    """`submit(func, partition, *args)` for each partition (a Dask client's or an executor's submit),
    results in input order, at most `limit` submitted and not yet yielded; the rest cancelled on exit."""
    pending: deque[Any] = deque()
    try:
        for part in partitions:
            pending.append(submit(func, part, *args))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:  # interrupted or failed: nothing left running for this command
            future.cancel()


def partitioned(items: Iterable[P], size: int) -> Iterator[list[P]]:
    """Consecutive lists of `size` items (the last one shorter)."""
    part: list[P] = []
    for item in items:
        part.append(item)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part
