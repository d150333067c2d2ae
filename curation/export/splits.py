"""Assign documents to splits: by group, deterministically, and never moving a document already split.

A new group's split comes from hashing its smallest document id into the ratios, so the same documents
always land in the same split whatever their order in the input. Documents exported before keep their
split; a new document joins the split of the old documents it is grouped with (test first, then
validation, then train), so a story already in test pulls its new retellings into test.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from curation.errors import InputError

SPLITS: tuple[str, ...] = ("train", "validation", "test")
# When a group holds old documents from several splits, the first of these wins for its new documents.
PRECEDENCE: tuple[str, ...] = ("test", "validation", "train")


@dataclass(frozen=True)
class Ratios:
    train: float = 0.8
    validation: float = 0.1
    test: float = 0.1

    def __post_init__(self) -> None:
        values = (self.train, self.validation, self.test)
        if any(v < 0 for v in values) or abs(sum(values) - 1.0) > 1e-6:
            raise InputError(
                f"split ratios train={self.train} validation={self.validation} test={self.test} "
                "must be non-negative and add up to 1"
            )

    def pick(self, unit: float) -> str:
        """The split for a number in [0, 1)."""
        if unit < self.train:
            return "train"
        if unit < self.train + self.validation:
            return "validation"
        return "test" if self.test > 0 else ("validation" if self.validation > 0 else "train")


def unit_hash(key: str) -> float:
    """A number in [0, 1) from a string, the same on every machine."""
    digest = hashlib.sha256(f"curation-split:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_splits(
    groups: Mapping[str, str], ratios: Ratios, previous: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Split of every document.

    groups: document id -> group key (the group's smallest id).
    previous: document id -> split in the parent version (documents that may not move).
    """
    previous = previous or {}
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, group in groups.items():
        members[group].append(doc_id)
    result: dict[str, str] = {}
    for group, ids in members.items():
        old = {previous[i] for i in ids if i in previous}
        inherited = next((s for s in PRECEDENCE if s in old), None)
        new_split = inherited or ratios.pick(unit_hash(group))
        for doc_id in ids:
            result[doc_id] = previous.get(doc_id, new_split)
    return result
