"""Export benchmark: synthetic gold records -> `export_dataset`, documents/s and peak resident memory.

Each measurement runs in its own child process (so peak memory is that stage's alone):
- baseline: read and validate the records file once (read_documents), the floor any export pays;
- export: the full export (two passes, grouping, four configs, card, manifest, changelog).
Run at two corpus sizes, the ratio of peak memory shows whether memory stays flat as the corpus grows.

Story grouping is measured too: the seeds (one story, five outlets) must form one group, and the
unrelated articles of ../shared/polnear-dev (if present; read only, nothing copied) should mostly
stay alone.

Usage: .venv/bin/python bench/export.py [--sizes 10000 100000] [--words 150] [--polnear DIR]
Synthetic texts only (made-up words, five outlets per story); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUTLETS = 5  # documents per story: the near-duplicates the splits must keep together


def synthetic_record(index: int, words: int, rng: random.Random, vocab: list[str]) -> dict[str, object]:
    """One reviewed record: a story shared by OUTLETS documents, a direct quote, speaker, cue, claim."""
    story = random.Random(index // OUTLETS)
    cast = [story.choice(vocab).capitalize() for _ in range(12)]  # the story's people and places
    story_words = [story.choice(vocab) for _ in range(40)]
    filler = []
    for _ in range(words):
        if rng.random() < 0.08:  # names appear mid-sentence, as in news
            filler.append(rng.choice(cast) if rng.random() < 0.7 else rng.choice(vocab).capitalize())
        else:
            filler.append(rng.choice(story_words if rng.random() < 0.6 else vocab))
    body = "said " + " ".join(filler)
    speaker = f"{cast[0]} {cast[1]}"
    quote = " ".join(rng.choice(story_words) for _ in range(12))
    claim = f"{rng.randint(2, 900)} {rng.choice(vocab)} were {rng.choice(vocab)}"
    text = f"{body}.\n“{quote},” {speaker} said. Officials added that {claim} last week.\n"
    q_start = text.index("“") + 1
    s_start = text.index(speaker, q_start)
    c_start = text.index(" said", s_start) + 1
    k_start = text.index(claim)
    spans = [
        ("QUOTE", q_start, q_start + len(quote), {"kind": "direct"}),
        ("SPEAKER", s_start, s_start + len(speaker), {"canonical": speaker}),
        ("CUE", c_start, c_start + 4, {}),
        ("CLAIM", k_start, k_start + len(claim), {"checkworthy": "high"}),
    ]
    ids = [f"{label.lower()}-{start}-{end}" for label, start, end, _ in spans]
    return {
        "id": f"doc{index:07d}",
        "source": f"synthetic/{index}.txt",
        "text": text,
        "spans": [
            {"id": i, "start": s, "end": e, "label": label, "text": text[s:e], "attrs": attrs, "score": 1.0}
            for i, (label, s, e, attrs) in zip(ids, spans, strict=True)
        ],
        "relations": [
            {"head": ids[0], "tail": ids[1], "label": "speaker"},
            {"head": ids[0], "tail": ids[2], "label": "cue"},
        ],
        "provenance": {
            "reviewed": True,
            "annotator": f"annotator{index % 3}@example.org",
            "updated_at": "2026-11-01T00:00:00+00:00",
            "project": 1,
        },
    }


def write_corpus(path: Path, documents: int, words: int) -> None:
    rng = random.Random(13)
    syllables = ["ka", "lo", "mi", "tu", "re", "sa", "po", "ne", "vi", "da", "fo", "gu", "zen", "bar"]
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(3)) for _ in range(5000)})
    with open(path, "w", encoding="utf-8") as fh:
        for index in range(documents):
            fh.write(json.dumps(synthetic_record(index, words, rng, vocab), ensure_ascii=False) + "\n")


def child(stage: str, records: Path, out: Path) -> None:
    """Run one stage and print its figures as JSON (peak RSS of this process only)."""
    from curation.export import ExportOptions, export_dataset
    from curation.jsonl import read_documents

    start = time.perf_counter()
    if stage == "baseline":
        documents = sum(1 for _ in read_documents(records))
    else:
        documents = export_dataset(records, ExportOptions(name="bench", out=out)).documents
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"documents": documents, "seconds": seconds, "peak_mb": peak_mb}))


def measure(stage: str, records: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, str(records), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def grouping_figures(polnear: Path) -> None:
    """Groups found among the seeds and among unrelated dev articles (texts read in place)."""
    from collections import Counter

    from curation.export.grouping import NearDuplicateGrouper

    root = Path(__file__).resolve().parent.parent
    for label, paths in (
        ("seeds (one story, 5 outlets)", sorted((root / "seeds").glob("*.txt"))),
        ("polnear-dev (2016 campaign, many stories)", sorted((polnear / "text").glob("*.txt"))),
    ):
        if not paths:
            print(f"{label}: not found, skipped")
            continue
        grouper = NearDuplicateGrouper()
        for path in paths:
            grouper.add(path.name, path.read_text(encoding="utf-8"))
        sizes = Counter(grouper.groups().values()).values()
        grouped = sum(n for n in sizes if n > 1)
        print(f"{label}: {len(paths)} documents -> {len(sizes)} groups; {grouped} in groups of 2+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--words", type=int, default=150, help="words of filler text per document")
    parser.add_argument(
        "--polnear", type=Path, default=Path(__file__).resolve().parents[2] / "shared/polnear-dev"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage, records, out = args.child
        child(stage, Path(records), Path(out))
        return
    grouping_figures(args.polnear)
    peaks = {}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        for size in args.sizes:
            records = Path(tmp) / f"records-{size}.jsonl"
            write_corpus(records, size, args.words)
            mb = records.stat().st_size / 2**20
            base = measure("baseline", records, Path(tmp) / "exports")
            full = measure("export", records, Path(tmp) / f"exports-{size}")
            peaks[size] = full["peak_mb"]
            print(f"{size:,} documents ({mb:,.0f} MB of JSONL, ~{args.words + 20} words each)")
            for label, run in (("baseline read+validate", base), ("export (4 configs)", full)):
                rate, peak, secs = size / run["seconds"], run["peak_mb"], run["seconds"]
                print(f"  {label:24} {rate:8,.0f} docs/s  peak {peak:6,.0f} MB  {secs:6.1f} s")
            print(f"  export / baseline time: {full['seconds'] / base['seconds']:.1f}x")
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(
            f"peak memory {large:,} vs {small:,} documents: {peaks[large] / peaks[small]:.2f}x "
            f"for {large / small:.0f}x the documents (target: under 2,048 MB)"
        )


if __name__ == "__main__":
    main()
