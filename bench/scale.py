"""Scale benchmark: annotate on one process, `--n-process 2` and `--engine dask --workers 2`, export, and
long documents, all in one run on the same corpus so that ratios hold on a shared machine.

Corpus: the PolNeAR dev texts (read in place, never copied into the repo) repeated to `--docs` documents,
each copy made unique by a numbered last line. Each figure is measured in a child process (its peak RSS
is the client's alone: spaCy or Dask worker processes are not counted).

Printed:
- annotate: words/s and peak client RSS for the three engines; Dask / n-process ratio (floor 0.9);
  peak client RSS at 4x the corpus over 1x (flat: <= 1.2) for one process and Dask;
- export (`curation export --silver` of the annotated records, one process): documents/s and words/s
  next to spaCy's tokenizer alone over the same texts and `datasets.Dataset.from_list(rows).to_parquet`;
- a 0.9 MB document: annotate against raw `nlp.pipe` of the same text (floor 0.8); a 2 MB document:
  seconds and peak RSS (longer than spaCy's max_length: annotated in pieces).

Run: .venv/bin/python bench/scale.py [--docs 2000] [--skip-long] [--polnear ../shared/polnear-dev]
"""

from __future__ import annotations

import argparse
import json
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--skip-long", action="store_true", help="no 0.9 MB / 2 MB document figures")
    parser.add_argument("--skip-4x", action="store_true", help="no 4x-corpus memory figures")
    args = parser.parse_args()
    texts = corpus_texts(args.polnear, args.docs)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="curation-bench-scale-") as tmp:
        work = Path(tmp)
        records = work / "docs.jsonl"
        words = write_records(records, texts)
        print(f"corpus: {len(texts)} documents, {words:,} words (PolNeAR dev repeated)", flush=True)

        # -- annotate: three engines, interleaved order kept the same for every run
        rate: dict[str, float] = {}
        for engine in ("single", "n_process", "dask"):
            r = child(annotate_code(records, work / f"pre-{engine}.jsonl", engine))
            rate[engine] = words / r["seconds"]
            rows.append(
                (f"annotate {engine}", f"{rate[engine]:,.0f} words/s, peak client RSS {r['rss_mb']:,.0f} MB")
            )
            print(rows[-1], flush=True)
        rows.append(("dask 2 workers / n-process 2", f"{rate['dask'] / rate['n_process']:.2f}x (floor 0.9)"))
        rows.append(("n-process 2 / single", f"{rate['n_process'] / rate['single']:.2f}x"))

        if not args.skip_4x:
            big = work / "docs4.jsonl"
            with open(big, "w", encoding="utf-8") as fh:
                for copy in range(4):
                    for line in records.read_text(encoding="utf-8").splitlines():
                        obj = json.loads(line)
                        obj["text"] += f" [{copy}]"
                        from curation.records import content_id

                        obj["id"] = content_id(obj["text"])
                        fh.write(json.dumps(obj) + "\n")
            for engine in ("single", "dask"):
                one = child(annotate_code(records, work / "m1.jsonl", engine))["rss_mb"]
                four = child(annotate_code(big, work / "m4.jsonl", engine))["rss_mb"]
                rows.append(
                    (
                        f"annotate {engine} peak RSS 4x / 1x",
                        f"{four:,.0f} / {one:,.0f} MB = {four / one:.2f}x",
                    )
                )
                print(rows[-1], flush=True)

        # -- export of the annotated records (silver), next to its floors
        pre = work / "pre-single.jsonl"
        r = child(
            "from typer.testing import CliRunner\nfrom curation.cli import app\n"
            f"res = CliRunner().invoke(app, ['export', {str(pre)!r}, '--name', 'bench', '--silver', "
            f"'--out', {str(work / 'exports')!r}])\nassert res.exit_code == 0, res.output\n"
        )
        export_rate = len(texts) / r["seconds"]
        tok = child(
            "import json, time\nfrom curation.extract.pipeline import load_model\n"
            "nlp = load_model()\n"
            f"texts = [json.loads(l)['text'] for l in open({str(pre)!r})]\n"
            "t = time.perf_counter()\nfor d in nlp.tokenizer.pipe(texts): pass\n"
            "result['tok_seconds'] = time.perf_counter() - t\n"
        )
        tok_rate = len(texts) / tok["tok_seconds"]
        hand = child(
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
        hand_rate = len(texts) / hand["hand_seconds"]
        rows.append(
            (
                "export one process",
                f"{export_rate:,.0f} docs/s, {words / r['seconds']:,.0f} words/s, peak {r['rss_mb']:,.0f} MB",
            )
        )
        rows.append(
            (
                "spaCy tokenizer alone",
                f"{tok_rate:,.0f} docs/s; export / tokenizer {export_rate / tok_rate:.2f}x (floor 0.6)",
            )
        )
        rows.append(
            (
                "Dataset.from_list().to_parquet",
                f"{hand_rate:,.0f} docs/s; export / it {export_rate / hand_rate:.2f}x",
            )
        )
        for row in rows[-3:]:
            print(row, flush=True)

        if not args.skip_long:
            base = "\n\n".join(t for t in texts[: len(set(texts))][:84])
            for size, label in ((900_000, "0.9 MB"), (2_000_000, "2 MB")):
                text = (base + "\n\n") * (size // len(base) + 1)
                text = text[: text.rindex("\n\n", 0, size)]
                path = work / f"long-{label}.txt"
                path.write_text(text, encoding="utf-8")
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
                    line += (
                        f"; raw nlp.pipe {raw['raw']:.1f} s: {raw['raw'] / ours['annotate']:.2f}x (floor 0.8)"
                    )
                rows.append((f"{label} document ({len(text):,} chars)", line))
                print(rows[-1], flush=True)

    width = max(len(k) for k, _ in rows)
    print("\n" + "\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    print(
        f"(peak RSS of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)"
    )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:,.0f} s")
