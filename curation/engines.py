"""Where per-document work runs: in this process, on local processes, or on a Dask cluster.

`ordered_map(n_process, dask)` gives one function, `run(func, partitions, *args)`, that yields
`func(partition, *args)` for each partition in input order whatever the engine, with a bounded number
of partitions in flight, so memory stays flat and the output is the same bytes on every engine.

`n_process` counts the processes that do the work, this one included: this process and `n_process - 1`
workers (`alongside`). This process has its modules imported and its models loaded already, and it
would otherwise wait while the workers work: on a 2-core machine, two workers beside a waiting parent
paid a second worker's start (imports and tokenizer, about 3 s of CPU) and three processes shared two
cores. Each worker loads what it needs once (module-level caches, e.g.
`curation.export.text.load_tokenizer`), never with each partition.

Local workers are forked when that is safe (`start_method`): on Linux, with no other Python thread in
this process. A forked worker starts with this process's modules imported and models loaded (an
export loads its tokenizer first): a spawned one paid 0.9-1.8 s of CPU for a new interpreter, its
imports (spaCy: 0.65 s) and the tokenizer, a sixth of a 2-process export's work on 2,000 PolNeAR-length
records. Another Python thread may hold a lock the child would need and never get back (a progress
display writing to stderr: the child flushes stderr when it ends), so then they are spawned. The
native threads a process holding numpy and pyarrow has (OpenBLAS's pool, jemalloc's background
thread, Arrow's thread pools) are reset in the child by their own at-fork handlers.

A worker's start (a new interpreter, its imports, a tokenizer: 3-5 s of CPU) used to happen at its first
partition: this process ran the next few partitions meanwhile, filled the window of results it may
hold, and then waited for the late worker in every pass (about a third of a 2-process export's wall
time). So `ordered_map(..., warm=func)` starts the workers at once with `func` (what they will import
and load), while this process does its own start, and `alongside` hands a worker partitions only once
it is warm: until then this process runs them in turn, holding nothing back.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from queue import SimpleQueue
from typing import Any, Generic, Protocol, TypeVar

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
    workers = n_process - 1
    # Every worker starts now and runs `warm` first; once that is back, it is ready for partitions.
    pool = LocalPool(workers, multiprocessing.get_context(start_method()), warm)
    with tempfile.TemporaryDirectory(prefix="curation-shared-", dir=shared_root()) as shared:
        try:

            def on_pool(func: Callable[..., R], partitions: Iterable[Any], *args: Any) -> Iterator[R]:
                return alongside(pool, func, partitions, args, limit=2 * workers + 1, ready=pool.warmed)

            yield Run(on_pool, Path(shared))
        finally:
            # Ctrl-C or a failure: what the workers still hold is dropped (see LocalPool.shutdown).
            pool.shutdown(wait=False, cancel_futures=True)


SHM = Path("/dev/shm")
SHM_ROOM = 1 << 30  # bytes free on it, at least: a container's default /dev/shm is 64 MB


def shared_root() -> str | None:
    """Where the folder shared with local workers goes: /dev/shm (memory) on Linux when it has room,
    else the system's temporary folder. A worker leaves ~3 MB of Arrow files a partition there for this
    process (curation.export.shipping): on /tmp, an ext4 disk here, each file was written through the
    file system's journal and block allocation (0.1 s of system CPU in an export of 2,000 records)."""
    try:
        room = shutil.disk_usage(SHM).free if sys.platform == "linux" and SHM.is_dir() else 0
    except OSError:
        room = 0
    return str(SHM) if room >= SHM_ROOM and os.access(SHM, os.W_OK) else None


def start_method() -> str:
    """How local workers start: forked on Linux when this process runs no other Python thread, else
    spawned (see the module docstring)."""
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


PIPE_ROOM = 1 << 20  # bytes a pipe to or from a worker holds (Linux's default 64 KB, when refused)


