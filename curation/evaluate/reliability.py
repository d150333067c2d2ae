"""Chance-corrected agreement of annotators over tokens: Cohen's kappa and Krippendorff's alpha.

A token (of a blank English spaCy tokenizer) is in or out of a label's spans for each annotator; kappa
compares two annotators' token values, alpha (nominal, the `krippendorff` package) all of them at once,
with missing values where an annotator did not do a document. curation.evaluate.agreement uses both.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any

from curation.records import Span


def cohen_kappa(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Cohen's kappa of two raters' binary decisions (None when chance agreement is total)."""
    n = n11 + n10 + n01 + n00
    if not n:
        return None
    observed = (n11 + n00) / n
    yes_a, yes_b = (n11 + n10) / n, (n11 + n01) / n
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def nominal_alpha(columns: list[list[float]]) -> float | None:
    """Krippendorff's alpha (nominal) of coder x unit values; NaN is missing. None when undefined."""
    import krippendorff
    import numpy as np

    if not columns:
        return None
    data = np.array(columns, dtype=float).T  # coders x units
    values = data[~np.isnan(data)]
    if len(np.unique(values)) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


class TokenGrid:
    """Token boundaries of one text, and which tokens a set of spans covers."""

    def __init__(self, text: str, tokenizer: Callable[[str], Any]) -> None:
        self.bounds = [(t.idx, t.idx + len(t)) for t in tokenizer(text) if not t.is_space]

    def covered(self, spans: Iterable[Span]) -> list[bool]:
        ranges = [(s.start, s.end) for s in spans]
        return [any(ts < e and s < te for s, e in ranges) for ts, te in self.bounds]


def alpha_columns(
    token_rows: list[tuple[str, dict[str, list[bool]], int]], annotators: list[str], labels: list[str]
) -> dict[str, list[list[float]]]:
    """Per label (and "*" for all labels), one column of coder values per token; NaN where missing."""
    coder = {who: i for i, who in enumerate(annotators)}
    columns: dict[str, list[list[float]]] = {label: [] for label in [*labels, "*"]}
    combos: dict[tuple[str, ...], int] = {}
    for _doc_no, rows in itertools.groupby(token_rows, key=lambda r: r[2]):
        rows_list = list(rows)
        n_tokens = len(next(iter(rows_list[0][1].values()))) if labels else 0
        for t in range(n_tokens):
            per_label = {label: [math.nan] * len(annotators) for label in labels}
            combined = [math.nan] * len(annotators)
            for who, covered, _ in rows_list:
                present = tuple(label for label in labels if covered[label][t])
                for label in labels:
                    per_label[label][coder[who]] = float(covered[label][t])
                combined[coder[who]] = float(combos.setdefault(present, len(combos)))
            for label in labels:
                columns[label].append(per_label[label])
            columns["*"].append(combined)
    return columns
