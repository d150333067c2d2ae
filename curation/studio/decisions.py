"""`push --mode decisions` and its pull: fast accept / reject of predictions in their own project.

Push sends one small task per decision unit (curation.studio.decision_units) to the project
"<project> · decisions", most doubtful first, idempotent by the unit's key, with push's own
validation, batching and timeout handling. Pull reads every task of that project and turns each
annotator's answers into records, per document:

- every unit decided and none wrong: a gold record (reviewed) with the accepted spans and their
  relations; rejected predictions are gone. It is gold for the decided labels only (the layer).
- a unit answered "wrong speaker" or "wrong span": the document goes to the full editor. It is
  listed, and its prediction with the decisions applied can be written for `curation push`.
- some units undecided: partly decided, listed, never written as gold.

Nothing is dropped silently: the report counts every answer and every undecided unit, per document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from curation.atomic import atomic_write
from curation.errors import CurationError, ValidationError
from curation.gold.store import MergeReport, merging
from curation.jsonl import dump_document
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, Provenance, Relation, Span, text_hash
from curation.schema import LabelSchema, get_schema
from curation.studio.concurrency import push_lock
from curation.studio.connection import Connection, check
from curation.studio.convert import DOC_ID, RECORD, task_record, task_text
from curation.studio.decision_units import (
    CHOICES,
    HTML,
    OUTCOMES,
    PREDICTED,
    UNIT,
    decision_of,
    decisions_config,
    decisions_instructions,
    head_labels,
    unit_task,
    units,
)
from curation.studio.project import ProjectReport, SentReport, ensure_project, require_project
from curation.studio.pull import annotation_time, annotators, iso_time, latest_annotations
from curation.studio.push import (
    DEFAULT_BATCH,
    Entry,
    encode_task,
    model_version_of,
    new_entries,
    read_at,
    scan,
    send_tasks,
)
from curation.studio.tasks import iter_tasks, task_ids

SUFFIX = " · decisions"
TITLE_LIMIT = 50  # Label Studio refuses longer project titles


def decisions_title(project: str) -> str:
    """The decisions project that goes with `project`."""
    return project if project.endswith(SUFFIX) else f"{project}{SUFFIX}"


@dataclass
class DecisionsPushReport(SentReport):
    units: int = 0
    labels: list[str] = field(default_factory=list)  # what a decision is about (QUOTE, ...)
    nothing_to_decide: list[str] = field(default_factory=list)  # documents with no unit


def push_decisions(
    conn: Connection,
    path: Path,
    project: str,
    batch_size: int = DEFAULT_BATCH,
    import_timeout: float | None = None,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
    labels: list[str] | None = None,
    lock_home: Path | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> DecisionsPushReport:
    """One task per decision unit of every document of `path`, into "<project> · decisions".

    `labels` narrows what is decided (default: every label that starts a relation, e.g. QUOTE and
    CLAIM); a unit already in the project (same document, same first span) is left as it is.
    `lock_home` and `on_wait` are push's lock (curation.studio.concurrency).
    """
    schema = schema or get_schema()
    heads = head_labels(schema, labels)
    if not heads:
        raise CurationError(f"none of {labels} starts a relation in the label schema: nothing to decide")
    title = _checked_title(project)
    documents = scan(path, schema)  # every record validated before anything is sent
    plan, empty = _plan(path, documents, heads, schema)
    check(conn)
    with push_lock(lock_home, conn.url, title, on_wait):  # as push: one push per project at once
        info, changed = ensure_project(
            conn, title, schema, decisions_config(schema), decisions_instructions(schema)
        )
        report = DecisionsPushReport(
            title,
            info.id,
            conn.url,
            documents=len(documents),
            units=len(plan),
            config_changed=changed,
            labels=heads,
            nothing_to_decide=empty,
        )
        _, new = new_entries(conn, path, plan, report, key=UNIT)
        progress.stage("pushing decisions", len(new))

        def task_of(entry: Entry, doc: Document) -> dict[str, Any]:
            unit = next(u for u in units(doc, heads) if u.key == entry.key)
            return unit_task(doc, unit, schema, entry.model_version)

        pairs = zip(new, read_at(path, [e.offset for e in new], schema), strict=True)
        sender = conn.with_timeout(import_timeout or conn.timeout)
        tasks = (encode_task(task_of(entry, doc)) for entry, doc in pairs)
        send_tasks(sender, report, tasks, batch_size, progress)
    return report


def _checked_title(project: str) -> str:
    title = decisions_title(project)
    if len(title) > TITLE_LIMIT:
        raise CurationError(
            f"project title {title!r} is longer than Label Studio's {TITLE_LIMIT} characters; "
            "use a shorter --project"
        )
    return title


def _plan(
    path: Path, documents: list[Entry], heads: list[str], schema: LabelSchema
) -> tuple[list[Entry], list[str]]:
    """Every unit of every document as an entry, most doubtful first; documents without a unit."""
    plan: list[Entry] = []
    empty: list[str] = []
    for entry, doc in zip(documents, read_at(path, [e.offset for e in documents], schema), strict=True):
        found = units(doc, heads)
        if not found:
            empty.append(doc.id)
        version = model_version_of(doc)
        plan.extend(Entry(u.doubt, entry.offset, doc.id, text_hash(doc.text), version, u.key) for u in found)
    plan.sort(key=lambda e: (e.doubt, e.offset, e.key))
    return plan, empty


# --- pull ---------------------------------------------------------------------------------------


@dataclass
class DocumentDecisions:
    """One row of the pull summary: one annotator's answers on one document's units."""

    doc_id: str
    source: str
    annotator: str  # "" when nobody answered any unit of the document
    units: int
    answers: Counter[str]  # answer value -> count
    status: str  # "gold", "editor", "partly decided", "undecided"

    @property
    def undecided(self) -> int:
        return self.units - sum(self.answers.values())

    def count(self, outcome: str) -> int:
        return sum(n for value, n in self.answers.items() if OUTCOMES.get(value) == outcome)


@dataclass
class DecisionsPullReport(ProjectReport):
    tasks: int = 0
    records: int = 0  # gold records written
    editor_records: int = 0  # records written for the full editor
    unchanged: int = 0  # gold records not newer than --since
    skipped: list[str] = field(default_factory=list)  # skipped (cancelled) tasks, described
    documents: list[DocumentDecisions] = field(default_factory=list)
    store: MergeReport = field(default_factory=MergeReport)  # what the merge did to the gold store

    def total(self, outcome: str) -> int:
        return sum(row.count(outcome) for row in self.documents)

    @property
    def answers(self) -> Counter[str]:
        return sum((row.answers for row in self.documents), Counter())

    @property
    def undecided(self) -> int:
        return sum(row.undecided for row in self.documents)

    def with_status(self, status: str) -> list[DocumentDecisions]:
        return [row for row in self.documents if row.status == status]


@dataclass
class _Answer:
    value: str
    annotation: dict[str, Any]


@dataclass
class _UnitState:
    task_id: int
    heads: list[str]
    spans: list[Span]
    relations: list[Relation]
    model_version: str
    answers: dict[str, _Answer] = field(default_factory=dict)  # annotator -> answer


@dataclass
class _DocState:
    """One document's units. Its text is kept once (from its first task), not once per unit."""

    doc_id: str
    source: str
    task: dict[str, Any]  # id and the data task_record needs (text, hash, record), of one of its tasks
    units: dict[str, _UnitState] = field(default_factory=dict)


