"""How the memory of export's tokenizer grows with the distinct words it meets, with and without the
limit on its vocabulary (`curation.export.text.bounded_tokenizer`, VOCAB_STRINGS).

Texts of made-up words (8 random letters, 1,000 to a text, 32 texts to a partition, no word twice: the
worst case of a corpus of names, numbers and typos) go through export's own TextAnalyzer partition by
partition, as the second pass does, each side in a fresh process. Printed every 200,000 words: the
process's RSS, the strings the vocabulary holds, how often the tokenizer was loaded and the process's
CPU seconds so far (imports included); at the end,
the highest RSS and what each distinct word added from the first row on (past the chunk cache's
limit of 100,000 chunks).

Run: .venv/bin/python bench/vocabulary_memory.py [--words 1000000] [--limit 300000]
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys
import time

WORDS_PER_TEXT, TEXTS_PER_PART, STEP = 1_000, 32, 200_000


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def side(words: int, limit: int) -> list[dict[str, float]]:
    """One side, in this process: the figures every STEP words."""
    from curation.export import text
    from curation.export.text import TextAnalyzer, Texts, bounded_tokenizer
    from curation.settings import get_settings

    text.VOCAB_STRINGS = limit
    model = get_settings().model
    rng = random.Random(0)
    loaded, last, seen, rows = 0, None, 0, []
    while seen < words:
        items = [
            " ".join("".join(rng.choices(string.ascii_lowercase, k=8)) for _ in range(WORDS_PER_TEXT))
            for _ in range(TEXTS_PER_PART)
        ]
        nlp = bounded_tokenizer(model)
        loaded += nlp.tokenizer is not last
        last = nlp.tokenizer
        TextAnalyzer(nlp).tokenize(Texts(items))
        before, seen = seen, seen + WORDS_PER_TEXT * TEXTS_PER_PART
        if seen // STEP > before // STEP:
            strings = len(nlp.tokenizer.vocab.strings)
            cpu = time.process_time()
            rows.append({"words": seen, "rss": rss_mb(), "strings": strings, "loaded": loaded, "cpu": cpu})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--limit", type=int, default=None, help="VOCAB_STRINGS (default: export's)")
    parser.add_argument("--side", type=int, help=argparse.SUPPRESS)  # run one side here
    args = parser.parse_args()
    if args.side is not None:
        print(json.dumps(side(args.words, args.side)))
        return
    from curation.export.text import VOCAB_STRINGS

    limit = args.limit or VOCAB_STRINGS
    for name, value in (("no limit", 10**12), (f"limit {limit:,} strings", limit)):
        out = subprocess.run(
            [sys.executable, __file__, "--words", str(args.words), "--side", str(value)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        rows = json.loads(out.stdout)
        print(name)
        for row in rows:
            print(
                f"  {row['words']:>10,} words  RSS {row['rss']:6.0f} MB  strings {row['strings']:>9,}  "
                f"tokenizer loaded {row['loaded']}x  CPU {row['cpu']:.1f} s"
            )
        first, end = rows[0], rows[-1]
        grew = (end["rss"] - first["rss"]) * 1024 / max(end["words"] - first["words"], 1)
        print(
            f"  highest RSS {max(row['rss'] for row in rows):,.0f} MB; from {first['words']:,} words on "
            f"{grew:+.2f} KB a further distinct word"
        )


if __name__ == "__main__":
    main()
