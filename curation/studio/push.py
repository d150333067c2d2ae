"""Push pre-annotations to a Label Studio project: batched, validated, ordered by doubt, idempotent.

Each task carries the document id and a hash of its text, so a rerun recognises what already landed
(task ids are reused after deletion on SQLite and cannot be trusted). A new model_version adds
predictions to existing tasks and moves the project's version so the editor pre-fills them.

Memory stays flat: a first pass validates every record and keeps only (doubt, file offset, id, hash)
per document, and the task it checked, encoded, in a spool (curation.studio.spool: memory, then a
temporary file); the second pass sends the spooled tasks in doubt order, one batch at a time (records
the check knew from before are read back by offset and encoded then).
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from curation import jsonl
from curation.errors import InputError, ServerError, ValidationError
from curation.jsonl import parse_line_document
from curation.layers import layer_title
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document, schema_context, text_hash
from curation.schema import ALL_LAYER, LabelSchema, get_schema
from curation.studio import holdings
from curation.studio.concurrency import push_lock, remove_duplicates
from curation.studio.config import labeling_config
from curation.studio.connection import (
    Connection,
    check,
    client,
    json_body,
    post_body,
    post_json,
    server_errors,
)
from curation.studio.convert import DOC_ID, TEXT_HASH, doubt, prediction, task_data, task_meta
from curation.studio.holdings import Holdings
from curation.studio.prediction_check import compile_check
from curation.studio.project import SentReport, ensure_project, set_model_version
from curation.studio.spool import Spool, spool
from curation.studio.tasks import (
    Counts,
    TaskKey,
    ambiguous_versions,
    keeper_order,
    project_counts,
    task_keys,
    tasks_lacking,
)
from curation.studio.validated import Known, config_hash, record_key, validated

DEFAULT_BATCH = 500
T = TypeVar("T")


@dataclass
class PushReport(SentReport):
    predictions_added: int = 0
    model_version: str = ""
    layer: str = ALL_LAYER
    duplicates_removed: int = 0  # tasks and predictions a concurrent push added twice, removed
    predictions_restored: int = 0  # predictions missing after a concurrent push, added again
    duplicates_kept: list[str] = field(default_factory=list)  # annotated duplicates left for a person


@dataclass(frozen=True)
class Entry:
    """One task to send: how doubtful, where its record is in the file, and the key it is known by."""

    doubt: float
    offset: int
    doc_id: str
    text_hash: str
    model_version: str
    key: str  # the task's key in the project: the document id (decisions: one per decision unit)
    record: str = ""  # the validation key of the line scan checked (validated.record_key), when known
    body: tuple[int, int] | None = None  # where scan spooled the task it checked, encoded (Spool.add)


@dataclass(frozen=True)
class Existing:
    task_id: int
    text_hash: str
    model_versions: frozenset[str]


def push_layers(
    conn: Connection,
    path: Path,
    project: str,
    layers: list[str] | None = None,
    overlap: int = 1,
    schema: LabelSchema | None = None,
    **options: Any,
) -> list[PushReport]:
    """Push every document of `path` to one project per annotation layer ("<project> · <layer>").

    `layers` picks some (default: every layer of the schema); each project gets its layer's labeling
    config and predictions, and `overlap` annotators per task. `options` go to `push` (batch_size,
    import_timeout, progress, lock_home, on_wait). Safe to rerun, layer by layer.
    """
    schema = schema or get_schema()
    chosen = layers or schema.layer_names
    for name in chosen:
        try:
            schema.layer(name)
        except KeyError as exc:
            raise ValidationError(str(exc.args[0])) from None
    return [
        push(conn, path, layer_title(project, name), schema=schema, layer=name, overlap=overlap, **options)
        for name in chosen
    ]


def push(
    conn: Connection,
    path: Path,
    project: str,
    batch_size: int = DEFAULT_BATCH,
    import_timeout: float | None = None,
    progress: Progress = NO_PROGRESS,
    schema: LabelSchema | None = None,
    lock_home: Path | None = None,
    on_wait: Callable[[str], None] | None = None,
    layer: str = ALL_LAYER,
    overlap: int = 1,
) -> PushReport:
    """Push every document of `path` to `project` (created if missing), as `layer` shows it (default:
    every label in one project), for `overlap` annotators per task. Safe to rerun, and safe to
    run twice at once (curation.studio.concurrency): `lock_home` is the state dir whose lock makes a
    second push from this machine wait (`on_wait` hears why); any server gets the read-back guard.

    `import_timeout` bounds each import request (default: the connection's timeout); a timeout
    stops the push with an error once the server has settled, and a rerun sends only the rest.
    """
    schema = schema or get_schema()
    with spool() as kept:
        entries = scan(path, schema, layer, lock_home, kept)
        if not entries:
            raise InputError(
                f"{path}: no documents to push (the file is empty); give the JSONL written by "
                "'curation annotate', e.g. curation annotate docs.jsonl -o pre.jsonl"
            )
        check(conn)
        with push_lock(lock_home, conn.url, project, on_wait):
            return _push(
                conn,
                path,
                project,
                entries,
                schema,
                batch_size,
                import_timeout,
                progress,
                layer,
                overlap,
                lock_home,
                kept,
            )


def _push(
    conn: Connection,
    path: Path,
    project: str,
    entries: list[Entry],
    schema: LabelSchema,
    batch_size: int,
    import_timeout: float | None,
    progress: Progress,
    layer: str = ALL_LAYER,
    overlap: int = 1,
    home: Path | None = None,
    spool: Spool | None = None,
) -> PushReport:
    info, changed = ensure_project(conn, project, schema, layer=layer, overlap=overlap)
    report = PushReport(
        project, info.id, conn.url, documents=len(entries), config_changed=changed, layer=layer
    )
    report.model_version = _main_version(entries)
    if info.created:
        # Made just now, so empty: nothing to count or list. Another push sending to it meanwhile moves
        # the counters read after sending, and the guard below reads the project back.
        seen = Seen({}, Counts(0, "", {}))
    else:
        seen = project_tasks(conn, info.id, {e.model_version for e in entries}, home)
    existing, new = new_entries(conn, path, entries, report, seen=seen.existing)
    stale = [
        e for e in entries if e.key in existing and e.model_version not in existing[e.key].model_versions
    ]
    sender = conn.with_timeout(import_timeout or conn.timeout)
    progress.stage("pushing", len(new) + len(stale))
    created = send_tasks(sender, report, task_bodies(path, new, schema, layer, spool), batch_size, progress)
    added: Counter[str] = Counter(e.model_version for e in new)  # predictions sent, by model version
    for group in _prediction_groups(stale, batch_size):
        # Another push adding the same model version meanwhile: skip what it already added, so the
        # guard below has little to delete (one request per prediction).
        group = _still_stale(sender, info.id, group, existing)
        if not group:
            continue
        preds = [
            {"task": existing[d.id].task_id, **_prediction(d, schema, layer)}
            for d in read_at(path, [e.offset for e in group], schema)
        ]
        _import_predictions(sender, info.id, preds)
        added.update(e.model_version for e in group)
        report.predictions_added += len(preds)
        progress.advance(len(preds))
    if report.created or report.predictions_added:
        # Only a push that sent something can have doubled anything. When the project's counters moved
        # by exactly what this push sent, nobody else added or removed anything meanwhile: nothing to
        # read back. Otherwise the last of several sending pushes to finish reads back after all their
        # imports. A no-op push stays a cheap check.
        after = project_counts(sender, info.id)
        if _moved_by(seen.counts, after, report.created, added):
            if len(created) == len(new):  # the server named every task it created, in order
                known = {k: (v.task_id, v.text_hash) for k, v in existing.items()}
                known.update({e.key: (task_id, e.text_hash) for e, task_id in zip(new, created, strict=True)})
                holdings.save(home, conn.url, info.id, DOC_ID, Holdings(after.tasks, after.newest, known))
            else:
                holdings.forget(home, conn.url, info.id, DOC_ID)
        else:
            holdings.forget(home, conn.url, info.id, DOC_ID)
            _converge(sender, info.id, path, entries, schema, report)
    if report.model_version and info.model_version != report.model_version:
        set_model_version(conn, info, report.model_version)
    return report


@dataclass
class Seen:
    """The project's tasks by key as this push found them, and the server's counters then."""

    existing: dict[str, Existing]
    counts: Counts


def project_tasks(
    conn: Connection, project_id: int, versions: set[str], home: Path | None, key: str = DOC_ID
) -> Seen:
    """The project's tasks by key, with which of `versions` each has a prediction of.

    From what this machine kept (curation.studio.holdings) when the server's counters agree with it;
    then only the tasks lacking a version are listed (none, on a re-push with nothing to send). Else
    from a full listing, which is kept for the next push.
    """
    counts = project_counts(conn, project_id)
    kept = holdings.load(home, conn.url, project_id, key)
    if kept is not None and kept.agrees(counts) and not ambiguous_versions(versions, counts):
        lacking = {version: tasks_lacking(conn, project_id, version) for version in versions}
        existing = {
            k: Existing(task_id, text, frozenset(v for v in versions if task_id not in lacking[v]))
            for k, (task_id, text) in kept.known.items()
        }
        return Seen(existing, counts)
    listed = task_keys(conn, project_id)
    existing = existing_tasks(conn, project_id, key, listed=listed)
    listing = Counts(len(listed), max((t.created for t in listed), default=""), counts.versions)
    # Kept only when nothing moved while the pages were read: a task deleted meanwhile shifts the
    # pages and one task goes unlisted, a picture the next push must not trust.
    if home is not None and counts == listing == project_counts(conn, project_id):
        known = {k: (v.task_id, v.text_hash) for k, v in existing.items()}
        holdings.save(home, conn.url, project_id, key, Holdings(listing.tasks, listing.newest, known))
    else:
        holdings.forget(home, conn.url, project_id, key)
    return Seen(existing, listing)


def _moved_by(before: Counts, after: Counts, created: int, added: Counter[str]) -> bool:
    """Whether the project's counters moved by exactly `created` tasks and `added` predictions."""
    expected = Counter(before.versions) + added
    return after.tasks == before.tasks + created and Counter(after.versions) == expected


PREDICTION_GROUP = 50


def _prediction_groups(stale: list[Entry], batch_size: int) -> list[list[Entry]]:
    """Stale entries in small groups, in an order of this run's own: two pushes adding the same model
    version at once then work on different groups and see each other's work before sending theirs."""
    # About ten groups (each costs one listing of the project's predictions), at least 50 entries each.
    size = max(1, min(batch_size, max(PREDICTION_GROUP, len(stale) // 10 + 1)))
    groups = [stale[i : i + size] for i in range(0, len(stale), size)]
    random.Random(os.getpid() ^ time.monotonic_ns()).shuffle(groups)
    return groups


def _still_stale(
    conn: Connection, project_id: int, group: list[Entry], existing: dict[str, Existing]
) -> list[Entry]:
    """The entries of `group` whose task still lacks a prediction of their model version."""
    listed = task_keys(conn, project_id, ids=sorted({existing[e.key].task_id for e in group}))
    have = {(t.id, version) for t in listed for version in t.model_versions}
    return [e for e in group if (existing[e.key].task_id, e.model_version) not in have]


def _converge(
    conn: Connection,
    project_id: int,
    path: Path,
    entries: list[Entry],
    schema: LabelSchema,
    report: PushReport,
) -> None:
    """Read the project back: remove what a concurrent push added twice, restore what it lost.

    Label Studio may drop predictions of tasks imported concurrently; a document whose task lacks
    its model version's prediction gets it again, then duplicates are removed once more. The other
    push may delete a duplicate task between our listing and our restore (the server answers 400 for
    a prediction of a task that is gone): then the project is read again, a few rounds at most.
    """
    listed = task_keys(conn, project_id)
    found = remove_duplicates(conn, project_id, listed=listed)
    existing = existing_tasks(conn, project_id, listed=None if found.tasks_removed else listed)
    for round_ in range(CONVERGE_ROUNDS):
        lost = [e.doc_id for e in entries if e.doc_id not in existing]
        if lost:
            raise ServerError(
                f"{conn.url}: {len(lost)} documents of {path} have no task in project {project_id} after "
                f"the push (first: {lost[0]}); someone deleted them meanwhile: run the push again"
            )
        missing = [e for e in entries if e.model_version not in existing[e.doc_id].model_versions]
        if not missing:
            break
        try:
            for batch in batches(read_at(path, [e.offset for e in missing], schema), DEFAULT_BATCH):
                preds = [
                    {"task": existing[d.id].task_id, **_prediction(d, schema, report.layer)} for d in batch
                ]
                _import_predictions(conn, project_id, preds)
        except ServerError:
            now = existing_tasks(conn, project_id)
            if round_ == CONVERGE_ROUNDS - 1 or not _tasks_moved(missing, existing, now):
                raise
            existing = now  # a task we aimed at was removed as a duplicate meanwhile: aim again
            continue
        report.predictions_restored = len(missing)
        found.predictions_removed += remove_duplicates(conn, project_id).predictions_removed
        break
    report.duplicates_removed = found.tasks_removed + found.predictions_removed
    report.duplicates_kept = found.kept


CONVERGE_ROUNDS = 4


def _tasks_moved(entries: list[Entry], seen: dict[str, Existing], now: dict[str, Existing]) -> bool:
    """Whether some entry's task is no longer the one `seen` listed (a concurrent push removed it)."""
    return any(e.doc_id not in now or now[e.doc_id].task_id != seen[e.doc_id].task_id for e in entries)


S = TypeVar("S", bound=Sized)


def pipelined(payloads: Iterator[S], send: Callable[[S], None]) -> Iterator[int]:
    """Send each payload while the next one is being built; yields the size of each payload sent.

    At most one request is in flight and they go out in order, so a failure stops the push exactly
    as a plain loop would (the rerun logic is unchanged); only the client's work is overlapped.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="curation-push") as pool:
        pending: tuple[Future[None], int] | None = None
        for payload in payloads:
            if pending is not None:
                pending[0].result()
                yield pending[1]
            pending = (pool.submit(send, payload), len(payload))
        if pending is not None:
            pending[0].result()
            yield pending[1]


def _task(doc: Document, pred: dict[str, Any]) -> dict[str, Any]:
    """The import task of a record: its data and its prediction."""
    return {"data": task_data(doc), "predictions": [pred]}


def _prediction(doc: Document, schema: LabelSchema, layer: str) -> dict[str, Any]:
    return prediction(doc, schema, model_version_of(doc), layer)


@dataclass(frozen=True)
class Encoded:
    """Tasks ready to send: the import request's body, and how many tasks it holds."""

    body: bytes
    count: int

    def __len__(self) -> int:
        return self.count


def encode_tasks(tasks: Iterable[bytes]) -> Encoded:
    """The import body of `tasks`, each encoded by encode_task."""
    parts = list(tasks)
    return Encoded(b"[" + b",".join(parts) + b"]", len(parts))


def encode_task(task: dict[str, Any]) -> bytes:
    """One task of an import body, with its key fields in its meta too (so a later push lists the
    project without its texts). Each task is encoded as soon as it is built (by scan, into its spool):
    a batch then holds bytes, not the hundreds of thousands of dicts of 500 real tasks, which each
    garbage collection during the push would walk again."""
    return json_body({**task, "meta": {**task_meta(task["data"]), **(task.get("meta") or {})}})


def import_tasks(conn: Connection, project_id: int, tasks: list[dict[str, Any]] | Encoded) -> list[int]:
    """One import request, never retried blindly (the client has retries off; see _settle_on_timeout).
    Returns the ids of the tasks created, in the order sent ([] when the server does not say)."""
    encoded = tasks if isinstance(tasks, Encoded) else encode_tasks(map(encode_task, tasks))
    with (
        server_errors(conn, f"importing {len(encoded)} tasks into project {project_id}"),
        _settle_on_timeout(conn, project_id),
    ):
        answer = post_body(
            conn, f"api/projects/{project_id}/import", {"return_task_ids": "true"}, encoded.body
        )
    ids = (answer.get("task_ids") or []) if isinstance(answer, dict) else []
    return [int(i) for i in ids] if len(ids) == len(encoded) else []


def _import_predictions(conn: Connection, project_id: int, predictions: list[dict[str, Any]]) -> None:
    with (
        server_errors(conn, f"adding {len(predictions)} predictions to project {project_id}"),
        _settle_on_timeout(conn, project_id),
    ):
        post_json(conn, f"api/projects/{project_id}/import/predictions", {}, predictions)


def scan(
    path: Path,
    schema: LabelSchema,
    layer: str = ALL_LAYER,
    home: Path | None = None,
    spool: Spool | None = None,
) -> list[Entry]:
    """Validate every record and its prediction before anything is sent; order by doubt (lowest first).
    With a `spool`, each task checked now is kept there encoded, as it will be sent (entry.body).

    Each prediction gets Label Studio's own verdict against the generated config (PredictionCheck:
    the compiled check, or the SDK's LabelInterface for what it does not accept), so a wrong label or
    a relation to a missing region is caught here, naming the document. A record
    validated before under the same config (curation.studio.validated, in the state dir `home`) is
    not validated again: its line and the config hash to the same key.
    """
    config = labeling_config(schema, layer)
    config_key = config_hash(config)
    check = PredictionCheck(config)
    entries: list[Entry] = []
    seen: set[str] = set()
    with validated(home) as cache:
        for line in jsonl.iter_lines(path):
            key = record_key(config_key, line.raw)
            known, task = cache.get(key), None
            if known is None:
                known, task = _validate(line, path, schema, layer, check)
                cache.add(key, known)
            if known.doc_id in seen:
                continue  # the same document twice in one file: push it once
            seen.add(known.doc_id)
            body = spool.add(encode_task(task)) if spool is not None and task is not None else None
            entries.append(
                Entry(
                    known.doubt,
                    line.offset,
                    known.doc_id,
                    known.text_hash,
                    known.model_version,
                    known.doc_id,
                    key,
                    body,
                )
            )
    entries.sort(key=lambda e: (e.doubt, e.offset))
    return entries


GEOMETRY = {"rectangle", "polygon", "ellipse", "keypoint", "brush", "bitmask", "vector"}


def label_interface(config: str) -> Any:
    """Label Studio's own LabelInterface for `config`, its split-format lookup made linear.

    For each labels region the SDK looks through the whole result for a geometry region with the same
    id (LabelsTag._get_split_partner_value_class): quadratic in the regions of a document, 78% of the
    validation time of real articles (hundreds of regions each). The lookup below answers the same for
    every result: it asks the SDK only for a region that has such a partner. Imported here, when a record
    needs it: the SDK takes over a second to import.
    """
    from label_studio_sdk.label_interface import LabelInterface
    from label_studio_sdk.label_interface.control_tags import LabelsTag

    interface = LabelInterface(config)
    for tag in interface.controls:
        _settle_private_attributes(tag)
        if isinstance(tag, LabelsTag):
            object.__setattr__(tag, "_get_split_partner_value_class", _SplitPartners(tag))
    object.__setattr__(interface, "_validate_relation_logic", _RelationEnds(interface))
    return interface


def _settle_private_attributes(tag: Any) -> None:
    """Put a control tag's private attributes (_label_attr_name, _value_class) on the instance itself.

    The SDK asks for them with hasattr() several times per region; on a pydantic model each ask goes
    through its __getattr__, which probes the attribute's default for __get__ by raising and catching
    AttributeError: 60% of validation time on real articles. Held by the instance they are found at once;
    their values are the ones pydantic would return, so every verdict and message stays the SDK's.
    """
    for name in getattr(type(tag), "__private_attributes__", {}):
        try:
            value = getattr(tag, name)
        except AttributeError:
            continue  # unset: the SDK's hasattr() must keep answering False
        object.__setattr__(tag, name, value)


class _RelationEnds:
    """The SDK maps every region of a result by id again for each relation it checks (quadratic: 19% of
    validation on real articles); only the relation's two ids are looked up in that map. This hands the
    SDK's own check just the regions with those ids, from one map per result: the same verdicts and
    messages (anything unusual, such as an id that cannot be a key, goes to the SDK with every region)."""

    def __init__(self, interface: Any) -> None:
        self.check = type(interface)._validate_relation_logic.__get__(interface)
        self.regions: Any = None
        self.by_id: dict[Any, Any] = {}

    def __call__(self, relation: Any, regions: list[Any], relation_index: int = 0) -> Any:
        try:
            if regions is not self.regions:  # the next result's regions: one pass over them
                self.regions, self.by_id = regions, {r["id"]: r for r in regions if "id" in r}
            ends = [
                self.by_id[end]
                for end in (relation.get("from_id"), relation.get("to_id"))
                if end in self.by_id
            ]
        except Exception:  # noqa: BLE001 - the SDK words whatever is wrong with this relation
            return self.check(relation, regions, relation_index)
        return self.check(relation, ends, relation_index)


class _SplitPartners:
    def __init__(self, tag: Any) -> None:
        self.lookup = type(tag)._get_split_partner_value_class.__get__(tag)
        self.result: Any = None
        self.partnered: set[Any] = set()

    def __call__(self, context: dict[str, Any]) -> Any:
        result = context.get("result", [])
        if result is not self.result:  # a new prediction: one pass over it
            self.result = result
            self.partnered = {
                r.get("id")
                for r in result
                if isinstance(r, dict) and (r.get("type") or "").lower() in GEOMETRY
            }
        if (context.get("region") or {}).get("id") not in self.partnered:
            return None
        return self.lookup(context)


class PredictionCheck:
    """The SDK's verdict on a prediction: from the check compiled from the config when it accepts the
    prediction (curation.studio.prediction_check: it accepts only what the SDK accepts), else from the
    SDK's own LabelInterface (its words name the fault), imported only when first needed."""

    def __init__(self, config: str) -> None:
        self.config = config
        self.compiled = compile_check(config)
        self.interface: Any = None

    def errors(self, pred: dict[str, Any]) -> list[str]:
        if self.compiled is not None and self.compiled.accepts(pred):
            return []
        self.interface = self.interface or label_interface(self.config)
        return _flatten(self.interface.validate_prediction(pred, return_errors=True))


def _validate(
    line: jsonl.Line, path: Path, schema: LabelSchema, layer: str, check: PredictionCheck
) -> tuple[Known, dict[str, Any]]:
    """What push keeps of a valid record, and the task it checked (data and prediction)."""
    doc = parse_line_document(line, path, schema, name_id=True)
    where = f"{path}:{line.lineno} (document {doc.id})"
    version = model_version_of(doc)
    if not version:
        raise ValidationError(
            f"{where}: no provenance.model_version; push takes the output of 'curation annotate'"
        )
    pred = prediction(doc, schema, version, layer)
    errors = check.errors(pred)
    if errors:
        raise ValidationError(f"{where}: prediction rejected: {errors[0]}")
    return Known(doc.id, text_hash(doc.text), version, doubt(doc)), _task(doc, pred)


def existing_tasks(
    conn: Connection, project_id: int, key: str = DOC_ID, listed: list[TaskKey] | None = None
) -> dict[str, Existing]:
    """The project's tasks by their key (the document id unless told), with the model versions they
    already have predictions of; `listed` is the project's task_keys when the caller has them."""
    found: dict[str, Existing] = {}
    # Of two tasks of one document (two pushes at once), the one remove_duplicates keeps.
    for task in sorted(task_keys(conn, project_id) if listed is None else listed, key=keeper_order):
        task_key = task.fields.get(key)
        if not task_key:
            continue  # a task someone imported by hand: not ours
        found.setdefault(
            str(task_key), Existing(task.id, str(task.fields.get(TEXT_HASH, "")), task.model_versions)
        )
    return found


@contextlib.contextmanager
def _settle_on_timeout(
    conn: Connection, project_id: int, quiet_for: float = 3.0, limit: float = 120.0
) -> Iterator[None]:
    """After a request timed out, wait until the server stops adding tasks before reporting it.

    A timed-out import may still be running on the server. Waiting until the task count holds still
    means a rerun lists everything that landed and sends only the rest: no duplicates, no blind retry.
    """
    try:
        yield
    except httpx.TimeoutException:
        last, still_since, deadline = -1, time.monotonic(), time.monotonic() + limit
        while time.monotonic() < deadline:
            count = _task_count(conn, project_id)
            if count != last:
                last, still_since = count, time.monotonic()
            elif time.monotonic() - still_since >= quiet_for:
                break
            time.sleep(0.5)
        raise


def _task_count(conn: Connection, project_id: int) -> int:
    patient = conn.with_timeout(max(conn.timeout, 30.0))
    with server_errors(patient, "counting tasks after a timeout"):
        pager: Any = client(patient).tasks.list(
            project=project_id, fields="task_only", include="id", page_size=1
        )
        return int(getattr(pager.response, "total", 0) or 0)


def read_back(path: Path, entries: list[Entry], schema: LabelSchema, layer: str) -> Iterator[Document]:
    """The records of `entries` read back by offset, in this order, without checking them again.

    scan checked these very bytes (their validation key is the entry's `record`), so only the models are
    built (schema_context checked=True: the record checks cost as much as parsing). Bytes that no longer
    hash to that key mean the file changed during the push: it stops, naming the document.
    """
    config_key = config_hash(labeling_config(schema, layer))
    checked, full = schema_context(schema, checked=True), schema_context(schema)
    for entry, raw in zip(entries, jsonl.read_at(path, [e.offset for e in entries]), strict=True):
        if entry.record and record_key(config_key, raw) != entry.record:
            raise InputError(
                f"{path}: changed while it was being pushed (document {entry.doc_id}); push it again"
            )
        yield Document.model_validate_json(raw, context=checked if entry.record else full)


def task_bodies(
    path: Path, entries: list[Entry], schema: LabelSchema, layer: str, spool: Spool | None
) -> Iterator[bytes]:
    """Each entry's task encoded, in this order: as scan spooled it, else built from its record read back."""
    rest = read_back(path, [e for e in entries if e.body is None or spool is None], schema, layer)
    for entry in entries:
        if entry.body is not None and spool is not None:
            yield spool.read(entry.body)
        else:
            doc = next(rest)
            yield encode_task(_task(doc, _prediction(doc, schema, layer)))


def read_at(path: Path, offsets: list[int], schema: LabelSchema | None = None) -> Iterator[Document]:
    """Read the records starting at these byte offsets, in this order (already validated by scan)."""
    context = schema_context(schema)
    for raw in jsonl.read_at(path, offsets):
        yield Document.model_validate_json(raw, context=context)


def new_entries(
    conn: Connection,
    path: Path,
    entries: list[Entry],
    report: SentReport,
    key: str = DOC_ID,
    seen: dict[str, Existing] | None = None,
) -> tuple[dict[str, Existing], list[Entry]]:
    """The project's tasks (`seen` when the caller has them) and the entries not among them yet (a
    changed text is refused, see below); `report.already_there` counts the others."""
    existing = existing_tasks(conn, report.project_id, key=key) if seen is None else seen
    refuse_changed_texts(entries, existing, path)
    new = [e for e in entries if e.key not in existing]
    report.already_there = len(entries) - len(new)
    return existing, new


def send_tasks(
    sender: Connection,
    report: SentReport,
    tasks: Iterable[bytes],
    batch_size: int,
    progress: Progress = NO_PROGRESS,
) -> list[int]:
    """Import `tasks` (each encoded by encode_task) in batches (the next built while one is sent),
    counting them in `report.created`.
    Returns the created tasks' ids in the order sent, or fewer when the server did not name them all.

    The server takes six or seven times longer to import a real task than the client to build and
    encode it, and nothing is sent before the first batch is built: so the first batch is a fiftieth of
    `batch_size` and each next one four times the last (10, 40, 160, 500, 500, ...), which keeps the
    server busy from the start. Its time per task does not depend on the batch size (1,000 real tasks:
    32 s of its CPU in one request or in ten).
    """
    task_batches = map(encode_tasks, batches(tasks, batch_size, first=max(1, batch_size // 50)))
    created: list[int] = []

    def send(batch: Encoded) -> None:
        created.extend(import_tasks(sender, report.project_id, batch))

    for sent in pipelined(task_batches, send):
        report.created += sent
        progress.advance(sent)
    return created


def refuse_changed_texts(entries: list[Entry], existing: dict[str, Existing], path: Path) -> None:
    for entry in entries:
        known = existing.get(entry.key)
        if known and known.text_hash and known.text_hash != entry.text_hash:
            raise ValidationError(
                f"{path}: document {entry.doc_id} is already task {known.task_id} with a different text; "
                "its id should change with its text (re-ingest it) or push to a new project"
            )


def _main_version(entries: list[Entry]) -> str:
    counts = Counter(e.model_version for e in entries)
    return counts.most_common(1)[0][0] if counts else ""


def model_version_of(doc: Document) -> str:
    return doc.provenance.model_version or ""


def batches(items: Iterable[T], size: int, first: int | None = None) -> Iterator[list[T]]:
    """`items` in lists of `size`; with `first`, the first list holds that many and each next one four
    times the last, up to `size` (see send_tasks)."""
    limit = max(1, min(first or size, size))
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            batch = []
            limit = min(size, limit * 4)
    if batch:
        yield batch


def _flatten(errors: Any) -> list[str]:
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, list):
        return [msg for e in errors for msg in _flatten(e)]
    return [str(errors)] if errors else []


def send(
    conn: Connection,
    project_id: int,
    tasks: list[dict[str, Any]],
    predictions: list[dict[str, Any]],
    batch_size: int = DEFAULT_BATCH,
) -> None:
    """Import tasks (with their predictions) and predictions of existing tasks in batches, the way push
    does (never retried blindly), for rounds that build their own tasks, such as the review round."""
    for part in batches(tasks, batch_size):
        import_tasks(conn, project_id, part)
    for part in batches(predictions, batch_size):
        _import_predictions(conn, project_id, part)
