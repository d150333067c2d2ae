"""Writing outputs so that a failure never leaves a half-written file, and every output gets one mode.

Every command that writes a file goes through `atomic_write` (a temporary file beside the target,
renamed over it only when the block succeeded); folders written whole (an export version) are given
the same modes with `set_output_modes` before their rename.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def output_mode(directory: bool = False) -> int:
    """The mode every output gets: what the user's umask allows (0644 / 0755 with the usual 022).

    Temporary files and folders are created private (0600 / 0700) and would keep that mode after the
    rename; each output is set to this mode instead, so every command writes alike. State holding
    secrets (studio.json, annotators.json) sets 0600 explicitly.
    """
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def set_output_modes(root: Path) -> None:
    """Give a finished output folder (and everything in it) the output modes."""
    root.chmod(output_mode(directory=True))
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(output_mode(directory=path.is_dir()))


@contextlib.contextmanager
def atomic_write(path: Path | str, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file next to `path`; rename it over `path` only if the block succeeds.

    The file gets the output mode (see output_mode) unless the block sets another one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.chmod(fd, output_mode())
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
