"""Scale benchmark: annotate on one process, `--n-process 2` and `--engine dask --workers 2`, export, and
long documents, all in one run on the same corpus so that ratios hold on a shared machine.

Corpus: the PolNeAR dev texts (read in place, never copied into the repo) repeated to `--docs` documents,
each copy made unique by a numbered last line. Each figure is measured in a child process (its peak RSS
is the client's alone: spaCy or Dask worker processes are not counted).

Printed:
- annotate: words/s and peak client RSS for the three engines; Dask / n-process ratio (floor 0.9);
  peak client RSS at 4x the corpus over 1x (flat: <= 1.2) for one process and Dask;
- export (`curation export --silver` of the annotated records, one process, `--n-process 2`, Dask 2
  workers; timed from the call, imports left out): documents/s and words/s next to spaCy's tokenizer
  alone (built by export's own `load_tokenizer`, without its chunk cache, over the same texts, loop
  timed) and
  `datasets.Dataset.from_list(rows).to_parquet`; the one-process ratio also in CPU seconds, which a
  busy machine disturbs less than wall time; 2 processes / 1 (floor 1.6: meaningful on a quiet machine);
- a 0.9 MB document: annotate against raw `nlp.pipe` of the same text (floor 0.8); a 2 MB document:
  seconds and peak RSS (longer than spaCy's max_length: annotated in pieces).

Run: .venv/bin/python bench/scale.py [--docs 2000] [--only annotate,memory,export,long] [--work .bench/scale]
[--polnear ../shared/polnear-dev] [--engines single,n_process,dask] [--long-sizes 0.9,2] [--long-runs 3]
[--export-rounds 3].
`--work` keeps the corpus and the annotated records (git-ignored .bench/), so `--only export` can measure
export again without annotating again; `--engines` runs some of the annotate engines (the memory part
reuses their 4x peaks); `--long-runs` repeats the 0.9 MB pair and prints the median ratio;
`--export-rounds` has the tokenizer and the three exports take turns and prints the median ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POLNEAR = ROOT.parent.parent / "shared" / "polnear-dev"


def corpus_texts(polnear: Path, docs: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((polnear / "text").glob("*.txt"))]
    if not texts:
        sys.exit(f"no texts in {polnear}/text: give --polnear DIR (a PolNeAR-style corpus)")
    return [f"{texts[i % len(texts)].rstrip()}\n\n(copy {i})" for i in range(docs)]


def write_records(path: Path, texts: list[str]) -> int:
    from curation.records import Document, content_id

    with open(path, "w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(Document(id=content_id(text), source=f"bench-{i}", text=text).model_dump_json() + "\n")
    return sum(len(t.split()) for t in texts)


def child(code: str) -> dict[str, float]:
    """Run `code` (which sets `result`, a dict) in a fresh interpreter; add its seconds and peak RSS."""
    wrapper = (
        "import json, resource, time\nstart = time.perf_counter()\nresult = {}\n"
        + code
        + "\nresult['seconds'] = time.perf_counter() - start"
        + "\nresult['rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"
        + "\nprint('RESULT', json.dumps(result))\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=ROOT)
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        sys.exit(f"benchmark step failed:\n{code}\n{out.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def annotate_code(records: Path, out: Path, engine: str) -> str:
    options = {
        "single": "",
        "n_process": ", n_process=2",
        "dask": ", dask=DaskOptions(workers=2)",
    }[engine]
    return (
        "from pathlib import Path\n"
        "from curation.annotate import annotate_file\nfrom curation.cluster import DaskOptions\n"
        f"annotate_file([Path({str(records)!r})], Path({str(out)!r}){options})\n"
    )


def export_code(records: Path, out: Path, extra: list[str]) -> str:
    """`curation export` through the CLI; timed from the call (imports left out, as for the tokenizer
    alone; loading the tokenizer and starting workers are the export's own cost and stay in).

    The CLI imports the export's modules (spaCy, datasets) inside the call, so they are imported here
    first: until session 4 the timer held them (~3.7 s of CPU, 1.9 ms a document at 2,000), which the
    tokenizer's figure, imported before its loop, never paid. Their time is printed beside."""
    args = ["export", str(records), "--name", "bench", "--silver", "--out", str(out), "--quiet", *extra]
    return (
        "import shutil\nfrom typer.testing import CliRunner\nfrom curation.cli import app\n"
        "t = time.perf_counter()\n"
        "import curation.export.build, curation.export.contents, curation.export.card\n"
        "result['import_seconds'] = time.perf_counter() - t\n"
        f"shutil.rmtree({str(out)!r}, ignore_errors=True)\n"
        "t, c = time.perf_counter(), time.process_time()\n"
        f"res = CliRunner().invoke(app, {args!r})\nassert res.exit_code == 0, res.output\n"
        "result['run_seconds'] = time.perf_counter() - t\nresult['cpu_seconds'] = time.process_time() - c\n"
    )


PARTS = ("annotate", "memory", "export", "long")
Rows = list[tuple[str, str]]


def show(rows: Rows) -> None:
    print(rows[-1], flush=True)


ENGINES = ("single", "n_process", "dask")


def annotate_rows(rows: Rows, work: Path, records: Path, words: int, engines: list[str]) -> None:
    """The engines on the whole corpus (their output feeds the export part); their peak client RSS is
    kept in WORK/annotate-peaks.json for the memory part (4x)."""
    rate: dict[str, float] = {}
    known = work / "annotate-peaks.json"
    peaks: dict[str, float] = json.loads(known.read_text()) if known.exists() else {}
    for engine in engines:
        r = child(annotate_code(records, work / f"pre-{engine}.jsonl", engine))
        rate[engine], peaks[engine] = words / r["seconds"], r["rss_mb"]
        rows.append(
            (f"annotate {engine}", f"{rate[engine]:,.0f} words/s, peak client RSS {r['rss_mb']:,.0f} MB")
        )
        show(rows)
    known.write_text(json.dumps(peaks))
    if {"dask", "n_process"} <= rate.keys():
        rows.append(("dask 2 workers / n-process 2", f"{rate['dask'] / rate['n_process']:.2f}x (floor 0.9)"))
    if {"single", "n_process"} <= rate.keys():
        rows.append(("n-process 2 / single", f"{rate['n_process'] / rate['single']:.2f}x"))
    show(rows)


def memory_rows(rows: Rows, work: Path, texts: list[str]) -> None:
    """Peak client RSS of annotate at a quarter of the corpus (1x) and the whole corpus (4x: the annotate
    part's figures when it ran with the same --work, else measured here)."""
    quarter, whole = work / "docs-quarter.jsonl", work / "docs.jsonl"
    write_records(quarter, texts[: len(texts) // 4])
    known = work / "annotate-peaks.json"
    peaks = json.loads(known.read_text()) if known.exists() else {}
    for engine in ("single", "dask"):
        one = child(annotate_code(quarter, work / "m1.jsonl", engine))["rss_mb"]
        four = peaks.get(engine) or child(annotate_code(whole, work / "m4.jsonl", engine))["rss_mb"]
        rows.append(
            (f"annotate {engine} peak RSS 4x / 1x", f"{four:,.0f} / {one:,.0f} MB = {four / one:.2f}x")
        )
        show(rows)


def tokenizer_code(pre: Path) -> str:
    """The tokenizer as export builds it (load_tokenizer), over the texts export reads (the same file),
    called as anyone calls spaCy's tokenizer: without export's chunk cache (curation.export.text.ChunkCache;
    bench/tokenizer_cache.py measures what it gains), timed around the loop only."""
    return (
        "import json, time\nfrom curation.export.text import load_tokenizer\n"
        "from curation.settings import get_settings\nnlp = load_tokenizer(get_settings().model)\n"
        f"texts = [json.loads(l)['text'] for l in open({str(pre)!r})]\n"
        "t, c = time.perf_counter(), time.process_time()\nfor d in nlp.tokenizer.pipe(texts): pass\n"
        "result['tok_seconds'] = time.perf_counter() - t\nresult['tok_cpu'] = time.process_time() - c\n"
    )


def hand_code(pre: Path, work: Path) -> str:
    """The floor an engineer would write by hand: documents and quote rows through datasets."""
    return (
        "import json, time\nimport datasets\n"
        f"recs = [json.loads(l) for l in open({str(pre)!r})]\n"
        "t = time.perf_counter()\n"
        "docs = [{'id': r['id'], 'text': r['text']} for r in recs]\n"
        "quotes = [{'id': r['id'], 'start': s['start'], 'end': s['end'], 'text': s['text']} "
        "for r in recs for s in r['spans'] if s['label'] == 'QUOTE']\n"
        f"datasets.Dataset.from_list(docs).to_parquet({str(work / 'd.parquet')!r})\n"
        f"datasets.Dataset.from_list(quotes).to_parquet({str(work / 'q.parquet')!r})\n"
        "result['hand_seconds'] = time.perf_counter() - t\n"
    )


# The exports each round runs: key, printed label, folder under --work, extra arguments.
EXPORTS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("one", "export one process", "exports-1", []),
    ("two", "export --n-process 2", "exports-2", ["--n-process", "2"]),
    ("dask", "export --engine dask --workers 2", "exports-dask", ["--engine", "dask", "--workers", "2"]),
)
FOLDERS = {key: folder for key, _, folder, _ in EXPORTS}


def same_parquet(work: Path) -> bool:
    """Whether the one- and two-process exports wrote the same parquet bytes."""
    one, two = (work / FOLDERS[k] / "bench" / "v0.1.0" for k in ("one", "two"))
    return all((one / f.relative_to(two)).read_bytes() == f.read_bytes() for f in two.rglob("*.parquet"))


def export_round(work: Path, pre: Path, n: int) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """One round: the tokenizer alone, then export in one process, two processes and Dask, one after the
    other (so a round's ratios share the machine's state); returns the tokenizer's and the exports'."""
    tok = child(tokenizer_code(pre))
    runs = {key: child(export_code(pre, work / folder, extra)) for key, _, folder, extra in EXPORTS}
    return tok, runs


def export_rows(rows: Rows, work: Path, texts: list[str], words: int, rounds: int) -> None:
    """Export of the annotated records in one and two processes, next to its floors, and its memory.

    With `rounds` > 1 the tokenizer and the three exports take turns that many times and the ratios are
    the medians over rounds (each round's printed too): on a shared machine one back-to-back pair mostly
    measures the load of that minute (session 8: 2/1 between 1.34x and 1.85x in five quiet runs)."""
    # Every engine writes the same records (tests/test_annotate_dask.py): any of them will do.
    made = [work / f"pre-{engine}.jsonl" for engine in ENGINES if (work / f"pre-{engine}.jsonl").exists()]
    if not made:
        sys.exit(f"{work}: no annotated records; run the annotate part first (same --work)")
    pre = made[0]
    with open(pre, encoding="utf-8") as fh:
        n = sum(1 for _ in fh)
    hand = child(hand_code(pre, work))
    hand_rate = n / hand["hand_seconds"]
    tok_ratio, cpu_ratio, two_ratio, dask_ratio, same = [], [], [], [], True
    for turn in range(rounds):
        tok, runs = export_round(work, pre, n)
        rate = {key: n / r["run_seconds"] for key, r in runs.items()}
        which = f" (round {turn + 1})" if rounds > 1 else ""
        for key, label, _, _ in EXPORTS:
            r = runs[key]
            rows.append(
                (
                    label + which,
                    f"{rate[key]:,.0f} docs/s, {words * n / len(texts) / r['run_seconds']:,.0f} words/s, "
                    f"client CPU {r['cpu_seconds']:,.1f} s, peak client RSS {r['rss_mb']:,.0f} MB "
                    f"(imports before the timer {r['import_seconds']:.1f} s)",
                )
            )
        tok_rate = n / tok["tok_seconds"]
        tok_ratio.append(rate["one"] / tok_rate)
        cpu_ratio.append(tok["tok_cpu"] / runs["one"]["cpu_seconds"])
        two_ratio.append(rate["two"] / rate["one"])
        dask_ratio.append(rate["dask"] / rate["one"])
        same = same and same_parquet(work)
        rows.append(
            (
                "spaCy tokenizer alone" + which,
                f"{tok_rate:,.0f} docs/s (load_tokenizer, the same {n:,} texts, loop timed); export one "
                f"process / tokenizer {tok_ratio[-1]:.2f}x (floor 0.6); in CPU seconds {cpu_ratio[-1]:.2f}x "
                f"(steadier on a busy machine); 2 processes / 1 {two_ratio[-1]:.2f}x (floor 1.6)",
            )
        )
        show(rows)
    med = statistics.median
    of = f", median of {rounds} rounds" if rounds > 1 else ""
    rows.append(
        (
            "Dataset.from_list().to_parquet",
            f"{hand_rate:,.0f} docs/s; export one process (last round) / it "
            f"{n / runs['one']['run_seconds'] / hand_rate:.2f}x",
        )
    )
    rows.append(
        (
            "export one process / tokenizer" + of,
            f"{med(tok_ratio):.2f}x (floor 0.6); in CPU seconds {med(cpu_ratio):.2f}x",
        )
    )
    rows.append(
        (
            "export 2 processes / 1" + of,
            f"{med(two_ratio):.2f}x (floor 1.6); dask 2 workers / 1 {med(dask_ratio):.2f}x; "
            f"parquet identical: {same}",
        )
    )
    show(rows)
    quarter = work / "pre-quarter.jsonl"
    with open(pre, encoding="utf-8") as src, open(quarter, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i < n // 4:
                dst.write(line)
    small = child(export_code(quarter, work / "exports-q", []))["rss_mb"]
    one_rss = runs["one"]["rss_mb"]  # the last round's
    rows.append(("export peak RSS 4x / 1x", f"{one_rss:,.0f} / {small:,.0f} MB = {one_rss / small:.2f}x"))
    show(rows)


LONG_SIZES = {"0.9": (900_000, "0.9 MB"), "2": (2_000_000, "2 MB")}


def long_rows(rows: Rows, work: Path, texts: list[str], sizes: list[str], runs: int) -> None:
    """A 0.9 MB document against raw nlp.pipe, and a 2 MB one (over spaCy's max_length).

    The 0.9 MB pair (ours, then raw) runs `runs` times, alternating: two quiet runs of one pair gave
    0.65x and 0.82x on this machine, so each ratio is printed and the median is the figure."""
    base = "\n\n".join(texts[:84])
    for key in sizes:
        size, label = LONG_SIZES[key]
        text = (base + "\n\n") * (size // len(base) + 1)
        text = text[: text.rindex("\n\n", 0, size)]
        path = work / f"long-{label}.txt"
        path.write_text(text, encoding="utf-8")
        ratios = []
        for run in range(runs if size < 1_000_000 else 1):
            ours = child(
                "from curation.annotate import annotate_documents\n"
                "from curation.extract.pipeline import build_pipeline\n"
                "from curation.records import Document, content_id\n"
                f"text = open({str(path)!r}, encoding='utf-8').read()\nnlp = build_pipeline()\n"
                "t = time.perf_counter()\n"
                "skipped = []\ndoc = Document(id=content_id(text), source='x', text=text)\n"
                "(rec,) = annotate_documents([doc], nlp, skipped=skipped)\nassert not skipped, skipped\n"
                "result['annotate'] = time.perf_counter() - t\n"
            )
            line = f"annotate {ours['annotate']:.1f} s, peak RSS {ours['rss_mb']:,.0f} MB"
            if size < 1_000_000:
                raw = child(
                    "from curation.extract.pipeline import load_model\n"
                    f"text = open({str(path)!r}, encoding='utf-8').read()\nnlp = load_model()\n"
                    "t = time.perf_counter()\nlist(nlp.pipe([text]))\n"
                    "result['raw'] = time.perf_counter() - t\n"
                )
                ratios.append(raw["raw"] / ours["annotate"])
                line += f"; raw nlp.pipe {raw['raw']:.1f} s: {ratios[-1]:.2f}x (floor 0.8)"
            which = f", run {run + 1}" if runs > 1 and ratios else ""
            rows.append((f"{label} document ({len(text):,} chars{which})", line))
            show(rows)
        if len(ratios) > 1:
            median = statistics.median(ratios)
            rows.append((f"{label} document, median of {len(ratios)} runs", f"{median:.2f}x (floor 0.8)"))
            show(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}")
    parser.add_argument("--work", type=Path, help="keep the corpus and records here (default: a temp dir)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"annotate part: some of {ENGINES}")
    parser.add_argument("--long-sizes", default="0.9,2", help=f"long part: some of {sorted(LONG_SIZES)}")
    parser.add_argument("--long-runs", type=int, default=1, help="long part: times the 0.9 MB pair runs")
    parser.add_argument(
        "--export-rounds", type=int, default=1, help="export part: turns of tokenizer and exports (medians)"
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    engines = [e for e in ENGINES if e in args.engines.split(",")]
    if parts - set(PARTS):
        sys.exit(f"--only: unknown parts {sorted(parts - set(PARTS))}; choose from {PARTS}")
    sizes = args.long_sizes.split(",")
    if unknown := sorted(set(sizes) - LONG_SIZES.keys()):
        sys.exit(f"--long-sizes: unknown sizes {unknown}; choose from {sorted(LONG_SIZES)}")
    texts = corpus_texts(args.polnear, args.docs)
    rows: list[tuple[str, str]] = []
    with contextlib.ExitStack() as stack:
        if args.work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="curation-bench-scale-")))
        else:
            work = args.work
            work.mkdir(parents=True, exist_ok=True)
        records = work / "docs.jsonl"
        words = write_records(records, texts)
        print(f"corpus: {len(texts)} documents, {words:,} words (PolNeAR dev repeated)", flush=True)
        if "annotate" in parts:
            annotate_rows(rows, work, records, words, engines)
        if "memory" in parts:
            memory_rows(rows, work, texts)
        if "export" in parts:
            export_rows(rows, work, texts, words, args.export_rounds)
        if "long" in parts:
            long_rows(rows, work, texts, sizes, args.long_runs)

    width = max(len(k) for k, _ in rows)
    print("\n" + "\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    print(f"(peak RSS of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:,.0f} s")
