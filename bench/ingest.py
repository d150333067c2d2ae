"""Ingest benchmark: what boilerplate removal takes from an annotated corpus, speed, and memory.

Prints, in one run:
1. Boilerplate pieces removed from the corpus texts by reason, and how many gold annotation spans
   (read by `curation.ingest.brat`) overlap a removed piece: it must be 0 (article text is kept).
2. Throughput of `ingest` (read, clean, validate, write JSONL) against a baseline measured in the same
   run: reading the same files and writing their raw text as JSON lines.
3. Peak Python memory (tracemalloc) of `ingest` over the corpus copied 1x and 4x: a ratio near 1
   means memory stays flat as the corpus grows (documents are streamed).

Usage: .venv/bin/python bench/ingest.py [CORPUS] [--copies N]
(CORPUS defaults to ../shared/polnear-dev.) Copies go to a temporary folder that is deleted at the
end; the corpus has no licence, so nothing of it is kept.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from curation.ingest import IngestReport, ingest
from curation.ingest.boilerplate import clean_text
from curation.ingest.brat import read_brat_corpus

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "polnear-dev"


def boilerplate_figures(corpus: Path) -> None:
    removed: Counter[str] = Counter()
    docs = spans = touched = 0
    for doc in read_brat_corpus(corpus):
        docs += 1
        pieces = clean_text(doc.text).boilerplate()
        removed.update(p.reason for p in pieces)
        for span in doc.spans:
            spans += 1
            touched += any(span.start < p.end and p.start < span.end for p in pieces)
    by_reason = ", ".join(f"{reason} {n}" for reason, n in sorted(removed.items())) or "none"
    print(f"boilerplate: {docs} documents, {sum(removed.values())} pieces removed ({by_reason})")
    print(f"gold spans overlapping a removed piece: {touched} of {spans} (must be 0)")


def make_copies(texts: list[Path], folder: Path, copies: int) -> int:
    """`copies` distinct variants of each text (a numbered last line, so none is a duplicate)."""
    folder.mkdir(parents=True)
    size = 0
    for k in range(copies):
        for path in texts:
            text = path.read_text(encoding="utf-8") + f"\nCopy {k}.\n"
            (folder / f"{k:03d}_{path.name}").write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))
    return size


def baseline(folder: Path, out: Path) -> None:
    """Read every file and write its raw text as one JSON line: the least any ingest must do."""
    with open(out, "w", encoding="utf-8") as fh:
        for path in sorted(folder.iterdir()):
            fh.write(json.dumps({"text": path.read_text(encoding="utf-8")}) + "\n")


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def peak_memory(folder: Path, out: Path) -> int:
    tracemalloc.start()
    ingest([folder], out, report=IngestReport())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=10, help="corpus copies for the speed figure")
    args = parser.parse_args()
    texts = sorted((args.corpus / "text").glob("*.txt"))
    boilerplate_figures(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = make_copies(texts, root / "big", args.copies)
        n = len(texts) * args.copies
        base = timed(baseline, root / "big", root / "base.jsonl")
        ours = timed(lambda: ingest([root / "big"], root / "docs.jsonl", report=IngestReport()))
        print(
            f"speed on {n} files ({size / 1e6:.1f} MB): ingest {n / ours:,.0f} docs/s "
            f"({size / 1e6 / ours:.1f} MB/s); baseline read+write {n / base:,.0f} docs/s; "
            f"ingest takes {ours / base:.1f}x the baseline time"
        )
        make_copies(texts, root / "x1", 1)
        make_copies(texts, root / "x4", 4)
        one = peak_memory(root / "x1", root / "m1.jsonl")
        four = peak_memory(root / "x4", root / "m4.jsonl")
        print(
            f"peak memory: 1x corpus {one / 1e6:.2f} MB, 4x corpus {four / 1e6:.2f} MB, "
            f"ratio {four / one:.2f}"
        )


if __name__ == "__main__":
    main()