class LocalPool(Executor):
    """Local worker processes, each fed through a pipe of its own by the thread that submits (this
    process's main thread), and each sending its results back through another.

    concurrent.futures' ProcessPoolExecutor runs two threads beside the main one: a feeder that pickles
    each partition into the workers' queue and a manager that reads and unpickles each result. Both take
    the GIL from the main thread, which meanwhile tokenizes and builds rows of its own, and the export's
    parquet writer thread shares its core too. Here the main thread pickles a partition as it submits
    it and reads a result when it looks whether one is done (`Sent.done`): the same work, with no
    thread to hand the GIL to. The pipes hold `PIPE_ROOM` bytes, so a worker's result (45 KB a
    partition of an export's second pass) never waits for this process to read it, and no thread is
    left behind to make the next export in this process spawn its workers (`start_method`)."""

    def __init__(self, workers: int, context: BaseContext, warm: Callable[[], object] | None = None) -> None:
        self.workers = [_Worker(context) for _ in range(workers)]
        self.warmed: list[Future[Any]] = (
            [worker.send(warm, ()) for worker in self.workers] if warm is not None else []
        )

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        """`fn(*args)` on the worker with the fewest partitions it has not sent back."""
        assert not kwargs, "LocalPool.submit takes positional arguments"
        return min(self.workers, key=lambda worker: len(worker.sent)).send(fn, args)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let the workers go: each ends once it reads the end of its partitions. With `cancel_futures`,
        a worker still holding partitions (sent and not read back, or given up on) is stopped instead:
        Ctrl-C or a failure, their results would never be read. Not waiting for the others to exit
        (unless `wait`): this process has nothing left to give them."""
        for worker in self.workers:
            worker.stop(now=cancel_futures and bool(worker.sent), wait=wait)


class _Worker:
    """One worker process and its two pipes (`tasks` out, `results` back), with the futures of the
    partitions sent to it and not yet read back, in the order sent (it runs them in that order)."""

    def __init__(self, context: BaseContext) -> None:
        task_end, self.tasks = context.Pipe(duplex=False)
        self.results, result_end = context.Pipe(duplex=False)
        for end in (self.tasks, self.results):
            _roomy(end)
        self.process = context.Process(target=serve, args=(task_end, result_end), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        task_end.close()  # the worker's ends: this process holding them would hide the worker's exit
        result_end.close()
        self.sent: deque[Sent[Any]] = deque()

    def send(self, fn: Callable[..., R], args: tuple[Any, ...]) -> Sent[R]:
        future: Sent[R] = Sent(self)
        self.tasks.send((fn, args))
        self.sent.append(future)
        return future

    def collect(self, wait: bool) -> None:
        """Hand the results the worker has sent back to their futures; with `wait`, wait for one."""
        while self.sent and (wait or self.results.poll()):
            wait = False
            future = self.sent.popleft()
            try:
                done, value, where = ForkingPickler.loads(self.results.recv_bytes())
            except EOFError:  # the worker died (killed, out of memory): nothing it holds comes back
                broken = BrokenProcessPool(f"a worker process ended (exit code {self.process.exitcode})")
                for lost in (future, *self.sent):
                    _settle(lost, False, broken)
                self.sent.clear()
                return
            except Exception as exc:  # a result or failure that pickled in the worker but not back here
                done, value, where = False, exc, None
            if where is not None:  # a failure's cause does not pickle: it is set again here
                value.__cause__ = WorkerTraceback(where)
            _settle(future, done, value)

    def stop(self, now: bool, wait: bool) -> None:
        """Tell the worker to end after what it holds, or (`now`) end it at once: then it is waited
        for (a few ms), so that it leaves no file behind in a folder about to be removed."""
        if now:
            self.process.terminate()
        else:
            with contextlib.suppress(OSError):
                self.tasks.send_bytes(STOP)
        self.tasks.close()
        self.results.close()
        if now or wait:
            self.process.join()


class Sent(Future[R]):
    """A partition sent to a worker: done once its result is read from the worker's pipe, which
    `done` and `result` do (this process's own thread, not a pool's)."""

    def __init__(self, worker: _Worker) -> None:
        super().__init__()
        self.worker = worker

    def done(self) -> bool:
        if not super().done():
            self.worker.collect(wait=False)
        return super().done()

    def result(self, timeout: float | None = None) -> R:
        while not super().done():
            self.worker.collect(wait=True)
        return super().result(timeout)


def _settle(future: Future[Any], done: bool, value: Any) -> None:
    if future.cancelled():  # given up on (alongside): its result goes nowhere
        return
    if done:
        future.set_result(value)
    else:
        future.set_exception(value)


def _roomy(end: Connection) -> None:
    """Make a pipe hold `PIPE_ROOM` bytes, when the system allows it (else it keeps its 64 KB)."""
    with contextlib.suppress(OSError, AttributeError):  # F_SETPIPE_SZ: Linux only
        fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_ROOM)


def serve(tasks: Connection, results: Connection) -> None:
    """A worker's life: run each `(fn, args)` read from `tasks` and send back `(True, result, None)`
    or `(False, failure, its traceback)`, until `STOP` or the end of the pipe.

    Tasks are read as they come by a thread of their own, into a queue: a worker blocked sending a
    result larger than its pipe's free room would otherwise read no task until this process's parent
    read that result, while the parent, blocked sending a task larger than the free room of the other
    pipe, read nothing (a deadlock when tasks and results both outgrow a pipe; an export's are a few KB
    of places and 45 KB of facts, but `ordered_map` takes any function). A task that does not unpickle
    is its own failure.

    Ctrl-C is this process's parent's to handle (it stops its workers): a worker ignores it, so it
    prints no traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _keep_freed_memory()
    queue: SimpleQueue[bytes | None] = SimpleQueue()
    threading.Thread(target=_read_tasks, args=(tasks, queue), daemon=True).start()
    while (raw := queue.get()) is not None:
        payload: bytes | memoryview
        try:
            fn, args = ForkingPickler.loads(raw)
            payload = ForkingPickler.dumps((True, fn(*args), None))
        except BaseException as exc:
            payload = _failure(exc)
        try:
            results.send_bytes(payload)
        except OSError:  # this process's parent stopped reading: it let the workers go
            return


