"""Local processes give the results of one process, in input order, and the first failure in order."""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest

from curation import engines
from curation.engines import alongside, ordered_map

# `int` as the per-partition function: importable by a spawned worker, and its error names its input.
PARTITIONS = [str(i) for i in range(40)]


@pytest.mark.parametrize("n_process", [1, 2, 3])
def test_ordered_map_yields_results_in_input_order(n_process: int) -> None:
    with ordered_map(n_process) as run:
        assert list(run(int, PARTITIONS)) == list(range(40))
        assert list(run(int, PARTITIONS[:1])) == [0]  # the same pool serves several runs
        assert list(run(int, [])) == []


@pytest.mark.parametrize("n_process", [1, 2])
def test_ordered_map_raises_the_first_failure_in_input_order(n_process: int) -> None:
    """Whichever process runs them, the earlier bad partition is the one reported, after the results
    before it."""
    partitions = [*PARTITIONS[:5], "first bad", *PARTITIONS[5:30], "second bad", *PARTITIONS[30:]]
    seen = []
    with ordered_map(n_process) as run, pytest.raises(ValueError, match="first bad"):
        for value in run(int, partitions):
            seen.append(value)
    assert seen == list(range(5))


def test_ordered_map_warms_its_workers_then_gives_them_partitions() -> None:
    """Workers start at once with `warm`; once warm, they take partitions beside this process; the
    folder they share with it exists while the pool does, and is removed after."""
    with ordered_map(2, warm=functools.partial(time.sleep, 0)) as run:
        shared = run.shared_dir
        assert shared is not None and shared.is_dir()
        pids = set(run(_slow_pid, PARTITIONS))
    assert len(pids) == 2 and os.getpid() in pids  # this process and its worker both worked
    assert not shared.exists()
    with ordered_map(1) as run:
        assert run.shared_dir is None


