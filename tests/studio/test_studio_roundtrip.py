"""Push and pull against a real Label Studio: round trip, idempotence, versions, emoji, annotators, faults."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from curation.errors import CurationError, ServerError, ValidationError
from curation.jsonl import read_documents, write_documents
from curation.records import Document, Provenance, Span, content_id, span_id
from curation.studio.connection import Connection, client
from curation.studio.pull import pull
from curation.studio.push import push


def _seed_record(text: str, model_version: str = "curation-0.1.0+test-1") -> Document:
    """A pre-annotation of a seed: spans on the first words (placed by offsets, never by guesswork)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]

    def span(label: str, first: int, last: int, score: float, **attrs: str) -> Span:
        return Span.at(text, label, words[first][0], words[last][1], dict(attrs), score)

    spans = [
        span("SPEAKER", 0, 1, 0.9, canonical=text[words[0][0] : words[1][1]]),
        span("CUE", 2, 2, 0.8),
        span("QUOTE", 3, 8, 0.6, kind="direct"),
        span("CLAIM", 10, 15, 0.7, checkworthy="high"),
    ]
    relations = [
        {"head": spans[2].id, "tail": spans[0].id, "label": "speaker"},
        {"head": spans[2].id, "tail": spans[1].id, "label": "cue"},
    ]
    return Document(
        id=content_id(text),
        source="seeds",
        text=text,
        spans=spans,
        relations=relations,
        provenance={"model": "test", "model_version": model_version, "reviewed": False},
    )


def _tasks(conn: Connection, project_id: int) -> list[dict[str, Any]]:
    return [t.model_dump() for t in client(conn).tasks.list(project=project_id, fields="all", page_size=1000)]


def _task_of(conn: Connection, project_id: int, doc_id: str) -> dict[str, Any]:
    return next(t for t in _tasks(conn, project_id) if t["data"]["doc_id"] == doc_id)


def _key(doc: Document) -> tuple[set[Any], set[Any]]:
    spans = {(s.id, s.start, s.end, s.label, s.text, tuple(sorted(s.attrs.items()))) for s in doc.spans}
    return spans, {(r.head, r.tail, r.label) for r in doc.relations}