M_TOP_PAD = -2  # glibc's mallopt parameter: free bytes the heap keeps at its top when it shrinks
WORKER_TOP_PAD = 64 << 20


def _keep_freed_memory() -> None:
    """Let this worker's heap keep `WORKER_TOP_PAD` bytes it freed instead of giving them back to the
    system at once (Linux's glibc; elsewhere nothing changes).

    A worker builds a partition's rows, sends them and frees them all before the next one, so the top
    of its heap emptied at every partition and glibc gave it back (the heap's trim): the next partition
    faulted those pages in again, zeroed. In an export's second pass that was 1,500-2,000 page faults
    a partition in the worker against 200-250 in the main process, which keeps long-lived data at its
    heap's top (2,000 PolNeAR records, 2 processes)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):  # a libc without mallopt
            ctypes.CDLL(None).mallopt(M_TOP_PAD, WORKER_TOP_PAD)


STOP = bytes(ForkingPickler.dumps(None))  # what a worker's parent sends when it has no more tasks


def _read_tasks(tasks: Connection, queue: SimpleQueue[bytes | None]) -> None:
    """Put each task's bytes in `queue` as it comes, then None (at `STOP` or the end of the pipe)."""
    try:
        while (raw := tasks.recv_bytes()) != STOP:
            queue.put(raw)
    except (EOFError, OSError):
        pass
    finally:
        queue.put(None)


class WorkerTraceback(Exception):
    """Where a failure happened in a worker (the failure's cause, as concurrent.futures shows it)."""

    def __str__(self) -> str:
        return str(self.args[0])


def _failure(exc: BaseException) -> bytes:
    """A failure as the worker sends it back: itself (or, when it does not pickle, a RuntimeError
    naming it), with the worker's traceback, which becomes its cause where it is read."""
    where = '\n"""\n' + "".join(traceback.format_exception(exc)) + '"""'
    try:
        return bytes(ForkingPickler.dumps((False, exc, where)))
    except Exception:
        return bytes(ForkingPickler.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}"), where)))


