"""The claim component inside the project's pipeline: CLAIM spans in the annotate output of the seeds."""

from __future__ import annotations

import pytest

from curation.annotate import annotate_file
from curation.extract.pipeline import build_pipeline
from curation.jsonl import read_documents
from curation.records import Document

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def records(tmp_path_factory, seeds_dir) -> dict[str, Document]:
    """The seeds annotated by the full pipeline, by seed number ("000" ...)."""
    out = tmp_path_factory.mktemp("claims") / "preannotations.jsonl"
    annotate_file([seeds_dir], out, build_pipeline())
    return {doc.source.rsplit("/", 1)[-1][:3]: doc for doc in read_documents(out)}


def test_claims_pipeline_adds_the_component_last():
    assert build_pipeline().pipe_names[-1] == "curation_claims"


@pytest.mark.parametrize(
    ("seed", "phrase"),
    [
        ("000", "86% of the occupied area"),
        ("004", "86% of the area"),
        ("000", "around 100 towns and villages"),
    ],
)
def test_claims_pipeline_records_numeric_claims_as_high(records, seed, phrase):
    claims = [s for s in records[seed].spans if s.label == "CLAIM" and phrase in s.text]
    assert claims, f"no CLAIM span contains {phrase!r}"
    assert all(s.attrs["checkworthy"] == "high" and s.score is not None for s in claims)


def test_claims_pipeline_relates_quoted_claims_to_their_speaker(records):
    doc = records["000"]
    by_id = doc.spans_by_id()
    speakers = {
        by_id[r.head].text: by_id[r.tail].attrs.get("canonical")
        for r in doc.relations
        if r.label == "speaker" and by_id[r.head].label == "CLAIM"
    }
    assert speakers, "no CLAIM -> SPEAKER relation in seed 000"
    assert speakers.get("Russia was skeptical about the intentions behind the ceasefire") == "Yuri Ushakov"


def test_claims_pipeline_leaves_advertising_and_questions_out(records):
    texts = [s.text for d in records.values() for s in d.spans if s.label == "CLAIM"]
    assert not [t for t in texts if "Tekedia" in t or "Why would he stop now" in t]
