"""Record <-> Label Studio result conversion, without a server: offsets, attributes, relations, checks."""

from __future__ import annotations

import copy

import pytest

from curation.errors import ValidationError
from curation.records import text_hash
from curation.schema import get_schema
from curation.studio.convert import document_from_task, doubt, prediction, regions_to_spans, task_data

EMOJI_TEXT = 'Fans 🎉🎉 cheered. "We won 🏆 today," said Ana 😀 Silva.'


def _task(doc, result, task_id=7):
    return {"id": task_id, "data": task_data(doc), "predictions": [], "annotations": [{"result": result}]}


def test_convert_prediction_round_trips_spans_attrs_relations(make_record) -> None:
    doc = make_record(EMOJI_TEXT, QUOTE="We won 🏆 today,", SPEAKER="Ana 😀 Silva", CUE="said")
    pred = prediction(doc, get_schema(), "m1")
    back = document_from_task(_task(doc, pred["result"]), pred["result"], get_schema(), {"reviewed": True})
    assert [(s.id, s.start, s.end, s.text, s.attrs) for s in back.spans] == [
        (s.id, s.start, s.end, s.text, s.attrs) for s in doc.spans
    ]
    assert back.relations == doc.relations
    assert back.id == doc.id and back.source == doc.source


def test_convert_prediction_offsets_are_utf16(make_record) -> None:
    doc = make_record(EMOJI_TEXT, SPEAKER="Ana 😀 Silva")
    region = prediction(doc, get_schema(), "m1")["result"][0]
    start = EMOJI_TEXT.index("Ana")
    assert region["value"]["start"] == start + 3  # three astral characters before it
    assert region["value"]["end"] == start + 3 + len("Ana 😀 Silva") + 1


def test_convert_shifted_region_is_an_error_naming_task_and_region(make_record) -> None:
    doc = make_record(EMOJI_TEXT, SPEAKER="Ana 😀 Silva")
    result = prediction(doc, get_schema(), "m1")["result"]
    shifted = copy.deepcopy(result)
    shifted[0]["value"]["start"] -= 3  # code points sent where UTF-16 units were expected
    shifted[0]["value"]["end"] -= 3
    with pytest.raises(ValidationError, match=r"task 7, region speaker-\d+-\d+: .*shifted"):
        regions_to_spans(shifted, EMOJI_TEXT, get_schema(), where="task 7")


def test_convert_edited_task_text_is_refused(make_record) -> None:
    doc = make_record(EMOJI_TEXT, SPEAKER="Ana 😀 Silva")
    task = _task(doc, [])
    task["data"]["text"] = EMOJI_TEXT + " edited"
    with pytest.raises(ValidationError, match="task 7 .*hash differs"):
        document_from_task(task, [], get_schema(), {})
    assert task["data"]["text_hash"] == text_hash(EMOJI_TEXT)


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        ({"from_id": "q", "to_id": "s", "direction": "right", "labels": ["speaker"]}, ("q", "s", "speaker")),
        ({"from_id": "s", "to_id": "q", "direction": "left", "labels": ["speaker"]}, ("q", "s", "speaker")),
        (
            {"from_id": "q", "to_id": "s", "direction": "right", "labels": []},
            ("q", "s", "speaker"),
        ),  # inferred
        ({"from_id": "q", "to_id": "c", "direction": "right"}, ("q", "c", "cue")),
    ],
)
def test_convert_relations(relation, expected) -> None:
    text = "He said it."
    regions = {"s": ("SPEAKER", 0, 2), "c": ("CUE", 3, 7), "q": ("QUOTE", 8, 10)}
    result = [
        {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
        }
        for rid, (label, s, e) in regions.items()
    ]
    spans, relations = regions_to_spans([*result, {"type": "relation", **relation}], text, get_schema(), "t")
    ids = {rid: f"{label.lower()}-{s}-{e}" for rid, (label, s, e) in regions.items()}
    assert [(r.head, r.tail, r.label) for r in relations] == [
        (ids[expected[0]], ids[expected[1]], expected[2])
    ]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {
                "id": "x",
                "from_name": "label",
                "type": "labels",
                "value": {"start": 0, "end": 2, "labels": ["NOPE"]},
            },
            "labels",
        ),
        (
            {"id": "x", "from_name": "mood", "type": "choices", "value": {"choices": ["happy"]}},
            "unknown control",
        ),
        ({"type": "relation", "from_id": "x", "to_id": "y", "labels": ["speaker"]}, "missing region"),
        (
            {
                "id": "x",
                "from_name": "label",
                "type": "labels",
                "value": {"start": 5, "end": 99, "labels": ["CUE"]},
            },
            "outside the text",
        ),
    ],
)
def test_convert_bad_result_items_are_errors(item, message) -> None:
    with pytest.raises(ValidationError, match=message):
        regions_to_spans([item], "He said it.", get_schema(), where="task 3")


@pytest.mark.parametrize(("scores", "expected"), [((0.9, 0.2, 0.5), 0.2), ((), 1.0)])
def test_convert_doubt_is_lowest_span_score(make_record, scores, expected) -> None:
    text = "one two three"
    doc = make_record(text)
    doc.spans = [
        make_record(text, score=s, CUE=word).spans[0] for s, word in zip(scores, text.split(), strict=False)
    ]
    assert doubt(doc) == expected


def test_convert_prediction_shows_each_span_rule_as_region_meta(make_record) -> None:
    doc = make_record(EMOJI_TEXT, QUOTE="We won 🏆 today,", SPEAKER="Ana 😀 Silva")
    doc.spans[0].rule = "direct_cue"  # the annotator sees why the model proposed the region
    regions = [r for r in prediction(doc, get_schema(), "m1")["result"] if r.get("type") == "labels"]
    assert regions[0]["meta"] == {"text": ["rule: direct_cue"]}
    assert "meta" not in regions[1]  # a span without a rule (drawn by a person) has none
