"""`push --mode decisions` and its pull against a real Label Studio, through to an exported dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import read_documents, write_documents
from curation.records import Document
from curation.studio.connection import client
from curation.studio.decision_units import CHOICE_NAME, PREDICTED, UNIT, VIEW_NAME
from curation.studio.decisions import decisions_title, pull_decisions, push_decisions

runner = CliRunner()


DOCS = {
    # name: (text, [(quote, speaker, cue, score)])
    "all accepted": (
        "Ada said: “The vote passed.” Later Bob told reporters: “We counted twice.”",
        [("The vote passed.", "Ada", "said", 0.9), ("We counted twice.", "Bob", "told reporters", 0.8)],
    ),
    "one rejected": (
        "Cy said: “Taxes fall in May.” The report was called “a disgrace” by nobody said Dee.",
        [("Taxes fall in May.", "Cy", "said", 0.7), ("a disgrace", "Dee", "called", 0.2)],
    ),
    "wrong speaker": (
        "Eve warned: “Rivers are rising.” Fay replied: “The dams will hold.”",
        [("Rivers are rising.", "Eve", "warned", 0.6), ("The dams will hold.", "Eve", "replied", 0.3)],
    ),
    "partly decided": (
        "Gus said: “Trains run late.” Hal added: “Buses too.”",
        [("Trains run late.", "Gus", "said", 0.5), ("Buses too.", "Hal", "added", 0.55)],
    ),
}
ANSWERS = {  # document -> the answer to each of its quotes (None: left undecided)
    "all accepted": ["accept", "accept"],
    "one rejected": ["accept", "reject"],
    "wrong speaker": ["accept", "wrong speaker"],
    "partly decided": ["accept", None],
}


def _answer(value: str) -> list[dict[str, Any]]:
    """The result the editor sends for one answer (the Choices control of the decisions config)."""
    return [
        {"from_name": CHOICE_NAME, "to_name": VIEW_NAME, "type": "choices", "value": {"choices": [value]}}
    ]


def _tasks(studio: Any, project_id: int) -> list[dict[str, Any]]:
    ls = client(studio.conn)
    return [t.model_dump() for t in ls.tasks.list(project=project_id, fields="all", page_size=1000)]


@pytest.fixture
def decision_source(tmp_path: Path, make_quotes_record: Any) -> tuple[Path, dict[str, Document]]:
    docs = {
        name: make_quotes_record(text, quotes, f"test/{text[:8]}") for name, (text, quotes) in DOCS.items()
    }
    docs["no quote"] = make_quotes_record("Nothing is quoted in this short note.", [])
    source = tmp_path / "pre.jsonl"
    write_documents(source, docs.values())
    return source, docs


def test_studio_decisions_round_trip_to_gold_and_export(studio, decision_source, tmp_path) -> None:
    source, docs = decision_source
    env = {"LABEL_STUDIO_URL": studio.url, "LABEL_STUDIO_API_KEY": studio.token}
    pushed = runner.invoke(
        app, ["push", str(source), "--project", "dec", "--mode", "decisions", "-q"], env=env
    )
    assert pushed.exit_code == 0, pushed.output
    assert "8 decisions on QUOTE, CLAIM in 5 documents; 8 tasks created, 0 already there" in pushed.stdout
    assert (
        "1 documents have no prediction to decide" in pushed.stdout and docs["no quote"].id in pushed.stdout
    )

    again = push_decisions(studio.conn, source, "dec")
    assert (again.created, again.already_there, again.project) == (0, 8, decisions_title("dec"))

    tasks = _tasks(studio, again.project_id)
    scores = [
        min(s["score"] for s in t["data"][PREDICTED]["spans"]) for t in sorted(tasks, key=lambda t: t["id"])
    ]
    assert scores == sorted(scores)  # most doubtful first, across documents
    by_unit = {t["data"][UNIT]: t for t in tasks}
    ls = client(studio.conn)
    for name, answers in ANSWERS.items():
        doc = docs[name]
        quotes = sorted((s for s in doc.spans if s.label == "QUOTE"), key=lambda s: s.start)
        for quote, answer in zip(quotes, answers, strict=True):
            if answer is not None:
                ls.annotations.create(
                    by_unit[f"{doc.id}:{quote.id}"]["id"], result=_answer(answer), lead_time=2.5
                )

    # A pull of the full editor's project says where the answers are.
    runner.invoke(app, ["push", str(source), "--project", "dec", "--layer", "all", "-q"], env=env)
    out, fix = tmp_path / "gold.jsonl", tmp_path / "fix.jsonl"
    plain = runner.invoke(app, ["pull", "--project", "dec", "-o", str(out), "-q"], env=env)
    assert plain.exit_code == 0, plain.output
    assert "project 'dec · decisions' holds 7 answers not in this pull" in plain.stdout

    pulled = runner.invoke(
        app,
        [
            "pull",
            "--project",
            "dec",
            "--mode",
            "decisions",
            "-o",
            str(out),
            "--to-editor",
            str(fix),
            "--per-document",
            "-q",
        ],
        env=env,
    )
    assert pulled.exit_code == 0, pulled.output
    text = pulled.stdout
    assert (
        "2 gold records from 'dec · decisions' (8 tasks): 5 accept, 1 reject, 1 wrong speaker, "
        "0 wrong span, 1 undecided, 0 skipped" in text
    )
    assert f"  {docs['wrong speaker'].id} (test/Eve warn) by admin@curation.local: 1 wrong" in text
    assert f"  {docs['partly decided'].id} (test/Gus said) by admin@curation.local: 1 of 2" in text
    assert f"curation push {fix} --project dec" in text
    assert (
        f"{docs['one rejected'].id} (test/Cy said:) [admin@curation.local]: 2 units, 1 accept, 1 reject, "
        "0 undecided -> gold" in text
    )

    assert "gold store: 2 added, 0 updated, 0 kept, 0 removed" in text  # into the plain pull's store
    again = pull_decisions(studio.conn, "dec", out)
    assert (again.store.added, again.store.updated, again.store.removed) == (0, 2, [])
    gold = {d.id: d for d in read_documents(out)}
    assert set(gold) == {docs["all accepted"].id, docs["one rejected"].id}
    full = gold[docs["all accepted"].id]
    expected = docs["all accepted"]
    assert {(s.id, s.label, s.text, tuple(s.attrs.items())) for s in full.spans} == {
        (s.id, s.label, s.text, tuple(s.attrs.items())) for s in expected.spans
    }
    assert {(r.head, r.tail, r.label) for r in full.relations} == {
        (r.head, r.tail, r.label) for r in expected.relations
    }
    assert all(s.score is None for s in full.spans)
    prov = full.provenance
    assert prov.reviewed is True and prov.mode == "decisions" and prov.decisions == {"accept": 2}
    assert prov.annotator == "admin@curation.local" and prov.lead_time == 5.0
    assert prov.started_from_model_version == "m-1" and prov.updated_at
    partial = gold[docs["one rejected"].id]
    assert sorted(s.text for s in partial.spans) == ["Cy", "Taxes fall in May.", "said"]  # Dee, called: gone

    [editor] = list(read_documents(fix))
    assert editor.id == docs["wrong speaker"].id and editor.provenance.reviewed is False
    assert len(editor.provenance.to_fix) == 1 and editor.provenance.model_version == "m-1"
    assert sorted(s.text for s in editor.spans if s.label == "QUOTE") == [
        "Rivers are rising.",
        "The dams will hold.",
    ]

    exported = runner.invoke(
        app, ["export", str(out), "--name", "decided", "--out", str(tmp_path / "exp"), "-q"]
    )
    assert exported.exit_code == 0, exported.output
    import datasets

    quotes = datasets.load_dataset(str(tmp_path / "exp" / "decided" / "v0.1.0"), "quotes")
    texts = sorted(row["text"] for split in quotes.values() for row in split)
    assert texts == ["Taxes fall in May.", "The vote passed.", "We counted twice."]


def test_studio_decisions_pull_counts_skips_and_keeps_partly_decided_out(
    studio, decision_source, tmp_path
) -> None:
    source, docs = decision_source
    report = push_decisions(studio.conn, source, "dec-skip", labels=["QUOTE"])
    assert report.labels == ["QUOTE"] and report.created == 8
    ls = client(studio.conn)
    tasks = {t["data"][UNIT]: t for t in _tasks(studio, report.project_id)}
    doc = docs["all accepted"]
    first, second = sorted((s for s in doc.spans if s.label == "QUOTE"), key=lambda s: s.start)
    ls.annotations.create(tasks[f"{doc.id}:{first.id}"]["id"], result=_answer("accept"))
    ls.annotations.create(tasks[f"{doc.id}:{second.id}"]["id"], result=[], was_cancelled=True)
    pulled = pull_decisions(studio.conn, "dec-skip", tmp_path / "gold.jsonl")
    assert pulled.records == 0 and len(pulled.skipped) == 1 and pulled.undecided == 7
    [row] = [r for r in pulled.documents if r.doc_id == doc.id]
    assert (row.status, row.undecided, dict(row.answers)) == ("partly decided", 1, {"accept": 1})
    assert len(pulled.with_status("undecided")) == 3
    assert list(read_documents(tmp_path / "gold.jsonl")) == []
