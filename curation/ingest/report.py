"""What an ingest run did: counts and one message per skipped input, for the summary and for callers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class IngestReport:
    """Counts of one ingest run, filled while documents stream through `iter_documents`.

    `skipped` inputs (a bad file, a bad JSONL line) each leave one message naming the file and line
    and what to do; `duplicates` were read but not written again; `ignored` counts files in folders
    whose extension is not one ingest reads (images, PDFs): not errors, just not articles.
    """

    read: int = 0
    written: int = 0
    duplicates: int = 0
    skipped: int = 0
    ignored: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)
    duplicate_messages: list[str] = field(default_factory=list)

    def skip(self, message: str, reason: str = "other") -> None:
        """Record one input that could not be read: the message the user sees, and a short reason key."""
        self.skipped += 1
        self.skipped_by_reason[reason] += 1
        self.messages.append(message)

    def duplicate(self, message: str) -> None:
        self.duplicates += 1
        self.duplicate_messages.append(message)
