"""Pull human corrections from a Label Studio project back into validated gold records.

One record per (document, annotator): each annotator's latest submitted annotation of each task. An
annotator who only skipped a task gets a record marked `cancelled` (not reviewed, no spans), so
adjudication can say who skipped; export never takes it as gold. Every region is checked against the
task text and the text against the hash pushed with it (curation.studio.convert). The records merge
into the local gold store (curation.gold.store): a pull adds and updates, and names what left it.
An annotation that breaks the schema is left out and reported with each of its problems (task, document,
annotator, annotation id); the rest is written, and the caller exits non-zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from curation.errors import CurationError
from curation.gold.store import MergeReport, merging
from curation.layers import layer_title, split_title
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, Provenance
from curation.schema import ALL_LAYER, LabelSchema, get_schema
from curation.studio.connection import Connection, check, client, get_json, server_errors
from curation.studio.convert import DOC_ID, AnnotationProblems, document_from_task
from curation.studio.project import ProjectInfo, ProjectReport, find_project
from curation.studio.tasks import iter_tasks, task_ids


@dataclass(frozen=True)
class LeftOut:
    """An annotation not written because it breaks the schema, with every reason."""

    task_id: Any
    document: str
    annotator: str
    annotation_id: Any
    problems: list[str]

    def describe(self) -> str:
        return (
            f"task {self.task_id} (document {self.document}) by {self.annotator}, "
            f"annotation {self.annotation_id}"
        )


@dataclass
class PullReport(ProjectReport):
    tasks: int = 0
    records: int = 0
    documents: int = 0
    cancelled: list[str] = field(default_factory=list)  # "task 12 by a@b.c" for each skipped annotation
    unchanged: int = 0  # annotations not newer than --since
    store: MergeReport = field(default_factory=MergeReport)  # what the merge did to the output file
    layers: list[str] = field(default_factory=list)  # the layer projects read ("all": one project)
    left_out: list[LeftOut] = field(default_factory=list)  # annotations that break the schema
    defaults: Counter[str] = field(default_factory=Counter)  # "CLAIM.checkworthy" -> values from defaults


def pull(
    conn: Connection,
    project: str,
    out: Path,
    since: datetime | None = None,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
    review_of: str | None = None,
) -> PullReport:
    """Merge the gold records of `project` into the store `out` (atomically: nothing half-written).

    `project` is a project title, or the name its layers were pushed under ("seeds" for "seeds ·
    attribution" and "seeds · claims"): then each layer project is pulled into the store, every record
    marked with its layer (provenance.layer); curation.layers.merge_layers puts one annotator's layers
    of a document back together when the store is read. `review_of` marks every record as a reviewer's
    record settling that project's conflicts.
    """
    schema = schema or get_schema()
    check(conn)
    sources = layer_projects(conn, project, schema)
    report = PullReport(project, sources[0][1].id, conn.url, layers=[layer for layer, _ in sources])
    users = annotators(conn)
    documents: set[str] = set()
    for layer, info in sources:
        versions = PredictionVersions(conn, info.id)
        with merging(out, info.title, report.store) as store:
            for task in annotated_tasks(conn, info):
                report.tasks += 1
                for doc in task_records(task, info, users, versions, schema, report, since, store.see):
                    doc.provenance.review_of = review_of
                    if layer != ALL_LAYER:
                        doc.provenance.layer = layer
                    store.write(doc)
                    report.records += 1
                    documents.add(doc.id)
                    for span in doc.spans:
                        for attr in span.defaults or []:
                            report.defaults[f"{span.label}.{attr}"] += 1
                progress.advance()
    report.documents = len(documents)
    return report


def layer_projects(conn: Connection, project: str, schema: LabelSchema) -> list[tuple[str, ProjectInfo]]:
    """The projects to pull: the one titled `project`, else those of its layers ("<project> · <layer>")."""
    exact = find_project(conn, project)
    if exact is not None:
        return [(split_title(project, schema)[1], exact)]
    found = []
    for layer in schema.layer_names:
        info = find_project(conn, layer_title(project, layer))
        if info is not None:
            found.append((layer, info))
    if not found:
        titles = ", ".join(repr(layer_title(project, layer)) for layer in schema.layer_names)
        raise CurationError(
            f"{conn.url}: no project titled {project!r} nor any of its layers ({titles}); "
            "push documents to it first or check the name"
        )
    return found


def annotated_tasks(conn: Connection, info: ProjectInfo) -> Iterator[dict[str, Any]]:
    """Every task of the project with at least one annotation, submitted or skipped, a chunk at a time."""
    return iter_tasks(conn, info.id, task_ids(conn, info.id, annotated_only=True))


class PredictionVersions:
    """prediction id -> model_version, fetched once for the project when first needed.

    The export lists a task's predictions by id only (and its nested `prediction` is not the one the
    annotator started from), so the version comes from the annotation's parent_prediction id.
    """

    def __init__(self, conn: Connection, project_id: int) -> None:
        self.conn, self.project_id = conn, project_id
        self._versions: dict[int, str] | None = None

    def __call__(self, prediction_id: Any) -> str | None:
        if prediction_id is None:
            return None  # annotated from scratch: no model to credit
        if self._versions is None:
            with server_errors(self.conn, f"listing the predictions of project {self.project_id}"):
                found = get_json(self.conn, "api/predictions/", {"project": self.project_id})
            self._versions = {int(p["id"]): str(p.get("model_version") or "") for p in found}
        return self._versions.get(int(prediction_id)) or None


def annotators(conn: Connection) -> dict[int, str]:
    """User id -> email (the name recorded as provenance.annotator)."""
    with server_errors(conn, "listing users"):
        return {int(u.id): (u.email or u.username or str(u.id)) for u in client(conn).users.list()}


def task_records(
    task: dict[str, Any],
    info: ProjectInfo,
    users: dict[int, str],
    versions: Callable[[Any], str | None],
    schema: LabelSchema,
    report: PullReport,
    since: datetime | None = None,
    see: Callable[[str, str, Any], None] | None = None,
) -> Iterator[Document]:
    """One gold record per annotator of this task: their latest submitted annotation (or, when they
    only skipped it, a `cancelled` record). `see(document, annotator, annotation id)` is told of every
    one of them, also those --since leaves out, so the store knows what the server still has.

    An annotation that breaks the schema is recorded in report.left_out and yields nothing."""
    latest = latest_annotations(task, users, report.cancelled)
    latest = dict(sorted((only_skipped(task, users, latest) | latest).items()))
    doc_id = str((task.get("data") or {}).get(DOC_ID) or f"task-{task.get('id')}")
    for who, ann in latest.items():
        if see is not None:
            see(doc_id, who, ann.get("id"))
        if since is not None and annotation_time(ann.get("updated_at")) <= since:
            report.unchanged += 1
            continue
        cancelled = bool(ann.get("was_cancelled"))
        provenance = Provenance(
            reviewed=not cancelled,
            annotator=who,
            annotation_id=ann.get("id"),
            created_at=iso_time(ann.get("created_at")),
            updated_at=iso_time(ann.get("updated_at")),
            lead_time=ann.get("lead_time"),
            started_from_model_version=versions(ann.get("parent_prediction")),
            task_id=task.get("id"),
            project=info.title,
            cancelled=True if cancelled else None,  # skipped: what they had drawn is not their answer
        )
        result = [] if cancelled else ann.get("result") or []
        try:
            yield document_from_task(task, result, schema, provenance)
        except AnnotationProblems as exc:
            report.left_out.append(LeftOut(task.get("id"), doc_id, who, ann.get("id"), exc.problems))


def only_skipped(
    task: dict[str, Any], users: dict[int, str], submitted: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The latest skip of each annotator who submitted nothing on the task, by annotator name."""
    skips: dict[str, dict[str, Any]] = {}
    for ann in task.get("annotations") or []:
        who = users.get(ann.get("completed_by") or -1, str(ann.get("completed_by")))
        if not ann.get("was_cancelled") or who in submitted:
            continue
        if who not in skips or annotation_time(ann.get("updated_at")) > annotation_time(
            skips[who].get("updated_at")
        ):
            skips[who] = ann
    return skips


def latest_annotations(
    task: dict[str, Any], users: dict[int, str], cancelled: list[str]
) -> dict[str, dict[str, Any]]:
    """Each annotator's latest submitted annotation of the task, by annotator name (sorted).

    A skipped (cancelled) annotation is never gold: it is described in `cancelled` instead.
    """
    latest: dict[Any, dict[str, Any]] = {}
    for ann in task.get("annotations") or []:
        if ann.get("was_cancelled"):
            who = users.get(ann.get("completed_by") or -1, str(ann.get("completed_by")))
            cancelled.append(f"task {task.get('id')} ({(task.get('data') or {}).get(DOC_ID)}) by {who}")
            continue
        key = ann.get("completed_by")
        if key not in latest or annotation_time(ann.get("updated_at")) > annotation_time(
            latest[key].get("updated_at")
        ):
            latest[key] = ann
    named = {users.get(key or -1, str(key)): ann for key, ann in latest.items()}
    return dict(sorted(named.items()))


def annotation_time(value: Any) -> datetime:
    """An aware datetime (naive ones are UTC) so times from the server and --since compare."""
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def iso_time(value: Any) -> str | None:
    if value is None:
        return None
    return annotation_time(value).isoformat()
