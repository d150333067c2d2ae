"""CPU ms a document of export's first pass (`scan_part`) and of its steps, this checkout against another.

Steps are timed with time.process_time around the functions scan_part calls (CPU, not wall clock: on a
shared two-core machine wall-clock ratios are noise), in processes that alternate between the two
checkouts over the same records; the median of the rounds is printed.

Run: .venv/bin/python bench/scan_steps.py RECORDS.jsonl [--base DIR] [--records 640] [--rounds 5]
DIR holds another checkout's package (e.g. `git archive main | tar -x -C DIR`); without it only this one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS = (  # what scan_part calls, in main before session 6 and after
    "canonical_record", "canonical_read", "parse_line_document", "dump_digest", "document_digest",
    "text_hash", "signature", "signatures", "is_canonical", "line_hash",
)  # fmt: skip


def one(path: str, records: int) -> dict[str, float]:
    """In this process: the first pass over the records (warmed once), whole and per step."""
    import curation.export.scan as scan
    from curation.jsonl import iter_lines
    from curation.schema import get_schema

    lines = list(itertools.islice(iter_lines(path), records))
    schema = get_schema()
    spent: dict[str, float] = defaultdict(float)

    def run() -> None:
        for i in range(0, len(lines), scan.PARTITION):
            scan.scan_part(lines[i : i + scan.PARTITION], path, True, schema)

    def timed(name: str, func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start

        return wrapper

    run()
    start = time.process_time()
    run()
    out = {"first pass": (time.process_time() - start) / len(lines) * 1000}
    for name in STEPS:
        if hasattr(scan, name):
            setattr(scan, name, timed(name, getattr(scan, name)))
    run()
    out.update({name: value / len(lines) * 1000 for name, value in spent.items()})
    return out


def main(
    one: Callable[[str, int], dict[str, float]] = one,
    script: str = __file__,
    first: tuple[str, ...] = ("first pass",),
    doc: str = __doc__ or "",
) -> None:
    """Runs `one` in processes (this `script` with --child) alternating between the checkouts and prints
    the median of each step, the `first` ones first (bench/rows_steps.py runs the second pass with it)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("records")
    parser.add_argument("--base", type=Path)
    parser.add_argument("--records", type=int, default=640, dest="count")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.records, args.count)))
        return
    sides = {"this": None, "base": args.base} if args.base else {"this": None}
    results: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for _ in range(args.rounds):
        for side, root in sides.items():
            env = dict(os.environ)
            if root is not None:
                env["PYTHONPATH"] = str(root.resolve())
            command = [
                sys.executable,
                str(Path(script).resolve()),
                str(Path(args.records).resolve()),
                "--records",
                str(args.count),
                "--child",
            ]
            done = subprocess.run(command, env=env, cwd="/", capture_output=True, text=True, check=True)
            results[side].append(json.loads(done.stdout))
    names = sorted(
        {k for runs in results.values() for r in runs for k in r},
        key=lambda k: (k not in first, first.index(k) if k in first else 0, k),
    )
    print(
        f"{'step':22s} "
        + " ".join(f"{side:>8s}" for side in sides)
        + f"  CPU ms a document, median of {args.rounds}"
    )
    for name in names:
        values = [statistics.median(r.get(name, 0.0) for r in results[side]) for side in sides]
        print(f"{name:22s} " + " ".join(f"{v:8.3f}" for v in values))


if __name__ == "__main__":
    main()