def pull_decisions(
    conn: Connection,
    project: str,
    out: Path,
    since: datetime | None = None,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
    to_editor: Path | None = None,
) -> DecisionsPullReport:
    """Merge the gold records the decisions of "<project> · decisions" make into the gold store `out`
    (curation.gold.store: the file plain pulls merge into; lines of other projects are kept).

    `to_editor`, when given, receives the documents sent to the full editor: their prediction with
    the decisions applied (rejected units removed), unreviewed, ready for `curation push`.
    """
    schema = schema or get_schema()
    check(conn)
    title = decisions_title(project)
    info = require_project(conn, title)
    report = DecisionsPullReport(title, info.id, conn.url)
    users = annotators(conn)
    docs: dict[str, _DocState] = {}
    for task in iter_tasks(conn, info.id, task_ids(conn, info.id)):
        report.tasks += 1
        _read_task(task, users, docs, report)
        progress.advance()
    editor: list[Document] = []
    with merging(out, title, report.store) as store:
        for state in sorted(docs.values(), key=lambda d: (d.source, d.doc_id)):
            rows = _rows(state)
            report.documents.extend(rows)
            for row in rows:
                if row.status != "gold":
                    continue  # a gold record pulled before for it leaves the store, named
                doc = _gold(state, row.annotator, title, schema)
                if since is not None and annotation_time(doc.provenance.updated_at) <= since:
                    report.unchanged += 1
                    store.see(doc.id, row.annotator, None)  # still gold: its stored line stays
                    continue
                store.write(doc)
                report.records += 1
            if any(row.status == "editor" for row in rows):
                editor.append(_for_editor(state, title, schema))
    if to_editor is not None:
        with atomic_write(to_editor) as fh:
            for doc in editor:
                fh.write(dump_document(doc) + "\n")
        report.editor_records = len(editor)
    return report


