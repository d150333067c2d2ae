"""The document record and the label schema it is validated against."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from pydantic import ValidationError

from curation.jsonschema import RECORD_SCHEMA_PATH, render_record_schema
from curation.records import Document, Removed, Span, content_id, restore_removed, update_stamp
from curation.schema import get_schema

TEXT = "Peskov said “no deal” on Friday."


def make(spans=(), relations=()):
    return {
        "id": content_id(TEXT),
        "source": "t.txt",
        "text": TEXT,
        "spans": list(spans),
        "relations": list(relations),
    }


def quote(start=13, end=20, **kw):
    return {
        "id": "q1",
        "start": start,
        "end": end,
        "label": "QUOTE",
        "text": TEXT[start:end],
        "attrs": {"kind": "direct"},
        "score": 0.9,
    } | kw


def speaker():
    return {
        "id": "s1",
        "start": 0,
        "end": 6,
        "label": "SPEAKER",
        "text": "Peskov",
        "attrs": {"canonical": "Dmitry Peskov"},
    }


def test_records_valid_record_round_trips():
    doc = Document.model_validate(
        make([quote(), speaker()], [{"head": "q1", "tail": "s1", "label": "speaker"}])
    )
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc
    assert doc.spans[0].text == "no deal"


@pytest.mark.parametrize(
    ("spans", "relations", "message"),
    [
        ([quote(start=12, text="no deal")], [], "text[12:20]"),
        ([quote(label="OPINION")], [], "unknown label 'OPINION'"),
        ([quote(attrs={"kind": "reported"})], [], "not one of ['direct', 'indirect', 'mixed']"),
        ([quote(attrs={"mood": "x"})], [], "has no attribute 'mood'"),
        ([quote()], [{"head": "q1", "tail": "s9", "label": "speaker"}], "no span with id 's9'"),
        ([quote(), speaker()], [{"head": "s1", "tail": "q1", "label": "speaker"}], "cannot link a SPEAKER"),
        ([quote(), speaker()], [{"head": "q1", "tail": "s1", "label": "said_by"}], "unknown relation"),
        ([quote(), quote()], [], "duplicate span id"),
        ([quote(end=99)], [], "past the end"),
        # the text the slice gives, but the span ends past the text
        ([quote(start=len(TEXT) - 2, end=len(TEXT) + 5)], [], "past the end"),
        ([quote(attrs={"kind": ["direct"]})], [], "not one of"),
        ([speaker() | {"attrs": {"canonical": 5}}], [], "must be text"),
        ([quote(), speaker()], [{"head": "q1", "tail": "q1", "label": "speaker"}], "cannot link a QUOTE"),
    ],
)
def test_records_invalid_record_names_the_problem(spans, relations, message):
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Document.model_validate(make(spans, relations))


def test_records_content_id_is_stable_and_normalised():
    assert content_id("Café") == content_id("Cafe\u0301")  # composed and decomposed é
    assert content_id("a") != content_id("b")
    assert re.fullmatch(r"[0-9a-f]{16}", content_id("same text"))
    # pinned: the id must not change between versions or machines
    assert content_id("same text") == hashlib.sha256(b"same text").hexdigest()[:16]


def test_records_restore_removed_rebuilds_the_original():
    original = "Title\nAD LINE\nBody one.\nTags: x\n"
    removed = [
        Removed(start=6, end=14, text="AD LINE\n", reason="ad"),
        Removed(start=24, end=32, text="Tags: x\n", reason="tags"),
    ]
    cleaned = "Title\nBody one.\n"
    assert restore_removed(cleaned, removed) == original


def test_schema_relations_reference_known_labels():
    schema = get_schema()
    assert schema.span_labels[:4] == ["SPEAKER", "QUOTE", "CUE", "CLAIM"]
    assert schema.choice_values("QUOTE", "kind") == ["direct", "indirect", "mixed"]
    assert schema.relations["speaker"].from_ == ["QUOTE", "CLAIM"]


def test_schema_committed_record_schema_is_fresh():
    """Fails when schemas/record.schema.json is stale: run `curation schema`."""
    assert RECORD_SCHEMA_PATH.read_text(encoding="utf-8") == render_record_schema()
    assert json.loads(render_record_schema())["$defs"]["Span"]["properties"]["label"]["enum"] == [
        "SPEAKER",
        "QUOTE",
        "CUE",
        "CLAIM",
    ]


def test_records_span_at_takes_id_and_text_from_the_document():
    span = Span.at(TEXT, "QUOTE", 13, 20, {"kind": "direct"}, 0.5, group="E1")
    assert (span.id, span.text, span.attrs, span.score) == ("quote-13-20", "no deal", {"kind": "direct"}, 0.5)
    assert span.group == "E1"  # extra fields are kept  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("provenance", "stamp"),
    [
        ({"updated_at": "2026-11-01T12:00:00+02:00"}, "2026-11-01T10:00:00+00:00"),  # compared in UTC
        ({"annotated_at": "2026-11-01T10:00:00+00:00"}, "2026-11-01T10:00:00+00:00"),
        ({"updated_at": "yesterday"}, "yesterday"),  # not a time: kept as text
        ({}, ""),
    ],
)
def test_records_update_stamp_orders_records_in_utc(provenance, stamp):
    assert update_stamp(provenance) == stamp
