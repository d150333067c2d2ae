"""Reading a project's tasks in bulk: ids from the task list, full tasks from the export in chunks.

Label Studio's task list with full fields costs the server several milliseconds per task (over two
minutes for 5,000 annotated tasks on this machine); asking only for ids and then exporting chunks of
ids is about ten times faster, and a chunk at a time keeps memory flat as the project grows.

Label Studio keeps a copy of every export it serves in its data dir (`export/`, two files per
request, never removed: 22 MB per no-op push of 2,189 documents). So only pull exports (it needs the
annotations), and when the server is the managed one its copy is deleted as soon as it is read. Push
needs only each task's data: the task list with `data` gives it without writing anything.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from curation.studio.connection import Connection, client, server_errors
from curation.studio.server import EXPORT_SUBDIR

CHUNK = 500
# tasks.list ignores only_annotated on this server; this Data Manager filter does the job. A skipped task
# counts in cancelled_annotations, not total_annotations: both are asked for, so a task skipped by its only
# annotator is found (and reported) too.
ANNOTATED = json.dumps(
    {
        "filters": {
            "conjunction": "or",
            "items": [
                {"filter": f"filter:tasks:{count}", "operator": "greater", "type": "Number", "value": 0}
                for count in ("total_annotations", "cancelled_annotations")
            ],
        }
    }
)


def task_ids(conn: Connection, project_id: int, annotated_only: bool = False) -> list[int]:
    """Ids of the project's tasks (only those with an annotation, submitted or skipped, when asked)."""
    with server_errors(conn, f"listing the tasks of project {project_id}"):
        pager: Any = client(conn).tasks.list(
            project=project_id,
            fields="task_only",
            include="id",
            page_size=5000,
            query=ANNOTATED if annotated_only else None,
        )
        return sorted(int(task.id) for task in pager)


def iter_tasks(
    conn: Connection, project_id: int, ids: list[int], chunk: int = CHUNK
) -> Iterator[dict[str, Any]]:
    """Full tasks (data, predictions, annotations) for these ids, exported a chunk at a time."""
    for i in range(0, len(ids), chunk):
        part = ids[i : i + chunk]
        # The server reads `ids[]`; the SDK's own `ids` argument is sent as `ids` and ignored.
        options: Any = {"additional_query_parameters": {"ids[]": [str(x) for x in part]}}
        with (
            server_errors(conn, f"exporting {len(part)} tasks of project {project_id}"),
            client(conn).projects.exports.with_raw_response.download_sync(
                project_id, export_type="JSON", download_all_tasks=True, request_options=options
            ) as response,
        ):
            body = b"".join(response.data)
            remove_export_copy(conn, response.headers.get("filename"))
        wanted = set(part)
        yield from (task for task in json.loads(body) if task.get("id") in wanted)


class ListedTask(NamedTuple):
    id: int
    data: dict[str, Any]
    annotations: int  # submitted and skipped annotations


def listed_task_data(conn: Connection, project_id: int) -> Iterator[ListedTask]:
    """Id, data and annotation count of every task of the project, from the task list: no export is
    written on the server."""
    with server_errors(conn, f"listing the tasks of project {project_id}"):
        pager: Any = client(conn).tasks.list(
            project=project_id,
            fields="task_only",
            include="id,data,total_annotations,cancelled_annotations",
            page_size=1000,
        )
        for task in pager:
            done = int(task.total_annotations or 0) + int(task.cancelled_annotations or 0)
            yield ListedTask(int(task.id), dict(task.data or {}), done)


def remove_export_copy(conn: Connection, filename: str | None) -> None:
    """Delete the copy the managed server keeps of an export just read (name.json and name-info.json).

    Only the file named by the response is touched, and only inside the server's own export dir.
    """
    if conn.data_dir is None or not filename:
        return
    export_dir = Path(conn.data_dir) / EXPORT_SUBDIR
    stem = Path(Path(filename).name).stem
    for name in (f"{stem}.json", f"{stem}-info.json"):
        with contextlib.suppress(FileNotFoundError):
            (export_dir / name).unlink()
