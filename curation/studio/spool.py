"""The tasks push encoded while checking them, kept until they are sent (in memory, then on disk).

Push's check builds each record's prediction from its parsed record; building the task again from the
record read back before sending (parse, prediction, JSON) cost the client about twice the check's own
time, on a machine where the client's CPU is taken from the server's import. So the check encodes the
task it passed, once, into this spool, and the send reads those bytes back: what is sent is exactly what
was checked. Memory stays flat: past SPOOL_MEMORY bytes the spool is a temporary file (deleted when
closed), about 45 KB per real article.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from typing import IO

SPOOL_MEMORY = 64 * 1024 * 1024


@contextlib.contextmanager
def spool() -> Iterator[Spool]:
    """A spool for one push, gone when the block ends."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, prefix="curation-push-") as fh:
        yield Spool(fh)


class Spool:
    """Append-only encoded tasks; `add` says where one is, `read` gives it back."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.size = 0

    def add(self, body: bytes) -> tuple[int, int]:
        """Keep `body`; returns its (offset, length)."""
        self.file.seek(self.size)
        self.file.write(body)
        at = (self.size, len(body))
        self.size += len(body)
        return at

    def read(self, at: tuple[int, int]) -> bytes:
        self.file.seek(at[0])
        return self.file.read(at[1])
