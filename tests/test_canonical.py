"""A record read from its canonical line without models: exactly what the models give, or nothing."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import orjson
import pytest
from pydantic import BaseModel, ValidationError, field_validator
from pydantic_core import to_json

from curation.canonical import (
    Canonical,
    Shape,
    Unsupported,
    _typed_read,
    canonical_read,
    canonical_record,
    document_shape,
)
from curation.export.scan import document_digest, dump_digest
from curation.records import Document, Span
from curation.schema import get_schema

TEXT = 'Peskov said “no deal” on Friday. \U0001f600 Tab\there, a "straight" quote and a back\\slash.'
SCHEMA = get_schema()


def record() -> dict[str, Any]:
    """A record using what the models hold: optional fields set and unset, extras on every level."""
    return {
        "id": "d1",
        "source": "t.txt",
        "text": TEXT,
        "meta": {"name": "é", "n": 1, "x": [1.5, None, {"k": "v"}], "small": 1e-05},
        "spans": [
            {"id": "s1", "start": 0, "end": 6, "label": "SPEAKER", "text": "Peskov",
             "attrs": {"canonical": "Dmitry Peskov"}},
            {"id": "c1", "start": 7, "end": 11, "label": "CUE", "text": "said", "attrs": {}, "score": 1.0,
             "rule": "direct_cue", "tool": {"from": "elsewhere"}},
            {"id": "q1", "start": 13, "end": 20, "label": "QUOTE", "text": "no deal",
             "attrs": {"kind": "direct"}, "score": 0.25, "group": "g1", "defaults": ["kind"]},
        ],
        "relations": [
            {"head": "q1", "tail": "s1", "label": "speaker"},
            {"head": "q1", "tail": "c1", "label": "cue", "note": 3},
        ],
        "provenance": {
            "reviewed": True, "annotator": "ann", "annotation_id": 7, "lead_time": 12.5,
            "layers": {"quotes": {"annotator": "ann"}}, "decisions": {"accept": 2},
            "annotation_ids": [1, 2], "labels": ["QUOTE"], "cancelled": False, "extra_key": [True],
        },
        "removed": [{"start": 0, "end": 3, "text": "Ad ", "reason": "boilerplate"}],
        "outside": {"tool": "x"},
    }  # fmt: skip


def typed_record() -> dict[str, Any]:
    """`record()` without extra fields and with floats json.dumps spells as msgspec: one the typed path
    (msgspec Structs) reads; `record()` itself takes the dict path."""
    obj = record()
    del obj["spans"][1]["tool"], obj["relations"][1]["note"], obj["provenance"]["extra_key"], obj["outside"]
    obj["meta"]["small"] = 0.5
    return obj


BASES = [record, typed_record]


def canonical_line(obj: dict[str, Any]) -> bytes:
    """What curation writes for this record: its models' own JSON dump."""
    return Document.checked(obj, SCHEMA).model_dump_json().encode() + b"\n"


def test_the_fast_path_is_on_for_the_record_models() -> None:
    """Every field of today's models is one `Shape` can check (else every line takes the slow path)."""
    assert document_shape() is not None


def test_a_canonical_line_gives_the_models_dump_in_their_order() -> None:
    line = canonical_line(record())
    dump = canonical_record(line, SCHEMA)
    assert dump is not None
    expected = Document.model_validate_json(line).model_dump()
    assert dump == expected
    assert orjson.dumps(dump) == orjson.dumps(expected)  # the same key order, nested too


@pytest.mark.parametrize(
    "spell",
    [
        lambda dump: json.dumps(dump).encode(),  # spaces after separators, ASCII escapes
        lambda dump: json.dumps(dict(reversed(list(dump.items()))), separators=(",", ":")).encode(),
        lambda dump: orjson.dumps(dump) + b" ",
    ],
)
def test_another_spelling_of_a_valid_record_is_left_to_the_models(spell: Any) -> None:
    dump = Document.checked(record(), SCHEMA).model_dump(mode="json")
    assert canonical_record(spell(dump), SCHEMA) is None


