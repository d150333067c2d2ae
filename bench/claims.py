"""Claim component benchmark: what it finds on real news, and what it costs, in one run.

There is no claim gold in the shared corpus, so this prints descriptive figures (claims per 1,000
words, share check-worthy high, share inside quotes, share with a speaker, rules that fired, score
buckets) and one agreement figure against the corpus's gold quotes: of the claims the component puts
inside a predicted quote, the share that lie inside a gold quote. Then the cost: the pipeline with
the claim component against the same pipeline without it, on the same texts, in the same run
(baseline = without; figure = ratio of words per second).

Last, a calibration check on the seed articles (the project's own texts): each claim the
component finds is looked up in bench/claims_seed_judgements.jsonl, one hand judgement per
predicted claim ("is this a check-worthy factual assertion with a sensible clause span?"), and the
share judged right is printed per score bucket and per checkworthy value. Claims not judged yet
(new behaviour) are counted, so the file can be extended.

Usage: .venv/bin/python bench/claims.py [CORPUS] [--rounds N]
(CORPUS defaults to ../shared/polnear-dev). The corpus is development data with no licence:
nothing of it is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from curation.extract.pipeline import build_pipeline
from curation.extract.types import Claim
from curation.ingest.brat import read_brat_corpus

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "polnear-dev"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
JUDGEMENTS = Path(__file__).resolve().parent / "claims_seed_judgements.jsonl"
BUCKETS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)


def inside(claim: Claim, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= claim.start and claim.end <= e for s, e in ranges)


def seed_calibration(nlp) -> None:
    """Share of the seed claims judged right, per score bucket and per checkworthy value."""
    judged: dict[tuple[str, int, int], bool] = {}
    with open(JUDGEMENTS, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            judged[(row["seed"], row["start"], row["end"])] = row["claim"]
    found: list[tuple[Claim, bool]] = []
    unjudged = 0
    for path in sorted(SEEDS.glob("*.txt")):
        for claim in nlp(path.read_text(encoding="utf-8"))._.claims:
            key = (path.name[:3], claim.start, claim.end)
            if key in judged:
                found.append((claim, judged[key]))
            else:
                unjudged += 1
    right = sum(ok for _, ok in found)
    share = right / max(len(found), 1)
    print(f"seed calibration: {len(found)} claims judged, {share:.2f} right; {unjudged} unjudged")
    for lo, hi in zip(BUCKETS, BUCKETS[1:], strict=False):
        bucket = [ok for c, ok in found if lo <= c.score < hi]
        if bucket:
            share = sum(bucket) / len(bucket)
            print(f"  score [{lo:.1f},{min(hi, 1.0):.1f}): {share:.2f} right of {len(bucket)}")
    for value in ("high", "low"):
        group = [ok for c, ok in found if c.checkworthy == value]
        if group:
            print(f"  checkworthy {value}: {sum(group) / len(group):.2f} right of {len(group)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (median reported)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: no such corpus directory (pass the path of a brat corpus)", file=sys.stderr)
        return 1

    golds = list(read_brat_corpus(args.corpus))
    texts = [g.text for g in golds]
    words = sum(len(t.split()) for t in texts)
    nlp = build_pipeline()
    component = nlp.get_pipe("curation_claims")
    with nlp.select_pipes(disable=["curation_claims"]):
        start = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=16))
        pipeline_seconds = time.perf_counter() - start
    component_seconds = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for doc in docs:
            component(doc)
        component_seconds.append(time.perf_counter() - start)
    claim_seconds = statistics.median(component_seconds)

    claims: list[Claim] = []
    in_quote = agree = 0
    for gold, doc in zip(golds, docs, strict=True):
        gold_quotes = [(s.start, s.end) for s in gold.spans if s.label == "QUOTE"]
        for claim in doc._.claims:
            claims.append(claim)
            if claim.rule.startswith("quote:"):
                in_quote += 1
                agree += inside(claim, gold_quotes)
    n = len(claims) or 1
    high = sum(c.checkworthy == "high" for c in claims) / n
    with_speaker = sum(c.speaker is not None for c in claims) / n
    print(f"corpus: {args.corpus} ({len(golds)} documents, {words} words)")
    print(f"claims: {len(claims)}  ({1000 * len(claims) / words:.1f} per 1,000 words)")
    print(f"  checkworthy high: {high:.2f}")
    print(f"  inside a predicted quote: {in_quote / n:.2f}; with a speaker: {with_speaker:.2f}")
    print(f"  of those inside a predicted quote, inside a gold quote too: {agree / max(in_quote, 1):.2f}")
    print(f"  median length (chars): {statistics.median(len(c.text) for c in claims) if claims else 0}")
    rules = Counter(c.rule for c in claims)
    print("  rules: " + ", ".join(f"{rule} {count}" for rule, count in rules.most_common()))
    buckets = zip(BUCKETS, BUCKETS[1:], strict=False)
    print(
        "  score buckets: "
        + ", ".join(
            f"[{lo:.1f},{min(hi, 1.0):.1f}) {sum(lo <= c.score < hi for c in claims)}" for lo, hi in buckets
        )
    )
    print(f"speed: pipeline without claims {words / pipeline_seconds:,.0f} words/s (baseline, one pass)")
    print(f"  claim component alone: {words / claim_seconds:,.0f} words/s (median of {args.rounds})")
    print(f"  claims add {claim_seconds / pipeline_seconds:.1%} to the pipeline's time")
    seed_calibration(nlp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
