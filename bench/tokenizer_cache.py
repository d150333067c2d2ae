"""spaCy's tokenizer alone against export's (with `ChunkCache`), over texts of your choosing: CPU ms a text
and whether every token is the same.

Each side runs in a fresh process (the tokenizer as export loads it, `load_tokenizer`; texts read before
the timer), taking turns for `--rounds`; the medians are printed. "plain" is spaCy's tokenizer as anyone
calls it; "cached" adds each text's new chunks to its cache first, as export does
(curation.export.text.ChunkCache). The gain depends on how often chunks come back: a corpus that
repeats its texts (bench/scale.py's) gains the most, unique articles less, and more as they grow.

Run: .venv/bin/python bench/tokenizer_cache.py FILE_OR_FOLDER... [--rounds 3]
A folder is read for its *.txt files (e.g. ../shared/polnear-train/text); a file as JSONL records (their
"text").
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import hashlib, json, sys, time
from spacy.attrs import IDX, ORTH, SPACY
from curation.export.text import ChunkCache, load_tokenizer
from curation.settings import get_settings
texts = json.load(open(sys.argv[1]))
tokenizer = load_tokenizer(get_settings().model).tokenizer
chunks = ChunkCache(tokenizer) if sys.argv[2] == "cached" else None
digest = hashlib.sha256()
start = time.process_time()
for text in texts:
    if chunks is not None:
        chunks.add(text)
    digest.update(tokenizer(text).to_array([IDX, ORTH, SPACY]).tobytes())
print(json.dumps({"cpu": time.process_time() - start, "digest": digest.hexdigest()}))
"""


def read_texts(sources: list[Path]) -> list[str]:
    texts: list[str] = []
    for source in sources:
        if source.is_dir():
            texts += [path.read_text(encoding="utf-8") for path in sorted(source.glob("*.txt"))]
        else:
            with open(source, encoding="utf-8") as lines:
                texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = read_texts(args.sources)
    if not texts:
        sys.exit(f"{', '.join(map(str, args.sources))}: no texts found")
    words = sum(len(text.split()) for text in texts)
    with tempfile.TemporaryDirectory(prefix="curation-tokenizer-cache-") as folder:
        scratch = Path(folder) / "texts.json"
        scratch.write_text(json.dumps(texts), encoding="utf-8")
        cpu: dict[str, list[float]] = {"plain": [], "cached": []}
        digests = set()
        for _ in range(args.rounds):
            for side in cpu:
                command = [sys.executable, "-c", CHILD, str(scratch), side]
                result = json.loads(
                    subprocess.run(command, check=True, capture_output=True, text=True).stdout
                )
                cpu[side].append(result["cpu"])
                digests.add(result["digest"])
    plain, cached = (statistics.median(cpu[side]) * 1000 / len(texts) for side in ("plain", "cached"))
    print(f"{len(texts):,} texts, {words:,} words ({len(set(texts)):,} distinct texts)")
    print(f"plain   {plain:.3f} ms a text (CPU, median of {args.rounds})")
    print(f"cached  {cached:.3f} ms a text: {plain / cached:.2f}x as fast")
    print(f"the same tokens (offsets, texts, spaces) on both sides: {len(digests) == 1}")


if __name__ == "__main__":
    main()
