"""Overlap for agreement: with `--overlap 2`, two different annotators each get every task in the label
stream (GET /api/projects/{id}/next as each of them), each starting from the predictions; sign-up is by
invitation only, and `curation studio user add` makes the accounts."""

from __future__ import annotations

from typing import Any

import httpx
from typer.testing import CliRunner

from curation.cli.app import app
from curation.jsonl import write_documents
from curation.studio.connection import client
from curation.studio.push import push_layers
from curation.studio.users import add_user

runner = CliRunner()


def _log_in(url: str, email: str, password: str) -> httpx.Client:
    """A browser-like session of one annotator (cookie login, CSRF header on writes)."""
    web = httpx.Client(base_url=url, timeout=60)
    web.get("/user/login/")
    answer = web.post(
        "/user/login/",
        data={"email": email, "password": password, "csrfmiddlewaretoken": web.cookies["csrftoken"]},
        headers={"Referer": f"{url}/user/login/"},
    )
    assert answer.status_code in (302, 303), f"{email} could not log in ({answer.status_code})"
    return web


def _work_through_stream(web: httpx.Client, project_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """Take the next task of the label stream and submit its predictions as they are, until none is left."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        answer = web.get(f"/api/projects/{project_id}/next")
        if answer.status_code == 404:
            return seen
        assert answer.status_code == 200, answer.text
        task = answer.json()
        seen.append(task)
        submitted = web.post(
            f"/api/tasks/{task['id']}/annotations/",
            json={"result": task["predictions"][0]["result"], "project": project_id},
            headers={"X-CSRFToken": web.cookies["csrftoken"], "Referer": str(web.base_url)},
        )
        assert submitted.status_code == 201, submitted.text
    raise AssertionError(f"the label stream of project {project_id} never ran out")


def test_overlap_two_gives_every_task_to_each_of_two_annotators(studio, make_record, tmp_path) -> None:
    docs = [
        make_record(f"Ada said the vote {n} passed.", SPEAKER="Ada", CUE="said", QUOTE=f"the vote {n} passed")
        for n in range(3)
    ]
    source = tmp_path / "pre.jsonl"
    write_documents(source, docs)
    [report] = push_layers(studio.conn, source, "overlap", layers=["attribution"], overlap=2)
    project = client(studio.conn).projects.get(report.project_id)
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (2, 100)

    env = {"LABEL_STUDIO_URL": studio.url, "LABEL_STUDIO_API_KEY": studio.token}
    added = runner.invoke(app, ["studio", "user", "add", "ann1"], env=env)
    assert added.exit_code == 0, added.output
    password = added.stdout.split("password: ")[1].split()[0]
    second = add_user(studio.conn, "ann2")
    assert second.password not in repr(second)

    first_web = _log_in(studio.url, "ann1@curation.local", password)
    second_web = _log_in(studio.url, second.email, second.password)
    got_first = _work_through_stream(first_web, report.project_id)
    got_second = _work_through_stream(second_web, report.project_id)
    every = {d.id for d in docs}
    assert {t["data"]["doc_id"] for t in got_first} == every
    assert {t["data"]["doc_id"] for t in got_second} == every  # the second annotator gets every task too
    # each starts from the predictions (not from the other's annotation, not blank)
    assert all(t["predictions"] and t["predictions"][0]["result"] for t in got_first + got_second)
    assert _work_through_stream(_log_in(studio.url, "ann1@curation.local", password), report.project_id) == []


def test_overlap_one_gives_each_task_to_one_annotator(studio, make_record, tmp_path) -> None:
    source = tmp_path / "pre.jsonl"
    write_documents(source, [make_record("Bo said it rained.", SPEAKER="Bo", CUE="said", QUOTE="it rained")])
    [report] = push_layers(studio.conn, source, "no-overlap", layers=["attribution"])
    first, second = add_user(studio.conn, "solo1"), add_user(studio.conn, "solo2")
    assert len(_work_through_stream(_log_in(studio.url, first.email, first.password), report.project_id)) == 1
    assert _work_through_stream(_log_in(studio.url, second.email, second.password), report.project_id) == []


def test_sign_up_without_the_invitation_link_is_refused(studio) -> None:
    web = httpx.Client(base_url=studio.url, timeout=60)
    web.get("/user/signup/")
    answer = web.post(
        "/user/signup/",
        data={"email": "stranger@example.org", "password": "a-long-password-1",
              "csrfmiddlewaretoken": web.cookies.get("csrftoken", "")},
        headers={"Referer": f"{studio.url}/user/signup/"},
    )  # fmt: skip
    assert answer.status_code == 403
    users = {u.email for u in client(studio.conn).users.list()}
    assert "stranger@example.org" not in users
