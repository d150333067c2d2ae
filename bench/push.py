"""Push and pull throughput against a real, private Label Studio (started here, stopped at the end).

Figures printed:
- batched push of N synthetic documents (default 5,000; 500 tasks per request), documents/s;
- the same push with one request per task, measured on a subset (default 300) in the same run and on
  the same server, documents/s, and the ratio (the subset rate stands for the whole: said in the output);
- a rerun of the batched push (idempotence: nothing to send), seconds;
- pull of N annotated tasks (annotations imported with the tasks), records/s.
With `--records FILE` (real annotated records, e.g. bench/scale.py's .bench/scale/pre-single.jsonl; the
first `--real` of them, default 1,000), against the server's own speed in the same run:
- one raw import request of the same tasks (task data and prediction, built and JSON-encoded before the
  clock starts, one HTTP POST) into a fresh project, and `push` of the records into another (an empty
  validation cache): ratio (floor 0.8); the SDK's import_tasks of the same tasks is shown too (it adds
  client time: its jsonable_encoder walks the whole body); push's timeline (when its check and the
  project were done, when each import ended), the CPU push and the server used (the server's for the
  raw POST too: on this shared 2-core machine the wall-clock ratio moves with the load of each minute,
  the CPU much less) and the load average; a re-push with nothing to send
  (floor: under 3 s per 1,000 records);
- pull of the annotated tasks against one raw export request of the same project.

Run: .venv/bin/python bench/push.py [--docs 5000] [--baseline 300] [--records FILE --real 1000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from curation.jsonl import write_documents
from curation.records import Document, Provenance, Relation, Span, content_id
from curation.schema import get_schema
from curation.settings import get_settings
from curation.studio.connection import Connection, client
from curation.studio.convert import prediction, task_data
from curation.studio.project import ensure_project
from curation.studio.pull import pull
from curation.studio.push import push
from curation.studio.server import throwaway_server

NAMES = ["Ana Silva", "Yuri Ushakov", "the ministry", "Dr Lee", "a spokesperson", "Mia Chen 😀"]
FILLER = "The council met on Tuesday to discuss the budget for the coming year and the roads. "


def synthetic(n: int, seed: int = 7) -> list[Document]:
    """Documents of about 1 KB with a quote, speaker, cue and claim each (a few with emoji)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        name = rng.choice(NAMES)
        quote = f"we will cut {rng.randint(2, 90)} per cent of the waste by {2026 + rng.randint(0, 9)}"
        text = f"Report {i}. {FILLER * rng.randint(4, 10)}{name} said that {quote}. {FILLER}"
        s = text.index(name)
        c = text.index("said", s)
        q = text.index(quote)
        k = text.index("The council met on Tuesday")
        spans = [
            _span("SPEAKER", text, s, s + len(name), rng.random(), canonical=name),
            _span("CUE", text, c, c + 4, rng.random()),
            _span("QUOTE", text, q, q + len(quote), rng.random(), kind="indirect"),
            _span("CLAIM", text, k, k + 26, rng.random(), checkworthy="low"),
        ]
        relations = [
            Relation(head=spans[2].id, tail=spans[0].id, label="speaker"),
            Relation(head=spans[2].id, tail=spans[1].id, label="cue"),
        ]
        provenance = Provenance(model="bench", model_version="bench-1", reviewed=False)
        docs.append(
            Document(id=content_id(text), text=text, spans=spans, relations=relations, provenance=provenance)
        )
    return docs


def _span(label: str, text: str, start: int, end: int, score: float, **attrs: str) -> Span:
    return Span.at(text, label, start, end, dict(attrs), round(score, 3))


