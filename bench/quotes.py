"""Cross-document quotes view benchmark: groups found on a real corpus, time and memory as it grows.

Reads the corpus's gold quotes (brat, via curation.ingest.brat), groups them with
curation.quotes.group_quotes, and prints the groups found. Then it writes the records to a
temporary JSONL file 1x and 4x over (copies get new ids, so each copy is another "outlet") and
times `group_quotes_in_file` on each, with peak Python memory (tracemalloc): the 1x run is the
baseline; time should grow about linearly and memory with the number of quotes, not of articles.

Usage: .venv/bin/python bench/quotes.py [CORPUS]
(CORPUS defaults to ../shared/polnear-dev). The temporary files are deleted; nothing of the
corpus (development data with no licence) is kept.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from curation.ingest.brat import read_brat_corpus
from curation.jsonl import write_documents
from curation.quotes import group_quotes, group_quotes_in_file
from curation.records import Document

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "polnear-dev"


def copies(docs: list[Document], times: int) -> list[Document]:
    """The corpus `times` over, each copy with new ids (a copy is another outlet reporting it all)."""
    return [d.model_copy(update={"id": f"{d.id}-{n}"}) for n in range(times) for d in docs]


def measure(path: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB, groups) of grouping the quotes of one records file."""
    tracemalloc.start()
    start = time.perf_counter()
    groups = group_quotes_in_file(path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, len(groups)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: no such corpus directory (pass the path of a brat corpus)", file=sys.stderr)
        return 1
    docs = list(read_brat_corpus(args.corpus))
    quotes = sum(1 for d in docs for s in d.spans if s.label == "QUOTE")
    groups = group_quotes(docs)
    print(f"corpus: {args.corpus} ({len(docs)} documents, {quotes} gold quotes)")
    conflicts = sum(g.conflict for g in groups)
    print(f"groups reported by 2+ documents: {len(groups)}; with different speakers: {conflicts}")
    for g in groups:
        print(f"  {g.documents} docs, speakers {g.speakers or '-'}: {g.text[:80]!r}")
    with tempfile.TemporaryDirectory() as tmp:
        figures = {}
        for times in (1, 4):
            path = Path(tmp) / f"records-{times}x.jsonl"
            write_documents(path, copies(docs, times))
            figures[times] = measure(path)
            seconds, peak, found = figures[times]
            records = times * len(docs)
            print(f"{times}x ({records} records): {seconds:.2f} s, peak {peak:.1f} MiB, {found} groups")
    (t1, m1, _), (t4, m4, _) = figures[1], figures[4]
    print(f"ratios 4x/1x (baseline 1x): time {t4 / t1:.1f}, peak memory {m4 / m1:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