@pytest.fixture(scope="module")
def seed_records(seeds_dir: Path) -> list[Document]:
    return [_seed_record(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]


def test_studio_round_trip_returns_the_annotators_edit(studio, seed_records, tmp_path) -> None:
    """Push seeds; edit one task's prediction through the API (move, delete, add, attribute); pull."""
    source = tmp_path / "pre.jsonl"
    write_documents(source, seed_records)
    report = push(studio.conn, source, "roundtrip")
    assert report.created == len(seed_records)
    doc = seed_records[0]
    task = _task_of(studio.conn, report.project_id, doc.id)
    pred = task["predictions"][0]
    result = [dict(item) for item in pred["result"]]
    by_label = {s.label: s for s in doc.spans}
    text = doc.text
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    # Move the CLAIM onto words 20..23 (ASCII seed: code points == UTF-16 units).
    claim = by_label["CLAIM"]
    new_start, new_end = words[20][0], words[23][1]
    for item in result:
        if item.get("id") == claim.id:
            item["value"] = {**item["value"], "start": new_start, "end": new_end}
            if item["type"] == "labels":
                item["value"]["text"] = text[new_start:new_end]
    # Delete the CUE and its relation.
    cue = by_label["CUE"]
    result = [i for i in result if i.get("id") != cue.id and i.get("to_id") != cue.id]
    # Change the QUOTE kind.
    for item in result:
        if item.get("from_name") == "quote_kind":
            item["value"] = {**item["value"], "choices": ["indirect"]}
    # Add a SPEAKER for the claim, with a relation.
    s2, e2 = words[25][0], words[26][1]
    result.append(
        {
            "id": "Xq9new01",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": s2, "end": e2, "text": text[s2:e2], "labels": ["SPEAKER"]},
        }
    )
    result.append(
        {
            "from_id": span_id("CLAIM", new_start, new_end),
            "to_id": "Xq9new01",
            "type": "relation",
            "direction": "right",
            "labels": ["speaker"],
        }
    )
    for item in result:  # the moved claim's relation refers to the region id, which did not change
        if item.get("from_id") == span_id("CLAIM", new_start, new_end):
            item["from_id"] = claim.id
    client(studio.conn).annotations.create(
        task["id"], result=result, lead_time=42.0, parent_prediction=pred["id"]
    )

    out = tmp_path / "gold.jsonl"
    pulled = pull(studio.conn, "roundtrip", out)
    assert (pulled.records, pulled.documents) == (1, 1)
    [gold] = list(read_documents(out))

    moved = span_id("CLAIM", new_start, new_end)
    added = span_id("SPEAKER", s2, e2)
    speaker, quote = by_label["SPEAKER"], by_label["QUOTE"]
    expected_spans = {
        (
            speaker.id,
            speaker.start,
            speaker.end,
            "SPEAKER",
            speaker.text,
            (("canonical", speaker.attrs["canonical"]),),
        ),
        (quote.id, quote.start, quote.end, "QUOTE", quote.text, (("kind", "indirect"),)),
        (moved, new_start, new_end, "CLAIM", text[new_start:new_end], (("checkworthy", "high"),)),
        (added, s2, e2, "SPEAKER", text[s2:e2], (("canonical", None),)),  # left empty: null, kept
    }
    expected_relations = {(quote.id, speaker.id, "speaker"), (moved, added, "speaker")}
    assert _key(gold) == (expected_spans, expected_relations)
    assert gold.id == doc.id and gold.text == doc.text and gold.source == "seeds"
    prov = gold.provenance
    assert prov.reviewed is True and prov.annotator == "admin@curation.local"
    assert prov.lead_time == 42.0 and prov.task_id == task["id"] and prov.project == "roundtrip"
    assert prov.started_from_model_version == doc.provenance.model_version
    assert prov.annotation_id and prov.created_at and prov.updated_at


def test_studio_push_twice_creates_no_task_and_new_version_moves_project(
    studio, seed_records, tmp_path
) -> None:
    source = tmp_path / "pre.jsonl"
    write_documents(source, seed_records)
    first = push(studio.conn, source, "idempotent")
    again = push(studio.conn, source, "idempotent")
    assert (again.created, again.already_there, again.predictions_added) == (0, len(seed_records), 0)
    assert len(_tasks(studio.conn, first.project_id)) == len(seed_records)

    newer = [_seed_record(d.text, model_version="curation-0.2.0+test-2") for d in seed_records]
    write_documents(source, newer)
    moved = push(studio.conn, source, "idempotent")
    assert (moved.created, moved.predictions_added) == (0, len(seed_records))
    tasks = _tasks(studio.conn, first.project_id)
    assert len(tasks) == len(seed_records)
    assert all(
        sorted(p["model_version"] for p in t["predictions"])
        == ["curation-0.1.0+test-1", "curation-0.2.0+test-2"]
        for t in tasks
    )
    assert client(studio.conn).projects.get(first.project_id).model_version == "curation-0.2.0+test-2"
    assert push(studio.conn, source, "idempotent").predictions_added == 0
    # An annotator who started from the older prediction is recorded as such.
    older = next(p for p in tasks[0]["predictions"] if p["model_version"] == "curation-0.1.0+test-1")
    client(studio.conn).annotations.create(
        tasks[0]["id"], result=older["result"], parent_prediction=older["id"]
    )
    out = tmp_path / "gold.jsonl"
    pull(studio.conn, "idempotent", out)
    [gold] = list(read_documents(out))
    assert gold.provenance.started_from_model_version == "curation-0.1.0+test-1"


def test_studio_push_orders_most_doubtful_first(studio, make_record, tmp_path) -> None:
    docs = [
        make_record(f"Doc {i}: Ann said it.", score=s, SPEAKER="Ann") for i, s in enumerate((0.9, 0.1, 0.5))
    ]
    source = tmp_path / "pre.jsonl"
    write_documents(source, docs)
    report = push(studio.conn, source, "doubt-order")
    order = [
        t["data"]["doc_id"] for t in sorted(_tasks(studio.conn, report.project_id), key=lambda t: t["id"])
    ]
    assert order == [docs[1].id, docs[2].id, docs[0].id]


def test_studio_emoji_document_round_trip_keeps_exact_offsets(studio, make_record, tmp_path) -> None:
    text = 'Fans 🎉🎉 cheered. "We won 🏆 today," said Ana 😀 Silva of 𝕏 Corp.'
    doc = make_record(text, QUOTE="We won 🏆 today,", SPEAKER="Ana 😀 Silva", CUE="said")
    source = tmp_path / "pre.jsonl"
    write_documents(source, [doc])
    report = push(studio.conn, source, "emoji")
    task = _task_of(studio.conn, report.project_id, doc.id)
    result = task["predictions"][0]["result"]
    speaker = next(r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["SPEAKER"])
    assert speaker["value"]["start"] == text.index("Ana")  # code points, as the editor counts
    # An annotator adds "Corp" after the astral 𝕏: the editor sends code points (tests/browser/ shows it).
    start = text.index("Corp")
    added = {
        "id": "corp",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + 4, "text": "Corp", "labels": ["SPEAKER"]},
    }
    client(studio.conn).annotations.create(task["id"], result=[*result, added])
    out = tmp_path / "gold.jsonl"
    pull(studio.conn, "emoji", out)
    [gold] = list(read_documents(out))
    got = {s.label + ":" + s.text: (s.start, s.end) for s in gold.spans}
    corp = text.index("Corp")
    assert got["SPEAKER:Corp"] == (corp, corp + 4)
    for span in doc.spans:
        assert got[f"{span.label}:{span.text}"] == (span.start, span.end)


