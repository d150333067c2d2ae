"""Disjoint sets (union-find): the one implementation behind every "connected components" grouping.

Used for near-duplicate documents (curation.export.grouping), the same quote across documents
(curation.quotes) and split-quote segments linked in Label Studio (curation.studio.convert). A set's
representative is its smallest key, so the groups never depend on the order the unions came in.
`components` is the same for rows numbered 0..n-1 linked by arrays of pairs, in numpy: near-duplicate
grouping links tens of thousands of pairs (56,606 candidate pairs over 2,000 PolNeAR-length records
whose stories repeat), and a union per pair in Python took 60 of the grouping's 94 ms, alone in the
main process while an export's workers wait.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any, Generic, Protocol, TypeVar

import numpy as np


class _Ordered(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Ordered)


class UnionFind(Generic[K]):
    """Disjoint sets over hashable, ordered keys (path halving; the smallest key represents a set)."""

    def __init__(self, keys: Iterable[K] = ()) -> None:
        self.parent: dict[K, K] = {key: key for key in keys}

    def add(self, key: K) -> None:
        self.parent.setdefault(key, key)

    def find(self, key: K) -> K:
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: K, b: K) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = (ra, rb) if ra < rb else (rb, ra)
            self.parent[high] = low

    def groups(self) -> dict[K, K]:
        """key -> the smallest key of its set, for every key added."""
        return {key: self.find(key) for key in self.parent}

    def sets(self) -> list[list[K]]:
        """The sets, each in the order its keys were added; sets in the order of their first key."""
        members: dict[K, list[K]] = defaultdict(list)
        for key in self.parent:
            members[self.find(key)].append(key)
        return list(members.values())


def components(rows: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Each row's connected component as its smallest row, rows linked by the pairs (first[k], second[k]).

    Hook and jump: every pair hooks the larger of its two rows' labels under the smaller, then labels
    jump to their label's label until none moves; again until the pairs change nothing. A label is
    always a row of the same component and never grows, and the smallest row keeps its own: so at the
    end every row of a component holds that component's smallest row."""
    label = np.arange(rows)
    while True:
        low = np.minimum(label[first], label[second])
        hooked = label.copy()
        np.minimum.at(hooked, label[first], low)
        np.minimum.at(hooked, label[second], low)
        while not np.array_equal(jumped := hooked[hooked], hooked):
            hooked = jumped
        if np.array_equal(hooked, label):
            return label
        label = hooked
