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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from curation.studio.connection import Connection, client, get_json, server_errors
from curation.studio.convert import DOC_ID, KEY_FIELDS
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
    query = json.loads(ANNOTATED) if annotated_only else {}
    return sorted(int(task["id"]) for task in _pages(conn, project_id, "id", query))


def iter_tasks(
    conn: Connection, project_id: int, ids: list[int], chunk: int = CHUNK
) -> Iterator[dict[str, Any]]:
    """Full tasks (data, predictions, annotations) for these ids, exported a chunk at a time; the next
    chunk is exported while the caller works through this one (two chunks in memory at most)."""
    parts = [ids[i : i + chunk] for i in range(0, len(ids), chunk)]
    if not parts:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="curation-export") as pool:
        pending = pool.submit(_exported, conn, project_id, parts[0])
        for following in [*parts[1:], None]:
            tasks = pending.result()
            if following is not None:
                pending = pool.submit(_exported, conn, project_id, following)
            yield from tasks


def _exported(conn: Connection, project_id: int, part: list[int]) -> list[dict[str, Any]]:
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
    return [task for task in json.loads(body) if task.get("id") in wanted]


class TaskKey(NamedTuple):
    """What push knows a task by, read without its text."""

    id: int
    fields: dict[str, Any]  # its key fields (convert.KEY_FIELDS): the document id, the text hash, ...
    model_versions: frozenset[str]  # the model versions it has predictions of
    extra_predictions: tuple[int, ...]  # ids of predictions of a version it already has (duplicates)
    annotations: int  # submitted and skipped annotations
    created: str = ""  # when the server created it (created_at as the task list writes it)


def keeper_order(task: TaskKey) -> tuple[bool, int]:
    """Sort key putting first the task to keep among several of one document: an annotated one, then
    the oldest. Duplicate removal and push's choice of task to add predictions to share it, so a push
    never aims a prediction at the copy that another push is about to delete."""
    return (task.annotations == 0, task.id)


PAGE = 1000
VERSIONS_LIMIT = 500  # the task list cuts its predictions_model_versions column to this many characters
# The task list computes the predictions_model_versions column only for the Data Manager's shown columns:
# every other computed column is hidden (each costs the server a join), and the listing keeps its default
# order by id, so pages stay stable. A column this list does not know is computed too: slower, not wrong.
HIDDEN = [
    f"tasks:{name}"
    for name in (
        "completed_at", "annotators", "annotations_results", "annotations_ids", "predictions_score",
        "predictions_results", "file_upload", "storage_filename", "avg_lead_time", "draft_exists",
        "updated_by", "state", "reviewers", "reviews_accepted", "reviews_rejected", "comments",
        "unresolved_comment_count", "ground_truth", "agreement",
    )
]  # fmt: skip
# The Data Manager query part every listing sends: the hidden columns, in both of its views.
HIDDEN_COLUMNS = {"hiddenColumns": {"explore": HIDDEN, "labeling": HIDDEN}}
SUMMARY = (
    "id,meta,created_at,predictions_model_versions,total_predictions,total_annotations,cancelled_annotations"
)
PER_TASK_LOOKUPS = 50  # more tasks than this whose versions the list cannot say: list every prediction


def task_keys(conn: Connection, project_id: int, ids: list[int] | None = None) -> list[TaskKey]:
    """Every task of the project (or those of `ids`) with the key fields, model versions and duplicate
    predictions push needs, without listing texts or prediction results.

    The key fields come from the task's meta (push writes them there, convert.task_meta); a task pushed
    before that has them in its data only, which is then listed for those tasks alone. The model
    versions come from the task list's predictions_model_versions column, taken as exact only when it
    accounts for every prediction of the task (no version twice, no comma in a version, not cut short);
    for any other task its predictions are listed, so a duplicate is found by id.
    """
    rows = list(_listed(conn, project_id, SUMMARY, ids))
    old = [int(row["id"]) for row in rows if DOC_ID not in (row.get("meta") or {})]
    from_data = {
        int(row["id"]): row.get("data") or {} for row in _listed_by_ids(conn, project_id, "id,data", old)
    }
    unclear = [int(row["id"]) for row in rows if _listed_versions(row) is None]
    predictions = _predictions_of(conn, project_id, unclear)
    keys = []
    for row in rows:
        task_id = int(row["id"])
        source = from_data.get(task_id, row.get("meta") or {})
        fields = {key: source[key] for key in KEY_FIELDS if key in source}
        listed = _listed_versions(row)
        extra: list[int] = []
        if listed is None:
            seen: set[str] = set()
            for pred_id, version in sorted(predictions.get(task_id, [])):  # the oldest of a version stays
                if version in seen:
                    extra.append(pred_id)
                seen.add(version)
            listed = frozenset(seen)
        done = int(row.get("total_annotations") or 0) + int(row.get("cancelled_annotations") or 0)
        created = str(row.get("created_at") or "")
        keys.append(TaskKey(task_id, fields, listed, tuple(extra), done, created))
    return keys


