"""Reading gold and predictions: one record per id (reviews adjudicated, else the latest), texts agree."""

from __future__ import annotations

import pytest

from curation.errors import InputError
from curation.evaluate.loading import RecordIndex, pair_with_file, read_gold
from curation.jsonl import write_documents

TEXT = "Bob said taxes rose."


def test_loading_latest_machine_record_wins(tmp_path, doc_builder):
    path = tmp_path / "gold.jsonl"
    old = doc_builder(
        TEXT, [{"label": "QUOTE", "text": "taxes"}], id="d1", provenance={"updated_at": "2026-01-02T00:00:00"}
    )
    new = doc_builder(
        TEXT,
        [{"label": "QUOTE", "text": "taxes rose"}],
        id="d1",
        provenance={"updated_at": "2026-03-01T00:00:00"},
    )
    write_documents(path, [new, old])  # the newer review comes first in the file
    (gold,) = read_gold(path)
    assert gold.spans[0].text == "taxes rose"
    index = RecordIndex(path)
    assert len(index) == 1
    assert [d.spans[0].text for d in index.get_all("d1")] == ["taxes rose", "taxes"]


def test_loading_reviewed_versions_are_adjudicated_not_the_latest(tmp_path, doc_builder):
    path = tmp_path / "gold.jsonl"

    def review(who, text, day):
        prov = {"reviewed": True, "annotator": who, "updated_at": f"2026-01-0{day}T00:00:00"}
        return doc_builder(TEXT, [{"label": "QUOTE", "text": text}], id="d1", provenance=prov)

    write_documents(
        path, [review("a", "taxes rose", 1), review("b", "taxes rose", 2), review("c", "taxes", 3)]
    )
    (gold,) = read_gold(path)
    assert [s.text for s in gold.spans] == ["taxes rose"]  # two of three, though c is the latest
    assert gold.provenance.adjudication["method"] == "majority"


def test_loading_missing_prediction_is_none(tmp_path, doc_builder):
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    write_documents(gold_path, [doc_builder(TEXT, [], id="d1"), doc_builder("Other text.", [], id="d2")])
    write_documents(pred_path, [doc_builder(TEXT, [], id="d1")])
    pairs = [(g.id, p.id if p else None) for g, p in pair_with_file(read_gold(gold_path), pred_path)]
    assert pairs == [("d1", "d1"), ("d2", None)]


def test_loading_refuses_a_prediction_on_another_text(tmp_path, doc_builder):
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    write_documents(gold_path, [doc_builder(TEXT, [], id="d1")])
    write_documents(pred_path, [doc_builder(TEXT + " More.", [], id="d1")])
    with pytest.raises(InputError, match="record d1 has a different text"):
        list(pair_with_file(read_gold(gold_path), pred_path))


def test_loading_record_without_id_names_the_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"text": "no id"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl:2: a record needs a string 'id'"):
        RecordIndex(path)
