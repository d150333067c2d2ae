"""The review round: documents whose annotators disagree go to a review project, and come back as
`reviewed` records that beat every other adjudication method.

Label Studio Community has no review stage, so the round is a project of its own (PROJECT-review, after
Prodigy's `review` recipe): each task holds one document with conflicts, each annotator's version as a
prediction whose model_version is the annotator, and the majority version as the prediction the editor
pre-fills (the project's model_version). The reviewer compares them, fixes, and submits. `review_pull`
is `pull` of that project into the same gold store, each record marked `review_of` the project.

Reads the annotated project with pull's own functions and writes with push's: nothing is copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.gold.adjudicate import Decision, Policy, adjudicate, annotator
from curation.records import Document
from curation.schema import LabelSchema, get_schema
from curation.studio.connection import Connection, check
from curation.studio.convert import prediction, task_data
from curation.studio.project import ProjectInfo, ensure_project, require_project, set_model_version
from curation.studio.pull import (
    PredictionVersions,
    PullReport,
    annotated_tasks,
    annotators,
    pull,
    task_records,
)
from curation.studio.push import existing_tasks, send

MAJORITY = "majority"  # model_version of the pre-filled prediction


@dataclass
class ReviewPushReport:
    project: str  # the review project
    project_id: int
    url: str
    annotated: int = 0  # documents of the annotated project
    documents: int = 0  # ... with conflicts: in the review project
    created: int = 0
    already_there: int = 0
    predictions_added: int = 0


def review_title(project: str, review_project: str | None = None) -> str:
    return review_project or f"{project}-review"


def conflicting(
    conn: Connection, info: ProjectInfo, policy: Policy, schema: LabelSchema, report: ReviewPushReport
) -> Iterator[tuple[dict[str, Document], Decision]]:
    """(each annotator's version, the majority decision) for every document of the project whose
    annotators disagree, read task by task from the server."""
    users = annotators(conn)
    versions = PredictionVersions(conn, info.id)
    scratch = PullReport(info.title, info.id, conn.url)
    for task in annotated_tasks(conn, info):
        report.annotated += 1
        records = list(task_records(task, info, users, versions, schema, scratch))
        voters = {annotator(d): d for d in records if not d.provenance.cancelled and d.spans}
        if len(voters) < 2:
            continue
        decision = adjudicate(records, policy)
        if decision.conflicts and decision.record is not None:
            yield voters, decision


def review_push(
    conn: Connection,
    project: str,
    review_project: str | None = None,
    policy: Policy | None = None,
    schema: LabelSchema | None = None,
) -> ReviewPushReport:
    """Create (or complete) the review project for `project`. Safe to rerun: a document already
    there only gets the versions it lacks."""
    schema = schema or get_schema()
    policy = policy or Policy("majority")
    check(conn)
    source = require_project(conn, project)
    title = review_title(project, review_project)
    info, _ = ensure_project(conn, title, schema)
    report = ReviewPushReport(title, info.id, conn.url)
    found = list(conflicting(conn, source, policy, schema, report))
    report.documents = len(found)
    existing = existing_tasks(conn, info.id)
    tasks: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    for voters, decision in found:
        assert decision.record is not None
        proposals = {who: prediction(doc, schema, who) for who, doc in sorted(voters.items())}
        proposals[MAJORITY] = prediction(decision.record, schema, MAJORITY)
        known = existing.get(decision.document)
        if known is None:
            tasks.append({"data": task_data(decision.record), "predictions": list(proposals.values())})
            report.created += 1
            continue
        report.already_there += 1
        for version, proposal in proposals.items():
            if version not in known.model_versions:
                predictions.append({"task": known.task_id, **proposal})
    send(conn, info.id, tasks, predictions)
    report.predictions_added = len(predictions)
    if info.model_version != MAJORITY:
        set_model_version(conn, info, MAJORITY)  # the editor pre-fills the majority version
    return report


def review_pull(
    conn: Connection,
    project: str,
    out: Path,
    review_project: str | None = None,
    schema: LabelSchema | None = None,
) -> PullReport:
    """Merge the review project's records into the gold store `out`, each marked `review_of` project."""
    return pull(conn, review_title(project, review_project), out, schema=schema, review_of=project)