def test_the_shared_folder_is_in_memory_when_dev_shm_has_room(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(engines, "SHM", tmp_path)
    assert engines.shared_root() == str(tmp_path)
    with ordered_map(2) as run:
        assert run.shared_dir is not None and run.shared_dir.parent == tmp_path
    monkeypatch.setattr(engines, "SHM_ROOM", shutil.disk_usage(tmp_path).free + 1)
    assert engines.shared_root() is None  # too small (a container's 64 MB): the system's temporary folder
    monkeypatch.setattr(engines, "SHM", tmp_path / "missing")
    monkeypatch.setattr(engines, "SHM_ROOM", 0)
    assert engines.shared_root() is None


def _slow_pid(part: str) -> int:
    time.sleep(0.25)  # 10 s in all: the worker starts long before this process could do them all
    return os.getpid()


def test_ordered_map_workers_end_after_it() -> None:
    """The workers it started end once the map is done (this process does not wait for their exit, the
    pool's own thread does): none is left running."""
    with ordered_map(2, warm=functools.partial(time.sleep, 0)) as run:
        assert list(run(int, PARTITIONS)) == list(range(40))
        assert multiprocessing.active_children()
    for _ in range(600):  # up to a minute on a loaded machine; a worker left running fails the test
        if not multiprocessing.active_children():
            break
        time.sleep(0.1)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("n_process", [1, 2])
def test_ordered_map_raises_a_failure_to_read_partitions_in_its_turn(n_process: int) -> None:
    """Partitions are read ahead of the ones handed out; a failure to read one (a file changed while
    being exported) comes after every result before it, as in one process."""

    def partitions() -> Iterator[str]:
        yield from PARTITIONS[:12]
        raise ValueError("unreadable")

    seen = []
    with ordered_map(n_process, warm=functools.partial(time.sleep, 0)) as run:
        with pytest.raises(ValueError, match="unreadable"):
            for value in run(_slow_int, partitions()):
                seen.append(value)
        assert list(run(int, PARTITIONS[:3])) == [0, 1, 2]  # the pool still serves
    assert seen == list(range(12))


def test_alongside_runs_the_last_partitions_here_when_the_workers_have_enough_queued() -> None:
    """Once the end is in sight, a partition goes to the pool only while fewer are queued there than
    are left: with a worker always behind, the last partitions run here instead of queueing behind the
    ones it has (this process would then only wait for them). Results stay in input order."""
    pool = _Behind()
    assert list(alongside(pool, int, [str(i) for i in range(7)], (), limit=3)) == list(range(7))
    assert pool.submitted == ["0", "1", "2"]
    long = _Behind()
    assert list(alongside(long, int, [str(i) for i in range(40)], (), limit=3)) == list(range(40))
    assert len(long.submitted) > 3 and long.submitted[-1] != "39"  # workers served, the last one here


class _Late(Future[Any]):
    """A worker's partition that is done only once this process waits for it."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def result(self, timeout: float | None = None) -> Any:
        if not self.done():
            self.set_result(self.value)
        return super().result(timeout)


class _Behind(Executor):
    """A pool whose worker is always behind: its partitions finish when this process waits for them."""

    def __init__(self) -> None:
        self.submitted: list[Any] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted.append(args[0])
        return _Late(fn(*args))


def _slow_int(part: str) -> int:
    time.sleep(0.05)
    return int(part)


def test_ordered_map_spawns_its_workers_while_another_thread_runs() -> None:
    """Workers are forked only with no other Python thread here (one could hold a lock the child
    needs); with one running they are spawned, and give the same results."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert engines.start_method() == "spawn"
        with ordered_map(2, warm=functools.partial(time.sleep, 0)) as run:
            pids = set(run(_slow_pid, PARTITIONS[:16]))
            assert list(run(int, PARTITIONS)) == list(range(40))
        assert len(pids) == 2
    finally:
        stop.set()
        other.join()


def test_ordered_map_runs_no_thread_beside_this_one() -> None:
    """Its workers are fed and read by this process's own thread: no pool thread takes the GIL from
    it meanwhile, and none is left behind to make the next map spawn its workers instead of forking."""
    before, method = set(threading.enumerate()), engines.start_method()  # (another test may leave one)
    with ordered_map(2, warm=functools.partial(time.sleep, 0)) as run:
        pids = set()
        for pid in run(_slow_pid, PARTITIONS[:12]):
            assert set(threading.enumerate()) <= before
            pids.add(pid)
        assert len(pids) == 2
    assert engines.start_method() == method  # "fork" when this test runs alone


def _dies_in_a_worker(part: str) -> int:
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    time.sleep(0.1)  # this process is slow enough for the worker to be given partitions
    return int(part)


def test_a_worker_that_dies_fails_the_map() -> None:
    """A worker killed in a partition (out of memory, a signal) fails the map with an error naming its
    end, instead of waiting for its result forever."""
    with (
        ordered_map(2, warm=functools.partial(time.sleep, 0)) as run,
        pytest.raises(engines.BrokenProcessPool, match="exit code 3"),
    ):
        list(run(_dies_in_a_worker, PARTITIONS))


class _Unpicklable(Exception):
    def __init__(self, part: str) -> None:
        super().__init__(f"cannot take {part}")
        self.hook = lambda: part  # a lambda does not pickle


def _fails_unpicklably_in_a_worker(part: str) -> int:
    if multiprocessing.parent_process() is not None:
        raise _Unpicklable(part)
    time.sleep(0.1)
    return int(part)


def test_a_failure_that_does_not_pickle_comes_back_named() -> None:
    """A worker's failure that cannot be sent as it is comes back as a RuntimeError naming it, with the
    worker's traceback as its cause."""
    with (
        ordered_map(2, warm=functools.partial(time.sleep, 0)) as run,
        pytest.raises(RuntimeError, match="_Unpicklable: cannot take") as caught,
    ):
        list(run(_fails_unpicklably_in_a_worker, PARTITIONS))
    assert "_fails_unpicklably_in_a_worker" in str(caught.value.__cause__)


def _echo(part: str) -> str:
    time.sleep(0.05)  # the worker gets some: this process is not done with them all before it starts
    return part


def test_tasks_and_results_larger_than_a_pipe_holds_go_through() -> None:
    """A worker sending a result larger than its pipe holds still takes the next task, which may be
    larger than the other pipe holds too: neither side waits for the other for ever."""
    big = [str(i % 10) * (3 * engines.PIPE_ROOM) for i in range(16)]  # 3 MB each way, several queued
    with ordered_map(2, warm=functools.partial(time.sleep, 0)) as run:
        assert list(run(_echo, big)) == big
