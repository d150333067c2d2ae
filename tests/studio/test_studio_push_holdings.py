"""A re-push trusts what this machine kept of the project only while the server's counters agree: nothing
is listed when nothing changed, and whatever someone else deleted, added or removed is sent again."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from curation.jsonl import write_documents
from curation.studio import holdings
from curation.studio import push as push_module
from curation.studio.connection import client
from curation.studio.push import push
from curation.studio.tasks import Counts, task_keys


@pytest.fixture
def listings(monkeypatch) -> list[int]:
    """Every full listing of a project push makes (its project id), on the way to the real server."""
    calls: list[int] = []

    def listed(conn, project_id, ids=None):
        if ids is None:
            calls.append(project_id)
        return task_keys(conn, project_id, ids=ids)

    monkeypatch.setattr(push_module, "task_keys", listed)
    return calls


def _pushed(studio, make_notes, tmp_path: Path, title: str, n: int = 5) -> tuple[Path, Path, Any]:
    source, home = tmp_path / "pre.jsonl", tmp_path / "home"
    write_documents(source, make_notes(n))
    return source, home, push(studio.conn, source, title, lock_home=home)


def test_a_repush_with_nothing_changed_lists_nothing(studio, make_notes, tmp_path, listings) -> None:
    source, home, first = _pushed(studio, make_notes, tmp_path, "holdings-quiet")
    assert first.created == 5 and listings == []  # a project made by this push is empty: not even listed
    listings.clear()
    again = push(studio.conn, source, "holdings-quiet", lock_home=home)
    assert (again.created, again.predictions_added, again.already_there) == (0, 0, 5)
    assert listings == []


def test_a_task_someone_deleted_is_sent_again(studio, make_notes, tmp_path, listings) -> None:
    source, home, first = _pushed(studio, make_notes, tmp_path, "holdings-deleted")
    gone = task_keys(studio.conn, first.project_id)[2]
    client(studio.conn).tasks.delete(gone.id)
    listings.clear()
    again = push(studio.conn, source, "holdings-deleted", lock_home=home)
    assert (again.created, again.already_there) == (1, 4)
    assert listings == [first.project_id]  # the count disagreed: listed in full
    docs = sorted(str(t.fields["doc_id"]) for t in task_keys(studio.conn, first.project_id))
    assert gone.fields["doc_id"] in docs and len(docs) == 5


def test_a_task_deleted_while_another_machine_added_one_is_sent_again(
    studio, make_notes, tmp_path, listings
) -> None:
    """One task fewer and one more: the count agrees, the newest task does not."""
    source, home, first = _pushed(studio, make_notes, tmp_path, "holdings-swapped")
    gone = task_keys(studio.conn, first.project_id)[0]
    client(studio.conn).tasks.delete(gone.id)
    other = tmp_path / "other.jsonl"
    write_documents(other, make_notes(1, start=100))
    assert push(studio.conn, other, "holdings-swapped", lock_home=tmp_path / "elsewhere").created == 1
    listings.clear()
    again = push(studio.conn, source, "holdings-swapped", lock_home=home)
    assert (again.created, again.already_there) == (1, 4)
    assert listings == [first.project_id]
    assert len(task_keys(studio.conn, first.project_id)) == 6


def test_a_prediction_someone_deleted_is_sent_again_without_a_listing(
    studio, make_notes, tmp_path, listings
) -> None:
    source, home, first = _pushed(studio, make_notes, tmp_path, "holdings-prediction")
    target = task_keys(studio.conn, first.project_id)[1]
    [pred] = list(client(studio.conn).predictions.list(task=target.id))
    client(studio.conn).predictions.delete(pred.id)
    listings.clear()
    again = push(studio.conn, source, "holdings-prediction", lock_home=home)
    assert (again.created, again.predictions_added) == (0, 1)
    assert listings == []
    [back] = [t for t in task_keys(studio.conn, first.project_id) if t.id == target.id]
    assert back.model_versions == {"test-model-1"}


def test_a_version_another_version_contains_is_checked_by_a_listing(
    studio, make_notes, tmp_path, listings
) -> None:
    """The server's version filter matches by substring: with 'test-model-1' and 'test-model-10' in the
    project it cannot tell which tasks lack 'test-model-1', so the project is listed."""
    source, home, first = _pushed(studio, make_notes, tmp_path, "holdings-substring")
    newer = tmp_path / "newer.jsonl"
    write_documents(newer, make_notes(5, version="test-model-10"))
    assert push(studio.conn, newer, "holdings-substring", lock_home=home).predictions_added == 5
    target = task_keys(studio.conn, first.project_id)[3]
    preds = client(studio.conn).predictions.list(task=target.id)
    [old] = [p for p in preds if p.model_version == "test-model-1"]
    client(studio.conn).predictions.delete(old.id)
    listings.clear()
    again = push(studio.conn, source, "holdings-substring", lock_home=home)
    assert again.predictions_added == 1
    assert listings == [first.project_id]


def test_kept_holdings_are_private_and_an_unreadable_file_is_ignored(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kept = holdings.Holdings(2, "2026-01-01T00:00:00.000000Z", {"a": (1, "h1"), "b": (2, "h2")})
    holdings.save(home, "http://x:1/", 7, "doc_id", kept)
    assert holdings.load(home, "http://x:1", 7, "doc_id") == kept
    assert holdings.load(home, "http://x:1", 8, "doc_id") is None
    [path] = (home / holdings.HOLDINGS_DIR).iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert kept.agrees(Counts(2, "2026-01-01T00:00:00.000000Z", {}))
    assert not kept.agrees(Counts(2, "2026-01-02T00:00:00.000000Z", {}))
    path.write_text("{not json", encoding="utf-8")
    assert holdings.load(home, "http://x:1", 7, "doc_id") is None
