"""Local processes give the results of one process, in input order, and the first failure in order."""

from __future__ import annotations

import functools
import multiprocessing
import os
import time

import pytest

from curation.engines import ordered_map

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
