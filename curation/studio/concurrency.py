"""Two pushes at once: a lock on this machine, and a guard on the server that works for any client.

Label Studio has no way to make "create this task unless it exists" atomic, so two pushes of the same
file that both list the project before either imports would both import everything. Two layers stop it:

- `push_lock`: a file lock per (server, project) in the state dir. A second push from this machine
  (same CURATION_HOME) waits for the first and says so; it then finds everything already there.
- `remove_duplicates`: after importing, a push reads the project back and keeps one task per document
  id (the annotated one, else the lowest id) and one prediction per (task, model version) (the lowest
  id), deleting the rest. Every push does this after its own imports, so whichever finishes last
  cleans up what both added: pushes from two machines, or two users, converge to one copy.
  A duplicate task that someone already annotated is never deleted; it is reported instead.
- `settle_new_project`: after creating a project, a push lists the projects of that title; if another
  push created one first (a lower id), it deletes its own (still empty) project and uses that one.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.locks import hold, lock_path
from curation.studio.connection import Connection, client, server_errors
from curation.studio.convert import DOC_ID
from curation.studio.tasks import TaskKey, keeper_order, task_keys

DELETE_ATTEMPTS = 4  # a delete answered 5xx is asked this many times in all (the SDK retries each too)


@contextlib.contextmanager
def push_lock(
    home: Path | None, url: str, project: str, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of (url, project) in HOME/locks; wait (saying so) while another push holds it."""
    if home is None:
        yield
        return

    def waiting(holder: str) -> None:
        if on_wait:
            on_wait(
                f"another push to project {project!r} at {url} is running ({holder}); "
                "waiting for it to finish (Ctrl-C to stop waiting: nothing is sent yet)"
            )

    with hold(lock_path(Path(home), "push", url.rstrip("/"), project), waiting):
        yield


@dataclass
class Duplicates:
    """What remove_duplicates found and did."""

    tasks_removed: int = 0
    predictions_removed: int = 0
    kept: list[str] = field(default_factory=list)  # "document D: tasks 3, 9 (both annotated)"


def remove_duplicates(
    conn: Connection, project_id: int, key: str = DOC_ID, listed: list[TaskKey] | None = None
) -> Duplicates:
    """One task per key (the document id unless told) and one prediction per (task, model version);
    see the module doc. `listed` is the project's task_keys when the caller has just read them."""
    found = Duplicates()
    by_doc: dict[str, list[TaskKey]] = defaultdict(list)
    listed = task_keys(conn, project_id) if listed is None else listed
    for task in listed:
        doc_id = task.fields.get(key)
        if doc_id:
            by_doc[str(doc_id)].append(task)
    doomed: list[int] = []
    for doc_id, tasks in by_doc.items():
        if len(tasks) < 2:
            continue
        tasks.sort(key=keeper_order)
        annotated = [t.id for t in tasks[1:] if t.annotations]
        doomed += [t.id for t in tasks[1:] if not t.annotations]
        if annotated:
            ids = ", ".join(str(t) for t in [tasks[0].id, *annotated])
            found.kept.append(f"document {doc_id}: tasks {ids} are all annotated (merge them by hand)")
    if doomed:
        _delete_tasks(conn, project_id, doomed)
        found.tasks_removed = len(doomed)
    gone = set(doomed)
    extra = [pred_id for t in listed if t.id not in gone for pred_id in t.extra_predictions]
    if extra:
        # One request per prediction (the API has no bulk delete for one model version): a few at once.
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="curation-dedupe") as pool:
            list(pool.map(lambda pred_id: _delete_prediction(conn, pred_id), extra))
        found.predictions_removed = len(extra)
    return found


def _delete_tasks(conn: Connection, project_id: int, ids: list[int]) -> None:
    """Their predictions first, then the tasks: two Data Manager actions for all of them (one request
    per task costs the server almost a second each under load).

    The `delete_tasks` action first unlinks the tasks from their project and only then deletes them.
    A server error in between ("database is locked" while another push writes) leaves them outside
    every project, where no API reaches them; the SDK retries the action, finds nothing left to delete
    and answers success. Their predictions, still counted in the project, would be left behind with
    them. `delete_tasks_predictions` is one transaction on the server (all or nothing, safe to retry),
    so whatever happens to the second action, the project keeps no prediction of a task it lost.
    """
    with server_errors(conn, f"removing {len(ids)} duplicate tasks from project {project_id}"):
        for action in ("delete_tasks_predictions", "delete_tasks"):
            _again_on_5xx(functools.partial(_run_action, conn, project_id, action, ids))


def _run_action(conn: Connection, project_id: int, action: str, ids: list[int]) -> None:
    from label_studio_sdk.actions.types import PrepareParamsRequestRequestSelectedItemsIncluded

    selected: Any = PrepareParamsRequestRequestSelectedItemsIncluded(all_=False, included=ids)
    client(conn).actions.create(id=action, project=project_id, selected_items=selected)


def _delete_prediction(conn: Connection, prediction_id: int) -> None:
    with server_errors(conn, f"removing duplicate prediction {prediction_id}"):
        _again_on_5xx(lambda: client(conn).predictions.delete(prediction_id), done_if_missing=True)


def _again_on_5xx(request: Callable[[], object], done_if_missing: bool = False) -> None:
    """Send a delete, asking again (with a pause) while the server answers 5xx.

    Two pushes writing at once make SQLite answer "database is locked", which the server turns into a
    500 for the loser. Every delete here is safe to repeat; with `done_if_missing` a 404 means the
    other push deleted it first.
    """
    from label_studio_sdk.core.api_error import ApiError

    for attempt in range(DELETE_ATTEMPTS):
        try:
            request()
            return
        except ApiError as exc:
            if exc.status_code == 404 and done_if_missing:
                return
            if exc.status_code is None or exc.status_code < 500 or attempt == DELETE_ATTEMPTS - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


SETTLE_LISTINGS = 5  # a project list that does not show the project just created is asked again


def settle_new_project(conn: Connection, title: str, created_id: int) -> int | None:
    """After creating `title`: the id to use instead when another push created it first, else None.

    The project created first (lowest id) wins; ours is deleted while it is still empty. A listing that
    does not show the project we have just made is out of date, so it cannot show a rival's either: it
    is asked again (two projects of one title were left, rarely, under load, with both pushes content).
    """
    ids = _titled(conn, title)
    for attempt in range(1, SETTLE_LISTINGS):
        if created_id in ids:
            break
        time.sleep(0.2 * attempt)
        ids = _titled(conn, title)
    if not ids or ids[0] == created_id:
        return None
    with server_errors(
        conn, f"removing the second project {title!r} (id {created_id}) a concurrent push made"
    ):
        client(conn).projects.delete(created_id)
    return ids[0]


def titled_projects(conn: Connection, title: str) -> list[Any]:
    """The projects (the SDK's) with exactly this title, lowest id first: the server's title filter
    matches any title that contains it, ignoring case."""
    with server_errors(conn, f"looking up project {title!r}"):
        pager: Any = client(conn).projects.list(title=title, page_size=100)
        return sorted((p for p in pager if p.title == title), key=lambda p: int(p.id))


def _titled(conn: Connection, title: str) -> list[int]:
    return [int(p.id) for p in titled_projects(conn, title)]