def _read_task(
    task: dict[str, Any], users: dict[int, str], docs: dict[str, _DocState], report: DecisionsPullReport
) -> None:
    data = task.get("data") or {}
    key, predicted = data.get(UNIT), data.get(PREDICTED)
    if not key or not isinstance(predicted, dict):
        return  # a task someone imported by hand: not a decision unit of ours
    text = task_text(task)
    where = f"task {task.get('id')} (unit {key})"
    try:
        spans = [Span.model_validate(s) for s in predicted.get("spans") or []]
        relations = [Relation.model_validate(r) for r in predicted.get("relations") or []]
    except ValueError as exc:
        raise ValidationError(f"{where}: its predicted spans are unreadable ({exc})") from None
    for span in spans:
        if text[span.start : span.end] != span.text:
            raise ValidationError(f"{where}: span {span.id} no longer matches the text")
    doc_id, source = str(data.get(DOC_ID)), str((data.get(RECORD) or {}).get("source", ""))
    if doc_id not in docs:
        kept = {k: v for k, v in data.items() if k not in (HTML, PREDICTED)}
        docs[doc_id] = _DocState(doc_id, source, {"id": task.get("id"), "data": kept})
    state = docs[doc_id]
    unit = _UnitState(
        int(task["id"]),
        list(predicted.get("heads") or []),
        spans,
        relations,
        str(predicted.get("model_version") or ""),
    )
    for who, ann in latest_annotations(task, users, report.skipped).items():
        value = decision_of(ann.get("result") or [])
        if value is None:
            raise ValidationError(
                f"{where}: the annotation by {who} has no answer (one of {[c.value for c in CHOICES]})"
            )
        if value not in OUTCOMES:
            raise ValidationError(f"{where}: the annotation by {who} answers {value!r}, not a choice")
        unit.answers[who] = _Answer(value, ann)
    state.units[str(key)] = unit


def _rows(state: _DocState) -> list[DocumentDecisions]:
    """The summary rows of one document: one per annotator who answered, else one 'undecided'."""
    who = sorted({name for unit in state.units.values() for name in unit.answers})
    if not who:
        return [DocumentDecisions(state.doc_id, state.source, "", len(state.units), Counter(), "undecided")]
    rows = []
    for name in who:
        answers = Counter(u.answers[name].value for u in state.units.values() if name in u.answers)
        row = DocumentDecisions(state.doc_id, state.source, name, len(state.units), answers, "")
        if row.count("editor"):
            row.status = "editor"
        elif row.undecided:
            row.status = "partly decided"
        else:
            row.status = "gold"
        rows.append(row)
    return rows


def _gold(state: _DocState, annotator: str, project: str, schema: LabelSchema) -> Document:
    """One annotator's fully decided document: the accepted units' spans and relations, reviewed."""
    spans: dict[str, Span] = {}
    relations: dict[tuple[str, str, str], Relation] = {}
    answers = [u.answers[annotator] for u in state.units.values()]
    for unit in state.units.values():
        if OUTCOMES[unit.answers[annotator].value] != "gold":
            continue
        for span in unit.spans:
            spans.setdefault(span.id, span.model_copy(update={"score": None}))
        for rel in unit.relations:
            relations.setdefault((rel.head, rel.tail, rel.label), rel)
    first = next(iter(state.units.values()))
    anns = [a.annotation for a in answers]
    provenance = Provenance.model_validate(
        {
            "reviewed": True,
            "annotator": annotator,
            "mode": "decisions",
            "labels": sorted({s.label for u in state.units.values() for s in u.spans}),
            "decisions": dict(sorted(Counter(a.value for a in answers).items())),
            "annotation_ids": sorted(int(a.get("id") or 0) for a in anns),
            "task_ids": sorted(u.task_id for u in state.units.values()),
            "created_at": min(iso_time(a.get("created_at")) or "" for a in anns) or None,
            "updated_at": max(iso_time(a.get("updated_at")) or "" for a in anns) or None,
            "lead_time": sum(float(a.get("lead_time") or 0.0) for a in anns),
            "started_from_model_version": first.model_version or None,
            "project": project,
        }
    )
    ordered = sorted(spans.values(), key=lambda s: (s.start, s.end, s.label))
    return task_record(state.task, ordered, list(relations.values()), provenance, schema)