def test_studio_two_annotators_both_come_back_latest_only(studio, make_record, tmp_path) -> None:
    text = "Mia said the bridge will close."
    doc = make_record(text, SPEAKER="Mia", CUE="said", QUOTE="the bridge will close")
    source = tmp_path / "pre.jsonl"
    write_documents(source, [doc])
    report = push(studio.conn, source, "two-annotators")
    ls = client(studio.conn)
    second = ls.users.create(email="second@curation.local", username="second", password="second-pass-123")
    task = _task_of(studio.conn, report.project_id, doc.id)
    result = task["predictions"][0]["result"]
    only_speaker = [r for r in result if r.get("id") == doc.spans[0].id]
    ls.annotations.create(task["id"], result=only_speaker)  # admin, first try
    time.sleep(0.05)
    ls.annotations.create(task["id"], result=result)  # admin, latest
    ls.annotations.create(task["id"], result=only_speaker, completed_by=second.id)
    ls.annotations.create(task["id"], result=[], completed_by=second.id, was_cancelled=True)
    out = tmp_path / "gold.jsonl"
    pulled = pull(studio.conn, "two-annotators", out)
    gold = {d.provenance.annotator: d for d in read_documents(out)}
    assert set(gold) == {"admin@curation.local", "second@curation.local"}
    assert len(gold["admin@curation.local"].spans) == 3
    assert [s.label for s in gold["second@curation.local"].spans] == ["SPEAKER"]
    assert {d.id for d in gold.values()} == {doc.id}
    assert len(pulled.cancelled) == 1 and "second@curation.local" in pulled.cancelled[0]


