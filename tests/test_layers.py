"""Annotation layers: what each layer shows, and merging one annotator's layers back into one record."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from curation.layers import layer_title, layer_view, merge_layers, merge_records, split_title
from curation.records import Document, Provenance, Relation, Span
from curation.schema import SCHEMA_PATH, LabelSchema, get_schema

TEXT = 'Ada said "the vote passed". The vote passed by 12 votes, Ben claimed.'


def _doc(
    spans: list[tuple[str, str]], relations: list[tuple[int, int, str]], **provenance: object
) -> Document:
    built = []
    for label, fragment in spans:
        start = TEXT.index(fragment)
        built.append(Span.at(TEXT, label, start, start + len(fragment)))
    rels = [Relation(head=built[h].id, tail=built[t].id, label=name) for h, t, name in relations]
    return Document(id="d1", text=TEXT, spans=built, relations=rels, provenance=dict(provenance))


FULL = _doc(
    [("SPEAKER", "Ada"), ("CUE", "said"), ("QUOTE", "the vote passed"),
     ("CLAIM", "The vote passed by 12 votes"), ("SPEAKER", "Ben")],
    [(2, 0, "speaker"), (2, 1, "cue"), (3, 4, "speaker")],
)  # fmt: skip


def test_layers_come_from_the_schema_and_cover_every_label_once() -> None:
    schema = get_schema()
    assert schema.layer_names == ["attribution", "claims"]
    assert schema.layer_relations("claims") == [("speaker", "CLAIM", "SPEAKER")]
    raw = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    raw["layers"]["claims"]["labels"].append("QUOTE")
    with pytest.raises(ValueError, match="'QUOTE' is in layers 'attribution' and 'claims'"):
        LabelSchema.model_validate(raw)
    raw = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    raw["spans"]["SOURCE_DOC"] = {"description": "a cited document", "color": "#000000", "hotkey": "d"}
    with pytest.raises(ValueError, match="SOURCE_DOC.*belong to no layer"):
        LabelSchema.model_validate(raw)


def test_layer_view_keeps_a_layers_labels_and_relations_only() -> None:
    schema = get_schema()
    attribution = layer_view(FULL, schema, "attribution")
    assert {s.label for s in attribution.spans} == {"SPEAKER", "CUE", "QUOTE"}
    assert sorted(r.label for r in attribution.relations) == ["cue", "speaker"]
    claims = layer_view(FULL, schema, "claims")
    assert {s.label for s in claims.spans} == {"CLAIM", "SPEAKER"}
    assert [(r.head, r.tail) for r in claims.relations] == [("claim-28-55", "speaker-57-60")]


def test_merge_takes_each_label_from_its_layer_and_says_what_it_added() -> None:
    schema = get_schema()
    who: dict[str, Any] = {"annotator": "a@x", "reviewed": True}
    # The attribution annotator deleted Ben (who says no quote); the claims annotator deleted Ada
    # (not theirs to delete: SPEAKER belongs to attribution) and linked the claim to Ben.
    attribution = layer_view(FULL, schema, "attribution").model_copy(
        update={"spans": [s for s in FULL.spans if s.label != "CLAIM" and s.text != "Ben"],
                "provenance": Provenance(**who, layer="attribution", project="news · attribution",
                               updated_at="2026-01-01T10:00:00+00:00")}
    )  # fmt: skip
    claims_doc = layer_view(FULL, schema, "claims")
    claims = claims_doc.model_copy(
        update={
            "spans": [s for s in claims_doc.spans if s.text != "Ada"],
            "provenance": Provenance(**who, layer="claims", project="news · claims",
                           updated_at="2026-01-02T10:00:00+00:00"),
        }
    )  # fmt: skip
    merged = merge_layers({"attribution": attribution, "claims": claims}, schema)
    doc = merged.document
    assert sorted(s.id for s in doc.spans) == sorted(s.id for s in FULL.spans)  # Ada: from attribution
    assert sorted((r.head, r.tail, r.label) for r in doc.relations) == sorted(
        (r.head, r.tail, r.label) for r in FULL.relations
    )
    # Ben is a SPEAKER only the claims layer has (linked to its claim): kept from there, and said so
    assert merged.notes == [
        "document d1: SPEAKER 'Ben' (57-60) is linked in layer 'claims' and kept from it: "
        "layer 'attribution' does not have it"
    ]
    assert doc.provenance.project == "news"
    assert doc.provenance.updated_at == "2026-01-02T10:00:00+00:00"
    assert set(doc.provenance.layers or {}) == {"attribution", "claims"} and merged.missing == []


def test_merge_records_groups_by_document_and_annotator_and_reports_missing_layers() -> None:
    schema = get_schema()
    parts = [
        layer_view(FULL, schema, "attribution").model_copy(
            update={"provenance": Provenance(annotator=name, reviewed=True, layer="attribution")}
        )
        for name in ("a@x", "b@x")
    ]
    merged = list(merge_records(parts, schema))
    assert [m.document.provenance.annotator for m in merged] == ["a@x", "b@x"]
    assert all(m.missing == ["claims"] and m.document.provenance.layers_missing == ["claims"] for m in merged)
    with pytest.raises(ValueError, match="is by 'b@x', not 'a@x'"):
        merge_layers({"attribution": parts[0], "claims": parts[1]}, schema)


def test_layer_titles_round_trip() -> None:
    schema = get_schema()
    assert layer_title("news", "claims") == "news · claims"
    assert split_title("news · claims", schema) == ("news", "claims")
    assert split_title("news", schema) == ("news", "all")