class Timeline:
    """A Progress that notes when each stage begins and each advance lands (seconds since made)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.events: list[tuple[float, str, int]] = []

    def stage(self, description: str, total: int | None = None) -> None:
        self.events.append((time.perf_counter() - self.start, description, total or 0))

    def advance(self, n: int = 1) -> None:
        self.events.append((time.perf_counter() - self.start, "", n))

    def summary(self, end: float) -> str:
        """'check and project 9.3 s; imports of 10, 40, ... tasks done at 10.2, ... s; done 50.5 s'."""
        begun = next((at for at, what, _ in self.events if what == "pushing"), 0.0)
        done = [(at, n) for at, what, n in self.events if not what]
        sizes = ", ".join(str(n) for _, n in done)
        ends = ", ".join(f"{at:.1f}" for at, _ in done)
        return f"check and project {begun:.1f} s; imports of {sizes} tasks done at {ends} s; done {end:.1f} s"


def server_cpu(pid: int | None) -> float:
    """CPU seconds the server process has used (from /proc; 0 where there is none): with this
    process's own CPU it shows where push's time goes whatever the load of the minute."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def seed_annotated_project(conn: Connection, title: str, docs: list[Document]) -> None:
    """Tasks that already carry a submitted annotation (imported in bulk: what pull reads back)."""
    schema = get_schema()
    info, _ = ensure_project(conn, title, schema)
    ls = client(conn)
    for i in range(0, len(docs), 1000):
        tasks = [
            {"data": task_data(d), "annotations": [{"result": prediction(d, schema, "bench-1")["result"]}]}
            for d in docs[i : i + 1000]
        ]
        ls.projects.import_tasks(info.id, request=tasks)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=300, help="documents pushed one request per task")
    parser.add_argument("--records", type=Path, help="real annotated records: compare with raw requests")
    parser.add_argument("--real", type=int, default=1000, help="how many of --records")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="curation-bench-") as tmp,
        throwaway_server(get_settings().studio_venv, Path(tmp)) as server,
    ):
        # A raw import of 1,000 real tasks takes minutes on a loaded machine: far past the default timeout.
        conn = Connection(server.url, server.token, timeout=900.0)
        if args.records is not None:
            against_raw(conn, Path(tmp), args.records, args.real, server.pid)
        else:
            run(conn, Path(tmp), args.docs, args.baseline)


