"""The studio commands through Typer's runner on real files and a real server, managed or given."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.errors import CurationError
from curation.jsonl import read_documents, write_documents
from curation.layers import merge_records
from curation.schema import SCHEMA_PATH, get_schema, load_schema
from curation.studio.connection import client
from curation.studio.push import push
from curation.studio.server import DATA_DIR, ServerState, copy_data_dir, read_state, stop_pid, write_state

runner = CliRunner()


def _env(studio=None, home: Path | None = None) -> dict[str, str | None]:
    env: dict[str, str | None] = {"LABEL_STUDIO_URL": None, "LABEL_STUDIO_API_KEY": None}
    if studio is not None:
        env.update(LABEL_STUDIO_URL=studio.url, LABEL_STUDIO_API_KEY=studio.token)
    if home is not None:
        env["CURATION_HOME"] = str(home)
    return env


def test_studio_cli_config_prints_the_generated_xml() -> None:
    result = runner.invoke(app, ["studio", "config"])
    assert result.exit_code == 0
    for label in get_schema().span_labels:
        assert f'value="{label}"' in result.stdout


def test_studio_cli_push_then_pull_with_environment_connection(studio, make_record, tmp_path) -> None:
    doc = make_record("Ada said the vote passed.", SPEAKER="Ada", CUE="said", QUOTE="the vote passed")
    source, out = tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    write_documents(source, [doc])
    pushed = runner.invoke(app, ["push", str(source), "--project", "cli", "--quiet"], env=_env(studio))
    assert pushed.exit_code == 0, pushed.output
    assert "1 tasks created" in pushed.stdout and studio.token not in pushed.output
    again = runner.invoke(app, ["push", str(source), "--project", "cli", "-q"], env=_env(studio))
    assert "0 tasks created, 1 already there" in again.stdout
    ls = client(studio.conn)
    project_id = _project_id(studio, "cli · attribution")
    [task] = [t.model_dump() for t in ls.tasks.list(project=project_id, fields="all")]
    ls.annotations.create(task["id"], result=task["predictions"][0]["result"])
    pulled = runner.invoke(app, ["pull", "--project", "cli", "-o", str(out), "-q"], env=_env(studio))
    assert pulled.exit_code == 0, pulled.output
    assert "read layers attribution, claims" in pulled.stdout
    [stored] = list(read_documents(out))
    assert stored.provenance.layer == "attribution" and stored.provenance.project == "cli · attribution"
    [merged] = list(merge_records([stored], get_schema()))
    gold = merged.document
    assert [(s.label, s.text) for s in gold.spans] == [(s.label, s.text) for s in doc.spans]
    assert {r.label for r in gold.relations} == {"speaker", "cue"}
    assert gold.provenance.layers_missing == ["claims"] and gold.provenance.project == "cli"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pull", "--project", "no-such-project", "-o", "{out}"], "no project titled 'no-such-project'"),
        (["push", "{missing}", "--project", "x"], "no such file"),
        (["studio", "status", "--api-key", "wrong-token"], "refused the API key"),
        (
            ["pull", "--project", "cli", "-o", "{out}", "--url", "http://127.0.0.1:9"],
            "cannot reach Label Studio",
        ),
    ],
)
def test_studio_cli_errors_are_one_line_and_exit_1(studio, tmp_path, args, message) -> None:
    args = [a.format(out=tmp_path / "gold.jsonl", missing=tmp_path / "missing.jsonl") for a in args]
    result = runner.invoke(app, args, env=_env(studio))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "gold.jsonl").exists()


def test_studio_cli_managed_server_start_status_stop_and_down(studio_template, make_record, tmp_path) -> None:
    """start/status/stop of the managed server; while stopped, push and pull fail cleanly, losing nothing."""
    home = tmp_path / "home"
    home.mkdir()
    template, login = studio_template
    copy_data_dir(template, home / DATA_DIR)  # skip the minute-long first init
    user, password, token = login.username, login.password, login.token
    write_state(home, ServerState("", 0, None, user, password, token, str(home / DATA_DIR)))
    env = _env(home=home)
    source, out = tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    write_documents(source, [make_record("Eve said no.", SPEAKER="Eve", CUE="said")])
    out.write_text("previous gold\n", encoding="utf-8")
    started = None
    try:
        started = runner.invoke(app, ["studio", "start"], env=env)
        assert started.exit_code == 0, started.output
        state = read_state(home)
        assert state is not None and state.pid and state.url in started.stdout
        assert password not in started.output and token not in started.output  # never printed
        assert f"admin login ({user})" in started.stdout and "studio.json" in started.stdout
        assert stat.S_IMODE(os.stat(home / "studio.json").st_mode) == 0o600
        twice = runner.invoke(app, ["studio", "start"], env=env)
        assert "already running" in twice.stdout and read_state(home) == state
        assert runner.invoke(app, ["push", str(source), "-p", "managed", "-q"], env=env).exit_code == 0
        status = runner.invoke(app, ["studio", "status"], env=env)
        assert status.exit_code == 0 and "managed · attribution: 1 tasks, 0 annotations" in status.stdout
        assert "1.23" in status.stdout and "admin login" in status.stdout and password not in status.stdout

        stopped = runner.invoke(app, ["studio", "stop"], env=env)
        assert "stopped" in stopped.stdout
        down = runner.invoke(app, ["pull", "-p", "managed", "-o", str(out)], env=env)
        assert down.exit_code == 1 and "cannot reach Label Studio" in down.output
        assert "curation studio start" in down.output
        assert out.read_text(encoding="utf-8") == "previous gold\n"  # untouched
        assert runner.invoke(app, ["push", str(source), "-p", "managed", "-q"], env=env).exit_code == 1

        again = runner.invoke(app, ["studio", "start"], env=env)
        assert again.exit_code == 0, again.output
        status = runner.invoke(app, ["studio", "status"], env=env)
        assert "managed · attribution: 1 tasks" in status.stdout  # the data survived the stop
    finally:
        state = read_state(home)
        if state is not None and state.pid:
            stop_pid(state.pid)


def test_studio_schema_change_updates_config_but_never_orphans_annotations(
    studio, make_record, tmp_path
) -> None:
    raw = json.loads(json.dumps(__import__("yaml").safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))))
    doc = make_record("Max said it rained.", SPEAKER="Max", CUE="said", QUOTE="it rained")
    source = tmp_path / "pre.jsonl"
    write_documents(source, [doc])
    report = push(studio.conn, source, "schema-change")
    raw["spans"]["SOURCE_DOC"] = {"description": "a cited document", "color": "#000000", "hotkey": "d"}
    raw["layers"]["attribution"]["labels"].append("SOURCE_DOC")
    grown = tmp_path / "grown.yaml"
    grown.write_text(json.dumps(raw), encoding="utf-8")
    assert push(studio.conn, source, "schema-change", schema=load_schema(grown)).config_changed
    config = client(studio.conn).projects.get(report.project_id).label_config or ""
    assert 'value="SOURCE_DOC"' in config

    ls = client(studio.conn)
    [task] = [t.model_dump() for t in ls.tasks.list(project=report.project_id, fields="all")]
    ls.annotations.create(task["id"], result=task["predictions"][0]["result"])
    del raw["spans"]["CUE"]
    raw["relations"].pop("cue")
    raw["layers"]["attribution"]["labels"].remove("CUE")
    shrunk = tmp_path / "shrunk.yaml"
    shrunk.write_text(json.dumps(raw), encoding="utf-8")
    write_documents(
        source, [make_record("Max said it rained.", SPEAKER="Max")]
    )  # nothing the new schema lacks
    with pytest.raises(CurationError, match=r"no longer has \['label:CUE'\]"):
        push(studio.conn, source, "schema-change", schema=load_schema(shrunk))
    assert 'value="CUE"' in (client(studio.conn).projects.get(report.project_id).label_config or "")


def _project_id(studio, title: str) -> int:
    return next(p.id for p in client(studio.conn).projects.list() if p.title == title)


def test_studio_cli_pull_keeps_going_past_bad_annotations(studio, make_record, tmp_path) -> None:
    """Bad annotations are listed (task, document, annotator, annotation id, each problem) and left out;
    the good ones are written; a task skipped by its only annotator is listed; the exit code is 1."""
    docs = [
        make_record(
            f"Story {i}: Ada said the vote passed.", SPEAKER="Ada", CUE="said", QUOTE="the vote passed"
        )
        for i in range(4)
    ]
    source, out = tmp_path / "pre.jsonl", tmp_path / "gold.jsonl"
    write_documents(source, docs)
    pushed = push(studio.conn, source, "pull-past-bad")
    ls = client(studio.conn)
    noisy = ls.users.create(email="noisy@curation.local", username="noisy", password="noisy-pass-123")
    tasks = {t["data"]["doc_id"]: t for t in _tasks_of(studio, pushed.project_id)}
    good, reversed_, two_labels, skipped = (tasks[d.id] for d in docs)

    def result_of(task):
        return task["predictions"][0]["result"]

    ls.annotations.create(good["id"], result=result_of(good))
    bad = []
    for item in result_of(reversed_):
        if item.get("from_name") == "quote_kind":
            continue  # the annotator never chose a kind
        if item.get("type") == "relation" and str(item["to_id"]).startswith("speaker"):
            item = {**item, "from_id": item["to_id"], "to_id": item["from_id"]}  # drawn SPEAKER -> QUOTE
        bad.append(item)
    bad_one = ls.annotations.create(reversed_["id"], result=bad, completed_by=noisy.id)
    both = [
        {**item, "labels": ["speaker", "cue"]} if item.get("type") == "relation" else item
        for item in result_of(two_labels)
    ]
    bad_two = ls.annotations.create(two_labels["id"], result=both, completed_by=noisy.id)
    ls.annotations.create(two_labels["id"], result=result_of(two_labels))  # admin's is fine
    ls.annotations.create(skipped["id"], result=[], was_cancelled=True)

    pulled = runner.invoke(
        app, ["pull", "--project", "pull-past-bad", "-o", str(out), "-q"], env=_env(studio)
    )
    print(pulled.output)  # the report quotes these lines

    assert pulled.exit_code == 1 and "Traceback" not in pulled.output
    written = [d for d in read_documents(out) if not d.provenance.cancelled]  # the skip is kept as cancelled
    assert sorted(d.id for d in written) == sorted([docs[0].id, docs[2].id])
    assert {d.provenance.annotator for d in written} == {"admin@curation.local"}
    lines = pulled.output.splitlines()
    noisy_at = "by noisy@curation.local, annotation"
    assert f"left out: task {reversed_['id']} (document {docs[1].id}) {noisy_at} {bad_one.id}:" in lines
    assert any("QUOTE 'the vote passed' has no kind" in line for line in lines)
    assert any("relation SPEAKER speaker-9-12 -> QUOTE quote-18-33" in line for line in lines)
    assert f"left out: task {two_labels['id']} (document {docs[2].id}) {noisy_at} {bad_two.id}:" in lines
    assert sum("has 2 labels (speaker, cue)" in line for line in lines) == 2
    skip = f"task {skipped['id']} ({docs[3].id}) by admin@curation.local"
    assert f"skipped (kept as cancelled, never gold): {skip}" in lines
    assert "2 annotations left out, 1 skipped" in pulled.output


def _tasks_of(studio, project_id: int) -> list[dict]:
    return [t.model_dump() for t in client(studio.conn).tasks.list(project=project_id, fields="all")]
