"""Character ranges looked up by offset in logarithmic time.

The rules ask, for every token or every quote, "is this offset inside a quote?", "which quote encloses
this clause?". A scan of all ranges per question makes a component's cost grow with the square of the
document's length (a 0.9 MB live blog has thousands of quotes and 200,000 tokens); these sorted indexes
answer each question with a binary search.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Ranges:
    """Half-open ranges [start, end): membership and covered length, overlapping ranges merged."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(r for r in ranges if r[1] > r[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]

    def covered(self, start: int, end: int) -> int:
        """How many offsets of [start, end) lie inside the ranges."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        total = 0
        while i < len(self.starts) and self.starts[i] < end:
            total += max(0, min(end, self.ends[i]) - max(start, self.starts[i]))
            i += 1
        return total

    def overlaps(self, start: int, end: int) -> bool:
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        # Ranges are disjoint and sorted: only the one starting at or before `start`, and the next, can.
        nearby = range(i, min(i + 2, len(self.starts)))
        return any(self.starts[j] < end and start < self.ends[j] for j in nearby)


class Enclosing(Generic[T]):
    """Items with a [start, end) range: which of them enclose a given range.

    Sorted by start with the running maximum of ends, so "does any item enclose [s, e)?" is one
    binary search; listing the enclosing items walks back only while an end can still reach `e`.
    """

    def __init__(self, items: Sequence[T], bounds: Callable[[T], tuple[int, int]]) -> None:
        keyed = sorted(((bounds(x), k) for k, x in enumerate(items)), key=lambda p: (p[0][0], p[1]))
        self.items = items
        self.order = [k for _, k in keyed]  # position in `items` of the i-th range by start
        self.starts = [b[0] for b, _ in keyed]
        self.ends = [b[1] for b, _ in keyed]
        self.max_end: list[int] = []
        running = -1
        for end in self.ends:
            running = max(running, end)
            self.max_end.append(running)

    def any(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.max_end[i] >= end

    def all(self, start: int, end: int) -> list[T]:
        """Every item with item.start <= start and end <= item.end, in the order given."""
        found = []
        i = bisect.bisect_right(self.starts, start) - 1
        while i >= 0 and self.max_end[i] >= end:
            if self.ends[i] >= end:
                found.append(self.order[i])
            i -= 1
        return [self.items[k] for k in sorted(found)]

    def overlapping(self, start: int, end: int) -> list[T]:
        """Every item with item.start < end and start < item.end, in the order given."""
        hi = bisect.bisect_left(self.starts, end)
        found = []
        i = hi - 1
        while i >= 0 and self.max_end[i] > start:
            if self.ends[i] > start:
                found.append(self.order[i])
            i -= 1
        return [self.items[k] for k in sorted(found)]


class HasRange(Protocol):
    """Anything with a character range: attributions, mentions, claims."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def bounds(item: HasRange) -> tuple[int, int]:
    """The item's [start, end): the key of every index of attributions and mentions."""
    return item.start, item.end
