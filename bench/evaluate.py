"""Scoring speed and memory of `curation evaluate` on polnear-dev, against reading the same files.

Gold: the corpus read by curation.ingest.brat. Predictions: the gold with every third quote dropped and
every span shortened by two characters (so matching, relations and worst-document lists all work).
Baseline: streaming and validating both files with curation.jsonl.read_documents, the floor any
evaluation pays. Memory: peak RSS of a fresh process scoring the corpus once (1x) and four times over
(4x, new ids): flat means the 4x peak stays close to the 1x peak.

Run: .venv/bin/python bench/evaluate.py [CORPUS]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from curation.ingest.brat import read_brat_corpus
from curation.jsonl import read_documents, write_documents
from curation.records import Document, Span

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "polnear-dev"


def perturbed(doc: Document) -> Document:
    """A plausible, imperfect prediction of `doc`."""
    spans, quotes = [], 0
    for span in doc.spans:
        if span.label == "QUOTE":
            quotes += 1
            if quotes % 3 == 0:
                continue
        end = span.end - 2 if span.end - span.start > 4 else span.end
        spans.append(Span(**(span.model_dump() | {"end": end, "text": doc.text[span.start : end]})))
    kept = {s.id for s in spans}
    relations = [r for r in doc.relations if r.head in kept and r.tail in kept]
    return Document(id=doc.id, text=doc.text, spans=spans, relations=relations)


def write_corpus(golds: list[Document], folder: Path, copies: int) -> tuple[Path, Path]:
    def repeat(make: bool) -> list[Document]:
        out = []
        for k in range(copies):
            for g in golds:
                d = perturbed(g) if make else g
                out.append(d.model_copy(update={"id": f"{g.id}-{k}"}))
        return out

    gold, pred = folder / f"gold-{copies}x.jsonl", folder / f"pred-{copies}x.jsonl"
    write_documents(gold, repeat(False))
    write_documents(pred, repeat(True))
    return gold, pred


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def baseline(gold: Path, pred: Path) -> None:
    for path in (gold, pred):
        for _ in read_documents(path):
            pass


def score(gold: Path, pred: Path) -> None:
    from curation.evaluate.run import evaluate_paths

    evaluate_paths(gold, [pred])


PEAK = """
import resource, sys
from pathlib import Path
from curation.evaluate.run import evaluate_paths
evaluate_paths(Path(sys.argv[1]), [Path(sys.argv[2])])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_mb(gold: Path, pred: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PEAK, str(gold), str(pred)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    golds = list(read_brat_corpus(args.corpus))
    with tempfile.TemporaryDirectory() as tmp:
        one = write_corpus(golds, Path(tmp), 1)
        four = write_corpus(golds, Path(tmp), 4)
        base_t, score_t = [], []
        for _ in range(args.rounds):  # interleaved, median
            base_t.append(timed(lambda: baseline(*one)))
            score_t.append(timed(lambda: score(*one)))
        b, s = statistics.median(base_t), statistics.median(score_t)
        print(f"corpus {args.corpus}: {len(golds)} documents, median of {args.rounds} rounds")
        print(f"read gold + pred (baseline): {b:.2f} s   evaluate: {s:.2f} s   ratio {s / b:.2f}x")
        print(f"evaluate throughput: {len(golds) / s:.0f} documents/s")
        p1, p4 = peak_mb(*one), peak_mb(*four)
        print(f"peak RSS: 1x corpus {p1:.0f} MB, 4x corpus {p4:.0f} MB (ratio {p4 / p1:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