def alongside(
    pool: Executor,
    func: Callable[..., R],
    partitions: Iterable[P],
    args: tuple[Any, ...],
    limit: int,
    ready: Sequence[Future[Any]] = (),
) -> Iterator[R]:
    """`func(partition, *args)` for each partition, results in input order: on the pool's workers, at
    most `limit` partitions queued there, and here whenever the oldest partition is not back yet (this
    process takes the next one instead of waiting). At most `3 * limit` results are held. Until
    every `ready` is done (the workers are warm), every partition runs here.

    The end is seen `limit` partitions ahead (`Ahead`): from then on a partition goes to the pool only
    while fewer are queued there than are left, so this process and the workers run out together. With
    every last partition queued in the pool, this process had only to wait for them, up to `limit`
    partitions at the end of every pass (0.2-0.3 s in an export's second pass, bench/export_timeline.py,
    load ~3). The window of `3 * limit` (not `2 * limit`) lets this process go on while a worker is
    late with one partition (descheduled on a busy machine: waits of 0.15-0.27 s with 6 held).

    A failure in a partition run here is raised in its turn, as the pool's would be: the first failing
    partition is the one reported, on every engine."""
    pending: deque[tuple[Future[R], bool]] = deque()  # (future, run here), in input order
    ahead = Ahead(partitions, limit)
    queued = 0
    try:
        while True:
            while (
                ahead.items
                and queued < limit
                and _warm(ready)
                and (not ahead.seen_end or queued < len(ahead))
            ):
                pending.append((pool.submit(func, ahead.take(), *args), False))
                queued += 1
            if not pending and not ahead:
                return
            if ahead and (not pending or not pending[0][0].done()) and len(pending) < 3 * limit:
                pending.append((_run_here(func, ahead.take, args), True))  # a failure to read: here
                continue
            future, local = pending.popleft()
            queued -= not local
            yield future.result()
    finally:
        for future, _ in pending:  # interrupted or failed: nothing left running for this command
            future.cancel()


class Ahead(Generic[P]):
    """Partitions read `size` ahead of the one handed out, so that the end is seen coming. A failure
    to read one is raised by `take` when its turn comes, as if it were read only then (`alongside`
    takes it here, so that it is raised after every result before it, as in one process)."""

    def __init__(self, partitions: Iterable[P], size: int) -> None:
        self.parts = iter(partitions)
        self.size = size
        self.items: deque[P] = deque()
        self.failure: Exception | None = None
        self.seen_end = False  # every partition left is in `items` (or is the failure)
        self._fill()

    def _fill(self) -> None:
        while not self.seen_end and len(self.items) < self.size:
            try:
                self.items.append(next(self.parts))
            except StopIteration:
                self.seen_end = True
            except Exception as exc:  # raised in its turn (Ctrl-C and exits go through at once)
                self.failure, self.seen_end = exc, True

    def __len__(self) -> int:
        """Partitions left to hand out (a failure to read counts as one: its turn comes)."""
        return len(self.items) + (self.failure is not None)

    def take(self) -> P:
        if not self.items:
            assert self.failure is not None, "take() with nothing left"
            failure, self.failure = self.failure, None
            raise failure
        part = self.items.popleft()
        self._fill()
        return part


def _warm(ready: Sequence[Future[Any]]) -> bool:
    """Whether the workers are ready (a failure to get ready is raised: they could never work)."""
    if not all(future.done() for future in ready):
        return False
    for future in ready:
        future.result()
    return True


def _run_here(func: Callable[..., R], take: Callable[[], Any], args: tuple[Any, ...]) -> Future[R]:
    """`func` of the partition `take` gives, run here; its failure (or the failure to read the
    partition) is raised when its turn comes (Ctrl-C and exits go through at once)."""
    future: Future[R] = Future()
    try:
        future.set_result(func(take(), *args))
    except Exception as exc:
        future.set_exception(exc)
    return future