class Counts(NamedTuple):
    """What the server counts of a project without listing its tasks."""

    tasks: int  # how many tasks it has
    newest: str  # its newest task's created_at ("" when it has none)
    versions: dict[str, int]  # predictions per model version


def project_counts(conn: Connection, project_id: int) -> Counts:
    """Two small requests: the task list ordered newest first, one task long (its total counts every
    task), and the project's model versions with their prediction counts."""
    query = {"ordering": ["-tasks:created_at"], **HIDDEN_COLUMNS}
    params = {"project": project_id, "fields": "task_only", "include": "id,created_at", "page_size": 1}
    with server_errors(conn, f"counting the tasks of project {project_id}"):
        body = get_json(conn, "api/tasks/", {**params, "page": 1, "query": json.dumps(query)})
        versions = get_json(conn, f"api/projects/{project_id}/model-versions/", {})
    tasks = body.get("tasks") or []
    newest = str(tasks[0].get("created_at") or "") if tasks else ""
    counted = {str(v): int(n) for v, n in (versions or {}).items() if int(n)}
    return Counts(int(body.get("total") or 0), newest, counted)


def ambiguous_versions(wanted: set[str], counts: Counts) -> bool:
    """Whether the server's version filter could confuse one of `wanted` with another version: it matches
    a version containing the text, ignoring case (SQLite's LIKE), so "v1" would also match "v10"."""
    return any(v != w and v.lower() in w.lower() for v in wanted for w in counts.versions)


def tasks_lacking(conn: Connection, project_id: int, version: str) -> set[int]:
    """Ids of the tasks with no prediction of `version` (exact only when not ambiguous_versions). The
    server loads only the tasks it lists: nothing, when every task has it."""
    rule = {"filter": "filter:tasks:predictions_model_versions", "operator": "not_contains", "type": "List"}
    query = {
        "filters": {"conjunction": "and", "items": [{**rule, "value": [version]}]},
        **HIDDEN_COLUMNS,
    }
    return {int(task["id"]) for task in _pages(conn, project_id, "id", query)}


def _listed_versions(row: dict[str, Any]) -> frozenset[str] | None:
    """The task's model versions from the list's column, or None when the column cannot be trusted."""
    raw = str(row.get("predictions_model_versions") or "")
    versions = frozenset(v.strip() for v in raw.split(",") if v.strip())
    count = int(row.get("total_predictions") or 0)
    if len(raw) >= VERSIONS_LIMIT - 2 or len(versions) != count:
        return None
    return versions


def _predictions_of(
    conn: Connection, project_id: int, task_ids: list[int]
) -> dict[int, list[tuple[int, str]]]:
    """(prediction id, model version) of each of these tasks: one request per task, or one listing of
    the project's predictions when there are many."""
    found: dict[int, list[tuple[int, str]]] = {}
    if not task_ids:
        return found
    wanted = set(task_ids)
    with server_errors(conn, f"listing the predictions of project {project_id}"):
        if len(task_ids) > PER_TASK_LOOKUPS:
            listed = get_json(conn, "api/predictions/", {"project": project_id})
        else:
            listed = [p for t in task_ids for p in get_json(conn, "api/predictions/", {"task": t})]
    for pred in listed:
        if int(pred["task"]) in wanted:
            found.setdefault(int(pred["task"]), []).append(
                (int(pred["id"]), str(pred.get("model_version") or ""))
            )
    return found


def _listed(
    conn: Connection, project_id: int, include: str, ids: list[int] | None = None
) -> Iterator[dict[str, Any]]:
    if ids is None:
        yield from _pages(conn, project_id, include, HIDDEN_COLUMNS)
    else:
        yield from _listed_by_ids(conn, project_id, include, ids)


def _listed_by_ids(
    conn: Connection, project_id: int, include: str, ids: list[int]
) -> Iterator[dict[str, Any]]:
    for i in range(0, len(ids), CHUNK):
        selected = {"all": False, "included": ids[i : i + CHUNK]}
        query = {**HIDDEN_COLUMNS, "selectedItems": selected}
        yield from _pages(conn, project_id, include, query)


def _pages(
    conn: Connection, project_id: int, include: str, query: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """The task list as plain JSON, page by page (the SDK's typed tasks cost more than the request)."""
    params = {"project": project_id, "fields": "task_only", "include": include, "page_size": PAGE}
    page, seen = 1, 0
    while True:
        with server_errors(conn, f"listing the tasks of project {project_id}"):
            body = get_json(conn, "api/tasks/", {**params, "page": page, "query": json.dumps(query)})
        tasks = body.get("tasks") or []
        yield from tasks
        seen += len(tasks)
        if not tasks or seen >= int(body.get("total") or 0):
            return
        page += 1


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
