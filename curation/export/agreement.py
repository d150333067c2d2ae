"""Agreement where it is known: documents that several annotators reviewed.

Exact span match (same label, start and end), F1 between each pair of annotators, averaged over pairs
and then over documents. A coarse figure for the card; the evaluate command has the full picture.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

SpanKey = tuple[str, int, int]


def pair_f1(a: set[SpanKey], b: set[SpanKey]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def mean_pairwise_f1(documents: Iterable[Mapping[str, set[SpanKey]]]) -> tuple[float | None, int]:
    """(mean F1, documents counted) over documents with two annotators or more."""
    scores = []
    for by_annotator in documents:
        pairs = list(itertools.combinations(sorted(by_annotator), 2))
        if pairs:
            scores.append(sum(pair_f1(by_annotator[x], by_annotator[y]) for x, y in pairs) / len(pairs))
    return (sum(scores) / len(scores) if scores else None), len(scores)
