"""Record <-> Label Studio result conversion, without a server: offsets, attributes, relations, checks."""

from __future__ import annotations

import copy

import pytest

from curation.errors import ValidationError
from curation.records import Document, Span, content_id, text_hash
from curation.schema import get_schema
from curation.studio.convert import (
    AnnotationProblems,
    document_from_task,
    doubt,
    prediction,
    regions_to_spans,
    task_data,
)

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


def test_convert_prediction_offsets_are_code_points_as_the_editor_counts(make_record) -> None:
    doc = make_record(EMOJI_TEXT, SPEAKER="Ana 😀 Silva")
    region = prediction(doc, get_schema(), "m1")["result"][0]
    start = EMOJI_TEXT.index("Ana")  # three astral characters before it: no shift (tests/browser/ proves it)
    assert (region["value"]["start"], region["value"]["end"]) == (start, start + len("Ana 😀 Silva"))


def test_convert_shifted_region_is_an_error_naming_task_and_region(make_record) -> None:
    doc = make_record(EMOJI_TEXT, SPEAKER="We won 🏆")
    result = prediction(doc, get_schema(), "m1")["result"]
    shifted = copy.deepcopy(result)
    shifted[0]["value"]["start"] += 2  # UTF-16 units where code points were expected
    shifted[0]["value"]["end"] += 2
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
        ({"from_id": "q", "to_id": "c", "direction": "right", "labels": ["cue"]}, ("q", "c", "cue")),
    ],
)
def test_convert_relations(relation, expected) -> None:
    text = "He said it."
    result = _regions(text)
    spans, relations = regions_to_spans([*result, {"type": "relation", **relation}], text, get_schema(), "t")
    ids = {rid: f"{label.lower()}-{s}-{e}" for rid, (label, s, e) in REGIONS.items()}
    assert [(r.head, r.tail, r.label) for r in relations] == [
        (ids[expected[0]], ids[expected[1]], expected[2])
    ]


REGIONS = {"s": ("SPEAKER", 0, 2), "c": ("CUE", 3, 7), "q": ("QUOTE", 8, 10)}


def _regions(text: str, kind: str | None = "direct") -> list[dict]:
    """SPEAKER 'He', CUE 'said', QUOTE 'it' as the editor returns them (the quote's kind unless None)."""
    result = [
        {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
        }
        for rid, (label, s, e) in REGIONS.items()
    ]
    if kind is not None:
        result.append(
            {
                "id": "q",
                "from_name": "quote_kind",
                "to_name": "text",
                "type": "choices",
                "value": {"start": 8, "end": 10, "choices": [kind]},
            }
        )
    return result


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            [{"type": "relation", "from_id": "q", "to_id": "s", "labels": ["speaker", "cue"]}],
            r"has 2 labels \(speaker, cue\)",
        ),
        (
            [{"type": "relation", "from_id": "s", "to_id": "q", "direction": "right", "labels": ["speaker"]}],
            r"relation SPEAKER speaker-0-2 -> QUOTE quote-8-10: speaker goes from QUOTE\|CLAIM to SPEAKER",
        ),
    ],
)
def test_convert_relations_are_never_guessed(extra, message) -> None:
    text = "He said it."
    with pytest.raises(AnnotationProblems, match=message):
        regions_to_spans([*_regions(text), *extra], text, get_schema(), "task 4")


def test_convert_quote_without_kind_is_a_problem_not_a_default() -> None:
    text = "He said it."
    with pytest.raises(AnnotationProblems, match=r"task 4, region q: QUOTE 'it' has no kind \(choose one of"):
        regions_to_spans(_regions(text, kind=None), text, get_schema(), "task 4")


def test_convert_every_problem_of_an_annotation_is_listed() -> None:
    text = "He said it."
    bad_link = {"type": "relation", "from_id": "q", "to_id": "s", "labels": ["speaker", "cue"]}
    with pytest.raises(AnnotationProblems) as caught:
        regions_to_spans([*_regions(text, kind=None), bad_link], text, get_schema(), "task 4")
    assert len(caught.value.problems) == 2


def test_convert_claim_checkworthy_default_is_applied_and_recorded_canonical_null_kept() -> None:
    text = "Tax rose 5%. Ana said so."
    claim = {
        "id": "k",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 11, "text": "Tax rose 5%", "labels": ["CLAIM"]},
    }
    speaker = {
        "id": "a",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 13, "end": 16, "text": "Ana", "labels": ["SPEAKER"]},
    }
    spans, _ = regions_to_spans([claim, speaker], text, get_schema(), "t")
    by_label = {s.label: s for s in spans}
    assert by_label["CLAIM"].attrs == {"checkworthy": "low"}
    assert by_label["CLAIM"].defaults == ["checkworthy"]
    assert by_label["SPEAKER"].attrs == {"canonical": None}  # null, not a vanished key
    assert by_label["SPEAKER"].defaults is None


def test_convert_canonical_null_round_trips(make_record) -> None:
    doc = make_record("He said it.", SPEAKER="He", QUOTE="it")
    doc.spans[0].attrs["canonical"] = None
    pred = prediction(doc, get_schema(), "m1")
    back = document_from_task(_task(doc, pred["result"]), pred["result"], get_schema(), {})
    assert back.spans_by_id()[doc.spans[0].id].attrs == {"canonical": None}


def test_convert_split_quote_group_travels_as_segment_relations_and_comes_back() -> None:
    text = '"We will win," she said, "and soon." Then "no more," he said.'
    first, second = text.index("We will win,"), text.index("and soon.")
    third = text.index("no more,")
    spans = [
        Span.at(text, "QUOTE", first, first + 12, attrs={"kind": "direct"}, group="g-7"),
        Span.at(text, "QUOTE", second, second + 9, attrs={"kind": "direct"}, group="g-7"),
        Span.at(text, "QUOTE", third, third + 8, attrs={"kind": "direct"}, group="solo"),
    ]
    doc = Document(id=content_id(text), text=text, spans=spans)
    pred = prediction(doc, get_schema(), "m1")
    links = [r for r in pred["result"] if r["type"] == "relation"]
    assert [(r["from_id"], r["to_id"], r["labels"]) for r in links] == [
        (spans[0].id, spans[1].id, [])  # the config offers no relation labels: the ends decide
    ]
    back = document_from_task(_task(doc, pred["result"]), pred["result"], get_schema(), {})
    assert {s.id: s.group for s in back.spans} == {s.id: s.group for s in spans}
    assert back.relations == []  # the group is the record's `group`, not a relation

    # The annotator links the third quote to the group in the editor: it joins the group.
    joined = [*pred["result"], {**links[0], "from_id": spans[1].id, "to_id": spans[2].id}]
    back = document_from_task(_task(doc, joined), joined, get_schema(), {})
    assert {s.group for s in back.spans} == {"g-7"}


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
        (
            {
                "id": "x",
                "from_name": "label",
                "type": "labels",
                "value": {"start": 3, "end": 7, "labels": ["CUE"]},
            },
            "no text in the region",
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