def _for_editor(state: _DocState, project: str, schema: LabelSchema) -> Document:
    """The document's prediction with the decisions applied, for the full editor (not reviewed).

    A unit is left out only when everyone who answered it rejected it; accepted, wrong and
    undecided units stay as predictions for the annotator to check and fix.
    """
    spans: dict[str, Span] = {}
    relations: dict[tuple[str, str, str], Relation] = {}
    to_fix: list[str] = []
    for key, unit in state.units.items():
        outcomes = {OUTCOMES[a.value] for a in unit.answers.values()}
        if outcomes == {"removed"}:
            continue
        if "editor" in outcomes:
            to_fix.append(key)
        for span in unit.spans:
            spans.setdefault(span.id, span)
        for rel in unit.relations:
            relations.setdefault((rel.head, rel.tail, rel.label), rel)
    first = next(iter(state.units.values()))
    provenance = Provenance(
        reviewed=False, model_version=first.model_version, decisions_project=project, to_fix=to_fix
    )
    ordered = sorted(spans.values(), key=lambda s: (s.start, s.end, s.label))
    return task_record(state.task, ordered, list(relations.values()), provenance, schema)


def summary_lines(
    report: DecisionsPullReport, out: Path, project: str, to_editor: Path | None, per_document: bool
) -> list[str]:
    """The pull summary: totals, then every document that is not gold, by what happens to it."""
    answers = report.answers
    counted = ", ".join(f"{answers.get(c.value, 0)} {c.value}" for c in CHOICES)
    store = report.store
    lines = [
        f"{out}: {report.records} gold records from {report.project!r} ({report.tasks} tasks): "
        f"{counted}, {report.undecided} undecided, {len(report.skipped)} skipped"
        + (f"; {report.unchanged} not changed since --since" if report.unchanged else ""),
        f"gold store: {store.added} added, {store.updated} updated, {store.kept} kept, "
        f"{len(store.removed)} removed",
        *(f"  {line}" for line in store.removed),
    ]
    if per_document:
        lines.append("document (source) [annotator]: units, answers, undecided -> status")
        for row in report.documents:
            answered = ", ".join(f"{n} {value}" for value, n in sorted(row.answers.items())) or "none"
            who = f" [{row.annotator}]" if row.annotator else ""
            lines.append(
                f"  {row.doc_id} ({row.source}){who}: {row.units} units, {answered}, "
                f"{row.undecided} undecided -> {row.status}"
            )
    editor = report.with_status("editor")
    if editor:
        lines.append(f"{len(editor)} sent to the full editor (a span or speaker to fix by hand):")
        lines.extend(
            f"  {row.doc_id} ({row.source}) by {row.annotator}: {row.count('editor')} wrong" for row in editor
        )
        if to_editor is not None:
            lines.append(
                f"  {report.editor_records} written to {to_editor}; send them to the editor with: "
                f"curation push {to_editor} --project {project}"
            )
        else:
            lines.append("  write them with --to-editor FILE, then: curation push FILE --project " + project)
    partly = report.with_status("partly decided")
    if partly:
        lines.append(f"{len(partly)} partly decided (not gold yet):")
        lines.extend(
            f"  {row.doc_id} ({row.source}) by {row.annotator}: {row.units - row.undecided} of {row.units}"
            for row in partly
        )
    undecided = report.with_status("undecided")
    if undecided:
        lines.append(f"{len(undecided)} documents with no decision yet")
    if report.skipped:
        lines.append(f"skipped tasks stay undecided: {'; '.join(report.skipped[:5])}")
    return lines
