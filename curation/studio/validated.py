"""What push already validated, kept in the state dir so that a record is validated once.

Validating a record (pydantic, then Label Studio's own LabelInterface check of its prediction against
the project's labeling config) cost 5.5 s per 1,000 real records and ran again on every re-push. A
record is known by the hash of its line and of the labeling config: the line holds the document id,
its text (so its text hash) and the model version with every predicted span, so the same key means
the same verdict. What push needs of a known record (id, text hash, model version, doubt) is kept
with it, so a re-push reads nothing but lines and hashes them.

One SQLite file (HOME/push-validated.sqlite, mode 0600): several pushes at once are safe, and memory
stays flat however many records it knows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CACHE_FILE = "push-validated.sqlite"


@dataclass(frozen=True, slots=True)
class Known:
    """What push needs of a validated record."""

    doc_id: str
    text_hash: str
    model_version: str
    doubt: float


def record_key(config_hash: str, raw_line: bytes) -> str:
    return hashlib.sha256(config_hash.encode() + b"\n" + raw_line.strip()).hexdigest()


def config_hash(config: str) -> str:
    return hashlib.sha256(config.encode("utf-8")).hexdigest()[:16]


class Validated:
    """key -> Known for the records already validated (an in-memory table without a state dir)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS validated (key TEXT PRIMARY KEY, doc_id TEXT NOT NULL, "
            "text_hash TEXT NOT NULL, model_version TEXT NOT NULL, doubt REAL NOT NULL)"
        )

    def get(self, key: str) -> Known | None:
        row = self.db.execute(
            "SELECT doc_id, text_hash, model_version, doubt FROM validated WHERE key = ?", (key,)
        ).fetchone()
        return Known(*row) if row else None

    def add(self, key: str, known: Known) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO validated VALUES (?, ?, ?, ?, ?)",
            (key, known.doc_id, known.text_hash, known.model_version, known.doubt),
        )


@contextlib.contextmanager
def validated(home: Path | None) -> Iterator[Validated]:
    """The cache in `home` (None: one that lives for this push only); what was added is kept even if
    the push then fails (those records were valid)."""
    if home is None:
        db = sqlite3.connect(":memory:")
    else:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = home / CACHE_FILE
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        db = sqlite3.connect(path, timeout=60)
    try:
        with db:  # one transaction: committed at the end
            yield Validated(db)
    finally:
        db.close()