def test_studio_pull_since_takes_only_newer_annotations(studio, make_record, tmp_path) -> None:
    docs = [make_record(f"Story {i}: Leo said yes.", SPEAKER="Leo") for i in range(2)]
    source = tmp_path / "pre.jsonl"
    write_documents(source, docs)
    report = push(studio.conn, source, "since")
    ls = client(studio.conn)
    first, second = (_task_of(studio.conn, report.project_id, d.id) for d in docs)
    ls.annotations.create(first["id"], result=first["predictions"][0]["result"])
    time.sleep(1.1)
    cut = datetime.now(UTC)
    time.sleep(0.1)
    ls.annotations.create(second["id"], result=second["predictions"][0]["result"])
    out = tmp_path / "gold.jsonl"
    pulled = pull(studio.conn, "since", out, since=cut)
    assert [d.id for d in read_documents(out)] == [docs[1].id]
    assert pulled.unchanged == 1


def test_studio_push_rejects_a_bad_record_before_sending(studio, make_record, tmp_path) -> None:
    doc = make_record("Zoe said hi.", SPEAKER="Zoe").model_dump()
    doc["relations"] = [{"head": doc["spans"][0]["id"], "tail": "quote-99-100", "label": "speaker"}]
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=rf"bad.jsonl:1 \(document {doc['id']}\)"):
        push(studio.conn, source, "never-created")
    no_version = make_record("Zoe said hi.", SPEAKER="Zoe")
    no_version.provenance = Provenance()
    write_documents(source, [no_version])
    with pytest.raises(ValidationError, match="model_version"):
        push(studio.conn, source, "never-created")
    titles = [p.title for p in client(studio.conn).projects.list()]
    assert "never-created" not in titles


def test_studio_timeout_midway_then_rerun_finishes_without_duplicates(studio, make_record, tmp_path) -> None:
    docs = [
        make_record(f"Item {i}: Kim said the count is {i}.", SPEAKER="Kim", CUE="said") for i in range(400)
    ]
    source = tmp_path / "pre.jsonl"
    write_documents(source, docs)
    push(studio.conn, source, "timeout", batch_size=400)  # creates the project, all 400 land
    more = [make_record(f"Later {i}: Kim said {i}.", SPEAKER="Kim") for i in range(400)]
    write_documents(source, docs + more)
    with pytest.raises(ServerError, match=r"did not answer within 0.05 s while importing \d+ tasks"):
        push(studio.conn, source, "timeout", batch_size=200, import_timeout=0.05)
    rerun = push(studio.conn, source, "timeout", batch_size=200)
    assert rerun.already_there + rerun.created == 800
    doc_ids = [t["data"]["doc_id"] for t in _tasks(studio.conn, rerun.project_id)]
    assert len(doc_ids) == len(set(doc_ids)) == 800


def test_studio_faults_are_one_clear_error(studio, tmp_path) -> None:
    out = tmp_path / "gold.jsonl"
    with pytest.raises(CurationError, match="no project titled 'missing-project'"):
        pull(studio.conn, "missing-project", out)
    with pytest.raises(ServerError, match="refused the API key"):
        pull(Connection(studio.url, "not-the-token"), "roundtrip", out)
    with pytest.raises(ServerError, match="cannot reach Label Studio at http://127.0.0.1:9"):
        pull(Connection("http://127.0.0.1:9", "x"), "roundtrip", out)
    assert not out.exists()


def test_studio_tasks_export_in_chunks_returns_each_task_once(studio, make_record, tmp_path) -> None:
    from curation.studio.tasks import iter_tasks, task_ids

    docs = [make_record(f"Note {i}: Sam said so.", SPEAKER="Sam") for i in range(5)]
    source = tmp_path / "pre.jsonl"
    write_documents(source, docs)
    report = push(studio.conn, source, "chunks")
    ids = task_ids(studio.conn, report.project_id)
    assert len(ids) == 5
    got = [t["id"] for t in iter_tasks(studio.conn, report.project_id, ids[1:], chunk=2)]
    assert got == ids[1:]
    assert task_ids(studio.conn, report.project_id, annotated_only=True) == []