def mutations(dump: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The record with one value somewhere changed, removed, or a key added or moved."""
    changed = copy.deepcopy(dump)
    containers: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict | list):
            containers.append(value)
            for member in value.values() if isinstance(value, dict) else value:
                walk(member)

    walk(changed)
    target = rng.choice([c for c in containers if c])
    if isinstance(target, list):
        index = rng.randrange(len(target))
        choice = rng.randrange(3)
        if choice == 0:
            del target[index]
        elif choice == 1:
            target.append(copy.deepcopy(target[index]))
        else:
            target[index] = rng.choice([None, 1, "x", 1.5, {}, []])
        return changed
    key = rng.choice(list(target))
    choice = rng.randrange(5)
    if choice == 0:
        del target[key]
    elif choice == 1:
        target[key] = rng.choice([None, 0, -1, 2, 1.0, 1.5, 7, "QUOTE", "x", True, {}, [], ["a"], 2**64])
    elif choice == 2:
        target[rng.choice(["new", "start", "label", "id", "reviewed"])] = rng.choice([None, 1, "x", 0.5])
    elif choice == 3:
        value = target.pop(key)
        target[key] = value  # moved to the end
    else:
        value = target[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            target[key] = rng.choice([value + 1, value - 1, float(value), -value, value * 1000])
        elif isinstance(value, str):
            target[key] = value + rng.choice(["", "x", " "])
    return changed


@pytest.mark.parametrize("base_record", BASES)
def test_a_line_accepted_without_models_is_one_the_models_accept_with_the_same_values(
    base_record: Any,
) -> None:
    """Thousands of records one change away from a valid one, in the models' own spelling: whatever the
    fast path accepts, validation accepts and dumps to the same values, and the line is its dump."""
    base = Document.checked(base_record(), SCHEMA).model_dump(mode="json")
    rng = random.Random(3)
    accepted = refused = typed = 0
    for _ in range(3000):
        changed = mutations(base, rng)
        try:
            line = to_json(changed)
        except Exception:  # noqa: BLE001 (a value pydantic cannot write: not a line curation could read)
            continue
        dump = canonical_record(line, SCHEMA)
        if dump is None:
            refused += 1
            continue
        accepted += 1
        typed += isinstance(_typed_read(line, SCHEMA), Canonical)
        doc = Document.model_validate_json(line, context={"schema": SCHEMA})  # raises if it is invalid
        assert to_json(doc.model_dump()) == to_json(dump)  # the same key order, ints past 64 bits too
        assert doc.__pydantic_serializer__.to_json(doc) == line
    assert accepted > 100 and refused > 1000  # both sides of the line were exercised
    assert typed > 100 if base_record is typed_record else typed == 0  # and each path


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["spans"][0].update(start=1),  # text[1:6] is not the span's text
        lambda r: r["spans"][0].update(end=0),  # ends before it starts
        lambda r: r["spans"][0].update(start=3, end=3, text=""),  # empty: its text matches, still refused
        lambda r: r["spans"][0].update(start=5, end=3, text=""),
        lambda r: r["spans"][0].update(label="NOPE"),
        lambda r: r["spans"][2].update(attrs={"kind": "sung"}),
        lambda r: r["spans"][2].update(score=1.5),
        lambda r: r["spans"][1].update(id="s1"),  # duplicate id
        lambda r: r["relations"][0].update(tail="nobody"),
        lambda r: r["spans"][0].update(end=10_000),
    ],
)
@pytest.mark.parametrize("base_record", BASES)
def test_a_faulty_record_in_canonical_spelling_is_left_to_the_models(change: Any, base_record: Any) -> None:
    """Written as curation would write it, but wrong: the models reject it with their own message."""
    faulty = Document.checked(base_record(), SCHEMA).model_dump(mode="json")
    change(faulty)
    line = to_json(faulty)
    assert canonical_record(line, SCHEMA) is None
    with pytest.raises(ValidationError):
        Document.model_validate_json(line, context={"schema": SCHEMA})


def test_a_model_with_a_check_the_shape_cannot_see_is_refused() -> None:
    """A field validator (or anything else `Shape` does not know) turns the fast path off, not on."""

    class Checked(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def _upper(cls, value: str) -> str:
            return value.upper()

    with pytest.raises(Unsupported):
        Shape(Checked)
    with pytest.raises(Unsupported):
        Shape(type("Other", (Span,), {"__annotations__": {"extra_field": "int | str"}}))


@pytest.mark.parametrize("small", [1e-05, 0.5, 1e16, None])
def test_a_canonical_read_says_whether_its_floats_are_spelled_alike(small: float | None) -> None:
    """A float json.dumps spells otherwise than msgspec is noted, and the content hash is the same
    whichever way it is written."""
    obj = record()
    obj["meta"]["small"] = small
    line = canonical_line(obj)
    read = canonical_read(line, SCHEMA)
    assert read is not None
    assert read.plain == (small is None or small == 0.5)
    assert dump_digest(read.dump, plain=read.plain) == document_digest(Document.model_validate_json(line))


def test_the_typed_path_reads_a_record_without_extras_as_the_models_do() -> None:
    line = canonical_line(typed_record())
    read = _typed_read(line, SCHEMA)
    assert isinstance(read, Canonical) and read.plain
    expected = Document.model_validate_json(line).model_dump()
    assert to_json(canonical_record(line, SCHEMA)) == to_json(expected)
    assert dump_digest(read.dump, plain=True) == document_digest(Document.model_validate_json(line))
