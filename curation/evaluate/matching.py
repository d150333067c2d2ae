"""What counts as one annotation, and which prediction answers which gold annotation.

Definitions (shared by `curation evaluate` and the benchmark scripts, so their figures agree):
- A *unit* is what is counted once: one span, or all the spans of a label that share the extra field
  `group` in one document (the segments of a quote split by its attribution, as the brat reader and
  the pre-annotator write them). A split gold quote is therefore one gold quote; a prediction that
  finds either segment can match it.
- *Overlap* of a prediction with a gold unit = characters they share / characters of the gold unit.
  A prediction matches when overlap >= threshold (default 0.3) and they share at least one character.
- *Exact*: the prediction covers exactly the gold unit's characters.
- Matching is one to one: each gold unit answers at most one prediction and the reverse. Among the
  valid pairs, the assignment with the most matches is chosen (then the largest total overlap), by
  scipy's linear_sum_assignment; two predictions on one gold unit count once, the other is spurious.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from curation.records import Document, Span

Segments = tuple[tuple[int, int], ...]


def merge_segments(segments: Sequence[tuple[int, int]]) -> Segments:
    """Sorted, non-overlapping segments covering the same characters (touching ones joined)."""
    merged: list[list[int]] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def length(segments: Segments) -> int:
    return sum(e - s for s, e in segments)


def shared(a: Segments, b: Segments) -> int:
    """Number of characters two merged segment lists have in common."""
    total = i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


@dataclass(frozen=True)
class Unit:
    """One countable annotation: a span, or the segments of one group. attrs come from its first span."""

    label: str
    segments: Segments
    span_ids: tuple[str, ...]
    text: str
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]

    def __len__(self) -> int:
        return length(self.segments)


def units(doc: Document, label: str) -> list[Unit]:
    """The units of `label` in `doc`, in text order (spans sharing a group merged into one)."""
    grouped: dict[str, list[Span]] = {}
    for span in doc.spans:
        if span.label == label:
            grouped.setdefault(span.group or f"\0{span.id}", []).append(span)
    result = []
    for spans in grouped.values():
        spans.sort(key=lambda s: (s.start, s.end))
        result.append(
            Unit(
                label=label,
                segments=merge_segments([(s.start, s.end) for s in spans]),
                span_ids=tuple(s.id for s in spans),
                text=" … ".join(s.text for s in spans),
                attrs=dict(spans[0].attrs),
            )
        )
    result.sort(key=lambda u: (u.start, u.end))
    return result


def overlap_ratio(gold: Unit, pred: Unit) -> float:
    """Share of the gold unit's characters the prediction covers."""
    return shared(gold.segments, pred.segments) / len(gold) if len(gold) else 0.0


def match_exact(gold: Sequence[Unit], pred: Sequence[Unit]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs covering exactly the same characters."""
    free: dict[Segments, list[int]] = {}
    for j, p in enumerate(pred):
        free.setdefault(p.segments, []).append(j)
    pairs = []
    for i, g in enumerate(gold):
        candidates = free.get(g.segments)
        if candidates:
            pairs.append((i, candidates.pop(0)))
    return pairs


def match_overlap(
    gold: Sequence[Unit], pred: Sequence[Unit], threshold: float = 0.3
) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs with overlap >= threshold: most pairs, then most overlap."""
    if not gold or not pred:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    ratios = np.zeros((len(gold), len(pred)))
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if p.end > g.start and p.start < g.end and shared(g.segments, p.segments) > 0:
                ratios[i, j] = overlap_ratio(g, p)
    valid = (ratios >= threshold) & (ratios > 0)
    if not valid.any():
        return []
    # A pair is worth more than any sum of overlaps, so the count of matches comes first.
    weights = np.where(valid, len(gold) + 1 + ratios, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if valid[i, j])
