"""Two pushes at once, as two users would run them: separate `curation push` processes, same moment.

With separate state dirs (two machines, or two users) only the server-side guard can help; with one
state dir the lock makes the second push wait. Either way: each task once, each model version's
prediction once per task, one project per title.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from curation.jsonl import write_documents
from curation.studio.connection import client

DOCS = 500


def _file(make_record, path: Path, version: str, n: int = DOCS) -> Path:
    docs = [
        make_record(
            f"Report {i}: Ada Obi said the vote passed by {i} votes.",
            model_version=version,
            SPEAKER="Ada Obi",
            CUE="said",
            QUOTE="the vote passed",
        )
        for i in range(n)
    ]
    write_documents(path, docs)
    return path


def _push_pair(
    studio, source: Path, project: str, homes: tuple[Path, Path]
) -> list[subprocess.CompletedProcess[str]]:
    """Start two `curation push` processes at the same moment and wait for both."""
    procs = []
    for home in homes:
        env = {**os.environ, "CURATION_HOME": str(home), "LABEL_STUDIO_URL": studio.url}
        env["LABEL_STUDIO_API_KEY"] = studio.token
        cmd = [
            str(Path(sys.executable).parent / "curation"),
            "push",
            str(source),
            "--project",
            project,
            "--layer",
            "all",
            "-q",
        ]
        procs.append(
            subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    return results


def _state(studio, project: str) -> tuple[Counter[str], Counter[tuple[int, str]]]:
    """(tasks per document id, predictions per (task, model version)) of the one project titled so."""
    ls = client(studio.conn)
    [pid] = [p.id for p in ls.projects.list(title=project, page_size=100) if p.title == project]
    tasks = list(ls.tasks.list(project=pid, fields="task_only", include="id,data", page_size=1000))
    per_doc = Counter(str((t.data or {})["doc_id"]) for t in tasks)
    preds = Counter((int(p.task), str(p.model_version)) for p in ls.predictions.list(project=pid))
    # A duplicate task deleted half-way (unlinked from the project, not deleted) keeps its predictions
    # in the project's count: none may be left (CI saw 500 of them once).
    outside = {task for task, _ in preds} - {int(t.id) for t in tasks}
    assert not outside, f"{len(outside)} predictions of tasks no longer in the project"
    return per_doc, preds


def test_two_pushes_from_two_machines_give_each_task_and_prediction_once(
    studio, make_record, tmp_path
) -> None:
    homes = (tmp_path / "alice", tmp_path / "bob")  # no shared lock: the server-side guard works alone
    first = _file(make_record, tmp_path / "v1.jsonl", "model-1")
    _push_pair(studio, first, "concurrent-guard", homes)
    per_doc, preds = _state(studio, "concurrent-guard")
    assert len(per_doc) == DOCS and set(per_doc.values()) == {1}
    assert len(preds) == DOCS and set(preds.values()) == {1}

    second = _file(make_record, tmp_path / "v2.jsonl", "model-2")  # same texts, a new model version
    _push_pair(studio, second, "concurrent-guard", homes)
    per_doc, preds = _state(studio, "concurrent-guard")
    assert len(per_doc) == DOCS and set(per_doc.values()) == {1}
    assert Counter(version for _, version in preds) == {"model-1": DOCS, "model-2": DOCS}
    assert set(preds.values()) == {1}  # exactly one prediction per task and version


def test_two_pushes_from_one_machine_wait_for_each_other(studio, make_record, tmp_path) -> None:
    home = tmp_path / "shared"
    source = _file(make_record, tmp_path / "v1.jsonl", "model-1")
    results = _push_pair(studio, source, "concurrent-lock", (home, home))
    per_doc, preds = _state(studio, "concurrent-lock")
    assert len(per_doc) == DOCS and set(per_doc.values()) == {1}
    assert len(preds) == DOCS and set(preds.values()) == {1}
    said = [" ".join(r.stdout.split()) for r in results]
    assert sorted(f"{DOCS} tasks created" in s for s in said) == [False, True]  # one did the work
    waited = [" ".join(r.stderr.split()) for r in results if "another push to project" in r.stderr]
    for message in waited:  # the one that came second (if it had to wait) says why
        assert "'concurrent-lock'" in message and "waiting for it to finish" in message


def test_two_first_pushes_to_a_new_project_name_make_one_project(studio, make_record, tmp_path) -> None:
    source = _file(make_record, tmp_path / "few.jsonl", "model-1", n=5)
    _push_pair(studio, source, "concurrent-new", (tmp_path / "a", tmp_path / "b"))
    titles = [p.title for p in client(studio.conn).projects.list(page_size=100)]
    assert titles.count("concurrent-new") == 1
    per_doc, preds = _state(studio, "concurrent-new")
    assert len(per_doc) == 5 and set(per_doc.values()) == {1} and set(preds.values()) == {1}
