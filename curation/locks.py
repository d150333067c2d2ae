"""Named locks in the state dir (CURATION_HOME/locks): one holder at a time on this machine.

Push holds one per (server, project), export one per dataset folder. The lock files live in the state
dir, never beside the user's data, so a dataset folder holds only its versions. A waiting process is told
who holds the lock (the holder writes its pid into the file).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_DIR = "locks"


def lock_path(home: Path, kind: str, *key: str) -> Path:
    """The lock file of (kind, key...) under HOME/locks (the key hashed: it may hold URLs and paths)."""
    digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:16]
    return Path(home) / LOCK_DIR / f"{kind}-{digest}.lock"


@contextlib.contextmanager
def hold(path: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the file lock at `path`; if another process holds it, call on_wait with who it is and wait."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            if on_wait:
                on_wait(fh.read().strip() or "another process")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.truncate(0)
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.truncate(0)