def against_raw(conn: Connection, work: Path, records: Path, n: int, pid: int | None = None) -> None:
    """push and pull of real records next to one raw import / export request of the same tasks."""
    from curation.jsonl import read_documents

    schema = get_schema()
    docs = []
    for doc in read_documents(records, schema):
        docs.append(doc)
        if len(docs) == n:
            break
    n = len(docs)
    path = work / "real.jsonl"
    write_documents(path, docs)
    tasks = [
        {"data": task_data(d), "predictions": [prediction(d, schema, d.provenance.model_version or "")]}
        for d in docs
    ]
    ls = client(conn)
    sdk_info, _ = ensure_project(conn, "bench-raw-sdk", schema)
    _, sdk = timed(ls.projects.import_tasks, sdk_info.id, request=tasks)
    print(f"SDK import_tasks, one request: {n:5d} tasks in {sdk:6.1f} s = {n / sdk:7.1f} docs/s", flush=True)
    # The server's own speed: one HTTP POST of the same tasks, encoded before the clock starts (the SDK's
    # call above also spends client time walking the body in its jsonable_encoder).
    raw_info, _ = ensure_project(conn, "bench-raw", schema)
    body = json.dumps(tasks, ensure_ascii=False).encode("utf-8")
    http = ls._client_wrapper.httpx_client
    post = {"method": "POST", "content": body, "headers": {"content-type": "application/json"}}
    server_before = server_cpu(pid)
    answer, raw = timed(http.request, f"api/projects/{raw_info.id}/import", **post)
    assert answer.status_code == 201, answer.text[:300]
    print(
        f"one raw import request (POST): {n:5d} tasks in {raw:6.1f} s = {n / raw:7.1f} docs/s "
        f"(server CPU {server_cpu(pid) - server_before:.1f} s)",
        flush=True,
    )
    # A `curation push` process holds none of this: 1,000 real documents and their task dicts are some
    # millions of objects, which every garbage collection during the push below would walk again.
    del docs, tasks, body
    gc.collect()
    home = work / "home"
    timeline = Timeline()
    server_before, client_before = server_cpu(pid), time.process_time()
    report, pushed = timed(push, conn, path, "bench-real", lock_home=home, progress=timeline)
    client_cpu, server_used = time.process_time() - client_before, server_cpu(pid) - server_before
    cpu = f"client CPU {client_cpu:.1f} s, server CPU {server_used:.1f} s"
    assert report.created == n, report
    print(
        f"push (empty validation cache): {n:5d} docs  in {pushed:6.1f} s = {n / pushed:7.1f} docs/s; "
        f"push / raw import {raw / pushed:.2f}x (floor 0.8)",
        flush=True,
    )
    print(f"  push timeline: {timeline.summary(pushed)}; {cpu}; load {os.getloadavg()[0]:.1f}", flush=True)
    again, rerun = timed(push, conn, path, "bench-real", lock_home=home)
    assert again.created == 0 and again.predictions_added == 0
    print(
        f"re-push, nothing to send     : {n:5d} docs  in {rerun:6.1f} s = "
        f"{rerun * 1000 / n:.1f} s per 1,000 (floor 3)"
    )
    seed_annotated_project(conn, "bench-real-pull", list(read_documents(path, schema)))
    info, _ = ensure_project(conn, "bench-real-pull", schema)
    _, export = timed(
        lambda: b"".join(
            ls.projects.exports.download_sync(info.id, export_type="JSON", download_all_tasks=True)
        )
    )
    pulled, pulling = timed(pull, conn, "bench-real-pull", work / "gold.jsonl")
    assert pulled.records == n
    print(
        f"one raw export request       : {n:5d} tasks in {export:6.1f} s; pull {pulling:6.1f} s "
        f"= {n / pulling:7.1f} records/s; pull / raw export {export / pulling:.2f}x",
        flush=True,
    )


def run(conn: Connection, work: Path, n: int, n_base: int) -> None:
    docs = synthetic(n)
    big, small = work / "big.jsonl", work / "small.jsonl"
    write_documents(big, docs)
    write_documents(small, synthetic(n_base, seed=8))
    size = big.stat().st_size / 1e6
    print(f"Label Studio at {conn.url}; {n} synthetic documents ({size:.1f} MB JSONL)")

    report, batched = timed(push, conn, big, "bench-batched", batch_size=500)
    assert report.created == n
    print(f"push, 500 tasks per request : {n:5d} docs in {batched:6.1f} s = {n / batched:7.1f} docs/s")
    base_report, base = timed(push, conn, small, "bench-per-task", batch_size=1)
    assert base_report.created == n_base
    rate, base_rate = n / batched, n_base / base
    print(
        f"push, 1 request per task    : {n_base:5d} docs in {base:6.1f} s = {base_rate:7.1f} docs/s "
        f"(measured on {n_base} documents; {n} would take about {n / base_rate:.0f} s)"
    )
    print(f"ratio batched / per-task    : {rate / base_rate:.1f}x (target >= 10x; 5,000 docs in < 20 s)")
    again, rerun = timed(push, conn, big, "bench-batched", batch_size=500)
    assert again.created == 0
    print(f"re-push, nothing to send    : {n:5d} docs checked in {rerun:6.1f} s")

    _, seeding = timed(seed_annotated_project, conn, "bench-pull", docs)
    pulled, pulling = timed(pull, conn, "bench-pull", work / "gold.jsonl")
    assert pulled.records == n
    print(f"pull, annotated tasks       : {n:5d} records in {pulling:6.1f} s = {n / pulling:7.1f} records/s")
    print(f"(seeding the pull project with {n} annotated tasks took {seeding:.1f} s)")


if __name__ == "__main__":
    main()
