"""Lines of the repository that share N words in a row with a PolNeAR text (default 7).

PolNeAR has no licence: neither its text nor weights trained on it may be in the repository, its tests or
its fixtures. Test sentences written while looking at PolNeAR errors drift into copies of its sentences
(session 9 found ~30, some from earlier sessions): run this before landing rule work, with the corpora
where they are on this machine. It reads them in place and prints file:line and the line; exit 1 when it
finds any. Runs of words the seeds also hold (the project's own articles) are not counted.

Usage: .venv/bin/python bench/polnear_leaks.py [--corpus DIR ...] [--words 7] [FILES ...]
(FILES default: the tracked files under tests/, curation/, bench/ and README.md.)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
CORPORA = [SHARED / "polnear-dev", SHARED / "polnear-train"]
SUFFIXES = {".py", ".md", ".json", ".jsonl", ".yaml", ".txt", ".cfg", ".toml"}


def words_of(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).strip().split(" ")


def runs(words: list[str], n: int) -> Iterator[str]:
    """Every run of n words in a row."""
    return (" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def corpus_runs(dirs: Iterable[Path], n: int) -> set[str]:
    """The runs of n words of every text file under `dirs`."""
    found: set[str] = set()
    for folder in dirs:
        for path in sorted(folder.rglob("*.txt")):
            found.update(runs(words_of(path.read_text(encoding="utf-8", errors="ignore")), n))
    return found


def tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "tests", "curation", "bench", "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in out if Path(name).suffix in SUFFIXES]


def leaks(files: Iterable[Path], polnear: set[str], seeds: set[str], n: int) -> Iterator[str]:
    """file:line: text for each line holding a run of n words of PolNeAR that the seeds do not hold
    (runs shorter than 30 characters, "as well as in the", are left out); then, per file, the runs
    that only show once its lines are joined (`joined`): a docstring, comment or string cut over lines."""
    for path in files:
        text = path.read_text(encoding="utf-8", errors="ignore")
        seen: set[str] = set()
        for number, line in enumerate(text.splitlines(), 1):
            found = [g for g in runs(words_of(line), n) if len(g) > 30 and g in polnear and g not in seeds]
            seen.update(found)
            if found:
                yield f"{path.relative_to(ROOT)}:{number}: {line.strip()[:140]}"
        for run in runs(words_of(joined(text)), n):
            if len(run) > 30 and run in polnear and run not in seeds and run not in seen:
                seen.add(run)
                yield f"{path.relative_to(ROOT)}: (over lines) {run}"


def joined(text: str) -> str:
    """A file's lines as one text: a string literal continued on the next line ("... to publish"
    / " the audit ...") and a comment continued on the next one read as one run of words."""
    text = re.sub(r"[\"']\s*\n\s*[\"']", "", text)
    return re.sub(r"\n\s*#\s?", " ", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", help="PolNeAR folders (default: both)")
    parser.add_argument("--words", type=int, default=7)
    parser.add_argument("files", type=Path, nargs="*")
    args = parser.parse_args()
    corpora = args.corpus or CORPORA
    if missing := [str(d) for d in corpora if not d.is_dir()]:
        sys.exit(f"no PolNeAR corpus at {', '.join(missing)}: give --corpus DIR")
    files = [f.resolve() for f in args.files] or tracked_files()
    polnear = corpus_runs(corpora, args.words)
    seeds = corpus_runs([ROOT / "seeds"], args.words)
    found = list(leaks(files, polnear, seeds, args.words))
    print("\n".join(found) if found else f"no run of {args.words} PolNeAR words in {len(files)} files")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
