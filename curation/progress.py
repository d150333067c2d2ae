"""How a long library operation tells its caller how far it is: one shape for every command.

The library never draws anything: annotate, ingest, export, push, pull, evaluate, agreement, quotes
and train take a `progress: Progress` and call `stage(...)` when a stretch of work begins and
`advance(n)` when n more units of it are done. The CLI passes a rich progress bar (curation.cli.app,
off with --quiet); tests and scripts pass nothing (NO_PROGRESS) or an object of their own.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, description: str, total: int | None = None) -> None:
        """A stretch of work begins: `description` names it, `total` is its units (None: not known)."""

    def advance(self, n: int = 1) -> None:
        """`n` more units of the current stage are done."""


class _NoProgress:
    """Progress nobody watches."""

    def stage(self, description: str, total: int | None = None) -> None:
        return None

    def advance(self, n: int = 1) -> None:
        return None


NO_PROGRESS: Progress = _NoProgress()
