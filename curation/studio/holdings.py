"""What a project held when this machine last read it, kept in the state dir so a re-push need not list it.

Listing a project costs the server milliseconds per task even without texts: its task list loads every
listed task's predictions with their results (12.6 s per 1,000 real tasks under load). A push that has the
whole picture (every task's key and id, from a full listing or from its own imports) keeps it here with two
counters the server gives in one cheap request (tasks.project_counts): how many tasks the project has and
when its newest task was created. The next push trusts the kept picture only while both still agree:
a task deleted lowers the count, and a task added (by anyone, from any machine, whatever id it is given)
is newer than the newest kept. When they disagree the project is listed in full again and kept anew.

Which model versions each task has is never kept: push asks the server for the tasks lacking each version
every time (tasks.tasks_lacking), so a prediction someone deleted is always sent again. Not noticed: an
edit of a kept task's key fields through the API (neither push nor the editor ever changes them).

One JSON file per (server, project, key) in HOME/push-projects/, written whole (temp file + rename), mode
0600; without a state dir nothing is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from curation.studio.tasks import Counts

HOLDINGS_DIR = "push-projects"


@dataclass(frozen=True)
class Holdings:
    """The project's tasks by key (task id, text hash), and the server's counters when they were read."""

    tasks: int  # every task of the project then, ours or not
    newest: str  # the newest task's created_at then, as the server wrote it ("" for an empty project)
    known: dict[str, tuple[int, str]]

    def agrees(self, counts: Counts) -> bool:
        """Whether the project still holds exactly these tasks, as far as its counters can tell."""
        return (self.tasks, self.newest) == (counts.tasks, counts.newest)


def _path(home: Path, url: str, project_id: int, key: str) -> Path:
    name = hashlib.sha256(f"{url.rstrip('/')}\0{project_id}\0{key}".encode()).hexdigest()[:32]
    return home / HOLDINGS_DIR / f"{name}.json"


def load(home: Path | None, url: str, project_id: int, key: str) -> Holdings | None:
    """The kept picture of this project, or None (none kept, or a file this version cannot read)."""
    if home is None:
        return None
    try:
        raw = json.loads(_path(home, url, project_id, key).read_text(encoding="utf-8"))
        known = {str(k): (int(v[0]), str(v[1])) for k, v in raw["known"].items()}
        return Holdings(int(raw["tasks"]), str(raw["newest"]), known)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # nothing kept, or unreadable: the project is listed, as without a state dir


def save(home: Path | None, url: str, project_id: int, key: str, holdings: Holdings) -> None:
    if home is None:
        return
    path = _path(home, url, project_id, key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = {
        "tasks": holdings.tasks,
        "newest": holdings.newest,
        "known": {k: list(v) for k, v in holdings.known.items()},
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".holdings-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def forget(home: Path | None, url: str, project_id: int, key: str) -> None:
    """Drop the kept picture (the project changed in a way this push did not follow)."""
    if home is not None:
        with contextlib.suppress(FileNotFoundError):
            _path(home, url, project_id, key).unlink()
