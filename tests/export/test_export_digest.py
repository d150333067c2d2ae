"""The content hash of a record is the hash of its JSON-mode dump, however it is computed."""

from __future__ import annotations

import enum
import hashlib
import json
import math
import random
import struct

import msgspec
import pytest

from curation.canonical import spelled_alike
from curation.export.scan import EXPORTED_FIELDS, VOLATILE_PROVENANCE, document_digest, sorted_json
from curation.records import Document, Span


class Label(enum.StrEnum):
    QUOTE = "QUOTE"


def json_mode_digest(doc: Document) -> str:
    """The definition (what versions written before have in their manifests)."""
    content = doc.model_dump(mode="json", include=EXPORTED_FIELDS)
    for key in VOLATILE_PROVENANCE:
        content["provenance"].pop(key, None)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def nested(depth: int) -> list[object]:
    value: list[object] = [1]
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "meta",
    [
        {"name": "é \u2019 \U0001f600", "n": 1, "x": 2.5, "ok": True, "none": None, "list": [1, "a", None]},
        {"nan": float("nan")},  # JSON mode writes null: the hash must not see NaN
        {"deep": {"inf": [float("-inf")]}},
        # numbers in every form json.dumps writes (exponents, below 1e-4, beyond 64 bits) and deep
        # nesting: the hash must stay the definition whatever computes it
        {"small": 1.5e-05, "big": 1e16, "tiny": 5e-324, "neg": -2.5e-8, "edge": 0.0001, "zero": -0.0},
        {"int": 2**70, "u64": 2**64 - 1, "i64": -(2**63)},
        {"deep": nested(253)},
        # escapes, separators inside strings, keys beyond the BMP
        {
            'q",: "k': 'a\\", "b": 1, \\\\',
            "ctl": "".join(chr(i) for i in range(32)) + "\x7f\u2028\u2029\ufeff",
            "é": 1,
            "\uffff": 2,
            "\U00010000": 3,
            "Z": 4,
            "floats": [0.1, 1 / 3, 123456789.125, 1e15, 9999999999999998.0, 100.0],
        },
    ],
)
def test_digest_is_the_json_mode_dump_hash(meta: dict[str, object]) -> None:
    text = "Obama said: “Yes.”"
    doc = Document(
        id="d1",
        text=text,
        meta=meta,
        spans=[Span.at(text, "QUOTE", 11, 17, score=0.5, rule="direct_cue", extra_field=None)],
        provenance={"reviewed": True, "annotated_at": "2026-01-01T00:00:00+00:00", "lead_time": 2.0},
    )
    assert document_digest(doc) == json_mode_digest(doc)


def test_digest_leaves_out_the_annotation_time() -> None:
    one = Document(id="d1", text="t", provenance={"annotated_at": "2026-01-01T00:00:00+00:00"})
    two = Document(id="d1", text="t", provenance={"annotated_at": "2026-02-01T00:00:00+00:00"})
    three = Document(
        id="d1", text="t", provenance={"annotated_at": "2026-02-01T00:00:00+00:00"}, meta={"a": 1}
    )
    assert document_digest(one) == document_digest(two) != document_digest(three)


TRICKY = [
    '"',
    "\\",
    ":",
    ",",
    " ",
    '",',
    '":',
    '\\"',
    "\\\\",
    "\x00",
    "\x1f",
    "\x7f",
    "é",
    "\U0001f600",
    "a",
    "0",
]


def tricky_value(rng: random.Random, depth: int = 0) -> object:
    """A random JSON value whose strings and keys are made of what a separator fix could get wrong."""
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return "".join(rng.choice(TRICKY) for _ in range(rng.randrange(6)))
    if kind == 1:
        return rng.choice([0, -1, 2**63 - 1, 1.5, -0.25, 1e16, 123456.789, 0.0001, True, False, None])
    if kind == 2:
        return rng.random()
    if kind == 3:
        return rng.randrange(-(10**6), 10**6)
    if kind == 4:
        return [tricky_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {
        "".join(rng.choice(TRICKY) for _ in range(rng.randrange(4))): tricky_value(rng, depth + 1)
        for _ in range(rng.randrange(5))
    }


def test_sorted_json_is_json_dumps_byte_for_byte() -> None:
    """The hash's bytes written by msgspec are json.dumps' bytes (its separators, keys in its order)."""
    rng = random.Random(14)
    written = 0
    for _ in range(2000):
        value = tricky_value(rng)
        data = sorted_json(value)
        if data is not None:  # None: a float it declines (1e16 among the choices), json.dumps' path
            assert data == json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
            written += 1
    assert written > 1500


@pytest.mark.parametrize(
    "value",
    [
        {"small": 1.5e-05}, [1e-07], {"neg": -2.5e-8}, {"big": 1e16}, [-1e300], {"d": b"x"}, (1, 2),
        {1: "int key"}, {"enum": Label.QUOTE}, nested(2000),
    ],
)  # fmt: skip
def test_sorted_json_declines_what_msgspec_spells_otherwise(value: object) -> None:
    """A float below 1e-4 or from 1e16, a type json.dumps refuses or spells otherwise, nesting deeper
    than msgspec writes: json.dumps' own path."""
    assert sorted_json(value) is None


@pytest.mark.parametrize(
    "value", [2**64, {"big": [-(2**70)]}, [0.0001, 9999999999999998.0, -0.0, 5e-324 * 0]]
)
def test_sorted_json_writes_big_ints_and_floats_in_range(value: object) -> None:
    assert sorted_json(value) == json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")


def test_floats_spelled_alike_are_spelled_alike() -> None:
    """`spelled_alike` says which floats msgspec writes as json.dumps does: random bit patterns and every
    power of ten, each side of the bounds."""
    rng = random.Random(7)
    values = [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0] for _ in range(20000)]
    values += [m * 10.0**e for e in range(-320, 308) for m in (1.0, -1.0, 1.5, 9.999999999999998)]
    values += [0.0001, 1e16, 9999999999999998.0, 0.00009999999999999999, rng.random()]
    for value in values:
        if math.isfinite(value) and spelled_alike(value):
            assert msgspec.json.encode(value) == repr(value).encode(), value
