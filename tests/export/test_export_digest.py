"""The content hash of a record is the hash of its JSON-mode dump, however it is computed."""

from __future__ import annotations

import hashlib
import json

import pytest

from curation.export.scan import EXPORTED_FIELDS, VOLATILE_PROVENANCE, document_digest
from curation.records import Document, Span


def json_mode_digest(doc: Document) -> str:
    """The definition (what versions written before have in their manifests)."""
    content = doc.model_dump(mode="json", include=EXPORTED_FIELDS)
    for key in VOLATILE_PROVENANCE:
        content["provenance"].pop(key, None)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize(
    "meta",
    [
        {"name": "é \u2019 \U0001f600", "n": 1, "x": 2.5, "ok": True, "none": None, "list": [1, "a", None]},
        {"nan": float("nan")},  # JSON mode writes null: the hash must not see NaN
        {"deep": {"inf": [float("-inf")]}},
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
