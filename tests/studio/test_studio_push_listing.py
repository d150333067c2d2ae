"""How push reads a project back: key fields from the task meta, old projects from the task data, model
versions from the task list, and nothing sent when everything is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.errors import ValidationError
from curation.jsonl import write_documents
from curation.schema import get_schema
from curation.studio import push as push_module
from curation.studio.concurrency import remove_duplicates
from curation.studio.connection import client
from curation.studio.convert import prediction, task_data
from curation.studio.project import ensure_project
from curation.studio.push import existing_tasks, push
from curation.studio.tasks import TaskKey, task_keys


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """Every import push makes (tasks or predictions), recorded on the way to the real server."""
    calls: list[str] = []
    real_tasks, real_predictions = push_module.import_tasks, push_module._import_predictions

    def tasks(conn, project_id, payload):
        calls.append(f"tasks:{len(payload)}")
        return real_tasks(conn, project_id, payload)

    def predictions(conn, project_id, payload):
        calls.append(f"predictions:{len(payload)}")
        real_predictions(conn, project_id, payload)

    monkeypatch.setattr(push_module, "import_tasks", tasks)
    monkeypatch.setattr(push_module, "_import_predictions", predictions)
    return calls


def test_push_keeps_key_fields_in_meta_and_a_repush_sends_nothing(studio, make_notes, tmp_path, sent) -> None:
    source = tmp_path / "pre.jsonl"
    docs = make_notes(6)
    write_documents(source, docs)
    first = push(studio.conn, source, "listing-meta")
    assert sent == ["tasks:6"]
    listed = task_keys(studio.conn, first.project_id)
    assert sorted(t.fields["doc_id"] for t in listed) == sorted(d.id for d in docs)
    assert all(t.model_versions == {"test-model-1"} and not t.extra_predictions for t in listed)
    raw = client(studio.conn).tasks.get(listed[0].id)
    assert raw.meta == {"doc_id": raw.data["doc_id"], "text_hash": raw.data["text_hash"]}

    sent.clear()
    again = push(studio.conn, source, "listing-meta", lock_home=tmp_path / "home")
    assert (again.created, again.predictions_added, again.already_there) == (0, 0, 6)
    assert sent == []


def test_a_project_pushed_before_the_meta_is_still_recognised(studio, make_notes, tmp_path, sent) -> None:
    """Tasks with the key fields in their data only (as older versions pushed them) are found: nothing
    doubled, a changed text still refused, a new model version added to them."""
    schema = get_schema()
    old, new = make_notes(5), make_notes(3, start=5)
    info, _ = ensure_project(studio.conn, "listing-old-shape", schema)
    old_tasks = [{"data": task_data(d), "predictions": [prediction(d, schema, "test-model-1")]} for d in old]
    client(studio.conn).projects.import_tasks(info.id, request=old_tasks)  # type: ignore[arg-type]
    assert all(not t.meta for t in client(studio.conn).tasks.list(project=info.id, include="id,meta"))

    source = tmp_path / "pre.jsonl"
    write_documents(source, old + new)
    report = push(studio.conn, source, "listing-old-shape")
    assert (report.created, report.already_there, report.predictions_added) == (3, 5, 0)
    assert sent == ["tasks:3"]
    listed = task_keys(studio.conn, info.id)
    assert len(listed) == 8 and {t.fields["doc_id"] for t in listed} == {d.id for d in old + new}

    changed = old[0].model_copy(update={"text": old[0].text.replace("May", "June")})
    write_documents(tmp_path / "changed.jsonl", [changed])
    with pytest.raises(ValidationError, match="different text"):
        push(studio.conn, tmp_path / "changed.jsonl", "listing-old-shape")

    sent.clear()
    write_documents(source, make_notes(8, version="test-model-2"))
    moved = push(studio.conn, source, "listing-old-shape")
    assert (moved.created, moved.predictions_added) == (0, 8)
    assert all(t.model_versions == {"test-model-1", "test-model-2"} for t in task_keys(studio.conn, info.id))


def test_versions_the_task_list_cannot_spell_are_read_from_the_predictions(
    studio, make_notes, tmp_path, sent
) -> None:
    """A comma in a model version, or the same version twice, makes the list's column ambiguous: push then
    reads those tasks' predictions, so a re-push adds nothing and a duplicate is found by id."""
    source = tmp_path / "pre.jsonl"
    docs = make_notes(4, version="model,with,commas-1")
    write_documents(source, docs)
    first = push(studio.conn, source, "listing-commas")
    sent.clear()
    again = push(studio.conn, source, "listing-commas")
    assert (again.created, again.predictions_added) == (0, 0) and sent == []
    listed = task_keys(studio.conn, first.project_id)
    assert all(t.model_versions == {"model,with,commas-1"} for t in listed)

    target = listed[0]
    doc = next(d for d in docs if d.id == target.fields["doc_id"])
    twice = {"task": target.id, **prediction(doc, get_schema(), "model,with,commas-1")}
    client(studio.conn).projects.import_predictions(first.project_id, request=[twice])  # type: ignore[list-item]
    [dup] = [t for t in task_keys(studio.conn, first.project_id) if t.id == target.id]
    assert len(dup.extra_predictions) == 1
    assert remove_duplicates(studio.conn, first.project_id).predictions_removed == 1
    preds = client(studio.conn).predictions.list(task=target.id)
    assert len(list(preds)) == 1


def test_task_keys_of_chosen_tasks_only(studio, make_notes, tmp_path: Path) -> None:
    source = tmp_path / "pre.jsonl"
    write_documents(source, make_notes(5))
    report = push(studio.conn, source, "listing-some")
    ids = sorted(t.id for t in task_keys(studio.conn, report.project_id))
    assert [t.id for t in task_keys(studio.conn, report.project_id, ids=ids[1:3])] == ids[1:3]


def test_push_aims_at_the_task_duplicate_removal_keeps() -> None:
    """Of two tasks of one document, push adds predictions to the one remove_duplicates keeps (the
    annotated one, else the oldest), never to the copy about to be deleted."""
    listed = [
        TaskKey(3, {"doc_id": "a"}, frozenset(), (), 0),
        TaskKey(7, {"doc_id": "a"}, frozenset(), (), 0),
        TaskKey(9, {"doc_id": "b"}, frozenset(), (), 1),
        TaskKey(4, {"doc_id": "b"}, frozenset(), (), 0),
    ]
    found = existing_tasks(None, 1, listed=listed)  # type: ignore[arg-type]  # nothing is asked of the server
    assert {key: e.task_id for key, e in found.items()} == {"a": 3, "b": 9}


def test_duplicate_tasks_go_with_their_predictions(studio, make_notes, tmp_path: Path) -> None:
    """Two pushes at once can import a document twice; removing the copy leaves the project no
    prediction of a task it no longer holds (the bulk delete can stop half-way under load)."""
    source = tmp_path / "pre.jsonl"
    docs = make_notes(3)
    write_documents(source, docs)
    report = push(studio.conn, source, "listing-duplicates")
    schema = get_schema()
    again = [{"data": task_data(d), "predictions": [prediction(d, schema, "test-model-1")]} for d in docs]
    client(studio.conn).projects.import_tasks(report.project_id, request=again)  # type: ignore[arg-type]
    assert len(task_keys(studio.conn, report.project_id)) == 6
    assert remove_duplicates(studio.conn, report.project_id).tasks_removed == 3
    kept = {t.id for t in task_keys(studio.conn, report.project_id)}
    preds = list(client(studio.conn).predictions.list(project=report.project_id))
    assert len(kept) == 3 and {int(p.task) for p in preds} == kept and len(preds) == 3
