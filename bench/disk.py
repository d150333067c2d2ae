"""The server's disk after repeated no-op pushes and pulls: nothing should grow.

Label Studio keeps a copy of every export it serves (export/ in its data dir); before this was fixed,
each no-op push of 2,189 documents left about 22 MB there. This starts a private managed-style server
(a copy of the template data dir), pushes N synthetic documents once, then pushes the same file again
R times (nothing to send) and pulls R times, printing the data dir and export dir sizes after each,
and the growth against the size measured right after the first push in the same run.

Run: .venv/bin/python bench/disk.py [--docs 2000] [--repeats 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from push import seed_annotated_project, synthetic  # noqa: E402  (the push bench's documents)

from curation.jsonl import write_documents  # noqa: E402
from curation.settings import get_settings  # noqa: E402
from curation.studio.connection import Connection  # noqa: E402
from curation.studio.pull import pull  # noqa: E402
from curation.studio.push import push  # noqa: E402
from curation.studio.server import EXPORT_SUBDIR, disk_use, throwaway_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="curation-bench-disk-") as tmp,
        # a busy machine starts it slowly
        throwaway_server(get_settings().studio_venv, Path(tmp), timeout=600) as server,
    ):
        data = Path(server.data_dir)
        run(Connection(server.url, server.token, data_dir=data), Path(tmp), data, args.docs, args.repeats)


def sizes(data: Path) -> tuple[int, int]:
    return disk_use(data), disk_use(data / EXPORT_SUBDIR)


def run(conn: Connection, work: Path, data: Path, n: int, repeats: int) -> None:
    docs = synthetic(n)
    source = work / "docs.jsonl"
    write_documents(source, docs)
    first = push(conn, source, "bench-disk")
    assert first.created == n
    base_total, base_export = sizes(data)
    print(f"Label Studio at {conn.url}; {n} documents pushed once")
    print(
        f"after the first push      : data dir {base_total / 1e6:8.2f} MB, "
        f"export/ {base_export / 1e6:6.2f} MB"
    )
    for i in range(1, repeats + 1):
        start = time.perf_counter()
        report = push(conn, source, "bench-disk")
        took = time.perf_counter() - start
        assert report.created == 0 and report.predictions_added == 0
        total, export = sizes(data)
        print(
            f"no-op push {i:2d}             : data dir {total / 1e6:8.2f} MB, export/ {export / 1e6:6.2f} MB "
            f"({took:.1f} s)"
        )
    seed_annotated_project(conn, "bench-disk-pull", docs)
    after_seed, _ = sizes(data)
    for i in range(1, repeats + 1):
        pulled = pull(conn, "bench-disk-pull", work / "gold.jsonl")
        assert pulled.records == n
        total, export = sizes(data)
        print(
            f"pull {i:2d}                   : data dir {total / 1e6:8.2f} MB, export/ {export / 1e6:6.2f} MB"
        )
    total, export = sizes(data)
    print(
        f"growth over {repeats} no-op pushes and {repeats} pulls: "
        f"export/ {(export - base_export) / 1e6:+.2f} MB; "
        f"data dir {(total - after_seed) / 1e6:+.2f} MB since the pull project was seeded "
        "(the SQLite database and server log may move by a little)"
    )


if __name__ == "__main__":
    main()
