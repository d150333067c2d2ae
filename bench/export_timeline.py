"""Where the wall-clock of an export goes: a timeline per stage, in this process and its workers.

Runs `export_dataset` of a records file here (imports before the timer, as bench/scale.py does) with
`--n-process N`, its functions wrapped to take the time (the export's code is not changed):
- stages as the export announces them (checking records, grouping, writing parquet), then the card,
  manifest and changelog after the last row;
- per pass: partitions run in a worker and here, the time from the first submit to the first result
  of a worker (its start: spawn, imports, tokenizer), worker busy seconds, and in this process: seconds
  running partitions itself, waiting for a worker's result, and doing its own per-partition work
  (merging the first pass; in the second: redaction and counts, Arrow columns, parquet writes);
- the size of a pickled result (what crosses the process boundary) and its unpickling time;
- the seconds the workers ran no partition, by the stage this process was in (its serial parts).
CPU seconds of this process (all its threads: the pool's result thread unpickles, the parquet writer's
thread compresses) beside wall seconds; a partition's CPU seconds are its thread's (time.thread_time), so
that this process's partitions compare with its worker's and with one process's (`--n-process 1`).

Run: .venv/bin/python bench/export_timeline.py RECORDS [--n-process 2] [--silver]
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def now() -> tuple[float, float]:
    return time.time(), time.process_time()


@dataclass
class Timed:
    """`func` run with its start, end and CPU seconds, and the process it ran in (picklable: the pool
    ships it to the workers)."""

    func: Callable[..., Any]

    def __call__(self, part: Any, *args: Any) -> tuple[Any, float, float, float, int, float, float]:
        import psutil

        start, cpu = time.time(), time.thread_time()
        result = self.func(part, *args)
        born = psutil.Process().create_time()
        return result, start, time.time(), time.thread_time() - cpu, os.getpid(), born, cpu


@dataclass
class Pass:
    name: str
    submitted: float = 0.0
    here: list[tuple[float, float]] = field(default_factory=list)  # (wall, cpu) of partitions run here
    worker: list[tuple[float, float, float]] = field(default_factory=list)  # (start, end, cpu)
    births: dict[int, float] = field(default_factory=dict)
    first_start: dict[int, float] = field(default_factory=dict)
    cpu_before: dict[int, float] = field(default_factory=dict)  # a worker's CPU seconds before its first
    first_cpu: dict[int, float] = field(default_factory=dict)  # and its first partition's
    in_next: float = 0.0  # wall seconds this process spent getting the next result
    consumed: tuple[float, float] = (0.0, 0.0)  # this process's own work between results (wall, CPU)
    sample: bytes | None = None  # a worker's result pickled as it came (the consumer may fill it in after)


class Timeline:
    def __init__(self) -> None:
        self.marks: list[tuple[str, float, float]] = []
        self.passes: list[Pass] = []
        self.counters: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])

    def mark(self, name: str) -> None:
        self.marks.append((name, *now()))

    def timed(self, key: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = now()
            try:
                return func(*args, **kwargs)
            finally:
                w, c = now()
                counter = self.counters[key]
                counter[0] += w - wall
                counter[1] += c - cpu
                counter[2] += 1

        return wrapper


def name_of(func: Any) -> str:
    """A pass's name: its function's (inside curation.export.places.ReadFirst)."""
    inner = getattr(func, "func", func)
    return str(getattr(inner, "__name__", inner))


def instrument(line: Timeline) -> None:
    import curation.engines as engines
    import curation.export.contents as contents
    import curation.export.plan as plan
    import curation.export.writer as writer

    pid = os.getpid()
    original = engines.alongside

    def alongside(pool: Any, func: Any, partitions: Any, args: Any, **kwargs: Any) -> Iterator[Any]:
        this = Pass(name_of(func))
        line.passes.append(this)

        def parts() -> Iterator[Any]:
            for part in partitions:
                if not this.submitted:
                    this.submitted = time.time()
                yield part

        results = original(pool, Timed(func), parts(), args, **kwargs)
        while True:
            asked = time.time()
            try:
                result, start, end, cpu, where, born, before = next(results)
            except StopIteration:
                return
            got, got_cpu = now()
            this.in_next += got - asked
            if where == pid:
                this.here.append((end - start, cpu))
            else:
                this.worker.append((start, end, cpu))
                this.births.setdefault(where, born)
                this.first_start.setdefault(where, start)
                this.cpu_before.setdefault(where, before)
                this.first_cpu.setdefault(where, cpu)
            if this.sample is None and where != pid:  # before the consumer maps a Shipped's tables into it
                this.sample = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            yield result
            wall, cpu_now = now()
            this.consumed = (this.consumed[0] + wall - got, this.consumed[1] + cpu_now - got_cpu)

    engines.alongside = alongside  # type: ignore[assignment]
    in_order = engines.here.mapper

    def here_timed(func: Any, partitions: Any, *args: Any) -> Iterator[Any]:
        this = Pass(name_of(func))
        line.passes.append(this)
        for result, start, end, cpu, *_ in in_order(Timed(func), partitions, *args):
            this.here.append((end - start, cpu))
            yield result

    engines.here.mapper = here_timed
    for name in ("add_part", "_write", "open", "close"):
        setattr(writer.ParquetSink, name, line.timed(f"sink.{name}", getattr(writer.ParquetSink, name)))
    contents.render_card = line.timed("card", contents.render_card)
    contents.diff_versions = line.timed("changelog", contents.diff_versions)
    contents.write_manifest = line.timed("manifest", contents.write_manifest)
    contents.file_hashes = line.timed("file hashes", contents.file_hashes)
    plan.assign_splits = line.timed("splits", plan.assign_splits)
    write_rows = contents.write_rows

    def rows(*args: Any, **kwargs: Any) -> Any:
        out = write_rows(*args, **kwargs)
        line.mark("rows written")
        return out

    contents.write_rows = rows


class Marks:
    def __init__(self, line: Timeline) -> None:
        self.line = line

    def stage(self, description: str, total: int | None = None) -> None:
        self.line.mark(description)

    def advance(self, n: int = 1) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--silver", action="store_true", default=True)
    args = parser.parse_args()

    from curation.export import ExportOptions, export_dataset

    line = Timeline()
    instrument(line)
    with tempfile.TemporaryDirectory(prefix="curation-timeline-") as scratch:
        options = ExportOptions(
            name="t", out=Path(scratch) / "e", home=Path(scratch) / "home", silver=args.silver,
            n_process=args.n_process,
        )  # fmt: skip
        line.mark("start")
        export_dataset(args.records, options, Marks(line))
        line.mark("end")
        shutil.rmtree(scratch, ignore_errors=True)
    report(line)


def report(line: Timeline) -> None:
    t0 = line.marks[0][1]
    print("stage                                   start s   wall s   this process CPU s")
    for (name, wall, cpu), (_, wall2, cpu2) in zip(line.marks, line.marks[1:], strict=False):
        print(f"{name:<38} {wall - t0:8.2f} {wall2 - wall:8.2f} {cpu2 - cpu:10.2f}")
    total_wall, total_cpu = line.marks[-1][1] - t0, line.marks[-1][2] - line.marks[0][2]
    print(f"{'total':<38} {'':8} {total_wall:8.2f} {total_cpu:10.2f}")
    for p in line.passes:
        print(f"\npass {p.name}: {len(p.worker)} partitions in workers, {len(p.here)} here")
        for where, born in p.births.items():
            print(
                f"  worker {where}: process start {born - p.submitted:+.2f} s after the first submit, "
                f"first partition begins {p.first_start[where] - p.submitted:.2f} s after it; its CPU "
                f"before: {p.cpu_before[where]:.2f} s, its first partition's {p.first_cpu[where]:.2f} s"
            )
        if p.worker:
            busy = sum(end - start for start, end, _ in p.worker)
            span = max(end for _, end, _ in p.worker) - min(start for start, _, _ in p.worker)
            print(
                f"  workers: busy {busy:.2f} s wall ({sum(c for *_, c in p.worker):.2f} CPU) over a span "
                f"of {span:.2f} s: {busy / max(span, 1e-9):.0%} busy; "
                f"{busy / len(p.worker) * 1000:.0f} ms a partition"
            )
            ordered = sorted(p.worker)
            gaps = sorted(b[0] - a[1] for a, b in zip(ordered, ordered[1:], strict=False))
            if gaps:
                print(
                    f"  workers: gaps between partitions median {gaps[len(gaps) // 2] * 1000:.0f} ms, "
                    f"max {gaps[-1] * 1000:.0f} ms, total {sum(gaps):.2f} s"
                )
        here = sum(w for w, _ in p.here)
        if p.here:
            print(
                f"  here: ran partitions {here:.2f} s wall ({sum(c for _, c in p.here):.2f} CPU), "
                f"{here / len(p.here) * 1000:.0f} ms a partition"
            )
        if p.worker or not p.here:  # in one process (--n-process 1) nothing waits for a worker
            print(
                f"  here: waited for workers {p.in_next - here:.2f} s; own work between results "
                f"{p.consumed[0]:.2f} s wall ({p.consumed[1]:.2f} CPU)"
            )
        if p.sample is not None:
            data = p.sample
            result = pickle.loads(data)
            start = time.perf_counter()
            for _ in range(5):
                pickle.loads(data)
            loads = (time.perf_counter() - start) / 5
            start = time.perf_counter()
            for _ in range(5):
                pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            dumps = (time.perf_counter() - start) / 5
            print(
                f"  a result pickled: {len(data) / 1024:,.0f} KB, dumps {dumps * 1000:.1f} ms, "
                f"loads {loads * 1000:.1f} ms"
            )
    idle_by_stage(line)
    print("\nwrapped calls in this process         calls   wall s    CPU s")
    for key, (wall, cpu, calls) in sorted(line.counters.items()):
        print(f"  {key:<34} {int(calls):6d} {wall:8.2f} {cpu:8.2f}")


def idle_by_stage(line: Timeline) -> None:
    """Seconds the worker ran no partition, by the stage this process was in meanwhile: where the
    2-process run works alone (its serial parts and the ends of passes); then each such gap over 20 ms.
    (With more than one worker their busy times overlap: read it for --n-process 2.)"""
    busy = sorted((start, end) for p in line.passes for start, end, _ in p.worker)
    if not busy:
        return
    stages = list(zip(line.marks, line.marks[1:], strict=False))
    print("\nworkers idle (no partition running), by this process's stage:")
    total = 0.0
    for (name, start, _), (_, end, _) in stages:
        idle = (end - start) - sum(max(0.0, min(end, b) - max(start, a)) for a, b in busy)
        total += idle
        print(f"  {name:<38} {idle:8.2f} s of {end - start:.2f}")
    print(f"  {'total':<38} {total:8.2f} s")
    t0 = line.marks[0][1]
    edges = [(line.marks[0][1], line.marks[0][1])] + busy + [(line.marks[-1][1], line.marks[-1][1])]
    gaps = [(a[1] - t0, b[0] - a[1]) for a, b in zip(edges, edges[1:], strict=False) if b[0] - a[1] > 0.02]
    print("  gaps over 20 ms (at s, for ms): " + ", ".join(f"{at:.2f}:{gap * 1000:.0f}" for at, gap in gaps))


if __name__ == "__main__":
    main()
